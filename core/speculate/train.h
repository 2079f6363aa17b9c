#pragma once
// Expert speculation: train predictors that tell an inference engine, ahead of time, which
// experts a token will need at later layers; evaluate them honestly beside baselines; export
// them for use outside the workbench. Torch-free header (the GUI includes it).
// Task, metrics, run-folder layout and the metrics.jsonl schema: docs/speculation.md.
#include "core/speculate/metrics.h"
#include "core/speculate/predictor_config.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/source.h"
#include "core/tensor/device.h"
#include "core/util/progress.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::dist {
class ProcessGroup;
}

namespace specmoe::speculate {

// Predictor names as they appear in reports and metrics.jsonl.
inline constexpr const char* kInterLayer = "interlayer";
inline constexpr const char* kStatistics = "statistics";
inline constexpr const char* kHiddenState = "hidden-state"; // MLP over the hidden-state features
inline constexpr const char* kEnsemble = "ensemble";
inline constexpr const char* kFrequency = "frequency"; // baseline: per-layer usage
inline constexpr const char* kMarkov = "markov";       // baseline: experts at l+h | set at l
inline constexpr const char* kLookahead = "lookahead"; // baseline: the lookahead gate probes
inline constexpr const char* kUniform = "uniform";     // baseline: random guess

// The learning rate for steps of this many tokens (batch size x accumulation) when none is
// given: 3e-3 at 64 tokens, in proportion up to 256 (1.2e-2), then with the square root of
// the tokens (the proportional rule lost accuracy at 512; docs/speculation.md).
double defaultLearningRate(int64_t tokensPerStep);

struct TrainParams {
    // Data
    std::vector<std::string> traceDirs; // trace folders of one model
    BlockSource source;                 // used instead of traceDirs when valid() (tests, demo)
    int64_t maxTokens = 0;              // read at most this many tokens (0 = all)
    SplitSpec split;                    // split by sequence; split.seed also seeds training
    int horizon = 2;                    // predict layers l+1 .. l+horizon
    int shuffleBuffer = 16384;          // tokens held for shuffling (bounds memory)
    int64_t maxValidationTokens = 20000; // validation tokens scored per evaluation (0 = all)

    // Which predictors to train (the ensemble uses whichever of the others exist + baselines).
    // The hidden-state model needs traces with features (TraceDims::featureDim); without
    // them it is reported unavailable, not trained.
    bool trainInterLayer = true;
    bool trainStatistics = true;
    bool trainHiddenState = true;
    bool trainEnsemble = true;
    ModelParams model;

    // Optimisation
    int epochs = 8;
    int batchSize = 256;         // tokens per step (a token gives up to L*horizon samples)
    int accumulate = 1;          // gradient accumulation steps per optimizer step
    double learningRate = 1.2e-2; // defaultLearningRate(batchSize * accumulate)
    double weightDecay = 0.01;   // AdamW
    double warmupFraction = 0.05; // of all optimizer steps; then cosine to minLrFactor * lr
    double minLrFactor = 0.05;
    double gradClip = 1.0;       // max global norm per model (0 = off)
    int patience = 2;            // early stopping: epochs without validation improvement
    int64_t evalEverySteps = 0;  // extra validation lines every N steps (0 = per epoch only)

    // Run
    std::string runDir;          // checkpoints, metrics.jsonl, config.json, report.json
    // Continue from runDir/checkpoint if present, with the run's batch size, accumulation
    // and learning rate (those given here are not used: the steps per epoch and the
    // learning-rate schedule go on as they were).
    bool resume = false;
    DeviceSpec device = DeviceSpec::cpu();
    // CPU threads: intra-op threads when > 0 (0 leaves libtorch's as they are), and the
    // row shards each micro-batch is cut into (0: one per core; micro_step.h).
    int threads = 0;
    // Mixed precision: the training steps' forward passes under bfloat16 autocast (matmuls in
    // bfloat16, losses, gradients, optimizer and weights in float32; validation and the
    // scores stay float32). For GPUs with bfloat16 tensor cores; off by default until measured
    // there (docs/speculation.md). A resumed run keeps the setting it started with.
    bool mixedPrecision = false;

    // Data-parallel training (docs/speculation.md, "Training on several ranks"): this process
    // is one rank of the group (nullptr or one rank: a single process). Each rank trains on
    // its sequences of the training split with the gradients averaged over the ranks; rank 0
    // alone writes runDir. Not in params_json: the launch sets it.
    std::shared_ptr<dist::ProcessGroup> group;
    double groupSeconds = 600;   // how long a rank waits for the others at a gradient exchange

