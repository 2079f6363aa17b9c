#pragma once
// `specmoe traces import` and the workbench's Import dialog: routing traces that serving
// engines (vLLM, SGLang, Megatron-Core) or NumPy arrays hold, written as a standard trace
// folder (docs/trace-import.md).
#include "core/import/model_layout.h"
#include "core/trace/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::import {

enum class ImportFormat { Npy, Vllm, Sglang, Megatron };
// "npy", "vllm", "sglang", "megatron"; throws an Error listing them otherwise.
ImportFormat parseImportFormat(const std::string& name);
const char* importFormatName(ImportFormat format);

// How Megatron's JSONL `layer` field counts layers.
enum class LayerNumbering { Auto, Index0, Number1 };
LayerNumbering parseLayerNumbering(const std::string& name); // "auto", "index0", "number1"
const char* layerNumberingName(LayerNumbering n);

// Whether a token's k ids per layer are listed by router weight (slot 0 = first choice).
// Auto: what the input says (ranked when it brings weights, which the import sorts by; the
// engines do not document their order, and Megatron's training hook lists ids ascending, so
// an id-only input is stored as unordered).
enum class IdOrder { Auto, Ranked, Unordered };
IdOrder parseIdOrder(const std::string& name); // "auto", "ranked", "unordered"
const char* idOrderName(IdOrder order);

struct ImportParams {
    ImportFormat format = ImportFormat::Npy;
    std::vector<std::string> inputs; // files (or folders) in the order their sequences are stored
    std::string outDir;
    std::string modelConfig;  // the model's config.json; "" = use what the inputs carry
    ModelLayout layout;       // values given explicitly; each one set replaces the config's
    LayerAxis layerAxis = LayerAxis::Auto;
    bool allowMissing = false; // drop tokens whose routing row is marked missing (-1)
    std::string engineVersion; // "" = what the input says
    LayerNumbering megatronNumbering = LayerNumbering::Auto;
    int microBatch = 0;        // Megatron: split each router call into this many sequences
    IdOrder idOrder = IdOrder::Auto; // --id-order: overrides what the input says
    // Megatron, pipeline parallelism with stage-local layer values (the training hook numbers
    // `decoder.layers.<n>` within each stage): decoder layers per stage, in stage order. Empty:
    // the values are global (the routing-replay path), ranks with disjoint layers are joined.
    std::vector<int> pipelineLayers;
    double shardSizeMB = 256;
    bool overwrite = false;    // clear a folder holding another trace
};

struct ImportResult {
    TraceDims dims;
    int64_t sequences = 0;        // sequences in the folder now (resumed ones included)
    int64_t tokens = 0;           // tokens in the folder now
    int64_t sequencesWritten = 0; // by this run
    int64_t resumedSequences = 0; // found complete and skipped
    int64_t droppedTokens = 0;    // missing rows dropped (--allow-missing)
    int64_t droppedSequences = 0; // sequences with no routed token left
    int64_t denseNonZero = 0;     // non-zero ids in dense-layer slots (dropped; warned)
    bool idsRanked = true;        // the trace's origin.ids_ranked
    uint64_t inputBytes = 0;
    double seconds = 0;           // the whole import, checks and verification included (wall)
    double cpuSeconds = 0;        // CPU time of the process over the same span (all threads)
    size_t shardsVerified = 0;
    std::vector<std::string> warnings;
};

} // namespace specmoe::import
