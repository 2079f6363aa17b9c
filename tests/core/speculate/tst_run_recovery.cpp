// A run folder after failures and kills (docs/speculation.md, "Run folder"): every state an
// interrupted swap of best/ or checkpoint/ leaves is read and recovered to one complete copy;
// a failed write leaves no .tmp and names the file and cause; a resume drops the lines of
// attempts whose work was lost; an export that fails keeps the earlier predictor whole.
#include "core/speculate/folder_swap.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/run_start.h"
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"
#include "synth.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <functional>
#include <iterator>
#include <sstream>
#include <sys/resource.h>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// A stand-in predictor folder: config.json (written last, so it marks a complete copy) and
// predictor.safetensors, both holding `tag`; a checkpoint also has state.json.
void fakeCopy(const std::string& dir, const std::string& tag, bool checkpoint, bool complete = true)
{
    fs::create_directories(dir);
    test::writeFile(dir + "/predictor.safetensors", tag);
    if (complete)
        test::writeFile(dir + "/config.json", tag);
    if (complete && checkpoint)
        test::writeFile(dir + "/state.json", tag);
}

struct SwapState {
    std::string name;
    std::function<void(const std::string& dir, bool checkpoint)> make; // dir: RUN/best or RUN/checkpoint
    std::string survivor; // the tag of the complete copy; "" when none
};

// What a kill at each point of replaceFolder() (or of the versions before it) leaves.
std::vector<SwapState> swapStates()
{
    return {
        {"killed while writing .tmp", [](const std::string& d, bool c) { fakeCopy(d, "old", c); fakeCopy(d + ".tmp", "new", c, false); }, "old"},
        {"killed with .tmp complete", [](const std::string& d, bool c) { fakeCopy(d, "old", c); fakeCopy(d + ".tmp", "new", c); }, "old"},
        {"killed after DIR -> DIR.old", [](const std::string& d, bool c) { fakeCopy(d + ".old", "old", c); fakeCopy(d + ".tmp", "new", c); }, "old"},
        {"killed before DIR.old was removed", [](const std::string& d, bool c) { fakeCopy(d, "new", c); fakeCopy(d + ".old", "old", c); }, "new"},
        {"killed while removing DIR.old", [](const std::string& d, bool c) { fakeCopy(d, "new", c); fakeCopy(d + ".old", "old", c, false); }, "new"},
        {"DIR incomplete, DIR.old complete", [](const std::string& d, bool c) { fakeCopy(d, "bad", c, false); fakeCopy(d + ".old", "old", c); }, "old"},
        {"first write killed before its rename", [](const std::string& d, bool c) { fakeCopy(d + ".tmp", "new", c); }, ""},
    };
}

std::string tagOf(const std::string& dir)
{
    return dir.empty() ? std::string() : test::readFile(dir + "/config.json");
}

TrainParams smallParams(const std::string& runDir, BlockSource src)
{
    TrainParams p = test::tinyTrainParams(runDir, std::move(src));
    p.model.embedDim = 8;
    p.model.hiddenDim = 16;
    p.model.tokenBuckets = 32;
    p.maxValidationTokens = 300;
    p.learningRate = 1e-2;
    return p;
}

BlockSource smallSource()
{
    test::SynthSpec s;
    s.layers = 4;
    s.sequences = 30;
    return memorySource(test::synthBlocks(s, 2));
}

std::vector<std::string> debrisIn(const std::string& runDir)
{
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(runDir)) {
        const std::string ext = e.path().extension().string();
        if (ext == ".tmp" || ext == ".old")
            out.push_back(e.path().filename().string());
    }
    return out;
}

// RLIMIT_FSIZE for this process while alive (SIGXFSZ ignored, as the CLI's launcher does):
// a write past `bytes` fails with EFBIG, as on a full disk.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_signal = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_old);
        rlimit l = m_old;
        l.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &l);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_signal);
    }

private:
    rlimit m_old{};
    void (*m_signal)(int) = nullptr;
};

} // namespace

