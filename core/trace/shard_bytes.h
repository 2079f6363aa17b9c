#pragma once
// Internal to core/trace: a shard file's bytes checked against the size and CRC-32 the
// manifest records before HDF5 sees a byte of them; HDF5 then opens the memory (core driver,
// read-only, no copy). A flipped byte in HDF5's metadata (e.g. the global heap of the
// sequence strings) can crash libhdf5 outright, so an unchecked shard must never reach it.
// The file is mapped (guarded_mapping.h: a read fault becomes an Error, not SIGBUS) and
// checksummed where it lies, so checking costs one pass over the bytes and no copy; where it
// cannot be mapped it is read into memory we own. Either way HDF5 reads the checked bytes,
// not the file a second time.
#include <hdf5.h>

#include "core/trace/guarded_mapping.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace specmoe::shard {

// What the manifest says of a shard file.
struct ShardExpectation {
    int64_t bytes = 0;
    std::string crc32; // eight lower-case hex digits
};

class ShardBytes {
public:
    // Reads `path`; throws specmoe::Error naming `label` when the file cannot be read or its
    // size or CRC-32 differ from `expect`.
    ShardBytes(const std::string& path, const std::string& label, const ShardExpectation& expect);
    ~ShardBytes();
    ShardBytes(const ShardBytes&) = delete;
    ShardBytes& operator=(const ShardBytes&) = delete;

    // Points fapl at these bytes (core driver, no backing store, no copy). The bytes must
    // outlive every file opened with it.
    void attach(hid_t fapl, const std::string& label);
    size_t size() const { return m_size; }
    // Throws an Error naming `label` when a read of the mapped file failed after the check
    // (the file shrank or the storage failed): what HDF5 read since is not the shard's.
    void checkIntact(const std::string& label) const;
    // The name to open the image by: unique per ShardBytes and no existing file (HDF5's core
    // driver refuses an image whose name exists on disk, and takes two opens of one name
    // for the same file).
    const std::string& imageName() const { return m_name; }

private:
    char* m_data = nullptr;
    size_t m_size = 0;
    size_t m_mapped = 0;                    // the owned buffer's length (no mapping)
    std::unique_ptr<GuardedMapping> m_file; // the mapped file, or null
    std::string m_name;
};

// Identity and state of a file: a shard whose stamp is unchanged since its bytes were
// checked need not be checked again by the same TraceSet (epochs, index then stream).
struct FileStamp {
    uint64_t dev = 0, ino = 0;
    int64_t size = -1, mtimeNs = 0, ctimeNs = 0;
    bool operator==(const FileStamp& o) const
    {
        return dev == o.dev && ino == o.ino && size == o.size && mtimeNs == o.mtimeNs && ctimeNs == o.ctimeNs;
    }
};
// size -1 when the file cannot be stat'ed.
FileStamp stampOf(const std::string& path);

} // namespace specmoe::shard
