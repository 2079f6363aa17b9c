#pragma once
// The pre-tokenizers of Hugging Face tokenizer.json files that byte-level BPE models use:
// Split (a regex or a literal, with a delimiter behaviour) and ByteLevel (optionally the
// GPT-2 split, then each byte as its alphabet character). Regexes are PCRE2 in UTF and
// Unicode-property mode, as close as PCRE2 gets to the Oniguruma syntax the files target.
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

class SplitRegex {
public:
    // Throws specmoe::Error naming `where` (e.g. "pre_tokenizer.pattern.Regex") when the
    // pattern does not compile.
    SplitRegex(const std::string& pattern, bool literal, const std::string& where);
    ~SplitRegex();
    SplitRegex(const SplitRegex&) = delete;
    SplitRegex& operator=(const SplitRegex&) = delete;
    // Byte ranges [first, second) of the non-overlapping matches, left to right.
    std::vector<std::pair<size_t, size_t>> matches(const std::string& text) const;

private:
    void* m_code = nullptr; // pcre2_code_8
};

// What Split does with the matches (Hugging Face's SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

class PreTokenizeStep {
public:
    virtual ~PreTokenizeStep() = default;
    // Replaces each piece by the pieces it splits into; drops empty ones.
    virtual void apply(std::vector<std::string>& pieces) const = 0;
};

std::unique_ptr<PreTokenizeStep> makeSplitStep(std::unique_ptr<SplitRegex> regex, SplitBehavior behavior, bool invert);
// The last step of a byte-level pipeline: maps each piece's bytes to the alphabet.
std::unique_ptr<PreTokenizeStep> makeByteLevelStep(bool addPrefixSpace, bool useRegex);

// NFC of valid UTF-8 (ICU); other text is returned unchanged.
std::string nfc(const std::string& text);

} // namespace specmoe
