// DeepseekV3ForCausalLM (DeepSeek-V3, DeepSeek-R1, Kimi-K2's layout): multi-head latent
// attention with low-rank q (q_lora_rank) and YaRN, whose mscale_all_dim also scales the
// attention softmax (by mscale squared); rotary pairs interleaved (rope_interleave); the
// first first_k_dense_replace layers dense; one ungated shared MLP of n_shared_experts x
// moe_intermediate_size beside the routed experts. Router (transformers'
// DeepseekV3MoE.route_tokens_to_experts): sigmoid scores; the choice adds
// e_score_correction_bias, keeps the topk_group groups with the best sum of their two best
// biased scores and takes the top-k there; the weights are the chosen experts' unbiased
// scores, renormalized when norm_topk_prob, times routed_scaling_factor. Defaults are
// transformers' DeepseekV3Config defaults (DeepSeek-V3's dims).
#include "core/model/family/deepseek_common.h"
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace specmoe {
namespace {

void readDeepseekV3(const ConfigReader& in, ModelConfig& c)
{
    readDeepseekCommon(in, c, {256, 8, 2048, 18432, 1, 3, 1536, 8, 4, 2.5, true});
    // transformers hard-codes what these name; refuse configs that mean anything else.
    const std::string scoring = in.stringOr("scoring_func", "sigmoid");
    if (scoring != "sigmoid")
        in.fail("scoring_func", "\"" + scoring + "\" is not supported for DeepseekV3 (only \"sigmoid\")");
    const std::string method = in.stringOr("topk_method", "noaux_tc");
    if (method != "noaux_tc")
        in.fail("topk_method", "\"" + method + "\" is not supported for DeepseekV3 (only \"noaux_tc\")");
    c.routerScore = ModelConfig::RouterScore::Sigmoid;
    c.routerBias = true;
    c.groupLimited = true;
    c.groupScore = ModelConfig::GroupScore::Top2Sum;
    checkDeepseekGroups(in, c, 2);
    c.ropeInterleave = in.boolOr("rope_interleave", true);
}

// YaRN's mscale with mscale_all_dim scales the softmax (transformers' DeepseekV3Attention).
void finishDeepseekV3(const ConfigReader&, ModelConfig& c)
{
    c.softmaxScaleFactor = 1.0;
    if (c.ropeType != "default" && c.ropeMscaleAllDim != 0 && c.ropeFactor > 1) {
        const double m = 0.1 * c.ropeMscaleAllDim * std::log(c.ropeFactor) + 1.0;
        c.softmaxScaleFactor = m * m;
    }
}

void writeDeepseekV3(const ModelConfig& c, nlohmann::json& j)
{
    writeDeepseekCommon(c, j);
    j["scoring_func"] = "sigmoid";
    j["topk_method"] = "noaux_tc";
    j["rope_interleave"] = c.ropeInterleave;
}

ModelConfig deepseekV3Preset(const std::string& name)
{
    ModelConfig c;
    c.routerScore = ModelConfig::RouterScore::Sigmoid;
    c.routerBias = true;
    c.groupLimited = true;
    c.groupScore = ModelConfig::GroupScore::Top2Sum;
    c.normTopkProb = true;
    c.ropeInterleave = true;
    c.routedScalingFactor = 2.5;
    if (name == "tiny" || name == "small") {
        deepseekTinyDims(c, name == "small");
        c.qLoraRank = name == "tiny" ? 32 : 96;
        c.expertGroups = name == "tiny" ? 4 : 8;
        c.topkGroups = name == "tiny" ? 2 : 4;
        c.sharedExpertIntermediateSize = c.intermediateSize;
        // YaRN as the released model has it, at a small original context.
        c.ropeType = "yarn";
        c.ropeFactor = 4;
        c.ropeOriginalMaxPositions = c.maxPositions / 4;
        c.ropeMscale = 1;
        c.ropeMscaleAllDim = 1;
    } else if (name == "deepseek-v3") { // deepseek-ai/DeepSeek-V3's config.json
        c.vocabSize = 129280; c.hiddenSize = 7168; c.numLayers = 61; c.numHeads = 128; c.numKvHeads = 128;
        c.qLoraRank = 1536; c.kvLoraRank = 512; c.qkNopeHeadDim = 128; c.qkRopeHeadDim = 64; c.vHeadDim = 128;
        c.numExperts = 256; c.topk = 8; c.expertGroups = 8; c.topkGroups = 4; c.intermediateSize = 2048;
        c.sharedExpertIntermediateSize = 2048; c.denseIntermediateSize = 18432; c.firstDenseLayers = 3;
        c.maxPositions = 163840; c.ropeTheta = 10000; c.rmsNormEps = 1e-6; c.bosId = 0; c.eosId = 1;
        c.ignoredTrailingLayers = 1;
        c.ropeType = "yarn";
        c.ropeFactor = 40;
        c.ropeOriginalMaxPositions = 4096;
        c.ropeMscale = 1;
        c.ropeMscaleAllDim = 1;
        c.headDim = c.qkRopeHeadDim;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, deepseek-v3)");
    }
    // attention factor mscale(1) / mscale_all_dim(1) = 1; the softmax takes mscale^2.
    const double m = 0.1 * std::log(c.ropeFactor) + 1.0;
    c.softmaxScaleFactor = m * m;
    return c;
}

ModelFamily makeDeepseekV3()
{
    ModelFamily f;
    f.name = "deepseek_v3";
    f.architectures = {"DeepseekV3ForCausalLM", "DeepseekV3Model"};
    f.expertsField = "n_routed_experts";
    f.names.sharedPrefix = "mlp.shared_experts.";
    f.presets = {"tiny", "small", "deepseek-v3"};
    f.readFields = readDeepseekV3;
    f.finishFields = finishDeepseekV3;
    f.writeFields = writeDeepseekV3;
    f.preset = deepseekV3Preset;
    return f;
}

} // namespace

const ModelFamily& deepseekV3Family()
{
    static const ModelFamily f = makeDeepseekV3();
    return f;
}

} // namespace specmoe
