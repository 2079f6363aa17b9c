#pragma once
// The tokenizer of a checkpoint: SentencePiece (Mixtral's tokenizer.model) or a Hugging Face
// byte-level BPE tokenizer.json (Qwen2/Qwen3-MoE, OLMoE, DeepSeek-V2/V3, gpt-oss;
// tokenizer_json.h). No SentencePiece or torch types here.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

// The file name of a checkpoint's SentencePiece model inside its folder.
inline constexpr const char* kTokenizerFileName = "tokenizer.model";
// The file name of a Hugging Face tokenizer, used when a folder has no tokenizer.model.
inline constexpr const char* kTokenizerJsonFileName = "tokenizer.json";

// The tokenizer a model uses: `explicitPath` when given (a tokenizer.model or tokenizer.json
// file, or a folder holding one), else MODELDIR's. A folder's is its tokenizer.model, else
// its tokenizer.json when that exists, else tokenizer.model (which then does not exist).
std::string tokenizerFile(const std::string& explicitPath, const std::string& modelDir);
// The first of `explicitPath` and MODELDIR's tokenizer that exists (as tokenizerFile
// resolves them), or "" when neither does. The workbench and the CLI find a trace's token
// texts with findTokenizer(runConfig.tokenizer, runConfig.modelDir).
std::string findTokenizer(const std::string& explicitPath, const std::string& modelDir);

class Tokenizer {
public:
    // `path` is a tokenizer.model file, a *.json tokenizer file or a checkpoint folder
    // holding one. Throws specmoe::Error when it is missing or unreadable.
    explicit Tokenizer(const std::string& path);
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // As Hugging Face's tokenizer: BOS prepended when addBos, no EOS (a tokenizer.json:
    // its post_processor's special tokens when addBos).
    std::vector<int64_t> encode(const std::string& text, bool addBos = true) const;
    std::string decode(const std::vector<int64_t>& ids) const;
    int64_t vocabSize() const;
    int64_t bosId() const;
    // The piece of an id as text (pieceDisplayText, core/util/piece_text.h).
    std::string pieceText(int64_t id) const;
    // The raw SentencePiece piece ("▁the", "<0x0A>") or byte-level BPE token ("Ġthe").
    std::string piece(int64_t id) const;
    // What traces and analyses record: the SentencePiece piece, or a byte-level token in
    // SentencePiece's notation ("Ġthe" as "▁the", "Ċ" as "<0x0A>"; JsonTokenizer).
    std::string recordedPiece(int64_t id) const;
    // Throws specmoe::Error naming the file when vocabSize() != modelVocab (a tokenizer.json:
    // when vocabSize() > modelVocab, as models pad their embedding).
    void checkVocab(int64_t modelVocab) const;
    const std::string& path() const { return m_path; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_path;
};

// The token texts analyses record, the same in the CLI and the workbench: the raw pieces
// (core/util/piece_text.h says why; views show them with pieceDisplayText).
std::function<std::string(int32_t)> recordedTokenText(std::shared_ptr<const Tokenizer> tokenizer);

} // namespace specmoe
