// GptOssForCausalLM (openai/gpt-oss-20b, -120b): every layer MoE. Router: a linear with a
// bias, top-k of its logits, softmax over the k chosen logits. Experts: biases on both
// projections and a clamped SwiGLU ((up + 1) * g * sigmoid(1.702 g), g = gate clamped above
// at swiglu_limit, up clamped to +-swiglu_limit), gate/up interleaved in the input-major
// fused tensors, stored as MXFP4 in the released checkpoints (quantization_config
// quant_method "mxfp4", dequantized on load). Attention: q/k/v/o with bias, GQA, a learned
// sink logit per head, layers alternating sliding (sliding_window) and full attention
// (layer_types), YaRN rotary with rotate-half pairs. Defaults are transformers'
// GptOssConfig defaults (gpt-oss-120b's dims).
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace specmoe {
namespace {

// layer_types: one "sliding_attention" / "full_attention" per layer; absent: even layers
// sliding, odd ones full (transformers' default).
void readLayerTypes(const ConfigReader& in, ModelConfig& c)
{
    c.layerTypes.clear();
    const nlohmann::json& j = in.json();
    auto it = j.find("layer_types");
    if (it == j.end() || it->is_null()) {
        for (int64_t l = 0; l < c.numLayers; ++l)
            c.layerTypes.push_back(l % 2 == 0 ? "sliding_attention" : "full_attention");
        return;
    }
    if (!it->is_array() || int64_t(it->size()) != c.numLayers)
        in.fail("layer_types", "must list one attention type per layer (" + std::to_string(c.numLayers) + ")");
    for (const auto& t : *it) {
        if (!t.is_string() || (t.get<std::string>() != "sliding_attention" && t.get<std::string>() != "full_attention"))
            in.fail("layer_types", "entries must be \"sliding_attention\" or \"full_attention\" (got " + t.dump() + ")");
        c.layerTypes.push_back(t.get<std::string>());
    }
}

// quantization_config: none, or MXFP4 experts; other methods are refused by name.
void readQuantization(const ConfigReader& in, ModelConfig& c)
{
    c.expertQuant.clear();
    const nlohmann::json& j = in.json();
    auto it = j.find("quantization_config");
    if (it == j.end() || it->is_null())
        return;
    const auto m = it->is_object() ? it->find("quant_method") : it->end();
    if (!it->is_object() || m == it->end() || !m->is_string())
        in.fail("quantization_config", "must be an object with a quant_method");
    if (m->get<std::string>() != "mxfp4")
        in.fail("quantization_config.quant_method",
                "\"" + m->get<std::string>() + "\" is not supported for gpt_oss (only \"mxfp4\")");
    if (c.hiddenSize % 32 != 0 || c.intermediateSize % 32 != 0)
        in.fail("quantization_config", "MXFP4 needs hidden_size and intermediate_size divisible by 32");
    c.expertQuant = "mxfp4";
}

void setGptOssParts(ModelConfig& c)
{
    c.attentionBias = true;
    c.oProjBias = true;
    c.attentionSinks = true;
    c.routerLinearBias = true;
    c.softmaxAfterTopk = true;
    c.normTopkProb = true;
    c.expertBias = true;
    c.expertActivation = ModelConfig::ExpertActivation::ClampedSwiglu;
}

void readGptOss(const ConfigReader& in, ModelConfig& c)
{
    setGptOssParts(c);
    c.numExperts = in.intOr("num_local_experts", 128);
    c.topk = in.intOr("num_experts_per_tok", 4);
    c.intermediateSize = in.intOr("intermediate_size", 2880);
    c.headDim = in.intOr("head_dim", 64);
    c.swigluAlpha = in.numberOr("swiglu_alpha", 1.702);
    c.swigluLimit = in.numberOr("swiglu_limit", 7.0);
    if (!(c.swigluLimit > 0))
        in.fail("swiglu_limit", "must be positive");
    // q/k/v/o biases are what the released checkpoints and the runtime carry.
    if (!in.boolOr("attention_bias", true))
        in.fail("attention_bias", "false is not supported for gpt_oss (the released checkpoints have biases)");
    c.slidingWindow = in.isNull("sliding_window") ? 0 : in.intOr("sliding_window", 128, false);
    readLayerTypes(in, c);
    readQuantization(in, c);
}

// No rope_scaling / rope_parameters: transformers' GptOssConfig default YaRN.
void finishGptOss(const ConfigReader& in, ModelConfig& c)
{
    if (in.has("rope_scaling") || in.has("rope_parameters"))
        return;
    c.ropeType = "yarn";
    c.ropeFactor = 32;
    c.ropeBetaFast = 32;
    c.ropeBetaSlow = 1;
    c.ropeTruncate = false;
    c.ropeOriginalMaxPositions = 4096;
    c.ropeAttentionFactor = 0.1 * std::log(32.0) + 1.0;
}

void writeGptOss(const ModelConfig& c, nlohmann::json& j)
{
    j["num_local_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["experts_per_token"] = c.topk;
    j["intermediate_size"] = c.intermediateSize;
    j["head_dim"] = c.headDim;
    j["attention_bias"] = true;
    j["swiglu_limit"] = c.swigluLimit;
    if (c.swigluAlpha != 1.702)
        j["swiglu_alpha"] = c.swigluAlpha;
    j["layer_types"] = c.layerTypes;
    j["initial_context_length"] = c.ropeOriginalMaxPositions;
    j["output_router_logits"] = false;
    j["router_aux_loss_coef"] = 0.9;
    if (c.expertQuant == "mxfp4")
        j["quantization_config"] = {{"quant_method", "mxfp4"},
                                    {"modules_to_not_convert",
                                     {"model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens",
                                      "lm_head"}}};
}

ModelConfig gptOssPreset(const std::string& name)
{
    ModelConfig c;
    setGptOssParts(c);
    c.rmsNormEps = 1e-5;
    c.expertQuant = "mxfp4";
    c.ropeType = "yarn";
    c.ropeBetaFast = 32;
    c.ropeBetaSlow = 1;
    c.ropeTruncate = false;
    if (name == "tiny" || name == "small") { // YaRN x4 over a small original context; window binds
        const bool small = name == "small";
        c.vocabSize = small ? 4000 : 320; c.hiddenSize = small ? 256 : 64; c.numLayers = small ? 6 : 2;
        c.numHeads = small ? 8 : 4; c.numKvHeads = 2; c.headDim = small ? 32 : 16;
        c.numExperts = small ? 32 : 8; c.topk = small ? 4 : 2; c.intermediateSize = small ? 128 : 32;
        c.maxPositions = small ? 4096 : 512; c.slidingWindow = small ? 128 : 8;
        c.ropeTheta = 150000; c.ropeFactor = 4; c.ropeOriginalMaxPositions = c.maxPositions / 4;
    } else if (name == "gpt-oss-20b" || name == "gpt-oss-120b") { // openai/gpt-oss-*'s config.json
        const bool big = name == "gpt-oss-120b";
        c.vocabSize = 201088; c.hiddenSize = 2880; c.numLayers = big ? 36 : 24; c.numHeads = 64; c.numKvHeads = 8;
        c.headDim = 64; c.numExperts = big ? 128 : 32; c.topk = 4; c.intermediateSize = 2880;
        c.maxPositions = 131072; c.slidingWindow = 128; c.ropeTheta = 150000; c.ropeFactor = 32;
        c.ropeOriginalMaxPositions = 4096; c.bosId = 199998; c.eosId = 200002;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, gpt-oss-20b, gpt-oss-120b)");
    }
    c.ropeAttentionFactor = 0.1 * std::log(c.ropeFactor) + 1.0; // YaRN's mscale(factor)
    for (int64_t l = 0; l < c.numLayers; ++l)
        c.layerTypes.push_back(l % 2 == 0 ? "sliding_attention" : "full_attention");
    return c;
}

ModelFamily makeGptOss()
{
    ModelFamily f;
    f.name = "gpt_oss";
    f.architectures = {"GptOssForCausalLM", "GptOssModel"};
    f.expertsField = "num_local_experts";
    f.names.router = "mlp.router.weight";
    f.names.fusedRouter = "mlp.router.weight";
    f.names.fusedInputMajor = true;
    f.presets = {"tiny", "small", "gpt-oss-20b", "gpt-oss-120b"};
    f.readFields = readGptOss;
    f.finishFields = finishGptOss;
    f.writeFields = writeGptOss;
    f.preset = gptOssPreset;
    return f;
}

} // namespace

const ModelFamily& gptOssFamily()
{
    static const ModelFamily f = makeGptOss();
    return f;
}

} // namespace specmoe
