#include "core/model/config.h"

#include "core/model/config_reader.h"
#include "core/model/family/model_family.h"
#include "core/util/json_error.h"

#include "core/util/error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace specmoe {
namespace {

using nlohmann::json;

// Parameters a config may describe (1.5 million times Mixtral-8x7B's): byte counts of them
// (up to 8 bytes each) stay below 2^59.
constexpr long double kMaxParameters = 72057594037927936.0L; // 2^56

// A layer's attention weights (no biases); long double, so that any sizes fit.
long double attentionParameters(const ModelConfig& c)
{
    const long double H = c.hiddenSize, nh = c.numHeads;
    if (!c.mla()) {
        const long double D = c.headDim;
        return H * nh * D * 2 + H * c.numKvHeads * D * 2;
    }
    const long double qr = c.qLoraRank, kvr = c.kvLoraRank, qk = c.qkHeadDim(), vd = c.vHeadDim;
    const long double q = qr > 0 ? H * qr + qr + qr * nh * qk : H * nh * qk;
    return q + H * (kvr + c.qkRopeHeadDim) + kvr + kvr * nh * (c.qkNopeHeadDim + vd) + nh * vd * H;
}

// get_mscale of YaRN (transformers' modeling_rope_utils): 1 for scales up to 1.
double yarnMscale(double scale, double mscale)
{
    return scale <= 1 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0;
}

// layerParameterCount() and parameterCount() multiply the sizes in int64: refuse sizes
// whose product would not fit.
void checkParameterCount(const ModelConfig& c, const std::string& source)
{
    const long double H = c.hiddenSize, D = c.headDim;
    // Biases and q/k norms: at most (heads + 2 kv heads) * head_dim each.
    const long double attn = attentionParameters(c) + 2 * (c.numHeads + 2 * c.numKvHeads) * D;
    const long double moe = c.numExperts * (H + 1) + c.numExperts * 3 * H * c.intermediateSize +
                            3 * H * (long double)c.sharedExpertIntermediateSize + H;
    const long double dense = 3 * H * (long double)c.denseIntermediateSize;
    const long double layer = attn + std::max(moe, dense) + 2 * H;
    const long double n = 2 * c.vocabSize * H + c.numLayers * layer + H;
    if (n > kMaxParameters)
        throw Error(source + ": the sizes (vocab_size, hidden_size, intermediate_size, num_hidden_layers, "
                             "experts, heads) describe about " +
                    std::to_string(double(n)) + " parameters; at most 2^56 are supported");
}

// architectures / model_type -> the family, or an error naming what is supported.
const ModelFamily& familyOf(const json& j, const ConfigReader& in, ModelConfig& c)
{
    const std::string& source = in.source();
    const std::string supported = "supported: " + supportedFamiliesText();
    std::string arch, type;
    if (auto it = j.find("architectures"); it != j.end() && !it->is_null()) {
        if (!it->is_array() || it->empty() || !(*it)[0].is_string())
            in.fail("architectures", "must be a list of names");
        arch = (*it)[0].get<std::string>();
        if (!familyFor(arch, ""))
            throw Error(source + ": field \"architectures\": unsupported architecture \"" + arch + "\"; " + supported);
    }
    if (auto it = j.find("model_type"); it != j.end() && !it->is_null()) {
        if (!it->is_string())
            in.fail("model_type", "must be a string");
        type = it->get<std::string>();
        if (!familyFor("", type))
            throw Error(source + ": field \"model_type\": unsupported model type \"" + type + "\"; " + supported);
    } else if (j.find("architectures") == j.end()) {
        throw Error(source + ": neither \"architectures\" nor \"model_type\" is set; " + supported);
    }
    const ModelFamily* f = familyFor(arch, type);
    if (!f)
        throw Error(source + ": field \"model_type\": model type \"" + type + "\" does not go with architecture \"" +
                    arch + "\"; " + supported);
    c = ModelConfig{};
    c.family = f->name;
    c.modelType = type.empty() ? f->name : type;
    c.architecture = arch.empty() ? f->architectures.front() : arch;
    return *f;
}

// YaRN's fields (rope_scaling, or rope_parameters of newer exports), as transformers'
// _compute_yarn_parameters reads them.
void readYarn(const json& r, const ConfigReader& in, const std::string& field, ModelConfig& c)
{
    auto num = [&](const char* key, double fallback) {
        auto it = r.find(key);
        if (it == r.end() || it->is_null())
            return fallback;
        if (!it->is_number())
            in.fail(field + "." + key, "must be a number");
        return it->get<double>();
    };
    c.ropeType = "yarn";
    c.ropeFactor = num("factor", 0);
    if (c.ropeFactor <= 0)
        in.fail(field + ".factor", "is required for \"yarn\" and must be positive");
    c.ropeOriginalMaxPositions = int64_t(num("original_max_position_embeddings", double(c.maxPositions)));
    if (c.ropeOriginalMaxPositions <= 0)
        in.fail(field + ".original_max_position_embeddings", "is required (or max_position_embeddings) and must be positive");
    // `or` in transformers: 0 / null fall back too.
    c.ropeBetaFast = num("beta_fast", 0) != 0 ? num("beta_fast", 0) : 32;
    c.ropeBetaSlow = num("beta_slow", 0) != 0 ? num("beta_slow", 0) : 1;
    c.ropeMscale = num("mscale", 0);
    c.ropeMscaleAllDim = num("mscale_all_dim", 0);
    if (auto t = r.find("truncate"); t != r.end() && t->is_boolean())
        c.ropeTruncate = t->get<bool>();
    if (r.contains("attention_factor") && !r["attention_factor"].is_null())
        c.ropeAttentionFactor = num("attention_factor", 1);
    else if (c.ropeMscale != 0 && c.ropeMscaleAllDim != 0)
        c.ropeAttentionFactor = yarnMscale(c.ropeFactor, c.ropeMscale) / yarnMscale(c.ropeFactor, c.ropeMscaleAllDim);
    else
        c.ropeAttentionFactor = yarnMscale(c.ropeFactor, 1);
}

// rope_theta: top level, or inside rope_parameters (newer exports); scaling: rope_scaling
// or rope_parameters' rope_type ("default" or "yarn").
void readRope(const json& j, const ConfigReader& in, ModelConfig& c)
{
    bool haveTheta = false;
    const json* scaling = nullptr;
    std::string scalingField;
    if (in.has("rope_theta")) {
        c.ropeTheta = in.requireNumber("rope_theta");
        haveTheta = true;
    }
    if (auto rp = j.find("rope_parameters"); rp != j.end() && rp->is_object()) {
        if (rp->contains("rope_type") && (*rp)["rope_type"].is_string() &&
            (*rp)["rope_type"].get<std::string>() != "default") {
            scaling = &*rp;
            scalingField = "rope_parameters";
        }
        if (!haveTheta && rp->contains("rope_theta") && (*rp)["rope_theta"].is_number()) {
            c.ropeTheta = (*rp)["rope_theta"].get<double>();
            haveTheta = true;
        }
    }
    if (!haveTheta)
        in.fail("rope_theta", "is required (top level or inside rope_parameters)");
    if (c.ropeTheta <= 0)
        in.fail("rope_theta", "must be positive");
    if (auto rs = j.find("rope_scaling"); rs != j.end() && !rs->is_null()) {
        if (!rs->is_object())
            in.fail("rope_scaling", "must be an object");
        scaling = &*rs;
        scalingField = "rope_scaling";
    }
    if (!scaling)
        return;
    std::string type;
    for (const char* key : {"rope_type", "type"}) // "type": older exports
        if (auto t = scaling->find(key); type.empty() && t != scaling->end() && t->is_string())
            type = t->get<std::string>();
    if (type == "default")
        return;
    if (type != "yarn")
        in.fail(scalingField, "type \"" + type + "\" is not supported (only \"default\" and \"yarn\")");
    readYarn(*scaling, in, scalingField, c);
}

// The layer map's fields, whatever family set them.
void checkLayerMap(const ConfigReader& in, const ModelConfig& c)
{
    if (c.decoderSparseStep < 1)
        in.fail("decoder_sparse_step", "must be at least 1");
    for (int l : c.mlpOnlyLayers)
        if (l >= c.numLayers)
            in.fail("mlp_only_layers", "names layer " + std::to_string(l) + ", beyond num_hidden_layers = " +
                                           std::to_string(c.numLayers));
    if (c.numLayers > 0 && c.moeLayerCount() == 0) {
        // Name the field that leaves no MoE layer: DeepSeek has no mlp_only_layers.
        const std::string layers = ", num_hidden_layers = " + std::to_string(c.numLayers);
        if (c.firstDenseLayers >= c.numLayers)
            in.fail("first_k_dense_replace", "is " + std::to_string(c.firstDenseLayers) +
                                                 ": every layer is dense, none is left for MoE" + layers);
        if (c.decoderSparseStep > c.numLayers)
            in.fail("decoder_sparse_step", "is " + std::to_string(c.decoderSparseStep) +
                                               ": no layer is an MoE layer" + layers);
        in.fail("mlp_only_layers", "leaves no MoE layer (decoder_sparse_step, mlp_only_layers, first dense layers)");
    }
    if (c.moeLayerCount() < c.numLayers && c.denseIntermediateSize <= 0)
        in.fail("intermediate_size", "is required for the dense layers");
}

} // namespace

