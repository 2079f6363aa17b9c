// Qwen2MoeForCausalLM (Qwen1.5-MoE-A2.7B, Qwen2-57B-A14B): softmax top-k routing,
// renormalized only with norm_topk_prob; a shared expert beside the routed ones whose
// output is scaled by sigmoid(shared_expert_gate(x)); q/k/v projections with biases
// (qkv_bias); dense MLP layers where mlp_only_layers / decoder_sparse_step say. Defaults of
// the family's own fields are transformers' Qwen2MoeConfig defaults.
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

namespace specmoe {
namespace {

void readQwen2Moe(const ConfigReader& in, ModelConfig& c)
{
    c.numExperts = in.intOr("num_experts", 60);
    c.topk = in.intOr("num_experts_per_tok", 4);
    c.intermediateSize = in.intOr("moe_intermediate_size", 1408);
    c.sharedExpertIntermediateSize = in.intOr("shared_expert_intermediate_size", 5632);
    c.sharedExpertGate = true;
    c.denseIntermediateSize = in.intOr("intermediate_size", 5632);
    c.normTopkProb = in.boolOr("norm_topk_prob", false);
    c.attentionBias = in.boolOr("qkv_bias", true);
    c.decoderSparseStep = in.intOr("decoder_sparse_step", 1);
    c.mlpOnlyLayers = in.intListOr("mlp_only_layers", {});
    // transformers keeps sliding_window only when use_sliding_window is true (then on some
    // layers only, by max_window_layers); per-layer windows are not implemented here.
    if (in.boolOr("use_sliding_window", false))
        in.fail("use_sliding_window", "true is not supported (per-layer sliding windows); only false");
    c.slidingWindow = -1; // parseConfig: ignore sliding_window
}

void writeQwen2Moe(const ModelConfig& c, nlohmann::json& j)
{
    j["num_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["moe_intermediate_size"] = c.intermediateSize;
    j["shared_expert_intermediate_size"] = c.sharedExpertIntermediateSize;
    j["intermediate_size"] = c.denseIntermediateSize;
    j["norm_topk_prob"] = c.normTopkProb;
    j["qkv_bias"] = c.attentionBias;
    j["decoder_sparse_step"] = c.decoderSparseStep;
    j["mlp_only_layers"] = c.mlpOnlyLayers;
    j["use_sliding_window"] = false;
    j["sliding_window"] = nullptr;
    j["max_window_layers"] = c.numLayers;
    j["output_router_logits"] = false;
    j["router_aux_loss_coef"] = 0.001;
}

ModelConfig qwen2MoePreset(const std::string& name)
{
    ModelConfig c;
    c.ropeTheta = 1e6;
    c.rmsNormEps = 1e-6;
    c.sharedExpertGate = true;
    c.normTopkProb = false;
    c.attentionBias = true;
    if (name == "tiny") {
        c.vocabSize = 320; c.hiddenSize = 64; c.numLayers = 3; c.numHeads = 4; c.numKvHeads = 2;
        c.numExperts = 16; c.topk = 4; c.intermediateSize = 32; c.sharedExpertIntermediateSize = 96;
        c.denseIntermediateSize = 128; c.maxPositions = 512;
    } else if (name == "small") {
        c.vocabSize = 4000; c.hiddenSize = 256; c.numLayers = 6; c.numHeads = 8; c.numKvHeads = 8;
        c.numExperts = 60; c.topk = 4; c.intermediateSize = 128; c.sharedExpertIntermediateSize = 512;
        c.denseIntermediateSize = 512; c.maxPositions = 4096;
    } else if (name == "qwen1.5-moe-a2.7b") { // Qwen/Qwen1.5-MoE-A2.7B's config.json
        c.vocabSize = 151936; c.hiddenSize = 2048; c.numLayers = 24; c.numHeads = 16; c.numKvHeads = 16;
        c.numExperts = 60; c.topk = 4; c.intermediateSize = 1408; c.sharedExpertIntermediateSize = 5632;
        c.denseIntermediateSize = 5632; c.maxPositions = 8192;
        c.bosId = 151643; c.eosId = 151643;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, qwen1.5-moe-a2.7b)");
    }
    c.headDim = c.hiddenSize / c.numHeads;
    return c;
}

ModelFamily makeQwen2Moe()
{
    ModelFamily f;
    f.name = "qwen2_moe";
    f.architectures = {"Qwen2MoeForCausalLM", "Qwen2MoeModel"};
    f.expertsField = "num_experts";
    f.presets = {"tiny", "small", "qwen1.5-moe-a2.7b"};
    f.readFields = readQwen2Moe;
    f.writeFields = writeQwen2Moe;
    f.preset = qwen2MoePreset;
    return f;
}

} // namespace

const ModelFamily& qwen2MoeFamily()
{
    static const ModelFamily f = makeQwen2Moe();
    return f;
}

} // namespace specmoe
