#pragma once
// What a prediction buys: replays a split of traces through a model of an offloading engine
// (per-layer expert cache, a link to host memory, compute time per layer, a prefetcher
// driven by a predictor) and reports hit rates, bytes moved, stalls and modeled decode
// tokens/s per (predictor, policy, setting), with the no-prefetch and oracle bounds beside
// them. No Qt, no torch in this header. The model and its limits: docs/simulation.md.
#include "core/simulate/compute_measurement.h"
#include "core/simulate/engine.h"
#include "core/simulate/hardware_profile.h"
#include "core/simulate/model_shape.h"
#include "core/speculate/source.h"
#include "core/tensor/device.h"
#include "core/trace/split.h"
#include "core/util/progress.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::simulate {

// Predictor names beside the baselines (speculate's kFrequency, kMarkov, kLookahead) and
// saved predictors ("DIR" or "DIR:MODEL").
inline constexpr const char* kNoPrefetch = "none";
inline constexpr const char* kOracle = "oracle";

struct SimulateParams {
    // Data: trace folders of one model (or a BlockSource), the split replayed.
    std::vector<std::string> traceDirs;
    speculate::BlockSource source;             // used instead of traceDirs when valid()
    std::optional<Split> split = Split::Test;  // nullopt: every sequence
    SplitSpec splitSpec;                       // a saved predictor's own split replaces it
    int64_t maxTokens = 0;                     // tokens replayed at most (0 = all of the split)
    bool decodeOnly = false;                   // only the tokens a trace marks as generated
    int batch = 1;                             // sequences decoded together (B)
    int64_t warmupSteps = 0;                   // decode steps run before counting

    // Model: a preset name, a checkpoint folder (config.json), or "" = the traces' model.
    std::string model;
    StorageDType storage = StorageDType::BF16;

    // Hardware: a profile (built in or from JSON); computeMsPerLayer > 0 replaces its
    // arithmetic by a measured time per layer, and so does a checkpoint folder in
    // measureComputeModel: our runtime's forward of one decode step at `batch`, timed on
    // `device` before the replay (compute_measurement.h; it wins over computeMsPerLayer).
    HardwareProfile hardware = HardwareProfile{};
    double computeMsPerLayer = 0.0;
    std::string measureComputeModel;

    // Cache: sizes in experts per layer and/or memory budgets in GB (every entry is one
    // setting of the sweep; both empty: half the experts).
    std::vector<int> cacheExperts;
    std::vector<double> cacheGB;
    std::vector<Policy> policies{Policy::Lru};
    bool protectPrefetched = true;

    // Prefetch: the predictors compared (none and oracle are always added), horizons h,
    // budgets m (empty: m = top-k) and link bandwidths in GB/s (empty: the profile's).
    std::vector<std::string> predictors{"frequency", "markov"};
    std::vector<int> horizons{1};
    std::vector<int> budgets;
    std::vector<double> linkGBps;

    DeviceSpec device = DeviceSpec::cpu(); // where saved predictors run (and the measured forward)
    int threads = 0;                       // replay threads (0 = the cores, at most the settings)
};

struct SimulationRow {
    std::string predictor;
    Policy policy = Policy::Lru;
    int cacheExperts = 0;       // per layer
    double cacheGB = 0;         // what they take, shared experts included
    double linkGBps = 0;
    int budget = 0;             // m (0 for none)
    int horizon = 0;            // h (0 for none)
    EngineCounters counters;
    // Derived (docs/simulation.md, "Outputs").
    double hitRate = 0, prefetchPrecision = 0, prefetchRecall = 0;
    double bytesPerToken = 0, stallMsPerToken = 0, computeMsPerToken = 0, tokensPerSecond = 0;
    double linkUtilisation = 0;
    std::vector<double> stallMsPerLayer; // per token
};

struct PredictorTiming {
    std::string name;
    double seconds = 0;   // inference over the replayed tokens (counted apart from the replay)
    int64_t tokens = 0;
};

// Per setting: the predictors between the bounds, and how much of the tokens/s gap between
// no prefetching and the oracle the best one closes ((best - none) / (oracle - none)).
struct GapSummary {
    Policy policy = Policy::Lru;
    int cacheExperts = 0;
    double linkGBps = 0;
    int budget = 0, horizon = 0;
    double noneTokensPerSecond = 0, oracleTokensPerSecond = 0;
    std::string best;              // the predictor with the most tokens/s ("" when none ran)
    double bestTokensPerSecond = 0;
    double gapClosed = 0;          // 0 when the oracle gains nothing
};

// What a setting's figures say, one rule for the CLI, the demo's report and the workbench:
// the share of the gap means something only where the oracle gains (>= 1% over no
// prefetching) and the best predictor lies between the bounds. The oracle bounds what better
// prediction buys under this policy, not tokens/s: a plan also keeps experts cached, so a plan
// of popular experts can beat it (docs/simulation.md, Outputs).
enum class GapVerdict {
    NoPredictor,  // only the bounds ran
    OracleGainsLittle,
    AllSlower,    // every predictor is slower than no prefetching
    BeyondOracle, // the best predictor is faster than the oracle
    ClosesGap,    // gapClosed is the share of the gap the best predictor closes
};
GapVerdict gapVerdict(double noneTokensPerSecond, double oracleTokensPerSecond, double bestTokensPerSecond,
                      bool hasPredictor = true);
GapVerdict gapVerdict(const GapSummary& g);
// The verdict in English words for the CLI, logs and reports, e.g. "closes 42% of the gap".
std::string gapVerdictText(GapVerdict v, double gapClosed);

struct SimulationResult {
    std::string split;
    TraceDims dims;
    ModelShape model;
    StorageDType storage = StorageDType::BF16;
    HardwareProfile hardware;
    double computeMsPerLayer = 0; // 0: from the profile
    std::optional<ComputeMeasurement> computeMeasurement; // where computeMsPerLayer was measured
    double expertBytes = 0;
    int batch = 1;
    int64_t tokens = 0, sequences = 0, steps = 0, warmupSteps = 0;
    std::vector<PredictorTiming> predictors;
    double replaySeconds = 0;      // wall time of all replays
    int64_t tokenLayers = 0;       // token-layers replayed over all settings
    std::vector<SimulationRow> rows;

    // The row of (predictor, policy, cache, link, budget, horizon); nullptr when absent.
    const SimulationRow* find(const std::string& predictor, Policy policy, int cacheExperts, double linkGBps,
                              int budget, int horizon) const;
    std::vector<GapSummary> gaps() const;
    std::string toJson() const;
    std::string toCsv() const; // one line per row, per-layer stalls left out
};

// Runs every setting of the sweep. Throws specmoe::Error on bad input (naming the folder,
// predictor or parameter) and specmoe::Cancelled when progress asks to stop.
SimulationResult runSimulation(const SimulateParams& params, const ProgressFn& progress = {});

// The engine's cost of one layer for a model on a profile (computeSeconds[n], n = 0..width).
EngineCost engineCost(const ModelShape& model, StorageDType storage, const HardwareProfile& hw, int batch, int topk,
                      int width, double computeMsPerLayer);
// Experts per layer a memory budget holds (shared experts first, always resident).
int cacheExpertsForBudget(double gb, const ModelShape& model, StorageDType storage, int layers, int experts);
// The counters turned into the row's derived figures.
void deriveFigures(SimulationRow& row, int batch);

} // namespace specmoe::simulate
