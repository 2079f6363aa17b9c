#include "core/demo/demo_simulation.h"

#include "core/demo/report_html.h"
#include "core/simulate/simulate.h"
#include "core/speculate/train.h"
#include "core/util/atomic_file.h"
#include "core/util/path_json.h"
#include "core/util/utf8.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace specmoe::demo {

namespace sim = specmoe::simulate;

namespace {

std::string num(double v, int prec)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", prec, v);
    return buf;
}

} // namespace

DemoSimulation simulateDemo(const std::string& traceDir, const std::string& runDir, const std::string& modelDir,
                            const std::string& outDir, int64_t maxTokens, const ProgressFn& progress)
{
    const auto start = std::chrono::steady_clock::now();
    sim::SimulateParams p;
    p.traceDirs = {traceDir};
    p.model = modelDir;
    p.maxTokens = maxTokens;
    p.threads = 2;
    // Links from the one on which fetching an expert takes as long as computing a layer
    // (slower, and the link is the bottleneck whatever is prefetched) to 8 times faster; no
    // latency: the demo model's experts are tiny, a fixed 10 us per transfer would be all
    // there is to see. The report shows the link where the oracle gains most.
    p.hardware.linkLatencyUs = 0;
    const sim::ModelShape shape = sim::modelShapeFromConfig(modelDir);
    const sim::EngineCost cost = sim::engineCost(shape, p.storage, p.hardware, 1, shape.topk, shape.topk, 0.0);
    const double balanced = cost.expertBytes / cost.computeSeconds[size_t(shape.topk)] / 1e9;
    p.linkGBps = {balanced, balanced * 2, balanced * 4, balanced * 8};
    p.cacheExperts = {shape.experts / 2};
    p.policies = {sim::Policy::Lru};
    p.predictors = {speculate::kFrequency, speculate::kMarkov, speculate::kLookahead, runDir,
                    runDir + ":" + speculate::kInterLayer};
    p.horizons = {1};
    p.budgets = {shape.topk};
    const sim::SimulationResult r = sim::runSimulation(p, progress);
    std::filesystem::create_directories(outDir);
    DemoSimulation s;
    s.ran = true;
    s.file = outDir + "/simulation.json";
    writeFileAtomic(s.file, r.toJson() + "\n");
    writeFileAtomic(outDir + "/simulation.csv", r.toCsv());
    s.cacheExperts = p.cacheExperts.front();
    s.budget = shape.topk;
    double gain = -1;
    for (const sim::GapSummary& g : r.gaps())
        if (g.noneTokensPerSecond > 0 && g.oracleTokensPerSecond / g.noneTokensPerSecond > gain) {
            gain = g.oracleTokensPerSecond / g.noneTokensPerSecond;
            s.linkGBps = g.linkGBps;
        }
    for (const sim::SimulationRow& row : r.rows)
        if (row.linkGBps == s.linkGBps)
            s.rows.push_back({row.predictor, row.hitRate, row.prefetchPrecision, row.prefetchRecall, row.bytesPerToken,
                              row.stallMsPerToken, row.tokensPerSecond});
    std::stable_sort(s.rows.begin(), s.rows.end(), [](const DemoSimulationRow& a, const DemoSimulationRow& b) {
        return a.tokensPerSecond > b.tokensPerSecond;
    });
    for (const sim::GapSummary& g : r.gaps())
        if (g.linkGBps == s.linkGBps) {
            s.best = g.best;
            s.noneTokensPerSecond = g.noneTokensPerSecond;
            s.oracleTokensPerSecond = g.oracleTokensPerSecond;
            s.bestTokensPerSecond = g.bestTokensPerSecond;
            s.gapClosed = g.gapClosed;
        }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s;
}