bool ModelConfig::isMoeLayer(int64_t l) const
{
    if (l < firstDenseLayers || (l + 1) % decoderSparseStep != 0)
        return false;
    for (int d : mlpOnlyLayers)
        if (d == l)
            return false;
    return true;
}

std::vector<int> ModelConfig::moeLayers() const
{
    std::vector<int> out;
    for (int64_t l = 0; l < numLayers; ++l)
        if (isMoeLayer(l))
            out.push_back(int(l));
    return out;
}

int64_t ModelConfig::moeLayerCount() const
{
    int64_t n = 0;
    for (int64_t l = 0; l < numLayers; ++l)
        n += isMoeLayer(l) ? 1 : 0;
    return n;
}

int64_t ModelConfig::windowOf(int64_t layer) const
{
    if (layerTypes.empty())
        return slidingWindow;
    return layerTypes[size_t(layer)] == "sliding_attention" ? slidingWindow : 0;
}

std::string ModelConfig::routing() const
{
    if (softmaxAfterTopk) // gpt-oss: top-k of the logits, softmax over the k chosen
        return "topk_softmax";
    // The names traces imported from serving engines use (core/import/model_layout.cpp).
    std::string s = routerScore == RouterScore::Sigmoid ? "sigmoid" : "softmax";
    if (groupLimited)
        s += "_group";
    s += "_topk";
    return normTopkProb ? s : s + "_unnormalized";
}