// Every state a kill leaves is read as its complete copy (before any repair: the workbench
// reads while a run writes), resumed from, and repaired to that copy alone.
TEST(RunRecovery, EveryInterruptedSwapIsReadAndRecovered)
{
    for (const bool checkpoint : {false, true})
        for (const SwapState& s : swapStates()) {
            SCOPED_TRACE(std::string(checkpoint ? "checkpoint: " : "best: ") + s.name);
            test::TempDir t("run_recovery");
            const std::string run = t.path();
            test::writeFile(RunFolder::metricsFile(run), "");
            const std::string dir = checkpoint ? RunFolder::checkpointDir(run) : RunFolder::bestDir(run);
            s.make(dir, checkpoint);
            if (checkpoint) {
                EXPECT_EQ(tagOf(RunFolder::checkpointCopy(run)), s.survivor);
                EXPECT_EQ(planRunStart(run, true, false).action,
                          s.survivor.empty() ? RunStartAction::StartOver : RunStartAction::Resume);
            } else {
                EXPECT_EQ(tagOf(RunFolder::bestCopy(run)), s.survivor);
                EXPECT_EQ(RunFolder::hasBestCheckpoint(run), !s.survivor.empty());
            }
            RunFolder::recover(run);
            EXPECT_FALSE(fs::exists(dir + ".tmp"));
            if (s.survivor.empty()) {
                EXPECT_FALSE(fs::exists(dir + "/config.json"));
                continue;
            }
            EXPECT_EQ(test::readFile(dir + "/config.json"), s.survivor);
            EXPECT_EQ(test::readFile(dir + "/predictor.safetensors"), s.survivor);
            EXPECT_FALSE(fs::exists(dir + ".old"));
        }
}

// A real run killed after the checkpoint went to checkpoint.old and best to best.old (the
// previous version removed them there): the resume continues from them and ends as an
// uninterrupted run does, bit for bit.
TEST(RunRecovery, ResumeFromAnInterruptedSwapEqualsAnUninterruptedRun)
{
    const BlockSource src = smallSource();
    test::TempDir a("run_recovery_a"), b("run_recovery_b");
    TrainParams pa = smallParams(a.path(), src);
    pa.epochs = 2;
    const TrainResult ra = train(pa);

    TrainParams pb = smallParams(b.path(), src);
    pb.epochs = 2;
    EXPECT_THROW(train(pb, [](const Progress& pr) { return pr.message.rfind("epoch 2/", 0) != 0; }), Cancelled);
    fs::rename(b.file("checkpoint"), b.file("checkpoint.old"));
    fs::copy(b.file("checkpoint.old"), b.file("checkpoint.tmp"));
    fs::rename(b.file("best"), b.file("best.old"));
    ASSERT_EQ(planRunStart(b.path(), true, false).action, RunStartAction::Resume);
    pb.resume = true;
    const TrainResult rb = train(pb);
    EXPECT_TRUE(rb.resumed);
    EXPECT_EQ(rb.steps, ra.steps);
    EXPECT_EQ(test::readFile(a.file("checkpoint/predictor.safetensors")),
              test::readFile(b.file("checkpoint/predictor.safetensors")));
    EXPECT_EQ(test::readFile(a.file("best/predictor.safetensors")), test::readFile(b.file("best/predictor.safetensors")));
    EXPECT_EQ(test::runHistory(a.path()), test::runHistory(b.path()));
    EXPECT_TRUE(debrisIn(b.path()).empty()) << debrisIn(b.path()).front();
}

// A write of best/ or checkpoint/ that fails (a full disk: here a file size limit) stops the
// run naming the file and the cause, removes its .tmp and keeps the earlier copies.
TEST(RunRecovery, AFailedWriteKeepsTheEarlierCopiesAndLeavesNoTmp)
{
    const BlockSource src = smallSource();
    test::TempDir t("run_recovery_write");
    TrainParams p = smallParams(t.path(), src);
    p.epochs = 1;
    train(p);
    const std::string best = test::readFile(t.file("best/predictor.safetensors"));
    const std::string checkpoint = test::readFile(t.file("checkpoint/predictor.safetensors"));
    // Above what metrics.jsonl reaches, below a predictor's weights.
    const rlim_t limit = fs::file_size(t.file("metrics.jsonl")) * 3;
    ASSERT_LT(limit, best.size());
    p.epochs = 3;
    p.resume = true;
    try {
        FileSizeLimit l(limit);
        train(p);
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(".tmp/predictor.safetensors"), std::string::npos) << m;
        EXPECT_NE(m.find("File too large"), std::string::npos) << m;
        EXPECT_NE(m.find("is kept as it was"), std::string::npos) << m;
    }
    EXPECT_TRUE(debrisIn(t.path()).empty()) << debrisIn(t.path()).front();
    EXPECT_EQ(test::readFile(t.file("best/predictor.safetensors")), best);
    EXPECT_EQ(test::readFile(t.file("checkpoint/predictor.safetensors")), checkpoint);
}

