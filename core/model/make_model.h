#pragma once
// Random checkpoints of any registered family in the exact hub layout (config.json + safetensors, sharded
// with an index above a size), for tests, benchmarks and demos (`specmoe make-model`).
#include "core/model/config.h"
#include "core/util/progress.h"

#include <cstdint>
#include <string>

namespace specmoe {

struct MakeModelOptions {
    std::string family = "mixtral";    // a registered family (core/model/family/)
    std::string preset = "tiny";       // one of the family's presets
    int64_t layers = 0;                // 0 = the preset's layer count
    std::string dtype = "float32";     // float32, bfloat16, float16
    uint64_t seed = 0;
    std::string outDir;
    uint64_t shardBytes = uint64_t(2000) << 20; // shard above this size (0 = never)
    bool fusedExperts = false;         // transformers-5 layout (mlp.experts.gate_up_proj, ...)
    ProgressFn progress;               // stage "make-model", unit "tensors"
};

// Writes the checkpoint one shard at a time (memory bounded by a shard), deterministic
// for a seed. Router weights are drawn wide so that top-k choices are decisive.
// Returns the config written.
ModelConfig makeRandomModel(const MakeModelOptions& o);

} // namespace specmoe
