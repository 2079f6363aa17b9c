#pragma once
// A MoE checkpoint's config.json, validated. Plain types only (no torch), so trace,
// collect and GUI code can include it. What is common to every family is read in
// config.cpp; each family's own fields, defaults and weight names live in
// core/model/family/<family>.cpp (see family/model_family.h).
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

// Where q and k are RMS-normalized before the rotary embedding: not at all; over each
// head (weights [head_dim], Qwen3-MoE); over the whole q and k projections before they are
// split into heads (weights [heads * head_dim] and [kv_heads * head_dim], OLMoE). The
// values are what config hashes record (0 and 1 were a bool before OLMoE).
enum class QkNorm { None = 0, PerHead = 1, Projection = 2 };

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
    QkNorm qkNorm = QkNorm::None;          // RMSNorm of q and k before rotary, and over what
    double clipQkv = 0;                    // > 0: q, k (after their norms) and v clamped to +-clipQkv
    int64_t sharedExpertIntermediateSize = 0; // 0 = no shared expert
    int64_t sharedExperts = 1;             // experts the shared MLP stands for (n_shared_experts)
    bool sharedExpertGate = false;         // shared expert's output scaled by sigmoid(gate(x))
    int64_t denseIntermediateSize = 0;     // MLP of the dense (non-MoE) layers
    // The dense/MoE layer map: layer l is MoE unless listed in mlpOnlyLayers, below
    // firstDenseLayers, or (l + 1) % decoderSparseStep != 0.
    int64_t decoderSparseStep = 1;
    int64_t firstDenseLayers = 0;
    std::vector<int> mlpOnlyLayers;
    // Decoder layers the weight files may hold beyond numLayers that the model does not run
    // (DeepSeek-V3's multi-token-prediction layer, num_nextn_predict_layers): ignored with a
    // warning, as transformers ignores them.
    int64_t ignoredTrailingLayers = 0;

    // The router function: scores from the logits, an optional per-expert bias added for the
    // choice only, group-limited top-k, and the weights (the chosen experts' unbiased scores,
    // renormalized when normTopkProb, times routedScalingFactor).
    enum class RouterScore { Softmax, Sigmoid };
    enum class GroupScore { Max, Top2Sum }; // a group's score: its best score, or its best two summed
    RouterScore routerScore = RouterScore::Softmax;
    bool routerBias = false;               // a score-correction bias [E] per MoE layer
    int64_t expertGroups = 1;              // n_group; experts e of group e / (E / groups)
    int64_t topkGroups = 1;                // topk_group: the top-k is taken within these groups
    bool groupLimited = false;             // topk within the best topkGroups groups
    GroupScore groupScore = GroupScore::Max;
    double routedScalingFactor = 1.0;
    // Shared experts without a gate are sharedExpertIntermediateSize > 0, sharedExpertGate false.

    // Multi-head latent attention (kvLoraRank > 0): q from q_proj, or through a low-rank
    // q_a_proj, RMSNorm, q_b_proj (qLoraRank > 0); keys and values from a compressed latent
    // (kv_a_proj_with_mqa -> RMSNorm -> kv_b_proj) plus one rotary key part shared by the
    // heads. Query/key heads are qkNopeHeadDim + qkRopeHeadDim wide, values vHeadDim; the
    // rotary part is headDim (= qkRopeHeadDim) wide.
    int64_t qLoraRank = 0, kvLoraRank = 0, qkNopeHeadDim = 0, qkRopeHeadDim = 0, vHeadDim = 0;
    bool ropeInterleave = false;           // rotary pairs (2i, 2i+1) instead of (i, i + D/2)
    bool mla() const { return kvLoraRank > 0; }

    // Rotary scaling (rope_scaling / rope_parameters). "yarn": YaRN inverse frequencies and
    // cos/sin scaled by ropeAttentionFactor.
    std::string ropeType = "default";
    double ropeFactor = 1.0, ropeBetaFast = 32, ropeBetaSlow = 1, ropeAttentionFactor = 1.0;
    int64_t ropeOriginalMaxPositions = 0;
    bool ropeTruncate = true;
    double ropeMscale = 0, ropeMscaleAllDim = 0; // as config.json gives them (0: not set)
    // The attention softmax scale is softmaxScaleFactor / sqrt(query head width)
    // (DeepSeek-V3 multiplies in YaRN's mscale squared).
    double softmaxScaleFactor = 1.0;

    // gpt-oss's parts (family/gpt_oss.cpp), each off for the other families.
    // Router: a bias [E] inside the router's linear (the recorded logits include it), and the
    // weights a softmax over the k chosen logits only (routing "topk_softmax").
    bool routerLinearBias = false;
    bool softmaxAfterTopk = false;
    // Experts: biases on both projections; the activation of (gate, up): silu(gate) * up, or
    // gpt-oss's clamped SwiGLU (up.clamp(+-limit) + 1) * g * sigmoid(alpha * g) with
    // g = gate.clamp(max = limit).
    enum class ExpertActivation { SiluGlu, ClampedSwiglu };
    ExpertActivation expertActivation = ExpertActivation::SiluGlu;
    double swigluAlpha = 1.702, swigluLimit = 7.0;
    bool expertBias = false;
    // Attention: a bias on o_proj too; a learned sink logit per head (an extra softmax
    // column, dropped after the softmax).
    bool oProjBias = false;
    bool attentionSinks = false;
    // Per-layer attention kinds (config.json layer_types): empty = every layer uses
    // slidingWindow; else "sliding_attention" (slidingWindow) or "full_attention" (none).
    std::vector<std::string> layerTypes;
    // Expert weights stored quantized: "" (a float dtype) or "mxfp4" (quantization_config
    // quant_method; *_blocks / *_scales uint8 tensors, dequantized on load).
    std::string expertQuant;
    int64_t windowOf(int64_t layer) const; // the layer's sliding window, 0 = none

    bool isMoeLayer(int64_t layer) const;
    std::vector<int> moeLayers() const;   // decoder index of every MoE layer, ascending
    int64_t moeLayerCount() const;
    bool hasSharedExpert() const { return sharedExpertIntermediateSize > 0; }
    // The router function as traces record it (manifest model.routing): "softmax_topk"
    // (softmax over all experts, top-k, renormalized over the k) or
    // "softmax_topk_unnormalized" (the top-k softmax probabilities as they are); other
    // router functions name their scores and group-limited choice (docs/models.md), e.g.
    // DeepSeek-V3's "sigmoid_group_topk".
    std::string routing() const;
    // Width of a query / key head and of a value head (headDim unless MLA).
    int64_t qkHeadDim() const { return mla() ? qkNopeHeadDim + qkRopeHeadDim : headDim; }
    int64_t valueHeadDim() const { return mla() ? vHeadDim : headDim; }
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
