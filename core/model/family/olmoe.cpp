// OlmoeForCausalLM (allenai/OLMoE-1B-7B-0924, -0125): every layer MoE, softmax top-k
// routing renormalized only with norm_topk_prob, no shared expert; RMSNorm over the whole
// q and k projections (q_norm [hidden], k_norm [kv_heads * head_dim]) before they are split
// into heads and rotated; clip_qkv clamps q, k (after those norms) and v. Defaults of the
// family's own fields are transformers' OlmoeConfig defaults.
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

namespace specmoe {
namespace {

void readOlmoe(const ConfigReader& in, ModelConfig& c)
{
    c.numExperts = in.intOr("num_experts", 64);
    c.topk = in.intOr("num_experts_per_tok", 8);
    c.intermediateSize = in.intOr("intermediate_size", 2048);
    c.normTopkProb = in.boolOr("norm_topk_prob", false);
    c.qkNorm = QkNorm::Projection;
    // attention_bias would also put a bias on o_proj, which the runtime does not carry.
    if (in.boolOr("attention_bias", false))
        in.fail("attention_bias", "true is not supported (released OLMoE checkpoints have none); only false");
    if (in.has("clip_qkv")) {
        c.clipQkv = in.requireNumber("clip_qkv");
        if (!(c.clipQkv > 0))
            in.fail("clip_qkv", "must be positive (or null: no clipping)");
    }
    // q_norm is sized hidden_size in transformers: q's width must be that.
    if (in.has("head_dim") && in.requireInt("head_dim") * c.numHeads != c.hiddenSize)
        in.fail("head_dim", "must be hidden_size / num_attention_heads for OLMoE (its q_norm spans hidden_size)");
    // OLMoE's causal mask has no window (transformers builds it without one).
    c.slidingWindow = -1;
}

void writeOlmoe(const ModelConfig& c, nlohmann::json& j)
{
    j["num_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["intermediate_size"] = c.intermediateSize;
    j["norm_topk_prob"] = c.normTopkProb;
    j["attention_bias"] = false;
    j["clip_qkv"] = c.clipQkv > 0 ? nlohmann::json(c.clipQkv) : nlohmann::json(nullptr);
    j["pad_token_id"] = 1;
    j["output_router_logits"] = false;
    j["router_aux_loss_coef"] = 0.01;
}

ModelConfig olmoePreset(const std::string& name)
{
    ModelConfig c;
    c.ropeTheta = 10000.0;
    c.rmsNormEps = 1e-5;
    c.qkNorm = QkNorm::Projection;
    c.normTopkProb = false;
    if (name == "tiny") { // kv heads < heads, so that k_norm's width differs from q_norm's
        c.vocabSize = 320; c.hiddenSize = 64; c.numLayers = 3; c.numHeads = 4; c.numKvHeads = 2;
        c.numExperts = 16; c.topk = 4; c.intermediateSize = 32; c.maxPositions = 512;
    } else if (name == "small") {
        c.vocabSize = 4000; c.hiddenSize = 256; c.numLayers = 6; c.numHeads = 8; c.numKvHeads = 8;
        c.numExperts = 64; c.topk = 8; c.intermediateSize = 128; c.maxPositions = 4096;
    } else if (name == "olmoe-1b-7b") { // allenai/OLMoE-1B-7B-0924's config.json
        c.vocabSize = 50304; c.hiddenSize = 2048; c.numLayers = 16; c.numHeads = 16; c.numKvHeads = 16;
        c.numExperts = 64; c.topk = 8; c.intermediateSize = 1024; c.maxPositions = 4096; c.eosId = 50279;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, olmoe-1b-7b)");
    }
    c.headDim = c.hiddenSize / c.numHeads;
    return c;
}

ModelFamily makeOlmoe()
{
    ModelFamily f;
    f.name = "olmoe";
    f.architectures = {"OlmoeForCausalLM", "OlmoeModel"};
    f.expertsField = "num_experts";
    f.presets = {"tiny", "small", "olmoe-1b-7b"};
    f.readFields = readOlmoe;
    f.writeFields = writeOlmoe;
    f.preset = olmoePreset;
    return f;
}

} // namespace

const ModelFamily& olmoeFamily()
{
    static const ModelFamily f = makeOlmoe();
    return f;
}

} // namespace specmoe
