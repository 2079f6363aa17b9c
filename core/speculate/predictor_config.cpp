#include "core/speculate/predictor_config.h"

#include "core/speculate/stats.h"
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <type_traits>

namespace fs = std::filesystem;

namespace specmoe::speculate {
namespace {

template <typename T>
const char* expectedKind();
template <>
const char* expectedKind<int>() { return "an integer"; }
template <>
const char* expectedKind<int64_t>() { return "an integer"; }
template <>
const char* expectedKind<uint64_t>() { return "a non-negative integer"; }
template <>
const char* expectedKind<double>() { return "a number"; }
template <>
const char* expectedKind<bool>() { return "true or false"; }
template <>
const char* expectedKind<std::string>() { return "a string"; }
template <>
const char* expectedKind<std::vector<int>>() { return "a list of integers"; }
template <>
const char* expectedKind<std::vector<std::string>>() { return "a list of strings"; }
template <>
const char* expectedKind<std::vector<std::vector<int>>>() { return "a list of lists of integers"; }

// config.json's fields by dotted path ("dims.layers"): a missing or mistyped one throws an
// Error naming the file and the path.
class ConfigFields {
public:
    ConfigFields(const nlohmann::json& root, const std::string& where) : m_root(root), m_where(where) {}

    template <typename T>
    T required(const std::string& path) const
    {
        const nlohmann::json* v = find(path);
        if (!v)
            fail(path, "is missing");
        return convert<T>(*v, path);
    }

    template <typename T>
    T optional(const std::string& path, T fallback) const
    {
        const nlohmann::json* v = find(path);
        return v && !v->is_null() ? convert<T>(*v, path) : fallback;
    }

    [[noreturn]] void fail(const std::string& path, const std::string& what) const
    {
        throw Error(m_where + ": field '" + path + "' " + what);
    }

private:
    const nlohmann::json* find(const std::string& path) const
    {
        const nlohmann::json* v = &m_root;
        size_t begin = 0;
        while (true) {
            const size_t dot = path.find('.', begin);
            const std::string key = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
            if (!v->is_object())
                return nullptr;
            const auto it = v->find(key);
            if (it == v->end())
                return nullptr;
            v = &*it;
            if (dot == std::string::npos)
                return v;
            begin = dot + 1;
        }
    }

    template <typename T>
    T convert(const nlohmann::json& v, const std::string& path) const
    {
        // nlohmann would read 3.5 layers as 3 and true as 1: scalar kinds are checked first.
        bool ok = true;
        if constexpr (std::is_same_v<T, bool>)
            ok = v.is_boolean();
        else if constexpr (std::is_unsigned_v<T>)
            ok = v.is_number_unsigned();
        else if constexpr (std::is_integral_v<T>)
            ok = v.is_number_integer();
        else if constexpr (std::is_floating_point_v<T>)
            ok = v.is_number();
        if (ok) {
            try {
                return v.get<T>();
            } catch (const nlohmann::json::exception&) {
            }
        }
        fail(path, std::string("must be ") + expectedKind<T>());
    }

