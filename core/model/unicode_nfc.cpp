// NFC for the tokenizer.json normalizer (Qwen's files ask for it), through ICU.
#include "core/model/pre_tokenizer.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <vector>

namespace specmoe {

std::string nfc(const std::string& text)
{
    bool ascii = true;
    for (unsigned char c : text)
        ascii = ascii && c < 0x80;
    if (ascii)
        return text; // ASCII is NFC already
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2* n = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        return text;
    int32_t len16 = 0;
    u_strFromUTF8(nullptr, 0, &len16, text.data(), int32_t(text.size()), &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return text; // not valid UTF-8: left as it is
    st = U_ZERO_ERROR;
    std::vector<UChar> u16(static_cast<size_t>(len16) + 1);
    u_strFromUTF8(u16.data(), len16 + 1, nullptr, text.data(), int32_t(text.size()), &st);
    if (U_FAILURE(st) || unorm2_isNormalized(n, u16.data(), len16, &st))
        return text;
    st = U_ZERO_ERROR;
    const int32_t cap = len16 * 3 + 16; // NFC never grows text beyond 3x
    std::vector<UChar> norm(static_cast<size_t>(cap));
    const int32_t nlen = unorm2_normalize(n, u16.data(), len16, norm.data(), cap, &st);
    if (U_FAILURE(st))
        return text;
    int32_t len8 = 0;
    u_strToUTF8(nullptr, 0, &len8, norm.data(), nlen, &st);
    st = U_ZERO_ERROR;
    std::string out(size_t(len8), '\0');
    u_strToUTF8(out.data(), len8, nullptr, norm.data(), nlen, &st);
    return U_FAILURE(st) && st != U_STRING_NOT_TERMINATED_WARNING ? text : out;
}

} // namespace specmoe