ModelConfig parseConfig(const std::string& text, const std::string& source)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception& e) {
        throw Error(source + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!j.is_object())
        throw Error(source + ": not a JSON object");

    const ConfigReader in(j, source);
    ModelConfig c;
    const ModelFamily& family = familyOf(j, in, c);

    c.vocabSize = in.requireInt("vocab_size");
    c.hiddenSize = in.requireInt("hidden_size");
    c.numLayers = in.requireInt("num_hidden_layers");
    c.numHeads = in.requireInt("num_attention_heads");
    c.numKvHeads = in.intOr("num_key_value_heads", c.numHeads);
    family.readFields(in, c);
    c.rmsNormEps = in.requireNumber("rms_norm_eps");
    if (c.rmsNormEps < 0)
        in.fail("rms_norm_eps", "must not be negative");

    if (c.mla()) {
        // the family set headDim = qk_rope_head_dim, as transformers' config does
    } else if (in.has("head_dim"))
        c.headDim = in.requireInt("head_dim");
    else {
        if (c.hiddenSize % c.numHeads != 0)
            in.fail("num_attention_heads", "must divide hidden_size when head_dim is not set");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0)
        in.fail("head_dim", "must be even for rotary embeddings");
    if (c.numHeads % c.numKvHeads != 0)
        in.fail("num_key_value_heads", "must divide num_attention_heads");
    if (c.topk > c.numExperts)
        in.fail("num_experts_per_tok", "must not exceed the number of experts (" + std::to_string(c.numExperts) + ")");
    if (c.numExperts > 65534) // kNoExpert (0xFFFF) is the trace's "no expert"
        in.fail(family.expertsField, "must be at most 65534 (trace expert ids are 16-bit)");
    checkLayerMap(in, c);
    c.maxPositions = in.intOr("max_position_embeddings", 0);
    readRope(j, in, c);
    if (family.finishFields)
        family.finishFields(in, c);

    if (in.has("sliding_window") && c.slidingWindow >= 0) {
        c.slidingWindow = in.requireInt("sliding_window", false);
        if (c.slidingWindow < 0)
            in.fail("sliding_window", "must not be negative");
    }
    if (c.slidingWindow < 0) // a family that keeps the window off (use_sliding_window false)
        c.slidingWindow = 0;
    if (auto t = j.find("tie_word_embeddings"); t != j.end() && t->is_boolean())
        c.tieWordEmbeddings = t->get<bool>();
    if (auto b = j.find("bos_token_id"); b != j.end() && b->is_number_integer())
        c.bosId = b->get<int64_t>();
    if (auto e = j.find("eos_token_id"); e != j.end() && e->is_number_integer())
        c.eosId = e->get<int64_t>();
    for (const char* key : {"torch_dtype", "dtype"})
        if (auto d = j.find(key); d != j.end() && d->is_string())
            c.torchDtype = d->get<std::string>();
    if (auto act = j.find("hidden_act"); act != j.end() && act->is_string() && act->get<std::string>() != "silu")
        in.fail("hidden_act", "\"" + act->get<std::string>() + "\" is not supported (only \"silu\")");
    checkParameterCount(c, source);
    return c;
}

