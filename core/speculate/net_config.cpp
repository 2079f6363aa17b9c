#include "core/speculate/net_config.h"

#include "core/speculate/stats.h"
#include "core/util/error.h"

#include <algorithm>

namespace specmoe::speculate {

nlohmann::json NetConfig::toJson() const
{
    nlohmann::json models = nlohmann::json::array();
    if (inter)
        models.push_back(kInterLayer);
    if (stat)
        models.push_back(kStatistics);
    if (ens)
        models.push_back(kEnsemble);
    nlohmann::json fb = nlohmann::json::array();
    for (int h = 0; h < horizon; ++h) {
        std::vector<int> row(fallback.begin() + h * dims.layers, fallback.begin() + (h + 1) * dims.layers);
        fb.push_back(row);
    }
    return {{"format", "specmoe-predictor"},
            {"version", 1},
            {"dims", {{"layers", dims.layers}, {"experts", dims.experts}, {"topk", dims.topk},
                      {"lookahead", dims.lookahead}}},
            {"horizon", horizon},
            {"model", {{"embed_dim", model.embedDim}, {"hidden_dim", model.hiddenDim},
                       {"token_buckets", model.tokenBuckets}, {"stats_dim", model.statsDim},
                       {"use_weights", model.useWeights}, {"use_token_ids", model.useTokenIds},
                       {"use_lookahead", model.useLookahead}}},
            {"models", models},
            {"ensemble", {{"components", components}, {"fallback", fb}}},
            {"split", {{"seed", split.seed}, {"train_fraction", split.trainFraction},
                       {"validation_fraction", split.validationFraction}}},
            {"fingerprint", fingerprint},
            {"train_tokens", trainTokens},
            {"best_epoch", bestEpoch},
            {"markov_smoothing", kMarkovSmoothing},
            {"uniform_jitter", 1e-4}};
}

NetConfig NetConfig::fromJson(const nlohmann::json& j, const std::string& where)
{
    try {
        if (j.at("format").get<std::string>() != "specmoe-predictor")
            throw Error("not a specmoe predictor");
        if (j.at("version").get<int>() != 1)
            throw Error("unknown version " + j.at("version").dump());
        NetConfig c;
        const auto& d = j.at("dims");
        c.dims.layers = d.at("layers").get<int>();
        c.dims.experts = d.at("experts").get<int>();
        c.dims.topk = d.at("topk").get<int>();
        c.dims.lookahead = d.at("lookahead").get<std::vector<int>>();
        c.horizon = j.at("horizon").get<int>();
        const auto& m = j.at("model");
        c.model.embedDim = m.at("embed_dim").get<int>();
        c.model.hiddenDim = m.at("hidden_dim").get<int>();
        c.model.tokenBuckets = m.at("token_buckets").get<int>();
        c.model.statsDim = m.at("stats_dim").get<int>();
        c.model.useWeights = m.at("use_weights").get<bool>();
        c.model.useTokenIds = m.at("use_token_ids").get<bool>();
        c.model.useLookahead = m.at("use_lookahead").get<bool>();
        const auto models = j.at("models").get<std::vector<std::string>>();
        auto has = [&](const char* n) { return std::find(models.begin(), models.end(), n) != models.end(); };
        c.inter = has(kInterLayer);
        c.stat = has(kStatistics);
        c.ens = has(kEnsemble);
        c.components = j.at("ensemble").at("components").get<std::vector<std::string>>();
        c.fallback.clear();
        for (const auto& row : j.at("ensemble").at("fallback"))
            for (int v : row.get<std::vector<int>>())
                c.fallback.push_back(v);
        c.split.seed = j.at("split").at("seed").get<uint64_t>();
        c.split.trainFraction = j.at("split").at("train_fraction").get<double>();
        c.split.validationFraction = j.at("split").at("validation_fraction").get<double>();
        c.fingerprint = j.value("fingerprint", "");
        c.trainTokens = j.value("train_tokens", int64_t(0));
        c.bestEpoch = j.value("best_epoch", 0);
        if (c.dims.layers <= 0 || c.dims.experts <= 0 || c.dims.topk <= 0 || c.horizon <= 0 ||
            c.horizon >= c.dims.layers)
            throw Error("invalid dimensions or horizon");
        if (int(c.fallback.size()) != c.horizon * c.dims.layers)
            throw Error("ensemble.fallback must be [horizon][layers]");
        return c;
    } catch (const Error& e) {
        throw Error(where + ": " + e.what());
    } catch (const std::exception& e) {
        throw Error(where + ": bad or missing field: " + e.what());
    }
}

} // namespace specmoe::speculate
