#include "core/model/config.h"
#include "core/util/json_error.h"

#include "core/util/error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace specmoe {
namespace {

using nlohmann::json;

// Sizes beyond this are refused: real configs stay far below it, and products of a few
// sizes (parameter and byte counts) then fit in int64.
constexpr int64_t kMaxSize = int64_t(1) << 31;
// Parameters a config may describe (1.5 million times Mixtral-8x7B's): byte counts of them
// (up to 8 bytes each) stay below 2^59.
constexpr long double kMaxParameters = 72057594037927936.0L; // 2^56

[[noreturn]] void fail(const std::string& source, const std::string& field, const std::string& why)
{
    throw Error(source + ": field \"" + field + "\" " + why);
}

int64_t requireInt(const json& j, const std::string& source, const char* field, bool positive = true)
{
    auto it = j.find(field);
    if (it == j.end() || it->is_null())
        fail(source, field, "is required");
    // A whole float counts (exports write 4096.0); one beyond int64's range must not reach
    // the cast, which is undefined there.
    if (it->is_number_float()) {
        const double d = it->get<double>();
        if (!std::isfinite(d) || d != std::trunc(d))
            fail(source, field, "must be an integer");
        if (std::fabs(d) > double(kMaxSize))
            fail(source, field, "must be at most " + std::to_string(kMaxSize));
    } else if (!it->is_number_integer()) {
        fail(source, field, "must be an integer");
    }
    if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(kMaxSize))
        fail(source, field, "must be at most " + std::to_string(kMaxSize));
    const int64_t v = it->is_number_integer() ? it->get<int64_t>() : int64_t(it->get<double>());
    if (positive && v <= 0)
        fail(source, field, "must be positive (got " + std::to_string(v) + ")");
    if (v > kMaxSize)
        fail(source, field, "must be at most " + std::to_string(kMaxSize));
    return v;
}

double requireNumber(const json& j, const std::string& source, const char* field)
{
    auto it = j.find(field);
    if (it == j.end() || it->is_null())
        fail(source, field, "is required");
    if (!it->is_number())
        fail(source, field, "must be a number");
    return it->get<double>();
}

// parameterCount() multiplies the sizes in int64: refuse sizes whose product would not fit.
void checkParameterCount(const MixtralConfig& c, const std::string& source)
{
    const long double H = c.hiddenSize, D = c.headDim;
    const long double layer = H * c.numHeads * D * 2 + H * c.numKvHeads * D * 2 + c.numExperts * H +
                              c.numExperts * 3 * H * c.intermediateSize + 2 * H;
    const long double n = 2 * c.vocabSize * H + c.numLayers * layer + H;
    if (n > kMaxParameters)
        throw Error(source + ": the sizes (vocab_size, hidden_size, intermediate_size, num_hidden_layers, "
                             "num_local_experts, heads) describe about " +
                    std::to_string(double(n)) + " parameters; at most 2^56 are supported");
}

} // namespace

MixtralConfig parseConfig(const std::string& text, const std::string& source)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception& e) {
        throw Error(source + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!j.is_object())
        throw Error(source + ": not a JSON object");

    MixtralConfig c;
    const std::string supported = "supported: MixtralForCausalLM (model_type \"mixtral\")";
    if (auto it = j.find("architectures"); it != j.end() && !it->is_null()) {
        if (!it->is_array() || it->empty() || !(*it)[0].is_string())
            fail(source, "architectures", "must be a list of names");
        c.architecture = (*it)[0].get<std::string>();
        if (c.architecture != "MixtralForCausalLM" && c.architecture != "MixtralModel")
            throw Error(source + ": field \"architectures\": unsupported architecture \"" +
                        c.architecture + "\"; " + supported);
    }
    if (auto it = j.find("model_type"); it != j.end() && !it->is_null()) {
        if (!it->is_string())
            fail(source, "model_type", "must be a string");
        c.modelType = it->get<std::string>();
        if (c.modelType != "mixtral")
            throw Error(source + ": field \"model_type\": unsupported model type \"" + c.modelType +
                        "\"; " + supported);
    } else if (j.find("architectures") == j.end()) {
        throw Error(source + ": neither \"architectures\" nor \"model_type\" is set; " + supported);
    }

    c.vocabSize = requireInt(j, source, "vocab_size");
    c.hiddenSize = requireInt(j, source, "hidden_size");
    c.intermediateSize = requireInt(j, source, "intermediate_size");
    c.numLayers = requireInt(j, source, "num_hidden_layers");
    c.numHeads = requireInt(j, source, "num_attention_heads");
    c.numKvHeads = j.contains("num_key_value_heads") && !j["num_key_value_heads"].is_null()
                       ? requireInt(j, source, "num_key_value_heads")
                       : c.numHeads;
    c.numExperts = requireInt(j, source, "num_local_experts");
    c.topk = requireInt(j, source, "num_experts_per_tok");
    c.rmsNormEps = requireNumber(j, source, "rms_norm_eps");
    if (c.rmsNormEps < 0)
        fail(source, "rms_norm_eps", "must not be negative");

    if (j.contains("head_dim") && !j["head_dim"].is_null())
        c.headDim = requireInt(j, source, "head_dim");
    else {
        if (c.hiddenSize % c.numHeads != 0)
            fail(source, "num_attention_heads", "must divide hidden_size when head_dim is not set");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0)
        fail(source, "head_dim", "must be even for rotary embeddings");
    if (c.numHeads % c.numKvHeads != 0)
        fail(source, "num_key_value_heads", "must divide num_attention_heads");
    if (c.topk > c.numExperts)
        fail(source, "num_experts_per_tok", "must not exceed num_local_experts");
    if (c.numExperts > 65534) // kNoExpert (0xFFFF) is the trace's "no expert"
        fail(source, "num_local_experts", "must be at most 65534 (trace expert ids are 16-bit)");

    // rope_theta: top level, or inside rope_parameters (newer exports).
    bool haveTheta = false;
    if (j.contains("rope_theta") && !j["rope_theta"].is_null()) {
        c.ropeTheta = requireNumber(j, source, "rope_theta");
        haveTheta = true;
    } else if (auto rp = j.find("rope_parameters"); rp != j.end() && rp->is_object()) {
        if (rp->contains("rope_type") && (*rp)["rope_type"].is_string() &&
            (*rp)["rope_type"].get<std::string>() != "default")
            fail(source, "rope_parameters.rope_type",
                 "\"" + (*rp)["rope_type"].get<std::string>() + "\" is not supported (only \"default\")");
        if (rp->contains("rope_theta") && (*rp)["rope_theta"].is_number()) {
            c.ropeTheta = (*rp)["rope_theta"].get<double>();
            haveTheta = true;
        }
    }
    if (!haveTheta)
        fail(source, "rope_theta", "is required (top level or inside rope_parameters)");
    if (c.ropeTheta <= 0)
        fail(source, "rope_theta", "must be positive");
    if (auto rs = j.find("rope_scaling"); rs != j.end() && !rs->is_null())
        fail(source, "rope_scaling", "is not supported");

    c.maxPositions = j.contains("max_position_embeddings") && !j["max_position_embeddings"].is_null()
                         ? requireInt(j, source, "max_position_embeddings")
                         : 0;
    if (auto sw = j.find("sliding_window"); sw != j.end() && !sw->is_null()) {
        c.slidingWindow = requireInt(j, source, "sliding_window", false);
        if (c.slidingWindow < 0)
            fail(source, "sliding_window", "must not be negative");
    }
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
        fail(source, "hidden_act", "\"" + act->get<std::string>() + "\" is not supported (only \"silu\")");
    checkParameterCount(c, source);
    return c;
}

