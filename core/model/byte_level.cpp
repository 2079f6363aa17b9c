#include "core/model/byte_level.h"

#include <array>
#include <cstdint>
#include <unordered_map>

namespace specmoe::byte_level {
namespace {

void appendUtf8(std::string& out, uint32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// Printable Latin-1 bytes keep their code point; the others (controls, space, 0x7F-0xA0,
// 0xAD) take 256, 257, ... in byte order, as GPT-2 assigned them.
struct Tables {
    std::array<std::string, 256> toChar;
    std::unordered_map<uint32_t, uint8_t> toByte;
    Tables()
    {
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            const uint32_t cp = printable ? b : next++;
            appendUtf8(toChar[b], cp);
            toByte[cp] = uint8_t(b);
        }
    }
};

const Tables& tables()
{
    static const Tables t;
    return t;
}

} // namespace

std::string encode(std::string_view bytes)
{
    const Tables& t = tables();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes)
        out += t.toChar[c];
    return out;
}

bool decode(std::string_view text, std::string& bytes)
{
    const Tables& t = tables();
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        uint32_t cp = 0;
        size_t len = 1;
        if (c < 0x80) {
            cp = c;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            len = 2;
        } else {
            return false; // the alphabet ends below U+0800
        }
        const auto it = t.toByte.find(cp);
        if (it == t.toByte.end())
            return false;
        bytes += char(it->second);
        i += len;
    }
    return true;
}

} // namespace specmoe::byte_level
