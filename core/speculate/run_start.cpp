#include "core/speculate/run_start.h"

#include "core/speculate/run_folder.h"
#include "core/util/error.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe::speculate {

namespace {

bool exists(const fs::path& p)
{
    std::error_code ec;
    return fs::exists(p, ec);
}

// A complete checkpoint, also when a kill interrupted its swap (checkpoint.old/).
bool hasCheckpoint(const std::string& dir) { return !RunFolder::checkpointCopy(dir).empty(); }

// Anything a training run writes (a crash before the first metrics line leaves only the
// folder itself, which holds nothing to lose).
bool holdsRun(const std::string& dir)
{
    return RunFolder::isRunFolder(dir) || exists(RunFolder::reportFile(dir)) || exists(RunFolder::bestDir(dir)) ||
           RunFolder::hasBestCheckpoint(dir) || hasCheckpoint(dir);
}

std::string epochs(int n) { return std::to_string(n) + (n == 1 ? " epoch" : " epochs"); }

} // namespace

std::string describeExistingRun(const std::string& dir)
{
    if (!holdsRun(dir))
        return {};
    const RunFolder run = RunFolder::open(dir);
    if (run.state == RunState::Finished)
        return "a finished training run (" + epochs(run.epochsRun) + ", best epoch " + std::to_string(run.bestEpoch) +
               ")";
    if (run.epochsRun > 0 || RunFolder::hasBestCheckpoint(dir))
        return "an unfinished training run (" + epochs(run.epochsRun) + " done)";
    return "an unfinished training run (no epoch finished)";
}

RunStartPlan planRunStart(const std::string& dir, bool resume, bool overwrite)
{
    if (resume && overwrite)
        return {RunStartAction::Refuse, "give --resume or --overwrite, not both"};
    if (!holdsRun(dir)) {
        if (resume)
            return {RunStartAction::New, dir + " holds no training run to continue (no checkpoint/state.json): "
                                               "starting a new run"};
        return {RunStartAction::New, {}};
    }
    const std::string what = describeExistingRun(dir);
    if (overwrite)
        return {RunStartAction::StartOver, "replacing " + what + " in " + dir};
    if (resume && hasCheckpoint(dir))
        return {RunStartAction::Resume, {}};
    const bool worthKeeping =
        RunFolder::hasBestCheckpoint(dir) || exists(RunFolder::reportFile(dir)) || exists(RunFolder::bestDir(dir));
    if (resume && !worthKeeping)
        return {RunStartAction::StartOver, dir + " holds " + what +
                                               " with no checkpoint to continue from (checkpoint/state.json): "
                                               "starting a new run"};
    if (resume)
        return {RunStartAction::Refuse, dir + " holds " + what +
                                            " but no checkpoint to continue from (checkpoint/state.json is "
                                            "missing): pass --overwrite to replace it with a new run"};
    return {RunStartAction::Refuse, dir + " already holds " + what +
                                        ": pass --resume to continue it, or --overwrite to replace it (its best "
                                        "predictor, metrics and reports are deleted)"};
}

void clearRun(const std::string& dir)
{
    std::error_code ec;
    std::vector<fs::path> victims{RunFolder::metricsFile(dir), fs::path(dir) / "metrics-discarded.jsonl",
                                  RunFolder::reportFile(dir)};
    // With what a killed write leaves (folder_swap.h, writeFileAtomic's .tmp), which the next
    // run would otherwise find.
    for (const std::string& folder : {RunFolder::bestDir(dir), RunFolder::checkpointDir(dir)})
        for (const char* suffix : {"", ".tmp", ".old"})
            victims.push_back(folder + suffix);
    for (const fs::path& p : std::vector<fs::path>(victims))
        if (p.extension() == ".json" || p.extension() == ".jsonl")
            victims.push_back(p.string() + ".tmp");
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const bool tmp = name.size() > 4 && name.substr(name.size() - 4) == ".tmp";
        const std::string base = tmp ? name.substr(0, name.size() - 4) : name;
        if (base.rfind("evaluation-", 0) == 0 && fs::path(base).extension() == ".json")
            victims.push_back(e.path());
    }
    for (const fs::path& p : victims) {
        fs::remove_all(p, ec);
        if (ec)
            throw Error(p.string() + ": cannot remove the earlier run's file (" + ec.message() + ")");
    }
}

} // namespace specmoe::speculate
