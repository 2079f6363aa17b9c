// Qwen3MoeForCausalLM (Qwen3-30B-A3B, Qwen3-235B-A22B): softmax top-k routing, renormalized
// with norm_topk_prob; RMSNorm over each head of q and k (q_norm, k_norm: [head_dim]) before
// the rotary embedding; no shared expert; dense MLP layers where mlp_only_layers /
// decoder_sparse_step say. Defaults of the family's own fields are transformers'
// Qwen3MoeConfig defaults (norm_topk_prob false there; the released checkpoints set true).
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

namespace specmoe {
namespace {

void readQwen3Moe(const ConfigReader& in, ModelConfig& c)
{
    c.numExperts = in.intOr("num_experts", 128);
    c.topk = in.intOr("num_experts_per_tok", 8);
    c.intermediateSize = in.intOr("moe_intermediate_size", 768);
    c.denseIntermediateSize = in.intOr("intermediate_size", 6144);
    c.normTopkProb = in.boolOr("norm_topk_prob", false);
    c.qkNorm = QkNorm::PerHead;
    // attention_bias would also put a bias on o_proj, which the runtime does not carry.
    if (in.boolOr("attention_bias", false))
        in.fail("attention_bias", "true is not supported (released Qwen3-MoE checkpoints have none); only false");
    c.decoderSparseStep = in.intOr("decoder_sparse_step", 1);
    c.mlpOnlyLayers = in.intListOr("mlp_only_layers", {});
    if (in.boolOr("use_sliding_window", false))
        in.fail("use_sliding_window", "true is not supported; only false");
    c.slidingWindow = -1; // parseConfig: ignore sliding_window (off without use_sliding_window)
}

void writeQwen3Moe(const ModelConfig& c, nlohmann::json& j)
{
    j["num_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["moe_intermediate_size"] = c.intermediateSize;
    j["intermediate_size"] = c.denseIntermediateSize;
    j["norm_topk_prob"] = c.normTopkProb;
    j["attention_bias"] = false;
    j["decoder_sparse_step"] = c.decoderSparseStep;
    j["mlp_only_layers"] = c.mlpOnlyLayers;
    j["use_sliding_window"] = false;
    j["sliding_window"] = nullptr;
    j["head_dim"] = c.headDim;
    j["output_router_logits"] = false;
    j["router_aux_loss_coef"] = 0.001;
}

ModelConfig qwen3MoePreset(const std::string& name)
{
    ModelConfig c;
    c.ropeTheta = 1e6;
    c.rmsNormEps = 1e-6;
    c.qkNorm = QkNorm::PerHead;
    c.normTopkProb = true;
    if (name == "tiny") {
        c.vocabSize = 320; c.hiddenSize = 64; c.numLayers = 3; c.numHeads = 4; c.numKvHeads = 2; c.headDim = 32;
        c.numExperts = 16; c.topk = 4; c.intermediateSize = 32; c.denseIntermediateSize = 128; c.maxPositions = 512;
    } else if (name == "small") {
        c.vocabSize = 4000; c.hiddenSize = 256; c.numLayers = 6; c.numHeads = 8; c.numKvHeads = 2; c.headDim = 64;
        c.numExperts = 64; c.topk = 8; c.intermediateSize = 96; c.denseIntermediateSize = 768; c.maxPositions = 4096;
    } else if (name == "qwen3-30b-a3b") { // Qwen/Qwen3-30B-A3B's config.json
        c.vocabSize = 151936; c.hiddenSize = 2048; c.numLayers = 48; c.numHeads = 32; c.numKvHeads = 4;
        c.headDim = 128; c.numExperts = 128; c.topk = 8; c.intermediateSize = 768; c.denseIntermediateSize = 6144;
        c.maxPositions = 40960; c.bosId = 151643; c.eosId = 151645;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, qwen3-30b-a3b)");
    }
    return c;
}

ModelFamily makeQwen3Moe()
{
    ModelFamily f;
    f.name = "qwen3_moe";
    f.architectures = {"Qwen3MoeForCausalLM", "Qwen3MoeModel"};
    f.expertsField = "num_experts";
    f.presets = {"tiny", "small", "qwen3-30b-a3b"};
    f.readFields = readQwen3Moe;
    f.writeFields = writeQwen3Moe;
    f.preset = qwen3MoePreset;
    return f;
}

} // namespace

const ModelFamily& qwen3MoeFamily()
{
    static const ModelFamily f = makeQwen3Moe();
    return f;
}

} // namespace specmoe
