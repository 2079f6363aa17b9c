#pragma once
// Internal to core/import: the bytes of one NPY file or NPZ member, front to back.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace specmoe::import {

class NpyStream {
public:
    virtual ~NpyStream() = default;
    // Fills exactly n bytes or throws an Error naming the input (truncated, read error,
    // corrupt compressed data).
    virtual void read(char* out, size_t n) = 0;
    // Bytes not read yet (the member's uncompressed size minus what was read).
    virtual uint64_t remaining() const = 0;
};

// A whole .npy file.
std::unique_ptr<NpyStream> openNpyFile(const std::string& path);
// Member `name` of an .npz archive (stored or deflated; zip64 read); its CRC-32 is checked
// when the last byte has been read. `name` may omit ".npy".
std::unique_ptr<NpyStream> openNpzMember(const std::string& path, const std::string& name);

} // namespace specmoe::import
