#pragma once
// A Mixtral-family checkpoint's config.json, validated. Plain types only (no torch), so
// trace, collect and GUI code can include it.
#include <cstdint>
#include <string>

namespace specmoe {

struct MixtralConfig {
    std::string architecture = "MixtralForCausalLM";
    std::string modelType = "mixtral";
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;          // hidden / heads unless config.json sets head_dim
    int64_t numExperts = 0;       // num_local_experts
    int64_t topk = 0;             // num_experts_per_tok
    double ropeTheta = 1e6;       // top level or rope_parameters.rope_theta
    double rmsNormEps = 1e-5;
    int64_t maxPositions = 0;     // max_position_embeddings
    int64_t slidingWindow = 0;    // 0 = none (null in config.json)
    bool tieWordEmbeddings = false;
    int64_t bosId = 1;
    int64_t eosId = 2;
    std::string torchDtype = "bfloat16"; // dtype the checkpoint was saved in (informational)
};

// Reads DIR/config.json. Throws specmoe::Error naming the file and the field at fault:
// missing or ill-typed required fields, non-positive sizes, heads not divisible by kv
// heads, topk > experts, or an architecture other than MixtralForCausalLM / model_type
// "mixtral" (the message names what is supported).
MixtralConfig loadConfig(const std::string& dir);
// Same, from JSON text; `source` names the origin in error messages.
MixtralConfig parseConfig(const std::string& jsonText, const std::string& source);

// Hub-style config.json text for a config (what make-model writes).
std::string configToJson(const MixtralConfig& c);

// Stable hex digest (FNV-1a 64) of the fields that determine the forward pass; equal
// configs give equal strings across runs and machines. For trace fingerprints.
std::string configHash(const MixtralConfig& c);

// Parameters (elements), with or without lm_head (tied embeddings count once).
int64_t parameterCount(const MixtralConfig& c, bool withLmHead = true);

// Presets of `specmoe make-model`: "tiny", "small", "mixtral-8x7b". Throws on others.
MixtralConfig presetConfig(const std::string& name);

} // namespace specmoe
