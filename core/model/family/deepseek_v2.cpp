// DeepseekV2ForCausalLM (DeepSeek-V2, DeepSeek-V2-Lite, DeepSeek-Coder-V2): multi-head latent
// attention as DeepSeek-V3's (q_lora_rank null on V2-Lite: a full-rank q_proj), with the
// rotary embedding a complex rotation of interleaved pairs and the softmax scale
// 1/sqrt(qk_head_dim) without YaRN's mscale (transformers' DeepseekV2Attention; DeepSeek's
// own code multiplies mscale^2 in, see docs/models.md). Router (transformers'
// DeepseekV2Moe): softmax scores; topk_method "greedy" takes the top-k, and
// "group_limited_greedy" first keeps the topk_group groups with the best single score; the
// weights are the chosen scores times routed_scaling_factor, never renormalized. Defaults
// are transformers' DeepseekV2Config defaults.
#include "core/model/family/deepseek_common.h"
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

namespace specmoe {
namespace {

void readDeepseekV2(const ConfigReader& in, ModelConfig& c)
{
    readDeepseekCommon(in, c, {64, 0, 1407, 11008, 2, 0, 1536, 1, 1, 1.0, false});
    if (c.topk == 0)
        in.fail("num_experts_per_tok", "is required");
    // transformers' DeepseekV2Moe never renormalizes; DeepSeek's own code does when this is
    // true, so a true here has no single meaning.
    if (c.normTopkProb)
        in.fail("norm_topk_prob", "true is not supported for DeepseekV2 (transformers ignores it); only false");
    const std::string scoring = in.stringOr("scoring_func", "softmax");
    if (scoring != "softmax")
        in.fail("scoring_func", "\"" + scoring + "\" is not supported for DeepseekV2 (only \"softmax\")");
    const std::string method = in.stringOr("topk_method", "greedy");
    if (method != "greedy" && method != "group_limited_greedy")
        in.fail("topk_method", "\"" + method + "\" is not supported (\"greedy\", \"group_limited_greedy\")");
    c.routerScore = ModelConfig::RouterScore::Softmax;
    c.groupLimited = method == "group_limited_greedy";
    c.groupScore = ModelConfig::GroupScore::Max;
    if (c.groupLimited) {
        if (!in.has("n_group") || !in.has("topk_group"))
            in.fail(in.has("n_group") ? "topk_group" : "n_group", "is required for \"group_limited_greedy\"");
        checkDeepseekGroups(in, c, 1);
    }
    c.ropeInterleave = true; // transformers rotates the pairs (2i, 2i+1) as complex numbers
}

void writeDeepseekV2(const ModelConfig& c, nlohmann::json& j)
{
    writeDeepseekCommon(c, j);
    j["scoring_func"] = "softmax";
    j["topk_method"] = c.groupLimited ? "group_limited_greedy" : "greedy";
}

ModelConfig deepseekV2Preset(const std::string& name)
{
    ModelConfig c;
    c.normTopkProb = false;
    c.ropeInterleave = true;
    if (name == "tiny" || name == "small") {
        deepseekTinyDims(c, name == "small");
        c.qLoraRank = 0; // as V2-Lite
        c.sharedExperts = 2;
        c.sharedExpertIntermediateSize = 2 * c.intermediateSize;
        c.groupLimited = true;
        c.expertGroups = name == "tiny" ? 4 : 8;
        c.topkGroups = name == "tiny" ? 2 : 3;
        c.routedScalingFactor = 2.0;
    } else if (name == "deepseek-v2-lite") { // deepseek-ai/DeepSeek-V2-Lite's config.json
        c.vocabSize = 102400; c.hiddenSize = 2048; c.numLayers = 27; c.numHeads = 16; c.numKvHeads = 16;
        c.kvLoraRank = 512; c.qkNopeHeadDim = 128; c.qkRopeHeadDim = 64; c.vHeadDim = 128;
        c.numExperts = 64; c.topk = 6; c.intermediateSize = 1408;
        c.sharedExperts = 2; c.sharedExpertIntermediateSize = 2 * 1408;
        c.denseIntermediateSize = 10944; c.firstDenseLayers = 1; c.bosId = 100000; c.eosId = 100001;
    } else if (name == "deepseek-v2") { // deepseek-ai/DeepSeek-V2's config.json
        c.vocabSize = 102400; c.hiddenSize = 5120; c.numLayers = 60; c.numHeads = 128; c.numKvHeads = 128;
        c.qLoraRank = 1536; c.kvLoraRank = 512; c.qkNopeHeadDim = 128; c.qkRopeHeadDim = 64; c.vHeadDim = 128;
        c.numExperts = 160; c.topk = 6; c.intermediateSize = 1536;
        c.sharedExperts = 2; c.sharedExpertIntermediateSize = 2 * 1536;
        c.denseIntermediateSize = 12288; c.firstDenseLayers = 1; c.bosId = 100000; c.eosId = 100001;
        c.groupLimited = true; c.expertGroups = 8; c.topkGroups = 3; c.routedScalingFactor = 16.0;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, deepseek-v2-lite, deepseek-v2)");
    }
    if (name != "tiny" && name != "small") {
        c.maxPositions = 163840; c.ropeTheta = 10000; c.rmsNormEps = 1e-6; c.headDim = c.qkRopeHeadDim;
    }
    // YaRN as the released models have it (attention factor mscale / mscale_all_dim = 1).
    c.ropeType = "yarn";
    c.ropeFactor = name == "tiny" || name == "small" ? 4 : 40;
    c.ropeOriginalMaxPositions = name == "tiny" || name == "small" ? c.maxPositions / 4 : 4096;
    c.ropeMscale = 0.707;
    c.ropeMscaleAllDim = 0.707;
    return c;
}

ModelFamily makeDeepseekV2()
{
    ModelFamily f;
    f.name = "deepseek_v2";
    f.architectures = {"DeepseekV2ForCausalLM", "DeepseekV2Model"};
    f.expertsField = "n_routed_experts";
    f.names.sharedPrefix = "mlp.shared_experts.";
    f.presets = {"tiny", "small", "deepseek-v2-lite", "deepseek-v2"};
    f.readFields = readDeepseekV2;
    f.writeFields = writeDeepseekV2;
    f.preset = deepseekV2Preset;
    return f;
}

} // namespace

const ModelFamily& deepseekV2Family()
{
    static const ModelFamily f = makeDeepseekV2();
    return f;
}

} // namespace specmoe
