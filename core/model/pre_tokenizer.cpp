#include "core/model/pre_tokenizer.h"

#include "core/model/byte_level.h"
#include "core/util/error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

namespace specmoe {
namespace {

// GPT-2's pre-tokenizer pattern, which ByteLevel applies when use_regex is true.
constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

pcre2_code* code(void* p) { return static_cast<pcre2_code*>(p); }

// The segments of `text` with whether each is a match, covering it in order.
std::vector<std::pair<std::string, bool>> segments(const SplitRegex& re, const std::string& text, bool invert)
{
    std::vector<std::pair<std::string, bool>> out;
    size_t prev = 0;
    for (const auto& [b, e] : re.matches(text)) {
        if (b > prev)
            out.emplace_back(text.substr(prev, b - prev), invert);
        out.emplace_back(text.substr(b, e - b), !invert);
        prev = e;
    }
    if (prev < text.size())
        out.emplace_back(text.substr(prev), invert);
    return out;
}

// The pieces a Split with `behavior` makes of the segments.
std::vector<std::string> combine(const std::vector<std::pair<std::string, bool>>& segs, SplitBehavior behavior)
{
    std::vector<std::string> out;
    bool prevMatch = false;
    switch (behavior) {
    case SplitBehavior::Removed:
        for (const auto& [s, m] : segs)
            if (!m)
                out.push_back(s);
        break;
    case SplitBehavior::Isolated:
        for (const auto& [s, m] : segs)
            out.push_back(s);
        break;
    case SplitBehavior::MergedWithPrevious: // a match joins the piece before it
        for (const auto& [s, m] : segs) {
            if (m && !prevMatch && !out.empty())
                out.back() += s;
            else
                out.push_back(s);
            prevMatch = m;
        }
        break;
    case SplitBehavior::MergedWithNext: // a match joins the piece after it
        for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
            if (it->second && !prevMatch && !out.empty())
                out.back() = it->first + out.back();
            else
                out.push_back(it->first);
            prevMatch = it->second;
        }
        std::reverse(out.begin(), out.end());
        break;
    case SplitBehavior::Contiguous: // runs of matches, and of non-matches, stay together
        for (size_t i = 0; i < segs.size(); ++i) {
            if (i > 0 && segs[i].second == segs[i - 1].second)
                out.back() += segs[i].first;
            else
                out.push_back(segs[i].first);
        }
        break;
    }
    return out;
}

class SplitStep : public PreTokenizeStep {
public:
    SplitStep(std::unique_ptr<SplitRegex> re, SplitBehavior b, bool invert)
        : m_re(std::move(re)), m_behavior(b), m_invert(invert)
    {
    }
    void apply(std::vector<std::string>& pieces) const override
    {
        std::vector<std::string> out;
        for (const std::string& p : pieces)
            for (std::string& s : combine(segments(*m_re, p, m_invert), m_behavior))
                if (!s.empty())
                    out.push_back(std::move(s));
        pieces = std::move(out);
    }

private:
    std::unique_ptr<SplitRegex> m_re;
    SplitBehavior m_behavior;
    bool m_invert;
};

class ByteLevelStep : public PreTokenizeStep {
public:
    ByteLevelStep(bool addPrefixSpace, bool useRegex) : m_addPrefixSpace(addPrefixSpace)
    {
        if (useRegex)
            m_split = makeSplitStep(std::make_unique<SplitRegex>(kGpt2Pattern, false, "ByteLevel"),
                                    SplitBehavior::Isolated, false);
    }
    void apply(std::vector<std::string>& pieces) const override
    {
        if (m_addPrefixSpace)
            for (std::string& p : pieces)
                if (p.empty() || p[0] != ' ')
                    p.insert(p.begin(), ' ');
        if (m_split)
            m_split->apply(pieces);
        for (std::string& p : pieces)
            p = byte_level::encode(p);
    }

private:
    bool m_addPrefixSpace;
    std::unique_ptr<PreTokenizeStep> m_split;
};

} // namespace

SplitRegex::SplitRegex(const std::string& pattern, bool literal, const std::string& where)
{
    int err = 0;
    PCRE2_SIZE offset = 0;
    // PCRE2_LITERAL refuses PCRE2_UCP, which a literal does not need.
    const uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
    m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &err, &offset, nullptr);
    if (!m_code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        throw Error(where + ": the pattern does not compile at offset " + std::to_string(offset) + " (" +
                    reinterpret_cast<const char*>(msg) + ")");
    }
    pcre2_jit_compile(code(m_code), PCRE2_JIT_COMPLETE); // optional: the interpreter is the fallback
}

SplitRegex::~SplitRegex() { pcre2_code_free(code(m_code)); }

std::vector<std::pair<size_t, size_t>> SplitRegex::matches(const std::string& text) const
{
    std::vector<std::pair<size_t, size_t>> out;
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(code(m_code), nullptr);
    if (!md)
        throw Error("out of memory matching a pre-tokenizer pattern");
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t start = 0;
    while (start <= text.size()) {
        const int rc = pcre2_match(code(m_code), subject, text.size(), start, 0, md, nullptr);
        if (rc < 0)
            break; // PCRE2_ERROR_NOMATCH, or a limit: the rest stays one piece
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        const size_t b = ov[0], e = ov[1];
        if (e > b)
            out.emplace_back(b, e);
        // An empty match moves on by one character.
        start = e > b ? e : e + 1;
        while (e == b && start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            ++start;
    }
    pcre2_match_data_free(md);
    return out;
}

std::unique_ptr<PreTokenizeStep> makeSplitStep(std::unique_ptr<SplitRegex> regex, SplitBehavior behavior, bool invert)
{
    return std::make_unique<SplitStep>(std::move(regex), behavior, invert);
}

std::unique_ptr<PreTokenizeStep> makeByteLevelStep(bool addPrefixSpace, bool useRegex)
{
    return std::make_unique<ByteLevelStep>(addPrefixSpace, useRegex);
}

} // namespace specmoe
