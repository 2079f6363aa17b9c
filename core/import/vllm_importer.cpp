// --format vllm: import bundles saved from vLLM request outputs run with
// --enable-return-routed-experts (docs/trace-import.md, "vLLM"). The snippet concatenates
// the split prompt/decode arrays of 0.21-era releases, so every layout vLLM has had arrives
// as [P + G - 1, L, k]: int16 or int32 (any integer dtype is read), with one slot per MoE
// layer (0.21 docs) or per decoder layer (first release), which the run resolves against
// the model configuration. Prefix-cached prompt rows that 0.21 marks -1 need --allow-missing.
#include "core/import/importers.h"

namespace specmoe::import {

std::vector<ImportInput> readVllmInputs(const ImportParams& params)
{
    std::vector<ImportInput> out;
    for (const std::string& path : params.inputs)
        out.push_back(readBundle(path, BundleRules{"vllm", {"vllm"}}));
    return out;
}

} // namespace specmoe::import
