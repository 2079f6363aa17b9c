#include "core/data/utf8.h"

#include <cstdint>
#include <cstring>

namespace specmoe {

bool isValidUtf8(std::string_view s, size_t* badOffset)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len = 0;
        uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            if (badOffset)
                *badOffset = i;
            return false;
        }
        bool ok = i + size_t(len) <= n;
        for (int k = 1; ok && k < len; ++k) {
            const unsigned char cc = p[i + size_t(k)];
            ok = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (ok) {
            static const uint32_t minCp[5] = {0, 0, 0x80, 0x800, 0x10000};
            ok = cp >= minCp[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        }
        if (!ok) {
            if (badOffset)
                *badOffset = i;
            return false;
        }
        i += size_t(len);
    }
    return true;
}

bool looksBinary(std::string_view s) { return std::memchr(s.data(), 0, s.size()) != nullptr; }

} // namespace specmoe
