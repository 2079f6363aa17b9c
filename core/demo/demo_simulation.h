#pragma once
// The demo's simulation stage: what its predictors buy in an offloading engine
// (core/simulate) on its own traces, at a setting where prefetching matters, and the report
// section that shows it.
#include "core/util/progress.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace specmoe::demo {

// One predictor's figures at the setting shown (core/simulate's SimulationRow, in short; the
// header keeps core/simulate's namespace out of the demo's users).
struct DemoSimulationRow {
    std::string predictor;
    double hitRate = 0, prefetchPrecision = 0, prefetchRecall = 0;
    double bytesPerToken = 0, stallMsPerToken = 0, tokensPerSecond = 0;
};

struct DemoSimulation {
    bool ran = false;
    std::string file;              // simulation.json (every row of the sweep)
    int cacheExperts = 0;          // the setting the report shows: LRU, half the experts cached,
    double linkGBps = 0;           // the link of the sweep where the oracle gains most,
    int budget = 0, horizon = 1;   // m = k, h = 1
    std::vector<DemoSimulationRow> rows; // that setting, most tokens/s first
    std::string best;              // the predictor with the most tokens/s (bounds aside)
    double noneTokensPerSecond = 0, oracleTokensPerSecond = 0, bestTokensPerSecond = 0;
    double gapClosed = 0;          // (best - none) / (oracle - none)
    double seconds = 0;
};

// Simulates the test split of the traces with the run's predictors (its ensemble and
// interlayer model), the baselines, no prefetching and the oracle, over links of 1 to 8 times
// the one where an expert's transfer takes a layer's compute time; writes simulation.json
// and simulation.csv into outDir.
DemoSimulation simulateDemo(const std::string& traceDir, const std::string& runDir, const std::string& modelDir,
                            const std::string& outDir, int64_t maxTokens, const ProgressFn& progress);

nlohmann::json toJson(const DemoSimulation& s);
// The report's section (an <h2> and what follows).
std::string simulationSectionHtml(const DemoSimulation& s);

} // namespace specmoe::demo