    // Test-only hooks (no CLI option, not in params_json): < 0 = never.
    // Poison the loss at this optimizer step.
    int64_t injectNanAtStep = -1;
    // Put a NaN into the first weight once this many optimizer steps are done: non-finite
    // weights after an epoch's last step, where no later loss would see them.
    int64_t injectNanWeightAfterSteps = -1;
    // Where the batches are made: 1 on a thread of their own, 0 on the training thread, < 0
    // as batchThreadHelps() says.
    int batchThread = -1;
    // Whether a step's loss is read on the host one step late: 1 yes, 0 at once, < 0 as
    // deferLossHelps() says.
    int deferLossRead = -1;
};

// Whether making the batches on a thread of their own (reading and shuffling ahead of the
// steps) helps: on a GPU, where the cores would otherwise wait with the device. Not on the
// CPU: there it is 1-2% of the work, and on another core it came out no faster (0.96x to
// 1.0x, docs/benchmarks.md).
bool batchThreadHelps(bool cpu);

// Whether to read each step's loss on the host one step late instead of at once, so the host
// queues the next step while the device computes (no host sync per step; the step lines, a
// validation and the end of an epoch still wait for it): on a GPU. Not on the CPU (nothing to
// overlap) nor with several ranks (a rank's non-finite loss must stop it before the gradient
// exchange). A non-finite loss then stops the run one step later, with the same message.
bool deferLossHelps(bool cpu, bool ranks);

// Scores of every predictor on one split.
struct HorizonMetrics {
    int horizon = 1;
    Metrics overall;
    std::vector<Metrics> perLayer; // indexed by the predicted layer l+h (empty rows: n = 0)
};
struct PredictorMetrics {
    std::string name;
    bool baseline = false;
    std::vector<HorizonMetrics> horizons; // [horizon - 1]
};
// A predictor the traces cannot feed (the lookahead baseline without probes), reported as
// such instead of being left out without a word.
struct UnavailablePredictor {
    std::string name;
    std::string reason;
};
// The baselines these dims leave out, with the reason (empty when every one can run).
std::vector<UnavailablePredictor> unavailablePredictors(const TraceDims& dims);
// Those and the models a predictor was asked for but could not train (its config records them).
std::vector<UnavailablePredictor> unavailablePredictors(const PredictorConfig& config);
// Why traces of these dims cannot feed the hidden-state model with these settings (empty: they can).
std::string hiddenStateUnavailable(const TraceDims& dims, const ModelParams& model);

struct EvalReport {
    std::string split;
    int64_t tokens = 0;
    TraceDims dims;
    std::vector<PredictorMetrics> predictors;
    std::vector<UnavailablePredictor> unavailable;

    const PredictorMetrics* find(const std::string& name) const;
    // The overall metrics of one predictor at horizon h (throws Error when absent).
    const Metrics& overall(const std::string& name, int horizon) const;
    std::string toJson(bool perLayer = true) const;
    // Reads what toJson wrote (throws Error naming `where` on malformed text).
    static EvalReport fromJson(const std::string& text, const std::string& where);
    // Reads a report file (throws Error naming the file when unreadable or malformed).
    static EvalReport load(const std::string& path);
};

struct TrainResult {
    std::string runDir;
    std::string bestCheckpoint; // folder holding the best epoch's predictor
    int epochsRun = 0;          // epochs finished, including resumed ones
    int bestEpoch = 0;
    int64_t steps = 0;          // optimizer steps
    bool stoppedEarly = false;
    bool resumed = false;
    int64_t trainTokens = 0, validationTokens = 0, testTokens = 0;
    double bestScore = 0.0;     // validation score of the best epoch (lower is better)
    double seconds = 0.0;
    double samplesPerSecond = 0.0; // training samples ((token, layer, horizon) triples) / s
    double tokensPerSecond = 0.0;
    EvalReport validation;      // the best predictor on the validation split
};

// One JSON object per call, the same text as a line of runDir/metrics.jsonl.
using MetricsFn = std::function<void(const std::string& jsonLine)>;

// Trains the selected predictors. Throws specmoe::Error on bad input (mixed models, horizon
// beyond the last layer, an empty split, a NaN loss: the last good checkpoint is kept) and
// specmoe::Cancelled when progress asks to stop (the last epoch's checkpoint is kept).
TrainResult train(const TrainParams& params, const ProgressFn& progress = {},
                  const MetricsFn& metrics = {});

struct EvalParams {
    std::string runDir;       // a training run (uses its best checkpoint) ...
    std::string predictorDir; // ... or an exported predictor folder (takes precedence)
    std::vector<std::string> traceDirs; // empty: the trace folders the run was trained on
    BlockSource source;       // used instead of traceDirs when valid()
    std::optional<Split> split = Split::Test; // nullopt: all sequences (parseSplitSelection)
    SplitSpec splitSpec;      // ignored when the predictor records its own (it always does)
    int64_t maxTokens = 0;    // tokens scored (0 = all of the split)
    DeviceSpec device = DeviceSpec::cpu();
    int threads = 0;
};

// Scores the predictor and the baselines on a split of the traces.
EvalReport evaluate(const EvalParams& params, const ProgressFn& progress = {});

// Keeps a report in its run (evaluationFile of its split, written atomically); returns the path.
std::string saveEvaluation(const std::string& runDir, const EvalReport& report);

struct ExportParams {
    std::string runDir;     // a training run (its best checkpoint)
    std::string outDir;     // receives predictor.safetensors + config.json
};
struct ExportResult {
    std::string weightsFile;
    std::string configFile;
    int64_t parameters = 0;
};

// Writes the trained predictor in the documented layout (docs/speculation.md, "Export").
ExportResult exportPredictor(const ExportParams& params);

// Probabilities of every predictor for the tokens of one block, as exported models are
// checked against: [model][token][layer][horizon][expert] flattened per model, for layers
// l whose l+h is beyond the last layer the entries are 0. Models: interlayer, statistics,
// hidden-state, ensemble (those present), then frequency, markov, lookahead (if probes), uniform.
// A block for a predictor with the hidden-state model must hold its features.
struct BlockPredictions {
    std::vector<std::string> models;
    std::vector<std::vector<float>> probs; // per model: [N, L, H, E]
};
BlockPredictions predictBlock(const std::string& predictorDir, const RoutingBlock& block,
                              const DeviceSpec& device = DeviceSpec::cpu());

} // namespace specmoe::speculate
