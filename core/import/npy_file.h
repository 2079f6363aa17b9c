#pragma once
// NumPy's NPY format (numpy.lib.format, versions 1.0, 2.0 and 3.0) and NPZ archives of NPY
// members (np.savez: stored; np.savez_compressed: deflated; zip64 included), read strictly:
// the header must be the dict numpy writes ('descr', 'fortran_order', 'shape'), the dtype a
// plain integer, float or bool of either byte order, and the data exactly as long as the
// shape says. Anything else is an Error naming the file (and member), the field and what is
// accepted. Arrays are read in C order, front to back, in pieces of any size, so an importer
// streams files larger than memory.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::import {

enum class NpyKind { Bool, Signed, Unsigned, Float };

struct NpyInfo {
    NpyKind kind = NpyKind::Signed;
    int itemBytes = 0;          // 1, 2, 4 or 8 (floats: 2, 4, 8)
    bool bigEndian = false;
    bool fortranOrder = false;  // accepted only where the shape makes it the same as C order
    std::vector<int64_t> shape; // () is a scalar
    std::string descr;          // as written, e.g. "<i4"
    int64_t count() const;      // product of the shape (1 for a scalar)
};

// A byte stream of one array's data: a region of a file, or an inflating zip member.
class NpyStream;

class NpyReader {
public:
    // `path` is an .npy file, or, with `member` set, an .npz archive and the member's name
    // with or without ".npy" (np.savez(f, ids=...) stores "ids.npy").
    explicit NpyReader(const std::string& path, const std::string& member = "");
    ~NpyReader();
    NpyReader(const NpyReader&) = delete;
    NpyReader& operator=(const NpyReader&) = delete;

    const NpyInfo& info() const { return m_info; }
    // "FILE" or "FILE[member]", the name errors use.
    const std::string& label() const { return m_label; }
    int64_t remaining() const { return m_info.count() - m_done; }

    // The next `n` elements (C order) as integers: booleans 0/1, integers range-checked
    // against int64; floats are an error (ids must be integers).
    void readInt64(size_t n, int64_t* out);
    // The next `n` elements as float (integers converted; float64 beyond float's range is
    // kept as +-inf, which the importer's value checks report).
    void readFloat(size_t n, float* out);
    // Skips `n` elements.
    void skip(size_t n);

private:
    void readRaw(size_t n, std::vector<char>& buf);
    std::string shapeText() const;
    std::string m_label;
    NpyInfo m_info;
    std::unique_ptr<NpyStream> m_stream;
    int64_t m_done = 0;
    std::vector<char> m_buf;
};

// The members of an .npz archive, as stored (e.g. "ids.npy").
std::vector<std::string> npzMembers(const std::string& path);

// Parses an NPY header from the first bytes of a file (at least the whole header); returns
// the data offset. Exposed for tests and the fuzz target.
size_t parseNpyHeader(const char* data, size_t size, const std::string& label, NpyInfo& info);

} // namespace specmoe::import