ModelConfig loadConfig(const std::string& dir)
{
    const std::string path = dir + "/config.json";
    return parseConfig(readFile(path, "the model configuration; is " + dir + " a checkpoint folder?"), path);
}

std::string configToJson(const ModelConfig& c)
{
    json j;
    j["architectures"] = {c.architecture};
    j["model_type"] = c.modelType;
    j["attention_dropout"] = 0.0;
    j["bos_token_id"] = c.bosId;
    j["eos_token_id"] = c.eosId;
    j["hidden_act"] = "silu";
    j["initializer_range"] = 0.02;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["torch_dtype"] = c.torchDtype;
    j["use_cache"] = true;
    j["vocab_size"] = c.vocabSize;
    j["hidden_size"] = c.hiddenSize;
    j["num_hidden_layers"] = c.numLayers;
    j["num_attention_heads"] = c.numHeads;
    j["num_key_value_heads"] = c.numKvHeads;
    // Without head_dim, parseConfig takes hidden / heads and needs it to divide evenly.
    if (!c.mla() && (c.headDim != c.hiddenSize / c.numHeads || c.hiddenSize % c.numHeads != 0))
        j["head_dim"] = c.headDim;
    j["max_position_embeddings"] = c.maxPositions > 0 ? json(c.maxPositions) : json(nullptr); // 0: not set
    j["rope_theta"] = c.ropeTheta;
    j["rms_norm_eps"] = c.rmsNormEps;
    j["sliding_window"] = c.slidingWindow > 0 ? json(c.slidingWindow) : json(nullptr);
    if (c.ropeType == "yarn")
        j["rope_scaling"] = {{"type", "yarn"},
                             {"factor", c.ropeFactor},
                             {"original_max_position_embeddings", c.ropeOriginalMaxPositions},
                             {"beta_fast", c.ropeBetaFast},
                             {"beta_slow", c.ropeBetaSlow},
                             {"mscale", c.ropeMscale},
                             {"mscale_all_dim", c.ropeMscaleAllDim}};
    if (c.ropeType == "yarn" && !c.ropeTruncate)
        j["rope_scaling"]["truncate"] = false;
    familyNamed(c.family).writeFields(c, j);
    return j.dump(2) + "\n";
}

