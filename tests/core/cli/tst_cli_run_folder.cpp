// `specmoe train --out RUN` on a folder that holds a run (issue 17, defects 7 and 13): it is
// refused (exit 2, naming the folder and --resume / --overwrite) and left as it was, unless
// --resume continues it or --overwrite replaces it; --resume with nothing to continue says so.
#include "core/speculate/run_folder.h"
#include "core/speculate/run_start.h"
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
namespace sp = specmoe::speculate;
using namespace specmoe::test;

namespace {

const std::string kSmall = " --epochs 1 --hidden 8 --embed 8 --threads 1 --max-val-tokens 200 --quiet";

// The golden run: a finished run (metrics.jsonl, report.json, an evaluation).
std::string copyGoldenRun(const TempDir& tmp)
{
    const std::string dir = tmp.file("run");
    fs::copy(dataPath("golden/run"), dir, fs::copy_options::recursive);
    return dir;
}

} // namespace

TEST(CliRunFolder, TrainRefusesAFinishedRunAndLeavesItAsItWas)
{
    TempDir tmp("cli-run");
    const std::string traces = copyGoldenTrace(tmp);
    const std::string run = copyGoldenRun(tmp);
    const std::string metrics = readFile(run + "/metrics.jsonl");
    const std::string report = readFile(run + "/report.json");
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " train --traces " + traces + " --out " + run + kSmall, &out), 2) << out;
    EXPECT_TRUE(has(out, run + " already holds a finished training run")) << out;
    EXPECT_TRUE(has(out, "pass --resume to continue it, or --overwrite to replace it")) << out;
    EXPECT_EQ(readFile(run + "/metrics.jsonl"), metrics);
    EXPECT_EQ(readFile(run + "/report.json"), report);
    EXPECT_TRUE(fs::exists(run + "/evaluation-test.json"));

    // --resume needs a checkpoint: the golden run has none, so it is refused too.
    EXPECT_EQ(runCommand(cliPath() + " train --traces " + traces + " --out " + run + " --resume" + kSmall, &out), 2)
        << out;
    EXPECT_TRUE(has(out, "no checkpoint to continue from")) << out;
    EXPECT_TRUE(has(out, "pass --overwrite")) << out;
    EXPECT_EQ(readFile(run + "/metrics.jsonl"), metrics);
}

TEST(CliRunFolder, OverwriteReplacesTheRunAndItsReports)
{
    TempDir tmp("cli-run");
    const std::string traces = copyGoldenTrace(tmp);
    const std::string run = copyGoldenRun(tmp);
    const std::string metrics = readFile(run + "/metrics.jsonl");
    writeFile(run + "/notes.txt", "mine");
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " train --traces " + traces + " --out " + run + " --overwrite" + kSmall, &out), 0)
        << out;
    EXPECT_TRUE(has(out, "replacing a finished training run")) << out;
    EXPECT_NE(readFile(run + "/metrics.jsonl"), metrics);
    EXPECT_FALSE(fs::exists(run + "/evaluation-test.json")); // the old run's, gone with it
    EXPECT_TRUE(sp::RunFolder::hasBestCheckpoint(run));
    EXPECT_EQ(readFile(run + "/notes.txt"), "mine"); // not the trainer's: kept

    // The new run has a checkpoint: --resume continues it (no epoch left to train).
    const std::string best = readFile(run + "/best/predictor.safetensors");
    ASSERT_EQ(runCommand(cliPath() + " train --traces " + traces + " --out " + run + " --resume" + kSmall, &out), 0)
        << out;
    EXPECT_EQ(readFile(run + "/best/predictor.safetensors"), best);
}

TEST(CliRunFolder, ResumeWithoutACheckpointSaysItStartsANewRun)
{
    TempDir tmp("cli-run");
    const std::string traces = copyGoldenTrace(tmp);
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " train --traces " + traces + " --out " + tmp.file("new") + " --resume" + kSmall,
                         &out),
              0)
        << out;
    EXPECT_TRUE(has(out, tmp.file("new") + " holds no training run to continue (no checkpoint/state.json): "
                                           "starting a new run"))
        << out;
    EXPECT_TRUE(sp::RunFolder::hasBestCheckpoint(tmp.file("new")));
}

// The plan the CLI and the workbench share, without training.
TEST(RunStart, PlanFollowsWhatTheFolderHolds)
{
    TempDir tmp("run-start");
    EXPECT_EQ(sp::planRunStart(tmp.file("none"), false, false).action, sp::RunStartAction::New);
    EXPECT_EQ(sp::planRunStart(tmp.file("none"), false, false).message, "");
    EXPECT_EQ(sp::planRunStart(tmp.file("none"), true, false).action, sp::RunStartAction::New);
    const std::string run = copyGoldenRun(tmp);
    EXPECT_EQ(sp::describeExistingRun(run).rfind("a finished training run (", 0), 0u) << sp::describeExistingRun(run);
    EXPECT_EQ(sp::planRunStart(run, false, false).action, sp::RunStartAction::Refuse);
    EXPECT_EQ(sp::planRunStart(run, true, false).action, sp::RunStartAction::Refuse);
    EXPECT_EQ(sp::planRunStart(run, false, true).action, sp::RunStartAction::StartOver);
    fs::create_directories(run + "/checkpoint");
    writeFile(run + "/checkpoint/state.json", "{}");
    EXPECT_EQ(sp::planRunStart(run, true, false).action, sp::RunStartAction::Resume);
    sp::clearRun(run);
    EXPECT_TRUE(fs::is_empty(run));
    EXPECT_EQ(sp::planRunStart(run, false, false).action, sp::RunStartAction::New);
}
