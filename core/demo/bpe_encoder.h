#pragma once
// A SentencePiece-compatible encoder for the demo's own tokenizer.model (BPE, identity
// normalization, dummy prefix, whitespace as "▁", byte fallback), with no libsentencepiece:
// that library cannot be loaded into a process that holds libtorch (see
// tokenizer_trainer.cpp). It reads the model's pieces from the protobuf and encodes with
// SentencePiece's BPE rule: merge the adjacent pair whose joined piece has the highest
// score, leftmost first, until none is left; unknown symbols fall back to <0xXX> bytes.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace specmoe::demo {

class BpeEncoder {
public:
    // Throws specmoe::Error when the file cannot be read or is not a SentencePiece model.
    explicit BpeEncoder(const std::string& modelPath);

    std::vector<int32_t> encode(const std::string& text) const; // no BOS / EOS
    int64_t vocabSize() const { return int64_t(m_pieces.size()); }
    const std::string& piece(int32_t id) const { return m_pieces.at(size_t(id)); }
    int32_t bosId() const { return m_bos; }

private:
    std::vector<std::string> m_pieces;
    std::vector<float> m_scores;
    std::unordered_map<std::string, int32_t> m_normal; // mergeable pieces
    int32_t m_byteIds[256];
    int32_t m_unk = 0, m_bos = 1;
};

} // namespace specmoe::demo
