#pragma once
// A Hugging Face tokenizer.json with a byte-level BPE model: what Qwen2/Qwen3-MoE, OLMoE,
// DeepSeek-V2/V3 and gpt-oss checkpoints ship instead of a SentencePiece tokenizer.model.
// Supported: model BPE (vocab, merges, ignore_merges), normalizer null or NFC,
// pre_tokenizer ByteLevel or a Sequence of Splits ending in ByteLevel, added_tokens
// (matched before pre-tokenization, never split; single_word, lstrip, rstrip and normalized
// as in `tokenizers`, added_tokens.h) and a TemplateProcessing post_processor.
// Anything else is an error naming the file and the field.
#include "core/model/added_tokens.h"
#include "core/model/bpe_merges.h"
#include "core/model/pre_tokenizer.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

class JsonTokenizer {
public:
    // Throws specmoe::Error naming `path` and the field at fault.
    explicit JsonTokenizer(const std::string& path);
    ~JsonTokenizer();

    // As Hugging Face's encode: with addSpecial the post_processor's special tokens
    // (the BOS of a template) are added.
    std::vector<int64_t> encode(const std::string& text, bool addSpecial) const;
    std::string decode(const std::vector<int64_t>& ids) const;
    // The largest id of the vocabulary and the added tokens, plus one.
    int64_t vocabSize() const { return m_vocabSize; }
    // The first special token the template puts before the text, or -1.
    int64_t bosId() const { return m_prefix.empty() ? -1 : m_prefix.front(); }
    // The byte-level token ("Ġthe") or the added token's content.
    std::string piece(int64_t id) const;
    // The token's text (" the"); bytes that are not whole UTF-8 characters as "<0xNN>".
    std::string pieceText(int64_t id) const;
    // The token as traces and analyses record it, in SentencePiece's notation so that one
    // display rule and one query rule serve every tokenizer (core/util/piece_text.h): a
    // space as "▁", a control character or a part of a UTF-8 character as "<0xNN>".
    std::string recordedPiece(int64_t id) const;

private:
    void read(const nlohmann::json& doc);
    void readModel(const nlohmann::json& model);
    void readAddedTokens(const nlohmann::json& added);
    int64_t addedTokenId(const std::string& content, int64_t fileId) const;
    void readNormalizer(const nlohmann::json& n, const std::string& field);
    void readPreTokenizer(const nlohmann::json& p);
    void readPostProcessor(const nlohmann::json& p, const std::string& field);
    std::unique_ptr<PreTokenizeStep> readSplit(const nlohmann::json& s, const std::string& field) const;
    [[noreturn]] void fail(const std::string& field, const std::string& what) const;
    // Pre-tokenizes and BPE-encodes normalized text that holds no added token.
    void encodeText(const std::string& text, std::vector<int64_t>& out) const;
    // Normalizes raw text, finds the normalized added tokens in it, encodes the rest.
    void encodeNormalized(const std::string& raw, std::vector<int64_t>& out) const;
    // The bytes a byte-level token stands for (true), or the text to show as it is (false:
    // an added token's content, or a token that is not byte-level).
    bool tokenBytes(int64_t id, std::string& out) const;

    std::string m_path;
    BpeMerges m_bpe;
    AddedTokens m_added;
    std::unordered_map<int64_t, std::string> m_addedById;
    bool m_nfc = false;
    std::vector<std::unique_ptr<PreTokenizeStep>> m_steps;
    std::vector<int64_t> m_prefix, m_suffix; // the template's special tokens around the text
    int64_t m_vocabSize = 0;
};

} // namespace specmoe
