#pragma once
// SHA-256 (FIPS 180-4), incremental, for files that travel with a trace and are named by
// their hash in its manifest (the feature basis).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace specmoe {

class Sha256 {
public:
    Sha256();
    Sha256& add(const void* data, size_t n);
    // The digest as 64 lower-case hex digits; the object is spent afterwards.
    std::string hex();

private:
    void block(const uint8_t* p);
    std::array<uint32_t, 8> m_h;
    std::array<uint8_t, 64> m_buf{};
    size_t m_fill = 0;
    uint64_t m_bytes = 0;
};

std::string sha256Hex(const void* data, size_t n);
// SHA-256 of a whole file. Throws specmoe::Error naming the file.
std::string sha256File(const std::string& path);

} // namespace specmoe