// A metrics line that cannot be written stops the run naming metrics.jsonl and the cause
// (here a validation line of every step, past the limit before any predictor is written).
TEST(RunRecovery, AFailedMetricsWriteStopsTheRun)
{
    test::TempDir t("run_recovery_metrics");
    TrainParams p = smallParams(t.path(), smallSource());
    p.epochs = 1;
    p.evalEverySteps = 1;
    try {
        FileSizeLimit l(4096);
        train(p);
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(t.file("metrics.jsonl") + ": File too large"), std::string::npos) << m;
    }
}

// Where a resume from a checkpoint of epoch N cuts the log: after epoch N's checkpoint line,
// else its final validation line, else the last whole line.
TEST(RunRecovery, MetricsHistoryEndsAtTheCheckpointsEpoch)
{
    const std::string l1 = R"({"type":"start","epoch":0})" "\n", v1 = R"({"type":"validation","epoch":1,"final":true})" "\n",
                      c1 = R"({"type":"checkpoint","epoch":1})" "\n", s2 = R"({"type":"step","epoch":2,"step":5})" "\n",
                      e2 = R"({"type":"error","epoch":2})" "\n", v2 = R"({"type":"validation","epoch":2,"final":false})" "\n";
    EXPECT_EQ(metricsHistoryEnd(l1 + v1 + c1 + s2 + e2, 1), (l1 + v1 + c1).size());
    EXPECT_EQ(metricsHistoryEnd(l1 + v1 + s2 + v2, 1), (l1 + v1).size()); // killed before the checkpoint line
    EXPECT_EQ(metricsHistoryEnd(l1 + v1 + c1 + "{\"type\":\"st", 2), (l1 + v1 + c1).size()); // unfinished line
    EXPECT_EQ(metricsHistoryEnd(l1 + v1 + c1 + "{oops\n", 1), (l1 + v1 + c1).size());
    bool checkpointLine = false;
    metricsHistoryEnd(l1 + v1 + c1 + s2, 1, &checkpointLine);
    EXPECT_TRUE(checkpointLine);
    metricsHistoryEnd(l1 + v1 + s2, 1, &checkpointLine);
    EXPECT_FALSE(checkpointLine);
}

namespace {

// metrics.jsonl without its lines from the first of `type` on (what a kill before that line
// leaves).
void dropLinesFrom(const std::string& runDir, const std::string& type)
{
    const std::string text = test::readFile(RunFolder::metricsFile(runDir));
    const size_t at = text.find("\"type\":\"" + type + "\"");
    ASSERT_NE(at, std::string::npos) << type;
    test::writeFile(RunFolder::metricsFile(runDir), text.substr(0, text.rfind('\n', at) + 1));
}

} // namespace

// Killed after the checkpoint's swap, before its line: the resume writes the line, so the
// history is the uninterrupted run's.
TEST(RunRecovery, AKillBeforeTheCheckpointLineIsMadeUpFor)
{
    const BlockSource src = smallSource();
    test::TempDir a("run_recovery_la"), b("run_recovery_lb");
    TrainParams pa = smallParams(a.path(), src);
    pa.epochs = 2;
    train(pa);
    TrainParams pb = smallParams(b.path(), src);
    pb.epochs = 2;
    EXPECT_THROW(train(pb, [](const Progress& pr) { return pr.message.rfind("epoch 2/", 0) != 0; }), Cancelled);
    dropLinesFrom(b.path(), "checkpoint");
    pb.resume = true;
    train(pb);
    EXPECT_EQ(test::runHistory(a.path()), test::runHistory(b.path()));
}

// An early-stopped run killed between its last checkpoint and its end line stops there again
// on resume, as the uninterrupted run did (patience 0: it stops after epoch 1).
TEST(RunRecovery, AResumeAfterTheEarlyStopsCheckpointStopsThere)
{
    const BlockSource src = smallSource();
    test::TempDir a("run_recovery_ea"), b("run_recovery_eb");
    TrainParams pa = smallParams(a.path(), src);
    pa.patience = 0;
    const TrainResult ra = train(pa);
    ASSERT_TRUE(ra.stoppedEarly);
    TrainParams pb = smallParams(b.path(), src);
    pb.patience = 0;
    train(pb);
    dropLinesFrom(b.path(), "end");
    fs::remove(b.file("report.json"));
    pb.resume = true;
    const TrainResult rb = train(pb);
    EXPECT_TRUE(rb.stoppedEarly);
    EXPECT_EQ(rb.steps, ra.steps);
    EXPECT_EQ(rb.epochsRun, ra.epochsRun);
    EXPECT_EQ(test::runHistory(a.path()), test::runHistory(b.path()));
    EXPECT_EQ(test::readFile(a.file("report.json")), test::readFile(b.file("report.json")));
}