MixtralConfig loadConfig(const std::string& dir)
{
    const std::string path = dir + "/config.json";
    return parseConfig(readFile(path, "the model configuration; is " + dir + " a checkpoint folder?"), path);
}

std::string configToJson(const MixtralConfig& c)
{
    json j;
    j["architectures"] = {c.architecture};
    j["model_type"] = c.modelType;
    j["attention_dropout"] = 0.0;
    j["bos_token_id"] = c.bosId;
    j["eos_token_id"] = c.eosId;
    j["hidden_act"] = "silu";
    j["initializer_range"] = 0.02;
    j["output_router_logits"] = false;
    j["router_aux_loss_coef"] = 0.02;
    j["router_jitter_noise"] = 0.0;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["torch_dtype"] = c.torchDtype;
    j["use_cache"] = true;
    j["vocab_size"] = c.vocabSize;
    j["hidden_size"] = c.hiddenSize;
    j["intermediate_size"] = c.intermediateSize;
    j["num_hidden_layers"] = c.numLayers;
    j["num_attention_heads"] = c.numHeads;
    j["num_key_value_heads"] = c.numKvHeads;
    // Without head_dim, parseConfig takes hidden / heads and needs it to divide evenly.
    if (c.headDim != c.hiddenSize / c.numHeads || c.hiddenSize % c.numHeads != 0)
        j["head_dim"] = c.headDim;
    j["num_local_experts"] = c.numExperts;
    j["num_experts_per_tok"] = c.topk;
    j["max_position_embeddings"] = c.maxPositions > 0 ? json(c.maxPositions) : json(nullptr); // 0: not set
    j["rope_theta"] = c.ropeTheta;
    j["rms_norm_eps"] = c.rmsNormEps;
    j["sliding_window"] = c.slidingWindow > 0 ? json(c.slidingWindow) : json(nullptr);
    return j.dump(2) + "\n";
}

std::string configHash(const MixtralConfig& c)
{
    std::ostringstream s;
    s.precision(17);
    s << "mixtral|v" << c.vocabSize << "|h" << c.hiddenSize << "|i" << c.intermediateSize << "|l"
      << c.numLayers << "|nh" << c.numHeads << "|kv" << c.numKvHeads << "|hd" << c.headDim << "|e"
      << c.numExperts << "|k" << c.topk << "|rt" << c.ropeTheta << "|eps" << c.rmsNormEps << "|sw"
      << c.slidingWindow << "|tie" << c.tieWordEmbeddings;
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : s.str()) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
    return buf;
}

int64_t parameterCount(const MixtralConfig& c, bool withLmHead)
{
    const int64_t H = c.hiddenSize, D = c.headDim;
    const int64_t attn = H * c.numHeads * D * 2 + H * c.numKvHeads * D * 2;
    const int64_t moe = c.numExperts * H + c.numExperts * 3 * H * c.intermediateSize;
    const int64_t layer = attn + moe + 2 * H;
    int64_t n = c.vocabSize * H + c.numLayers * layer + H;
    if (withLmHead && !c.tieWordEmbeddings)
        n += c.vocabSize * H;
    return n;
}

MixtralConfig presetConfig(const std::string& name)
{
    MixtralConfig c;
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
    } else {
        throw Error("unknown model preset \"" + name + "\" (tiny, small, mixtral-8x7b)");
    }
    c.headDim = c.hiddenSize / c.numHeads;
    return c;
}

} // namespace specmoe
