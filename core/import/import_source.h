#pragma once
// Internal to core/import: what every format's reader hands the import run. An input file
// becomes a table of sequences plus a stream of its routing rows (and token ids) in
// sequence order; the run checks it all, then reads it again to write the trace.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::import {

struct ImportSequence {
    std::string requestId;    // the engine's request id; "" = none
    int64_t tokens = 0;       // tokens of the sequence in the token array (prompt + generated)
    int64_t promptTokens = 0; // of which prompt (prefill); the rest were generated
    int64_t routeStart = 0;   // position of the first routing row
    int64_t routeRows = 0;    // routing rows, positions routeStart.. (one per routed token)
};

// An input's arrays, front to back. Calls never cross a sequence's end; the run reads the
// rows of every sequence in order (or skips them), and with token ids, reads or skips all
// `tokens` of every sequence in order as well.
class RowStream {
public:
    virtual ~RowStream() = default;
    // The next `rows` rows: ids [rows, slots, k]; weights the same shape (only when the
    // input has weights; nullptr otherwise).
    virtual void readRows(size_t rows, int64_t* ids, float* weights) = 0;
    virtual void skipRows(size_t rows) = 0;
    // The next `n` token ids (only when the input has token ids).
    virtual void readTokens(size_t n, int64_t* out) = 0;
    virtual void skipTokens(size_t n) = 0;
};

struct ImportInput {
    std::string path;          // the input file or folder (errors name it)
    std::vector<std::string> paths; // every input joined into this one (Megatron's JSONL); empty: path alone
    std::vector<ImportSequence> sequences;
    int slots = 0;             // layer slots of a routing row (L of the engine's array)
    int topk = 0;              // k
    bool hasWeights = false;
    bool hasTokens = true;     // false: token ids unknown (Megatron's JSONL)
    bool slotsAreMoeLayers = false; // the layer slots are known to be MoE layers (Megatron)
    std::vector<int> slotLayerValues; // ... as the engine numbers them (Megatron: `layer`)
    // What the input says of the order of a row's k ids: ranked (by router weight), known
    // unordered (Megatron's training hook lists them ascending), or not said (empty).
    std::optional<bool> idsRanked;
    std::string idOrderSource; // why, for messages ("Megatron's routing-map hook lists ids ascending")
    nlohmann::json modelConfig; // a configuration carried by the input (null: none)
    std::string modelName;
    std::string engineVersion;
    std::vector<std::string> warnings;
    std::function<std::unique_ptr<RowStream>()> open;

    int64_t totalRows() const
    {
        int64_t n = 0;
        for (const auto& s : sequences)
            n += s.routeRows;
        return n;
    }
};

} // namespace specmoe::import
