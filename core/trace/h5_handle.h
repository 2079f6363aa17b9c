#pragma once
// Internal to core/trace: RAII for HDF5 C API ids and errors turned into specmoe::Error
// with HDF5's own description (e.g. "file write failed ... No space left on device").
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::h5 {

// Silences HDF5's automatic error printing (once per process).
void quietErrors();

// The current HDF5 error stack as one line; clears it.
std::string lastError();

// Throws specmoe::Error("<where>: <what>: <hdf5 error stack>").
[[noreturn]] void fail(const std::string& where, const std::string& what);

class Id {
public:
    Id() = default;
    explicit Id(hid_t id) : m_id(id) {}
    ~Id() { reset(); }
    Id(Id&& o) noexcept : m_id(o.m_id) { o.m_id = -1; }
    Id& operator=(Id&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_id = o.m_id;
            o.m_id = -1;
        }
        return *this;
    }
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;
    hid_t get() const { return m_id; }
    operator hid_t() const { return m_id; }
    bool valid() const { return m_id >= 0; }
    // Closes with the matching H5?close; returns false when HDF5 reports an error.
    bool close();
    void reset() { (void)close(); }
    hid_t release()
    {
        const hid_t r = m_id;
        m_id = -1;
        return r;
    }

private:
    hid_t m_id = -1;
};

// Checks an id or status; throws via fail() when negative.
hid_t check(hid_t id, const std::string& where, const std::string& what);

// The IEEE binary16 type h5py and numpy recognize as float16 (a private copy per call).
Id float16Type();

// Attributes on an object.
void writeAttr(hid_t obj, const std::string& name, const std::string& value, const std::string& where);
void writeAttr(hid_t obj, const std::string& name, int64_t value, const std::string& where);
void writeAttr(hid_t obj, const std::string& name, const std::vector<int32_t>& value, const std::string& where);
bool hasAttr(hid_t obj, const std::string& name);
std::string readStringAttr(hid_t obj, const std::string& name, const std::string& where);
int64_t readIntAttr(hid_t obj, const std::string& name, const std::string& where);
std::vector<int32_t> readIntArrayAttr(hid_t obj, const std::string& name, const std::string& where);

bool exists(hid_t loc, const std::string& path);
// Current extent of a dataset.
std::vector<hsize_t> shape(hid_t dset, const std::string& where);

// Variable-length UTF-8 string datasets (1-D). readStrings wants exactly n entries: the
// extent comes from the file, so it is checked before anything is sized from it.
void writeStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& where);
std::vector<std::string> readStrings(hid_t loc, const std::string& name, size_t n, const std::string& where);

// Plain contiguous 1-D dataset write / whole read with the given memory type.
void writeVector(hid_t loc, const std::string& name, hid_t type, const void* data, size_t n,
                 const std::string& where);
void readVector(hid_t loc, const std::string& name, hid_t memType, void* data, size_t n,
                const std::string& where);

} // namespace specmoe::h5