nlohmann::json toJson(const DemoSimulation& s)
{
    nlohmann::json rows = nlohmann::json::array();
    for (const DemoSimulationRow& r : s.rows)
        rows.push_back({{"predictor", sanitizeUtf8(r.predictor, kReplacementChar)}, // a label: the run folder
                        {"hit_rate", r.hitRate},
                        {"prefetch_precision", r.prefetchPrecision},
                        {"prefetch_recall", r.prefetchRecall},
                        {"bytes_per_token", r.bytesPerToken},
                        {"stall_ms_per_token", r.stallMsPerToken},
                        {"tokens_per_s", r.tokensPerSecond}});
    return {{"ran", s.ran},
            {"file", pathToJson(s.file)},
            {"cache_experts", s.cacheExperts},
            {"link_gbps", s.linkGBps},
            {"budget", s.budget},
            {"horizon", s.horizon},
            {"rows", rows},
            {"best", sanitizeUtf8(s.best, kReplacementChar)},
            {"none_tokens_per_s", s.noneTokensPerSecond},
            {"oracle_tokens_per_s", s.oracleTokensPerSecond},
            {"best_tokens_per_s", s.bestTokensPerSecond},
            {"gap_closed", s.gapClosed},
            {"seconds", s.seconds}};
}

std::string simulationSectionHtml(const DemoSimulation& s)
{
    if (!s.ran)
        return {};
    std::ostringstream h;
    h << "<h2>What a prediction buys</h2>\n<p>The test split replayed through a model of an offloading engine "
         "(docs/simulation.md): an LRU cache of "
      << s.cacheExperts << " experts per layer, the others fetched over a link of " << num(s.linkGBps, 2)
      << " GB/s without latency (of the links swept, the one where knowing the routing gains most), "
      << s.budget << " experts prefetched per layer one layer ahead. Between no prefetching and the oracle (the "
         "true routing):</p>\n";
    h << "<table><tr><th class=l>predictor</th><th>tokens/s</th><th>hit rate</th><th>precision</th>"
         "<th>recall</th><th>MB/token</th><th>stall ms/token</th></tr>\n";
    for (const DemoSimulationRow& r : s.rows) {
        const bool bound = r.predictor == sim::kNoPrefetch || r.predictor == sim::kOracle;
        std::string name = r.predictor;
        if (name.size() > 40)
            name = "..." + name.substr(name.size() - 37);
        h << "<tr><td class=l>" << (bound ? "<b>" : "") << htmlEscape(name) << (bound ? " (bound)</b>" : "")
          << "</td><td>" << num(r.tokensPerSecond, 1) << "</td><td>" << num(r.hitRate, 3) << "</td><td>"
          << num(r.prefetchPrecision, 3) << "</td><td>" << num(r.prefetchRecall, 3) << "</td><td>"
          << num(r.bytesPerToken / 1e6, 3) << "</td><td>" << num(r.stallMsPerToken, 4) << "</td></tr>\n";
    }
    h << "</table>\n";
    if (!s.best.empty()) {
        h << "<p>The best predictor, " << htmlEscape(s.best) << ", runs at " << num(s.bestTokensPerSecond, 1)
          << " tokens/s; no prefetching " << num(s.noneTokensPerSecond, 1) << ", the oracle "
          << num(s.oracleTokensPerSecond, 1) << ": ";
        switch (simulate::gapVerdict(s.noneTokensPerSecond, s.oracleTokensPerSecond, s.bestTokensPerSecond)) {
        case simulate::GapVerdict::OracleGainsLittle:
        case simulate::GapVerdict::NoPredictor:
            h << "the oracle gains under 1%, prefetching cannot help at this setting.</p>\n";
            break;
        case simulate::GapVerdict::AllSlower:
            h << "every predictor is slower than no prefetching at this setting.</p>\n";
            break;
        case simulate::GapVerdict::BeyondOracle:
            h << "it beats the oracle, whose plan only orders fetches while the predictor's also keeps experts "
                 "in the cache (docs/simulation.md, Outputs).</p>\n";
            break;
        case simulate::GapVerdict::ClosesGap:
            h << "it closes " << num(100.0 * s.gapClosed, 0) << "% of the gap between no prefetching and the oracle.</p>\n";
            break;
        }
    }
    return h.str();
}

} // namespace specmoe::demo
