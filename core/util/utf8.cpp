#include "core/util/utf8.h"

#include <cstdint>
#include <cstring>

namespace specmoe {

size_t utf8SequenceLength(std::string_view s, size_t i)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    const unsigned char c = p[i];
    if (c < 0x80)
        return 1;
    size_t len = 0;
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
        return 0; // a continuation byte or 0xF8..0xFF
    }
    if (i + len > n)
        return 0;
    for (size_t k = 1; k < len; ++k) {
        const unsigned char cc = p[i + k];
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t minCp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minCp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool isValidUtf8(std::string_view s, size_t* badOffset)
{
    size_t i = 0;
    while (i < s.size()) {
        const size_t len = utf8SequenceLength(s, i);
        if (len == 0) {
            if (badOffset)
                *badOffset = i;
            return false;
        }
        i += len;
    }
    return true;
}

std::string sanitizeUtf8(std::string_view s, std::string_view replacement)
{
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const size_t len = utf8SequenceLength(s, i);
        if (len == 0) {
            out.append(replacement);
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

bool looksBinary(std::string_view s) { return std::memchr(s.data(), 0, s.size()) != nullptr; }

} // namespace specmoe
