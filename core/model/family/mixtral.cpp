// MixtralForCausalLM (Mistral AI's Mixtral 8x7B / 8x22B): every layer MoE, softmax top-k
// renormalized, no shared expert, no attention bias (../shared/docs/mixtral-semantics.md).
#include "core/model/family/model_family.h"

#include "core/model/config_reader.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

namespace specmoe {
namespace {

void readMixtral(const ConfigReader& in, ModelConfig& c)
{
    c.intermediateSize = in.requireInt("intermediate_size");
    c.numExperts = in.requireInt("num_local_experts");
    c.topk = in.requireInt("num_experts_per_tok");
}

void writeMixtral(const ModelConfig& c, nlohmann::json& j)
{
    j["intermediate_size"] = c.intermediateSize;
    j["num_local_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["output_router_logits"] = false;
    j["router_aux_loss_coef"] = 0.02;
    j["router_jitter_noise"] = 0.0;
}

ModelConfig mixtralPreset(const std::string& name)
{
    ModelConfig c;
    c.ropeTheta = 1e6;
    c.rmsNormEps = 1e-5;
    if (name == "tiny") {
        c.vocabSize = 320; c.hiddenSize = 64; c.intermediateSize = 128; c.numLayers = 3;
        c.numHeads = 4; c.numKvHeads = 2; c.numExperts = 8; c.topk = 2; c.maxPositions = 512;
    } else if (name == "small") {
        c.vocabSize = 4000; c.hiddenSize = 256; c.intermediateSize = 384; c.numLayers = 6;
        c.numHeads = 8; c.numKvHeads = 2; c.numExperts = 8; c.topk = 2; c.maxPositions = 4096;
    } else if (name == "mixtral-8x7b") {
        c.vocabSize = 32000; c.hiddenSize = 4096; c.intermediateSize = 14336; c.numLayers = 32;
        c.numHeads = 32; c.numKvHeads = 8; c.numExperts = 8; c.topk = 2; c.maxPositions = 32768;
    } else if (name == "mixtral-8x22b") { // mistralai/Mixtral-8x22B-v0.1's config.json
        c.vocabSize = 32768; c.hiddenSize = 6144; c.intermediateSize = 16384; c.numLayers = 56;
        c.numHeads = 48; c.numKvHeads = 8; c.numExperts = 8; c.topk = 2; c.maxPositions = 65536;
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, mixtral-8x7b, mixtral-8x22b)");
    }
    c.headDim = c.hiddenSize / c.numHeads;
    return c;
}

ModelFamily makeMixtral()
{
    ModelFamily f;
    f.name = "mixtral";
    f.architectures = {"MixtralForCausalLM", "MixtralModel"};
    f.names.router = "block_sparse_moe.gate.weight";
    f.names.expertPrefix = "block_sparse_moe.experts.";
    f.names.expertGate = "w1.weight";
    f.names.expertUp = "w3.weight";
    f.names.expertDown = "w2.weight";
    f.presets = {"tiny", "small", "mixtral-8x7b", "mixtral-8x22b"};
    f.readFields = readMixtral;
    f.writeFields = writeMixtral;
    f.preset = mixtralPreset;
    return f;
}

} // namespace

const ModelFamily& mixtralFamily()
{
    static const ModelFamily f = makeMixtral();
    return f;
}

} // namespace specmoe
