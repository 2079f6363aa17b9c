// --format sglang: import bundles saved from SGLang's `routed_experts` (docs/trace-import.md,
// "SGLang"). SGLang returns base64 of the raw bytes of [rows, L, k] with no header (int32,
// or the dtype meta_info.routed_experts_dtype names); the snippet decodes it with the
// model's layer count and top-k into the bundle, so the importer reads typed, shaped NPY
// arrays and never guesses a shape. Rows start at routed_experts_start_len (route_start)
// and end before the last sampled token; L is every decoder layer (dense slots stay zero).
#include "core/import/importers.h"

namespace specmoe::import {

std::vector<ImportInput> readSglangInputs(const ImportParams& params)
{
    std::vector<ImportInput> out;
    for (const std::string& path : params.inputs)
        out.push_back(readBundle(path, BundleRules{"sglang", {"sglang"}}));
    return out;
}

} // namespace specmoe::import
