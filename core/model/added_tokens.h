#pragma once
// The added tokens of a Hugging Face tokenizer.json and how encoding finds them in a text
// (the semantics of `tokenizers`' AddedVocabulary): the leftmost match, the longest there;
// `single_word` tokens only where no word character touches them; `lstrip` / `rstrip`
// tokens also take the whitespace before / after them. Tokens with `normalized` false are
// found in the raw text, the others (their content normalized too) in the normalized text
// between those.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe {

struct AddedToken {
    std::string content;
    int64_t id = 0;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false;
};

// A part of a text: the bytes [begin, end) and the added token they are (id), or text to
// pre-tokenize (id -1).
struct AddedSplit {
    size_t begin = 0, end = 0;
    int64_t id = -1;
};

class AddedTokens {
public:
    void add(AddedToken token) { m_tokens.push_back(std::move(token)); }
    // Call once all are added: `normalize` gives the pattern of a normalized token.
    void finish(const std::function<std::string(const std::string&)>& normalize);
    const std::vector<AddedToken>& tokens() const { return m_tokens; }

    // Splits `text` at the tokens of one kind: those matched in the raw text
    // (normalizedText false) or those matched in normalized text. The splits cover the text.
    std::vector<AddedSplit> split(const std::string& text, bool normalizedText) const;

private:
    struct Pattern {
        std::string text;
        size_t token; // index into m_tokens (an index survives copies of this object)
    };
    std::vector<AddedToken> m_tokens;
    // Per kind (raw 0, normalized 1) and first byte, the patterns longest first.
    std::array<std::array<std::vector<Pattern>, 256>, 2> m_byFirstByte;
};

} // namespace specmoe
