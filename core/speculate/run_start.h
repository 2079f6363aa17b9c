#pragma once
// What starting a training run may do to the folder it is given. A folder that already
// holds a run is continued (resume) or replaced (overwrite) only when the caller asked for
// it, so a finished run's best predictor and metrics are never replaced without a word
// (issue 17). `specmoe train` refuses otherwise; the workbench asks. Torch-free.
#include <string>

namespace specmoe::speculate {

enum class RunStartAction {
    New,       // nothing of a run there: train from scratch
    Resume,    // continue from DIR/checkpoint
    StartOver, // clearRun() first, then train from scratch
    Refuse,    // the folder holds a run and the request does not say what to do with it
};

struct RunStartPlan {
    RunStartAction action = RunStartAction::New;
    // Refuse: why, naming the folder and what to pass. Otherwise a note for the user
    // (e.g. --resume without a checkpoint starts a new run), or "".
    std::string message;
};

// `resume` and `overwrite` are the CLI's --resume and --overwrite (both at once: Refuse).
// --resume with no checkpoint to continue from starts a new run (with a note) when the
// folder holds nothing worth keeping, and is refused when it holds a finished run or a
// best predictor.
RunStartPlan planRunStart(const std::string& dir, bool resume, bool overwrite);

// "a finished training run (8 epochs, best epoch 3)" or "an unfinished training run (2
// epochs done)": what DIR holds, for messages; "" when it holds no run.
std::string describeExistingRun(const std::string& dir);

// Deletes what a training run writes in DIR (metrics.jsonl, metrics-discarded.jsonl,
// report.json, best/, checkpoint/, evaluation-*.json, and the .tmp / .old copies a killed
// write leaves of them) and nothing else. Throws specmoe::Error naming the path
// that could not be removed.
void clearRun(const std::string& dir);

} // namespace specmoe::speculate
