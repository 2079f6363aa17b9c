#pragma once
// A training run's folder as the trainer leaves it (docs/speculation.md, "Run folder"):
// metrics.jsonl, checkpoint/, best/, report.json and evaluation-SPLIT.json files. One reader
// for everything the workbench and the CLI show about a run. Torch-free.
#include "core/speculate/metrics_log.h"
#include "core/speculate/predictor_config.h"
#include "core/trace/routing.h"

#include <optional>
#include <string>
#include <vector>

namespace specmoe::speculate {

enum class RunState {
    NotStarted, // no metrics line yet
    Unfinished, // lines but no final report: training now, or interrupted (resumable)
    Finished,   // report.json written (the last epoch, or early stopping, ended it)
};

struct RunFolder {
    std::string dir;
    RunState state = RunState::NotStarted;
    std::optional<MetricsRecord> start;  // the first start line
    std::optional<MetricsRecord> latest; // the last line
    std::optional<MetricsRecord> end;    // the last end line
    int epochsRun = 0;   // epochs finished (end line, else the last checkpoint line)
    int bestEpoch = 0;   // end line, else the last validation line marked best; 0 = none yet
    std::vector<std::string> traceDirs;  // the trace folders it trained on (start line)
    std::string latestEvaluation;        // newest evaluation-SPLIT.json, "" when none
    std::optional<PredictorConfig> best; // best/config.json, when written
    // Damaged lines of metrics.jsonl and an unreadable best/config.json, each naming the
    // file (and line); the rest of the folder is still read.
    std::vector<std::string> problems;

    // Reads what is there: a folder without metrics.jsonl is NotStarted, not an error.
    static RunFolder open(const std::string& dir);

    // The paths of the layout.
    static std::string metricsFile(const std::string& dir); // DIR/metrics.jsonl
    static std::string reportFile(const std::string& dir);  // DIR/report.json
    static std::string bestDir(const std::string& dir);     // DIR/best
    static std::string checkpointDir(const std::string& dir); // DIR/checkpoint
    // The folder holding the complete best predictor / checkpoint: best/ (checkpoint/), or
    // best.old/ (checkpoint.old/) after a swap interrupted by a kill (folder_swap.h); "" when
    // none. Reads only.
    static std::string bestCopy(const std::string& dir);
    static std::string checkpointCopy(const std::string& dir);
    // Whether DIR is a complete checkpoint (state.json: written last).
    static bool isCheckpoint(const std::string& checkpointDir);
    // Repairs what a killed run left (interrupted swaps of best/ and checkpoint/, their .tmp
    // copies, report.json.tmp). Only a run about to write calls it: never while one writes.
    static void recover(const std::string& dir);
    // Whether DIR holds a training run (metrics.jsonl written), without reading it.
    static bool isRunFolder(const std::string& dir);
    // Whether best/ (or best.old/, see bestCopy) holds a complete predictor (config.json and
    // predictor.safetensors).
    static bool hasBestCheckpoint(const std::string& dir);
};

// Where a run keeps the evaluation of a split: RUN/evaluation-SPLIT.json (the workbench shows
// the newest in the run's model comparison).
std::string evaluationFile(const std::string& runDir, const std::string& split);
// The newest evaluation file of a run, or "" when it has none.
std::string latestEvaluationFile(const std::string& runDir);
// The trace folders a training run read (the "traces" of its first metrics.jsonl "start"
// line); empty when it recorded none (runs fed from a BlockSource, runs of older versions).
std::vector<std::string> runTraceDirs(const std::string& runDir);

} // namespace specmoe::speculate
