// DeepSeek-V2 / V3 config fields both families read the same way (deepseek_common.h).
#include "core/model/family/deepseek_common.h"

#include "core/model/config_reader.h"

#include <nlohmann/json.hpp>

namespace specmoe {

void readDeepseekCommon(const ConfigReader& in, ModelConfig& c, const DeepseekDefaults& d)
{
    c.numExperts = in.intOr("n_routed_experts", d.experts);
    c.topk = in.intOr("num_experts_per_tok", d.topk);
    c.intermediateSize = in.intOr("moe_intermediate_size", d.moeIntermediate);
    c.denseIntermediateSize = in.intOr("intermediate_size", d.intermediate);
    if (in.isNull("n_shared_experts"))
        in.fail("n_shared_experts", "null is not supported (0 for no shared experts)");
    // n shared experts are one MLP n times as wide, without a gate.
    c.sharedExperts = in.intOr("n_shared_experts", d.sharedExperts, false);
    if (c.sharedExperts < 0) // read as "no shared expert", its weights then ignored as unused
        in.fail("n_shared_experts", "must not be negative (0 for no shared experts)");
    c.sharedExpertIntermediateSize = c.sharedExperts * c.intermediateSize;
    c.sharedExpertGate = false;
    c.firstDenseLayers = in.intOr("first_k_dense_replace", d.firstDense, false);
    if (c.firstDenseLayers < 0)
        in.fail("first_k_dense_replace", "must not be negative");
    // DeepSeek's own code also skips layers by moe_layer_freq; transformers does not.
    if (in.intOr("moe_layer_freq", 1) != 1)
        in.fail("moe_layer_freq", "other than 1 is not supported (transformers makes every layer from "
                                  "first_k_dense_replace on an MoE layer)");
    c.normTopkProb = in.boolOr("norm_topk_prob", d.normTopkProb);
    c.routedScalingFactor = in.numberOr("routed_scaling_factor", d.routedScalingFactor);
    c.expertGroups = in.intOr("n_group", d.groups);
    c.topkGroups = in.intOr("topk_group", d.topkGroups);
    // A null q_lora_rank means a full-rank q_proj (DeepSeek-V2-Lite).
    c.qLoraRank = in.isNull("q_lora_rank") ? 0 : in.intOr("q_lora_rank", d.qLoraRank);
    c.kvLoraRank = in.intOr("kv_lora_rank", 512);
    c.qkNopeHeadDim = in.intOr("qk_nope_head_dim", 128);
    c.qkRopeHeadDim = in.intOr("qk_rope_head_dim", 64);
    c.vHeadDim = in.intOr("v_head_dim", 128);
    c.headDim = c.qkRopeHeadDim; // the rotary part, as transformers' config sets head_dim
    if (c.qkRopeHeadDim % 2 != 0)
        in.fail("qk_rope_head_dim", "must be even for rotary embeddings");
    // The latent's keys and values have num_attention_heads heads; transformers' repeat_kv
    // would fail for fewer key/value heads.
    if (c.numKvHeads != c.numHeads)
        in.fail("num_key_value_heads", "must equal num_attention_heads (multi-head latent attention)");
    if (in.boolOr("attention_bias", false))
        in.fail("attention_bias", "true is not supported (the released checkpoints have none); only false");
    if (in.boolOr("mlp_bias", false))
        in.fail("mlp_bias", "true is not supported; only false");
    c.ignoredTrailingLayers = in.intOr("num_nextn_predict_layers", 0, false);
}

void checkDeepseekGroups(const ConfigReader& in, const ModelConfig& c, int64_t minPerGroup)
{
    if (c.numExperts % c.expertGroups != 0)
        in.fail("n_group", "must divide n_routed_experts (" + std::to_string(c.numExperts) + ")");
    const int64_t per = c.numExperts / c.expertGroups;
    if (per < minPerGroup)
        in.fail("n_group", "leaves fewer than " + std::to_string(minPerGroup) + " experts per group");
    if (c.topkGroups > c.expertGroups)
        in.fail("topk_group", "must not exceed n_group (" + std::to_string(c.expertGroups) + ")");
    if (c.topk > c.topkGroups * per)
        in.fail("num_experts_per_tok", "exceeds the experts of topk_group groups (" +
                                           std::to_string(c.topkGroups * per) + ")");
}

void writeDeepseekCommon(const ModelConfig& c, nlohmann::json& j)
{
    j["n_routed_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["moe_intermediate_size"] = c.intermediateSize;
    j["intermediate_size"] = c.denseIntermediateSize;
    j["n_shared_experts"] = c.hasSharedExpert() ? c.sharedExperts : 0;
    j["first_k_dense_replace"] = c.firstDenseLayers;
    j["moe_layer_freq"] = 1;
    j["norm_topk_prob"] = c.normTopkProb;
    j["routed_scaling_factor"] = c.routedScalingFactor;
    j["n_group"] = c.expertGroups;
    j["topk_group"] = c.topkGroups;
    j["q_lora_rank"] = c.qLoraRank > 0 ? nlohmann::json(c.qLoraRank) : nlohmann::json(nullptr);
    j["kv_lora_rank"] = c.kvLoraRank;
    j["qk_nope_head_dim"] = c.qkNopeHeadDim;
    j["qk_rope_head_dim"] = c.qkRopeHeadDim;
    j["v_head_dim"] = c.vHeadDim;
    j["attention_bias"] = false;
    j["num_nextn_predict_layers"] = c.ignoredTrailingLayers;
}

void deepseekTinyDims(ModelConfig& c, bool small)
{
    c.ropeTheta = 10000;
    c.rmsNormEps = 1e-6;
    if (!small) {
        c.vocabSize = 320; c.hiddenSize = 64; c.numLayers = 3; c.numHeads = 4; c.maxPositions = 512;
        c.kvLoraRank = 32; c.qkNopeHeadDim = 16; c.qkRopeHeadDim = 8; c.vHeadDim = 16;
        c.numExperts = 16; c.topk = 4; c.intermediateSize = 32; c.denseIntermediateSize = 128;
    } else {
        c.vocabSize = 4000; c.hiddenSize = 256; c.numLayers = 6; c.numHeads = 8; c.maxPositions = 4096;
        c.kvLoraRank = 64; c.qkNopeHeadDim = 32; c.qkRopeHeadDim = 16; c.vHeadDim = 32;
        c.numExperts = 64; c.topk = 6; c.intermediateSize = 64; c.denseIntermediateSize = 512;
    }
    c.numKvHeads = c.numHeads;
    c.headDim = c.qkRopeHeadDim;
    c.firstDenseLayers = 1;
    c.ignoredTrailingLayers = 0;
}

} // namespace specmoe
