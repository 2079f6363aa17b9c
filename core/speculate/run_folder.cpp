#include "core/speculate/run_folder.h"
#include "core/util/json_error.h"

#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace specmoe::speculate {

PredictorSummary PredictorSummary::load(const std::string& predictorDir)
{
    const std::string path = (fs::path(predictorDir) / "config.json").string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot read the predictor config");
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!j.is_object() || j.value("format", "") != "specmoe-predictor")
        throw Error(path + ": not a specmoe predictor config (field 'format' is not 'specmoe-predictor')");
    const char* field = "";
    try {
        PredictorSummary s;
        field = "models";
        s.models = j.at(field).get<std::vector<std::string>>();
        field = "horizon";
        s.horizon = j.at(field).get<int>();
        field = "dims";
        const auto& d = j.at(field);
        s.dims.layers = d.at("layers").get<int>();
        s.dims.experts = d.at("experts").get<int>();
        s.dims.topk = d.at("topk").get<int>();
        s.dims.lookahead = d.value("lookahead", std::vector<int>{});
        field = "best_epoch";
        s.bestEpoch = j.value(field, 0);
        field = "train_tokens";
        s.trainTokens = j.value(field, int64_t(0));
        field = "fingerprint";
        s.fingerprint = j.value(field, "");
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": field '" + field + "' is missing or malformed (" + jsonErrorText(e) + ")");
    }
}

std::string RunFolder::metricsFile(const std::string& dir) { return (fs::path(dir) / "metrics.jsonl").string(); }
std::string RunFolder::reportFile(const std::string& dir) { return (fs::path(dir) / "report.json").string(); }
std::string RunFolder::bestDir(const std::string& dir) { return (fs::path(dir) / "best").string(); }

bool RunFolder::isRunFolder(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(metricsFile(dir), ec);
}

bool RunFolder::hasBestCheckpoint(const std::string& dir)
{
    std::error_code ec;
    const fs::path best = bestDir(dir);
    return fs::is_regular_file(best / "config.json", ec) && fs::is_regular_file(best / "predictor.safetensors", ec);
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
    if (fs::is_regular_file(fs::path(bestDir(dir)) / "config.json", ec)) {
        try {
            r.best = PredictorSummary::load(bestDir(dir));
        } catch (const Error& e) {
            r.problems.push_back(e.what());
        }
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
