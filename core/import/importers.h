#pragma once
// Internal to core/import: one reader per input format, each in its own file. A reader
// checks the input's structure (arrays, shapes, dtypes, the sequence table) and returns it
// as ImportInputs; the import run checks the values and writes the trace.
#include "core/import/import_params.h"
#include "core/import/import_source.h"

#include <vector>

namespace specmoe::import {

std::vector<ImportInput> readNpyInputs(const ImportParams& params);      // npy_importer.cpp
std::vector<ImportInput> readVllmInputs(const ImportParams& params);     // vllm_importer.cpp
std::vector<ImportInput> readSglangInputs(const ImportParams& params);   // sglang_importer.cpp
std::vector<ImportInput> readMegatronInputs(const ImportParams& params); // megatron_importer.cpp

// The import bundle v1 (docs/trace-import.md) that the vLLM and SGLang snippets write.
struct BundleRules {
    const char* format;                // "vllm", for messages
    std::vector<std::string> engines;  // accepted meta_json "engine" values
};
ImportInput readBundle(const std::string& path, const BundleRules& rules); // bundle_reader.cpp

} // namespace specmoe::import

namespace specmoe::import {
// Megatron's `layer` values (one per slot) as decoder indices: 0-based indices (hook path)
// or 1-based layer numbers (routing-replay sink), whichever `numbering` says; Auto picks
// the one that matches the layout's MoE layers exactly (errors name `label` when none does).
std::vector<int> megatronDecoderLayers(const std::vector<int>& values, const ModelLayout& layout,
                                       LayerNumbering numbering, const std::string& label);
} // namespace specmoe::import
