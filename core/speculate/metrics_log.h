#pragma once
// Typed lines of a training run's metrics.jsonl (docs/speculation.md, "metrics.jsonl
// schema"): what speculate::train writes, read back for the workbench's curves, tables and
// workspace tree, and for the MetricsFn lines of a running job. Torch-free.
#include "core/speculate/metrics.h"
#include "core/trace/routing.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::speculate {

enum class MetricsLineType { Start, Step, Validation, Checkpoint, Error, End, Other };

// One predictor's figures at one horizon on a metrics line. Figures the line does not hold
// are NaN (the trainer writes null for a non-finite value).
struct LoggedScores {
    std::string predictor;
    std::optional<bool> baseline; // known from the line itself only in the EvalReport form
    int horizon = 1;
    Metrics overall;
    std::vector<Metrics> perLayer; // by predicted layer; empty when the line has none
};

struct MetricsRecord {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

    MetricsLineType type = MetricsLineType::Other;
    std::string typeName;          // "type" as written ("" when absent)
    double time = kNaN;            // seconds since the start of the trainer call
    int64_t step = 0;              // optimizer steps so far
    std::optional<double> epoch;   // 1-based epoch in progress (start: epochs already done)

    // start
    bool resumed = false;
    TraceDims dims;                // layers, experts, topk, lookahead
    int horizon = 0;
    std::vector<std::string> models, baselines;
    int64_t trainTokens = 0, validationTokens = 0, testTokens = 0;
    int epochs = 0;                // start: epochs planned; end: epochs run
    int64_t stepsPerEpoch = 0;
    int batchSize = 0;
    int accumulate = 0;
    double learningRate = 0;
    std::string device;
    uint64_t seed = 0;
    std::vector<std::string> traces; // absolute trace folders (empty for a BlockSource)

    // step (samples/tokens per second also on end lines)
    double lr = 0;
    std::map<std::string, double> loss; // model -> mean training loss since the last step line
    double samplesPerSecond = 0;
    double tokensPerSecond = 0;

    // validation
    bool endOfEpoch = false;       // "final": the end-of-epoch validation
    bool best = false;             // this epoch became the best
    double score = kNaN;           // mean validation log-loss of the trained models
    int64_t tokens = 0;            // validation tokens scored
    // validation: "metrics"; end: "validation"; any line: an EvalReport-form "predictors"
    std::vector<LoggedScores> scores;

    std::string path;              // checkpoint
    std::string message;           // error

    // end
    std::string status;            // "done", "early_stop", "cancelled"
    int bestEpoch = 0;
    std::optional<double> bestScore;
};

// Parses one line. Throws specmoe::Error "WHERE: reason" (WHERE is typically FILE:LINE) when
// the line is not a JSON object or a known field has the wrong type. Unknown fields are
// ignored; absent ones keep their defaults.
MetricsRecord parseMetricsLine(const std::string& line, const std::string& where);

// Reads RUN/metrics.jsonl. An unfinished last line (no newline yet: the trainer is writing
// it) is left out; so are blank lines. A malformed line throws specmoe::Error naming the
// file and line, unless `problems` is given: then it is skipped and its message listed there.
// A missing file gives no records.
std::vector<MetricsRecord> readMetricsLog(const std::string& path, std::vector<std::string>* problems = nullptr);

// Where the history that a checkpoint of `epoch` continues ends in the text of a
// metrics.jsonl: after that epoch's last checkpoint line, else after its last final
// validation line (a run killed between the two), else after the last whole line. What
// follows belongs to an attempt whose work was lost (a killed or failed run or resume).
// *checkpointLine (when given) says whether the epoch's checkpoint line is in the history.
size_t metricsHistoryEnd(const std::string& text, int epoch, bool* checkpointLine = nullptr);

// A short line for logs: "step 120 (epoch 2): lr 0.0029, loss interlayer 0.41".
std::string describeMetricsRecord(const MetricsRecord& r);

} // namespace specmoe::speculate
