// The figures derived from a replay's counters, and the result as JSON and CSV.
#include "core/simulate/simulate.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

namespace specmoe::simulate {

void deriveFigures(SimulationRow& row, int batch)
{
    (void)batch;
    const EngineCounters& c = row.counters;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    row.hitRate = ratio(double(c.hits), double(c.requests));
    row.prefetchPrecision = ratio(double(c.prefetchesUsed), double(c.prefetches));
    // Of the experts that were not resident before their layer asked, the share a prefetch brought.
    row.prefetchRecall = ratio(double(c.prefetchesUsed), double(c.prefetchesUsed + c.misses));
    const double tokens = double(c.tokens);
    row.bytesPerToken = ratio(c.demandBytes + c.prefetchBytes, tokens);
    row.stallMsPerToken = 1e3 * ratio(c.stallSeconds, tokens);
    row.computeMsPerToken = 1e3 * ratio(c.computeSeconds, tokens);
    row.tokensPerSecond = ratio(tokens, c.seconds);
    row.linkUtilisation = ratio(c.linkBusySeconds, c.seconds);
    row.stallMsPerLayer.resize(c.stallPerLayer.size());
    for (size_t l = 0; l < c.stallPerLayer.size(); ++l)
        row.stallMsPerLayer[l] = 1e3 * ratio(c.stallPerLayer[l], tokens);
}

const SimulationRow* SimulationResult::find(const std::string& predictor, Policy policy, int cacheExperts,
                                            double linkGBps, int budget, int horizon) const
{
    for (const SimulationRow& r : rows)
        if (r.predictor == predictor && r.policy == policy && r.cacheExperts == cacheExperts &&
            std::fabs(r.linkGBps - linkGBps) < 1e-9 && r.budget == budget && r.horizon == horizon)
            return &r;
    return nullptr;
}

std::vector<GapSummary> SimulationResult::gaps() const
{
    std::vector<GapSummary> out;
    for (const SimulationRow& o : rows) {
        if (o.predictor != kOracle)
            continue;
        const SimulationRow* none = find(kNoPrefetch, o.policy, o.cacheExperts, o.linkGBps, 0, 0);
        if (!none)
            continue;
        GapSummary g;
        g.policy = o.policy;
        g.cacheExperts = o.cacheExperts;
        g.linkGBps = o.linkGBps;
        g.budget = o.budget;
        g.horizon = o.horizon;
        g.noneTokensPerSecond = none->tokensPerSecond;
        g.oracleTokensPerSecond = o.tokensPerSecond;
        for (const SimulationRow& r : rows)
            if (r.predictor != kOracle && r.predictor != kNoPrefetch && r.policy == o.policy &&
                r.cacheExperts == o.cacheExperts && r.linkGBps == o.linkGBps && r.budget == o.budget &&
                r.horizon == o.horizon && (g.best.empty() || r.tokensPerSecond > g.bestTokensPerSecond)) {
                g.best = r.predictor;
                g.bestTokensPerSecond = r.tokensPerSecond;
            }
        const double gap = g.oracleTokensPerSecond - g.noneTokensPerSecond;
        g.gapClosed = !g.best.empty() && gap > 0 ? (g.bestTokensPerSecond - g.noneTokensPerSecond) / gap : 0.0;
        out.push_back(g);
    }
    return out;
}

GapVerdict gapVerdict(double none, double oracle, double best, bool hasPredictor)
{
    if (!hasPredictor)
        return GapVerdict::NoPredictor;
    if (oracle - none < 0.01 * none)
        return GapVerdict::OracleGainsLittle;
    if (best < none)
        return GapVerdict::AllSlower;
    if (best > oracle)
        return GapVerdict::BeyondOracle;
    return GapVerdict::ClosesGap;
}

GapVerdict gapVerdict(const GapSummary& g)
{
    return gapVerdict(g.noneTokensPerSecond, g.oracleTokensPerSecond, g.bestTokensPerSecond, !g.best.empty());
}

std::string gapVerdictText(GapVerdict v, double gapClosed)
{
    switch (v) {
    case GapVerdict::NoPredictor:
        return "no predictor beside the bounds";
    case GapVerdict::OracleGainsLittle:
        return "the oracle gains under 1%: prefetching cannot help here";
    case GapVerdict::AllSlower:
        return "every predictor is slower than no prefetching here";
    case GapVerdict::BeyondOracle:
        return "beats the oracle: its plan also keeps experts in the cache";
    case GapVerdict::ClosesGap:
        break;
    }
    char text[64];
    std::snprintf(text, sizeof text, "closes %.0f%% of the gap", 100.0 * gapClosed);
    return text;
}

namespace {

nlohmann::json rowJson(const SimulationRow& r)
{
    const EngineCounters& c = r.counters;
    return {{"predictor", r.predictor},
            {"policy", policyName(r.policy)},
            {"cache_experts", r.cacheExperts},
            {"cache_gb", r.cacheGB},
            {"link_gbps", r.linkGBps},
            {"budget", r.budget},
            {"horizon", r.horizon},
            {"hit_rate", r.hitRate},
            {"prefetch_precision", r.prefetchPrecision},
            {"prefetch_recall", r.prefetchRecall},
            {"bytes_per_token", r.bytesPerToken},
            {"stall_ms_per_token", r.stallMsPerToken},
            {"compute_ms_per_token", r.computeMsPerToken},
            {"tokens_per_s", r.tokensPerSecond},
            {"link_utilisation", r.linkUtilisation},
            {"stall_ms_per_layer", r.stallMsPerLayer},
            {"counts",
             {{"steps", c.steps},
              {"tokens", c.tokens},
              {"requests", c.requests},
              {"hits", c.hits},
              {"late_hits", c.lateHits},
              {"misses", c.misses},
              {"bypassed", c.bypassed},
              {"prefetches", c.prefetches},
              {"prefetches_used", c.prefetchesUsed},
              {"prefetches_dropped", c.prefetchesDropped},
              {"demand_bytes", c.demandBytes},
              {"prefetch_bytes", c.prefetchBytes},
              {"seconds", c.seconds}}}};
}

} // namespace

std::string SimulationResult::toJson() const
{
    nlohmann::json j;
    j["format"] = "specmoe-simulation";
    j["version"] = 1;
    j["split"] = split;
    j["dims"] = {{"layers", dims.layers}, {"experts", dims.experts}, {"topk", dims.topk}};
    j["model"] = {{"name", model.name},
                  {"hidden", model.hidden},
                  {"expert_intermediate", model.expertIntermediate},
                  {"attention_params", model.attentionParams},
                  {"shared_experts", model.sharedExperts},
                  {"expert_params", model.expertParams()}};
    j["storage"] = storageDTypeName(storage);
    j["expert_bytes"] = expertBytes;
    j["hardware"] = nlohmann::json::parse(profileToJson(hardware));
    j["compute_ms_per_layer"] = computeMsPerLayer;
    j["compute_measurement"] = computeMeasurement ? measurementJson(*computeMeasurement) : nlohmann::json();
    j["batch"] = batch;
    j["tokens"] = tokens;
    j["sequences"] = sequences;
    j["steps"] = steps;
    j["warmup_steps"] = warmupSteps;
    nlohmann::json preds = nlohmann::json::array();
    for (const PredictorTiming& p : predictors)
        preds.push_back({{"name", p.name}, {"inference_seconds", p.seconds}, {"tokens", p.tokens}});
    j["predictor_inference"] = preds;
    j["replay_seconds"] = replaySeconds;
    j["token_layers"] = tokenLayers;
    nlohmann::json rs = nlohmann::json::array();
    for (const SimulationRow& r : rows)
        rs.push_back(rowJson(r));
    j["rows"] = rs;
    nlohmann::json gs = nlohmann::json::array();
    for (const GapSummary& g : gaps())
        gs.push_back({{"policy", policyName(g.policy)},
                      {"cache_experts", g.cacheExperts},
                      {"link_gbps", g.linkGBps},
                      {"budget", g.budget},
                      {"horizon", g.horizon},
                      {"none_tokens_per_s", g.noneTokensPerSecond},
                      {"oracle_tokens_per_s", g.oracleTokensPerSecond},
                      {"best", g.best},
                      {"best_tokens_per_s", g.bestTokensPerSecond},
                      {"gap_closed", g.gapClosed}});
    j["gaps"] = gs;
    // Names here are labels (a model folder, a predictor's DIR[:MODEL]): U+FFFD for bytes
    // that are not UTF-8; the compute measurement's model_dir keeps its bytes (path_json.h).
    return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string SimulationResult::toCsv() const
{
    std::ostringstream s;
    s.precision(10);
    s << "predictor,policy,cache_experts,cache_gb,link_gbps,budget,horizon,hit_rate,prefetch_precision,"
         "prefetch_recall,bytes_per_token,stall_ms_per_token,compute_ms_per_token,tokens_per_s,link_utilisation,"
         "requests,hits,misses,prefetches,prefetches_used,prefetches_dropped\n";
    for (const SimulationRow& r : rows) {
        const EngineCounters& c = r.counters;
        // Predictor names are folder paths at worst: quote them.
        std::string name = r.predictor;
        for (size_t i = 0; (i = name.find('"', i)) != std::string::npos; i += 2)
            name.insert(i, "\"");
        s << '"' << name << "\"," << policyName(r.policy) << ',' << r.cacheExperts << ',' << r.cacheGB << ','
          << r.linkGBps << ',' << r.budget << ',' << r.horizon << ',' << r.hitRate << ',' << r.prefetchPrecision << ','
          << r.prefetchRecall << ',' << r.bytesPerToken << ',' << r.stallMsPerToken << ',' << r.computeMsPerToken << ','
          << r.tokensPerSecond << ',' << r.linkUtilisation << ',' << c.requests << ',' << c.hits << ',' << c.misses
          << ',' << c.prefetches << ',' << c.prefetchesUsed << ',' << c.prefetchesDropped << '\n';
    }
    return s.str();
}

} // namespace specmoe::simulate
