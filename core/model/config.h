#pragma once
// A MoE checkpoint's config.json, validated. Plain types only (no torch), so trace,
// collect and GUI code can include it. What is common to every family is read in
// config.cpp; each family's own fields, defaults and weight names live in
// core/model/family/<family>.cpp (see family/model_family.h).
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

struct ModelConfig {
    std::string family = "mixtral";      // the ModelFamily's name (= model_type of its configs)
    std::string architecture = "MixtralForCausalLM";
    std::string modelType = "mixtral";
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0; // a routed expert's intermediate size
    int64_t numLayers = 0;        // decoder layers (dense ones included)
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;          // hidden / heads unless config.json sets head_dim
    int64_t numExperts = 0;       // routed experts per MoE layer
    int64_t topk = 0;             // num_experts_per_tok
    double ropeTheta = 1e6;       // top level or rope_parameters.rope_theta
    double rmsNormEps = 1e-5;
    int64_t maxPositions = 0;     // max_position_embeddings
    int64_t slidingWindow = 0;    // 0 = none (null in config.json)
    bool tieWordEmbeddings = false;
    int64_t bosId = 1;
    int64_t eosId = 2;
    std::string torchDtype = "bfloat16"; // dtype the checkpoint was saved in (informational)

    // What families differ in; the defaults are Mixtral's.
    bool normTopkProb = true;              // renormalize the top-k weights over the k chosen
    bool attentionBias = false;            // q/k/v projections carry a bias
    bool qkNorm = false;                   // RMSNorm over each head of q and k before rotary
    int64_t sharedExpertIntermediateSize = 0; // 0 = no shared expert
    bool sharedExpertGate = false;         // shared expert's output scaled by sigmoid(gate(x))
    int64_t denseIntermediateSize = 0;     // MLP of the dense (non-MoE) layers
    // The dense/MoE layer map: layer l is MoE unless listed in mlpOnlyLayers, below
    // firstDenseLayers, or (l + 1) % decoderSparseStep != 0.
    int64_t decoderSparseStep = 1;
    int64_t firstDenseLayers = 0;
    std::vector<int> mlpOnlyLayers;

    bool isMoeLayer(int64_t layer) const;
    std::vector<int> moeLayers() const;   // decoder index of every MoE layer, ascending
    int64_t moeLayerCount() const;
    bool hasSharedExpert() const { return sharedExpertIntermediateSize > 0; }
    // The router function as traces record it (manifest model.routing): "softmax_topk"
    // (softmax over all experts, top-k, renormalized over the k) or
    // "softmax_topk_unnormalized" (the top-k softmax probabilities as they are).
    std::string routing() const;
};
// The runtime was written for Mixtral first; the old name stays for its callers.
using MixtralConfig = ModelConfig;

// Reads DIR/config.json. Throws specmoe::Error naming the file and the field at fault:
// missing or ill-typed required fields, non-positive sizes, heads not divisible by kv
// heads, topk > experts, or an architecture / model_type of no registered family (the
// message names what is supported).
ModelConfig loadConfig(const std::string& dir);
// Same, from JSON text; `source` names the origin in error messages.
ModelConfig parseConfig(const std::string& jsonText, const std::string& source);

// Hub-style config.json text for a config (what make-model writes), in its family's fields.
std::string configToJson(const ModelConfig& c);

// Stable hex digest (FNV-1a 64) of the fields that determine the forward pass; equal
// configs give equal strings across runs and machines. For trace fingerprints.
std::string configHash(const ModelConfig& c);

// Parameters (elements), with or without lm_head (tied embeddings count once).
int64_t parameterCount(const ModelConfig& c, bool withLmHead = true);
// Parameters of decoder layer l (norms, attention, router, experts or dense MLP).
int64_t layerParameterCount(const ModelConfig& c, int64_t layer);

// Presets of `specmoe make-model` for a family ("mixtral": "tiny", "small",
// "mixtral-8x7b", "mixtral-8x22b"). Throws on unknown families and names.
ModelConfig presetConfig(const std::string& name, const std::string& family = "mixtral");

} // namespace specmoe
