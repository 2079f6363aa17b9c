#pragma once
// SentencePiece tokenizer of a Mixtral checkpoint (tokenizer.model). No SentencePiece or
// torch types here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

class Tokenizer {
public:
    // `path` is a tokenizer.model file or a checkpoint folder holding one. Throws
    // specmoe::Error when it is missing or unreadable.
    explicit Tokenizer(const std::string& path);
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // As Hugging Face's tokenizer: BOS prepended when addBos, no EOS.
    std::vector<int64_t> encode(const std::string& text, bool addBos = true) const;
    std::string decode(const std::vector<int64_t>& ids) const;
    int64_t vocabSize() const;
    int64_t bosId() const;
    int64_t eosId() const;
    // The piece of an id as text ("▁" shown as a space, byte pieces "<0x0A>" as the byte).
    std::string pieceText(int64_t id) const;
    // The raw SentencePiece piece ("▁the", "<0x0A>").
    std::string piece(int64_t id) const;
    // Throws specmoe::Error naming the file when vocabSize() != modelVocab.
    void checkVocab(int64_t modelVocab) const;
    const std::string& path() const { return m_path; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_path;
};

} // namespace specmoe
