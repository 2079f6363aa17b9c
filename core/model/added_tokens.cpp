#include "core/model/added_tokens.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace specmoe {
namespace {

// `tokenizers` tests these with the regexes \w and \s (Rust, Unicode): a word character is
// alphabetic, a mark, a decimal digit, connector punctuation (_) or a join control.
bool wordChar(UChar32 c)
{
    if (c < 0)
        return false; // not UTF-8: no character
    return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL) ||
           (U_GET_GC_MASK(c) & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) != 0;
}

bool spaceChar(UChar32 c) { return c >= 0 && u_hasBinaryProperty(c, UCHAR_WHITE_SPACE); }

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

UChar32 charBefore(const std::string& s, size_t at)
{
    int32_t i = static_cast<int32_t>(at);
    UChar32 c;
    U8_PREV(bytes(s), 0, i, c);
    return c;
}

UChar32 charAt(const std::string& s, size_t at)
{
    int32_t i = static_cast<int32_t>(at);
    UChar32 c;
    U8_NEXT(bytes(s), i, static_cast<int32_t>(s.size()), c);
    return c;
}

// Where the whitespace that ends s[0, at) begins.
size_t spaceRunStart(const std::string& s, size_t at)
{
    while (at > 0) {
        int32_t i = static_cast<int32_t>(at);
        UChar32 c;
        U8_PREV(bytes(s), 0, i, c);
        if (!spaceChar(c))
            break;
        at = static_cast<size_t>(i);
    }
    return at;
}

// Where the whitespace that starts s[at, end) ends.
size_t spaceRunEnd(const std::string& s, size_t at)
{
    while (at < s.size()) {
        int32_t i = static_cast<int32_t>(at);
        UChar32 c;
        U8_NEXT(bytes(s), i, static_cast<int32_t>(s.size()), c);
        if (!spaceChar(c))
            break;
        at = static_cast<size_t>(i);
    }
    return at;
}

} // namespace

void AddedTokens::finish(const std::function<std::string(const std::string&)>& normalize)
{
    for (auto& kind : m_byFirstByte)
        for (auto& list : kind)
            list.clear();
    for (size_t i = 0; i < m_tokens.size(); ++i) {
        const AddedToken& t = m_tokens[i];
        std::string text = t.normalized ? normalize(t.content) : t.content;
        if (text.empty())
            continue; // normalized to nothing: it can match nowhere
        m_byFirstByte[t.normalized ? 1 : 0][static_cast<unsigned char>(text[0])].push_back({std::move(text), i});
    }
    for (auto& kind : m_byFirstByte)
        for (auto& list : kind)
            std::stable_sort(list.begin(), list.end(),
                             [](const Pattern& x, const Pattern& y) { return x.text.size() > y.text.size(); });
}

std::vector<AddedSplit> AddedTokens::split(const std::string& text, bool normalizedText) const
{
    const auto& byFirstByte = m_byFirstByte[normalizedText ? 1 : 0];
    std::vector<AddedSplit> out;
    size_t done = 0; // the end of the last token taken (with its stripped whitespace)
    for (size_t i = 0; i < text.size();) {
        const Pattern* hit = nullptr;
        for (const Pattern& p : byFirstByte[static_cast<unsigned char>(text[i])])
            if (text.compare(i, p.text.size(), p.text) == 0) {
                hit = &p;
                break;
            }
        if (!hit) {
            ++i;
            continue;
        }
        size_t begin = i, end = i + hit->text.size();
        i = end; // as `tokenizers`: the search goes on after a match, also one discarded below
        const AddedToken& t = m_tokens[hit->token];
        if (t.singleWord && ((begin > 0 && wordChar(charBefore(text, begin))) ||
                             (end < text.size() && wordChar(charAt(text, end)))))
            continue; // inside a word
        if (t.lstrip) // not into what the previous token took
            begin = std::max(spaceRunStart(text, begin), done);
        if (t.rstrip)
            end = spaceRunEnd(text, end);
        if (done < begin)
            out.push_back({done, begin, -1});
        out.push_back({begin, end, t.id});
        done = end;
    }
    if (done != text.size())
        out.push_back({done, text.size(), -1});
    return out;
}

} // namespace specmoe