std::string configHash(const ModelConfig& c)
{
    std::ostringstream s;
    s.precision(17);
    s << "mixtral|v" << c.vocabSize << "|h" << c.hiddenSize << "|i" << c.intermediateSize << "|l"
      << c.numLayers << "|nh" << c.numHeads << "|kv" << c.numKvHeads << "|hd" << c.headDim << "|e"
      << c.numExperts << "|k" << c.topk << "|rt" << c.ropeTheta << "|eps" << c.rmsNormEps << "|sw"
      << c.slidingWindow << "|tie" << c.tieWordEmbeddings;
    // Other families add what they differ in (Mixtral's hash stays what traces recorded).
    if (c.family != "mixtral") {
        s << "|fam" << c.family << "|ntk" << c.normTopkProb << "|ab" << c.attentionBias << "|qkn" << int(c.qkNorm)
          << "|si" << c.sharedExpertIntermediateSize << "|sg" << c.sharedExpertGate << "|di"
          << c.denseIntermediateSize << "|moe";
        for (int l : c.moeLayers())
            s << "," << l;
        if (c.clipQkv > 0) // only when set: the hashes of configs without it stay what they were
            s << "|clip" << c.clipQkv;
    }
    // Newer parts, only when used (earlier families' hashes stay as traces recorded them).
    if (c.mla())
        s << "|mla" << c.qLoraRank << "," << c.kvLoraRank << "," << c.qkNopeHeadDim << "," << c.qkRopeHeadDim
          << "," << c.vHeadDim << "," << c.ropeInterleave;
    if (c.routing() != "softmax_topk" && c.routing() != "softmax_topk_unnormalized")
        s << "|router" << c.routing() << "," << c.routerBias << "," << int(c.groupScore) << "," << c.expertGroups
          << "," << c.topkGroups;
    if (c.routedScalingFactor != 1.0)
        s << "|rsf" << c.routedScalingFactor;
    if (c.ropeType != "default")
        s << "|rope" << c.ropeType << "," << c.ropeFactor << "," << c.ropeOriginalMaxPositions << ","
          << c.ropeBetaFast << "," << c.ropeBetaSlow << "," << c.ropeAttentionFactor << "," << c.ropeTruncate;
    if (c.softmaxScaleFactor != 1.0)
        s << "|ssf" << c.softmaxScaleFactor;
    if (c.routerLinearBias || c.expertBias || c.oProjBias || c.attentionSinks ||
        c.expertActivation != ModelConfig::ExpertActivation::SiluGlu)
        s << "|oss" << c.routerLinearBias << c.expertBias << c.oProjBias << c.attentionSinks << ","
          << int(c.expertActivation) << "," << c.swigluAlpha << "," << c.swigluLimit;
    if (!c.layerTypes.empty()) {
        s << "|lt";
        for (const auto& t : c.layerTypes)
            s << (t == "sliding_attention" ? 's' : 'f');
    }
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : s.str()) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
    return buf;
}

int64_t layerParameterCount(const ModelConfig& c, int64_t layer)
{
    const int64_t H = c.hiddenSize, D = c.headDim;
    int64_t attn = int64_t(attentionParameters(c));
    if (c.attentionBias)
        attn += (c.numHeads + 2 * c.numKvHeads) * D;
    attn += (c.oProjBias ? H : 0) + (c.attentionSinks ? c.numHeads : 0);
    if (c.qkNorm == QkNorm::PerHead)
        attn += 2 * D;
    else if (c.qkNorm == QkNorm::Projection)
        attn += (c.numHeads + c.numKvHeads) * D;
    int64_t mlp = 0;
    if (c.isMoeLayer(layer)) {
        mlp = c.numExperts * H + c.numExperts * 3 * H * c.intermediateSize + (c.routerBias ? c.numExperts : 0) +
              (c.routerLinearBias ? c.numExperts : 0) + (c.expertBias ? c.numExperts * (2 * c.intermediateSize + H) : 0);
        if (c.hasSharedExpert())
            mlp += 3 * H * c.sharedExpertIntermediateSize + (c.sharedExpertGate ? H : 0);
    } else {
        mlp = 3 * H * c.denseIntermediateSize;
    }
    return attn + mlp + 2 * H;
}

int64_t parameterCount(const ModelConfig& c, bool withLmHead)
{
    const int64_t H = c.hiddenSize;
    int64_t n = c.vocabSize * H + H;
    for (int64_t l = 0; l < c.numLayers; ++l)
        n += layerParameterCount(c, l);
    if (withLmHead && !c.tieWordEmbeddings)
        n += c.vocabSize * H;
    return n;
}

ModelConfig presetConfig(const std::string& name, const std::string& family)
{
    const ModelFamily& f = familyNamed(family);
    ModelConfig c = f.preset(name);
    c.family = f.name;
    c.modelType = f.name;
    c.architecture = f.architectures.front();
    return c;
}

} // namespace specmoe