// A run that failed in epoch 2, a resume that failed again in epoch 3, a resume to the end:
// the history is the uninterrupted run's (the failed attempts' lines moved to
// metrics-discarded.jsonl), and the weights are the same bytes.
TEST(RunRecovery, FailedAttemptsLeaveTheHistoryOfAnUninterruptedRun)
{
    const BlockSource src = smallSource();
    test::TempDir a("run_recovery_ha"), b("run_recovery_hb");
    TrainParams pa = smallParams(a.path(), src);
    const TrainResult ra = train(pa);
    const int64_t perEpoch = ra.steps / pa.epochs;
    ASSERT_GE(perEpoch, 2);

    TrainParams pb = smallParams(b.path(), src);
    pb.injectNanAtStep = perEpoch + 1; // inside epoch 2
    EXPECT_THROW(train(pb), Error);
    pb.resume = true;
    pb.injectNanAtStep = 2 * perEpoch + 1; // inside epoch 3
    EXPECT_THROW(train(pb), Error);
    pb.injectNanAtStep = -1;
    const TrainResult rb = train(pb);
    EXPECT_EQ(rb.steps, ra.steps);
    EXPECT_EQ(test::runHistory(a.path()), test::runHistory(b.path()));
    const RunFolder run = RunFolder::open(b.path());
    EXPECT_EQ(run.epochsRun, 3);
    EXPECT_TRUE(run.problems.empty());
    const std::string discarded = test::readFile(b.file("metrics-discarded.jsonl"));
    EXPECT_NE(discarded.find("\"type\":\"error\""), std::string::npos) << discarded;
    EXPECT_EQ(test::readFile(a.file("best/predictor.safetensors")), test::readFile(b.file("best/predictor.safetensors")));

    // --overwrite's clearRun deletes it with the rest of the run, and what killed writes left.
    test::writeFile(b.file("evaluation-test.json.tmp"), "{");
    fs::create_directories(b.file("best.tmp"));
    clearRun(b.path());
    EXPECT_TRUE(fs::is_empty(b.path()));
}

// An export over an earlier predictor that fails (here a folder in the way of the old
// writer's config.json.tmp, then a file size limit) never leaves the weights of one
// predictor with the config of the other, and a failed write keeps the earlier one whole.
TEST(RunRecovery, AFailedExportKeepsTheEarlierPredictorWhole)
{
    const BlockSource src = smallSource();
    test::TempDir t("run_recovery_export");
    TrainParams p = smallParams(t.file("a"), src);
    p.epochs = 1;
    train(p);
    p.runDir = t.file("b");
    p.model.hiddenDim = 8;
    train(p);
    const std::string out = t.file("out");
    ExportParams e;
    e.runDir = t.file("a");
    e.outDir = out;
    exportPredictor(e);
    const auto pair = [](const std::string& dir) {
        return test::readFile(dir + "/config.json") + test::readFile(dir + "/predictor.safetensors");
    };
    const std::string a = pair(out), b = pair(t.file("b/best"));

    fs::create_directories(out + "/config.json.tmp");
    e.runDir = t.file("b");
    try {
        exportPredictor(e);
    } catch (const Error&) {
    }
    EXPECT_TRUE(pair(out) == a || pair(out) == b) << "the config of one predictor with the weights of another";
    fs::remove_all(out + "/config.json.tmp");

    e.runDir = t.file("a");
    exportPredictor(e);
    ASSERT_EQ(pair(out), a);
    e.runDir = t.file("b");
    try {
        FileSizeLimit l(4096);
        exportPredictor(e);
        FAIL() << "no error";
    } catch (const Error& err) {
        const std::string m = err.what();
        EXPECT_NE(m.find("predictor.safetensors.tmp: write failed: File too large"), std::string::npos) << m;
        EXPECT_NE(m.find("the predictor there is kept as it was"), std::string::npos) << m;
    }
    EXPECT_EQ(pair(out), a);
    EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 2); // no staging folder left
}