    const nlohmann::json& m_root;
    const std::string& m_where;
};

} // namespace

std::vector<std::string> PredictorConfig::models() const
{
    std::vector<std::string> names;
    if (inter)
        names.push_back(kInterLayer);
    if (stat)
        names.push_back(kStatistics);
    if (hidden)
        names.push_back(kHiddenState);
    if (ens)
        names.push_back(kEnsemble);
    return names;
}

nlohmann::json PredictorConfig::toJson() const
{
    nlohmann::json fb = nlohmann::json::array();
    for (int h = 0; h < horizon; ++h) {
        std::vector<int> row(fallback.begin() + h * dims.layers, fallback.begin() + (h + 1) * dims.layers);
        fb.push_back(row);
    }
    nlohmann::json dimsJson = {{"layers", dims.layers}, {"experts", dims.experts}, {"topk", dims.topk},
                               {"lookahead", dims.lookahead}};
    // Schema-2 facts only where they differ from a version-1 trace's (weights, every layer
    // MoE, no shared expert), so predictors of such traces keep their config.json.
    if (!dims.hasWeights)
        dimsJson["has_weights"] = false;
    if (!dims.moeLayers.empty())
        dimsJson["moe_layers"] = dims.moeLayers;
    if (dims.decoderLayers != 0)
        dimsJson["decoder_layers"] = dims.decoderLayers;
    if (dims.sharedExperts != 0)
        dimsJson["shared_experts"] = dims.sharedExperts;
    if (dims.featureDim != 0)
        dimsJson["feature_dim"] = dims.featureDim;
    nlohmann::json j = {{"format", "specmoe-predictor"},
            {"version", 1},
            {"dims", dimsJson},
            {"horizon", horizon},
            {"model", {{"embed_dim", model.embedDim}, {"hidden_dim", model.hiddenDim},
                       {"token_buckets", model.tokenBuckets}, {"stats_dim", model.statsDim},
                       {"use_weights", model.useWeights}, {"use_token_ids", model.useTokenIds},
                       {"use_lookahead", model.useLookahead}}},
            {"models", models()},
            {"ensemble", {{"components", components}, {"fallback", fb}}},
            {"split", {{"seed", split.seed}, {"train_fraction", split.trainFraction},
                       {"validation_fraction", split.validationFraction}}},
            {"fingerprint", fingerprint},
            {"train_tokens", trainTokens},
            {"best_epoch", bestEpoch},
            {"markov_smoothing", kMarkovSmoothing},
            {"uniform_jitter", 1e-4}};
    // The hidden-state model's fields only where it exists, so other predictors keep their
    // config.json as before.
    if (hidden) {
        j["model"]["use_features"] = model.useFeatures;
        j["model"]["mlp_dim"] = model.mlpDim;
        j["model"]["decode_context"] = model.decodeContext;
        j["model"]["decode_features"] = model.decodeFeatures;
    }
    if (!featureKind.empty() || !featureBasisFile.empty())
        j["features"] = {{"kind", featureKind}, {"basis", featureBasisFile}};
    if (!hiddenUnavailable.empty())
        j["unavailable"] = {{kHiddenState, hiddenUnavailable}};
    return j;
}

PredictorConfig PredictorConfig::fromJson(const nlohmann::json& j, const std::string& where)
{
    if (!j.is_object() || j.value("format", nlohmann::json()) != "specmoe-predictor")
        throw Error(where + ": not a specmoe predictor config (field 'format' is not 'specmoe-predictor')");
    const ConfigFields f(j, where);
    if (const int version = f.required<int>("version"); version != 1)
        f.fail("version", "is " + std::to_string(version) + "; this version reads 1");
    PredictorConfig c;
    c.dims.layers = f.required<int>("dims.layers");
    c.dims.experts = f.required<int>("dims.experts");
    c.dims.topk = f.required<int>("dims.topk");
    c.dims.lookahead = f.required<std::vector<int>>("dims.lookahead");
    // Predictors of version-1 traces record none of these: weights, every layer MoE.
    c.dims.hasWeights = f.optional<bool>("dims.has_weights", true);
    c.dims.moeLayers = f.optional<std::vector<int>>("dims.moe_layers", {});
    c.dims.decoderLayers = f.optional<int>("dims.decoder_layers", 0);
    c.dims.sharedExperts = f.optional<int>("dims.shared_experts", 0);
    c.dims.featureDim = f.optional<int>("dims.feature_dim", 0);
    c.horizon = f.required<int>("horizon");
    c.model.embedDim = f.required<int>("model.embed_dim");
    c.model.hiddenDim = f.required<int>("model.hidden_dim");
    c.model.tokenBuckets = f.required<int>("model.token_buckets");
    c.model.statsDim = f.required<int>("model.stats_dim");
    c.model.useWeights = f.required<bool>("model.use_weights");
    c.model.useTokenIds = f.required<bool>("model.use_token_ids");
    c.model.useLookahead = f.required<bool>("model.use_lookahead");
    c.model.useFeatures = f.optional<bool>("model.use_features", c.model.useFeatures);
    c.model.mlpDim = f.optional<int>("model.mlp_dim", c.model.mlpDim);
    // Written since the decode context exists; earlier predictors had none.
    c.model.decodeContext = f.optional<bool>("model.decode_context", false);
    c.model.decodeFeatures = f.optional<bool>("model.decode_features", false);
    const auto models = f.required<std::vector<std::string>>("models");
    auto has = [&](const char* n) { return std::find(models.begin(), models.end(), n) != models.end(); };
    c.inter = has(kInterLayer);
    c.stat = has(kStatistics);
    c.ens = has(kEnsemble);
    c.hidden = has(kHiddenState);
    c.hiddenUnavailable = f.optional<std::string>("unavailable." + std::string(kHiddenState), "");
    c.featureKind = f.optional<std::string>("features.kind", "");
    c.featureBasisFile = f.optional<std::string>("features.basis", "");
    c.components = f.required<std::vector<std::string>>("ensemble.components");
    for (const std::vector<int>& row : f.required<std::vector<std::vector<int>>>("ensemble.fallback"))
        c.fallback.insert(c.fallback.end(), row.begin(), row.end());
    c.split.seed = f.required<uint64_t>("split.seed");
    c.split.trainFraction = f.required<double>("split.train_fraction");
    c.split.validationFraction = f.required<double>("split.validation_fraction");
    c.fingerprint = f.optional<std::string>("fingerprint", "");
    c.trainTokens = f.optional<int64_t>("train_tokens", 0);
    c.bestEpoch = f.optional<int>("best_epoch", 0);
    if (c.dims.layers <= 0 || c.dims.experts <= 0 || c.dims.topk <= 0 || c.dims.topk > c.dims.experts)
        f.fail("dims", "holds invalid dimensions (" + describeDims(c.dims) + ")");
    if (c.horizon <= 0 || c.horizon >= c.dims.layers)
        f.fail("horizon", "must be from 1 to layers - 1 (" + std::to_string(c.dims.layers - 1) + "), not " +
                              std::to_string(c.horizon));
    if (!c.dims.moeLayers.empty() && int(c.dims.moeLayers.size()) != c.dims.layers)
        f.fail("dims.moe_layers", "must list one decoder layer per stored layer (" + std::to_string(c.dims.layers) + ")");
    if (c.dims.featureDim < 0)
        f.fail("dims.feature_dim", "must be 0 (no features) or more, not " + std::to_string(c.dims.featureDim));
    if (c.hidden && (c.dims.featureDim == 0 || !c.model.useFeatures))
        f.fail("models", "names the hidden-state model, but dims.feature_dim is 0 or model.use_features is false");
    if (c.hidden && c.model.mlpDim < 1)
        f.fail("model.mlp_dim", "must be at least 1");
    if (c.featureBasisFile.find('/') != std::string::npos || c.featureBasisFile == "..")
        f.fail("features.basis", "must name a file in the predictor folder, not a path");
    if (c.model.useWeights && !c.dims.hasWeights)
        f.fail("model.use_weights", "is true, but the traces it was trained on hold no router weights");
    if (int(c.fallback.size()) != c.horizon * c.dims.layers)
        f.fail("ensemble.fallback", "must be [horizon][layers] (" + std::to_string(c.horizon) + " x " +
                                        std::to_string(c.dims.layers) + ")");
    return c;
}

std::string predictorConfigFile(const std::string& dir) { return dir + "/config.json"; }
std::string predictorWeightsFile(const std::string& dir) { return dir + "/predictor.safetensors"; }

bool isPredictorFolder(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(predictorConfigFile(dir), ec) && fs::is_regular_file(predictorWeightsFile(dir), ec);
}

PredictorConfig PredictorConfig::load(const std::string& predictorDir)
{
    const std::string path = predictorConfigFile(predictorDir);
    const std::string text = readFile(path, "the predictor config");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    return fromJson(j, path);
}

std::optional<PredictorConfig> PredictorConfig::find(const std::string& predictorDir)
{
    std::error_code ec;
    if (!fs::exists(predictorConfigFile(predictorDir), ec))
        return std::nullopt;
    return load(predictorDir);
}

} // namespace specmoe::speculate
