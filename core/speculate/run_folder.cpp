#include "core/speculate/run_folder.h"

#include "core/speculate/folder_swap.h"
#include "core/util/error.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe::speculate {

std::string RunFolder::metricsFile(const std::string& dir) { return (fs::path(dir) / "metrics.jsonl").string(); }
std::string RunFolder::reportFile(const std::string& dir) { return (fs::path(dir) / "report.json").string(); }
std::string RunFolder::bestDir(const std::string& dir) { return (fs::path(dir) / "best").string(); }
std::string RunFolder::checkpointDir(const std::string& dir) { return (fs::path(dir) / "checkpoint").string(); }

bool RunFolder::isCheckpoint(const std::string& checkpointDir)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(checkpointDir) / "state.json", ec);
}

std::string RunFolder::bestCopy(const std::string& dir) { return completeFolder(bestDir(dir), isPredictorFolder); }

std::string RunFolder::checkpointCopy(const std::string& dir)
{
    return completeFolder(checkpointDir(dir), isCheckpoint);
}

void RunFolder::recover(const std::string& dir)
{
    recoverFolder(bestDir(dir), isPredictorFolder);
    recoverFolder(checkpointDir(dir), isCheckpoint);
    std::error_code ec;
    fs::remove(reportFile(dir) + ".tmp", ec); // writeFileAtomic's, of a run killed while writing it
}

bool RunFolder::isRunFolder(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(metricsFile(dir), ec);
}

bool RunFolder::hasBestCheckpoint(const std::string& dir)
{
    return !bestCopy(dir).empty();
}

RunFolder RunFolder::open(const std::string& dir)
{
    RunFolder r;
    r.dir = dir;
    const std::vector<MetricsRecord> lines = readMetricsLog(metricsFile(dir), &r.problems);
    int lastCheckpoint = 0, lastBest = 0;
    for (const MetricsRecord& m : lines) {
        if (m.type == MetricsLineType::Start && !r.start)
            r.start = m;
        else if (m.type == MetricsLineType::Checkpoint && m.epoch)
            lastCheckpoint = int(*m.epoch);
        else if (m.type == MetricsLineType::Validation && m.best && m.epoch)
            lastBest = int(*m.epoch);
        else if (m.type == MetricsLineType::End)
            r.end = m;
    }
    if (!lines.empty())
        r.latest = lines.back();
    const bool ended = r.end && r.end->status != "cancelled";
    r.epochsRun = ended ? r.end->epochs : lastCheckpoint;
    r.bestEpoch = ended && r.end->bestEpoch > 0 ? r.end->bestEpoch : lastBest;
    if (r.start)
        r.traceDirs = r.start->traces;

    std::error_code ec;
    if (fs::is_regular_file(reportFile(dir), ec))
        r.state = RunState::Finished;
    else if (!lines.empty())
        r.state = RunState::Unfinished;
    r.latestEvaluation = latestEvaluationFile(dir);
    try {
        const std::string best = bestCopy(dir);
        r.best = PredictorConfig::find(best.empty() ? bestDir(dir) : best);
    } catch (const Error& e) {
        r.problems.push_back(e.what());
    }
    return r;
}

std::string evaluationFile(const std::string& runDir, const std::string& split)
{
    return runDir + "/evaluation-" + split + ".json";
}

std::string latestEvaluationFile(const std::string& runDir)
{
    std::error_code ec;
    std::string best;
    fs::file_time_type bestTime{};
    for (const auto& e : fs::directory_iterator(runDir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("evaluation-", 0) != 0 || name.size() < 16 || name.substr(name.size() - 5) != ".json")
            continue; // also skips the .tmp of a write in progress
        const fs::file_time_type t = fs::last_write_time(e.path(), ec);
        if (!ec && (best.empty() || t > bestTime)) {
            best = e.path().string();
            bestTime = t;
        }
    }
    return best;
}

std::vector<std::string> runTraceDirs(const std::string& runDir)
{
    std::vector<std::string> ignored; // a damaged line elsewhere does not hide the start line
    for (const MetricsRecord& m : readMetricsLog(RunFolder::metricsFile(runDir), &ignored))
        if (m.type == MetricsLineType::Start)
            return m.traces;
    return {};
}

} // namespace specmoe::speculate
