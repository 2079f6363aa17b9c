#pragma once
// A fast, stable 64-bit hash (FNV-1a, finalised with a 64-bit mixer) for duplicate
// detection and fingerprints. Stable across platforms and runs: it is stored on disk.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace specmoe {

class Hash64 {
public:
    Hash64& add(const void* data, size_t n)
    {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) {
            m_h ^= p[i];
            m_h *= 0x100000001b3ULL;
        }
        return *this;
    }
    Hash64& add(std::string_view s)
    {
        const uint64_t n = s.size();
        add(&n, sizeof n); // length prefix keeps ("ab","c") apart from ("a","bc")
        return add(s.data(), s.size());
    }
    Hash64& add(uint64_t v) { return add(&v, sizeof v); }
    uint64_t value() const
    {
        uint64_t z = m_h;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    uint64_t m_h = 0xcbf29ce484222325ULL;
};

} // namespace specmoe
