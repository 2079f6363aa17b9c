// Trace folders as a speculation source, and the specmoe train / eval / export commands.
#include "core/speculate/train.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// firstSeqId: where the folder's sequence ids start (folders read together hold distinct ones).
void writeTraces(const std::string& dir, const std::string& modelHash, int sequences, int64_t firstSeqId = 0)
{
    test::SynthSpec s;
    s.sequences = sequences;
    s.lookahead = {1};
    TraceFingerprint fp;
    fp.modelConfigHash = modelHash;
    fp.dtype = "float32";
    fp.tokenizerHash = "tok";
    fp.runConfigHash = "run";
    TraceWriter w(dir, test::synthBlock(s, 0).dims, fp);
    for (int b = 0; b < 3; ++b)
        w.append(test::synthBlock(s, firstSeqId + int64_t(b) * sequences));
    w.finish();
}

} // namespace

TEST(TraceSource, ReadsFoldersAndRefusesMixedModels)
{
    test::TempDir dir("spec_traces");
    writeTraces(dir.file("a"), "model-a", 40);
    writeTraces(dir.file("b"), "model-b", 40);
    BlockSource s = openTraceSource({dir.file("a")});
    EXPECT_EQ(s.dims.layers, 6);
    EXPECT_EQ(s.dims.lookahead, std::vector<int>{1});
    int64_t n = 0;
    s.forEachBlock([&](const RoutingBlock& b) { n += int64_t(b.numTokens()); return true; }, 0);
    EXPECT_EQ(n, 3 * 40 * 24);
    try {
        openTraceSource({dir.file("a"), dir.file("b")});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("different models"), std::string::npos) << e.what();
    }
    EXPECT_THROW(openTraceSource({dir.file("missing")}), Error);
}

// The same sequences reached through two folders (one given twice, a copy, a set and its
// member) would be trained on and counted twice: refused, naming both folders.
TEST(TraceSource, RefusesFoldersThatHoldTheSameSequences)
{
    test::TempDir dir("spec_traces");
    writeTraces(dir.file("a"), "model-a", 40);
    writeTraces(dir.file("late"), "model-a", 40, 100); // ids 100..219 overlap a's 0..119
    writeTraces(dir.file("c"), "model-a", 40, 1000);
    std::filesystem::copy(dir.file("a"), dir.file("copy"));
    const std::vector<std::vector<std::string>> refused = {
        {dir.file("a"), dir.file("a")}, {dir.file("a"), dir.file("copy")},
        {dir.file("c"), dir.file("late"), dir.file("a")}};
    for (const auto& dirs : refused) {
        try {
            openTraceSource(dirs);
            ADD_FAILURE() << "no error for " << dirs.back();
        } catch (const Error& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("both hold sequence id"), std::string::npos) << what;
            EXPECT_NE(what.find(dirs.back()), std::string::npos) << what;
        }
    }
    EXPECT_NO_THROW(openTraceSource({dir.file("a"), dir.file("c")}));
}

TEST(TraceSource, StopsWhereTheVisitorOrTheTokenLimitSays)
{
    test::TempDir dir("spec_traces");
    writeTraces(dir.file("a"), "model-a", 40);
    writeTraces(dir.file("c"), "model-a", 40, 1000);
    const BlockSource s = openTraceSource({dir.file("a"), dir.file("c")});
    const int64_t perFolder = 3 * 40 * 24; // one block each at the source's block size
    std::vector<int64_t> seen;
    auto record = [&](bool goOn) {
        return [&seen, goOn](const RoutingBlock& b) {
            seen.push_back(int64_t(b.numTokens()));
            return goOn;
        };
    };
    s.forEachBlock(record(true), 0);
    EXPECT_EQ(seen, (std::vector<int64_t>{perFolder, perFolder}));
    seen.clear();
    s.forEachBlock(record(false), 0); // the second folder is not read
    EXPECT_EQ(seen, std::vector<int64_t>{perFolder});
    seen.clear();
    s.forEachBlock(record(true), 1); // the first block reaches the limit
    EXPECT_EQ(seen, std::vector<int64_t>{perFolder});

    test::SynthSpec spec;
    const BlockSource mem = memorySource(test::synthBlocks(spec, 4));
    seen.clear();
    mem.forEachBlock(record(true), 0);
    ASSERT_EQ(seen.size(), 4u);
    const int64_t first = seen[0];
    seen.clear();
    mem.forEachBlock(record(true), first + 1);
    EXPECT_EQ(seen.size(), 2u);
    seen.clear();
    int calls = 0;
    mem.forEachBlock([&](const RoutingBlock&) { return ++calls < 3; }, 0);
    EXPECT_EQ(calls, 3);
}

TEST(Cli, TrainEvalExport)
{
    if (!std::filesystem::exists(test::cliPath()))
        GTEST_SKIP() << "specmoe CLI not built";
    test::TempDir dir("spec_cli");
    writeTraces(dir.file("a"), "model-a", 40);
    writeTraces(dir.file("b"), "model-b", 40);
    const std::string cli = test::cliPath();
    const std::string small = " --epochs 2 --hidden 16 --embed 8 --threads 1 --quiet";
    std::string out;
    ASSERT_EQ(test::runCommand(cli + " train --traces " + dir.file("a") + "/ --out " + dir.file("run") + small + " 2>&1", &out), 0) << out;
    EXPECT_NE(out.find("ensemble"), std::string::npos) << out;
    EXPECT_TRUE(std::filesystem::exists(dir.file("run/metrics.jsonl")));
    EXPECT_NE(test::readFile(dir.file("run/metrics.jsonl")).find("\"mixed_precision\":false"), std::string::npos);
    // --mixed-precision reaches the run (recorded where a resume reads it).
    ASSERT_EQ(test::runCommand(cli + " train --traces " + dir.file("a") + " --out " + dir.file("run-mp") +
                                   " --mixed-precision --epochs 1 --hidden 16 --embed 8 --threads 1 --quiet 2>&1", &out),
              0) << out;
    EXPECT_NE(test::readFile(dir.file("run-mp/metrics.jsonl")).find("\"mixed_precision\":true"), std::string::npos);
    EXPECT_NE(test::readFile(dir.file("run-mp/checkpoint/state.json")).find("\"mixed_precision\": true"),
              std::string::npos);
    ASSERT_EQ(test::runCommand(cli + " eval --run " + dir.file("run") + " --traces " + dir.file("a") + " --json " +
                                   dir.file("test.json") + " --quiet 2>&1", &out), 0) << out;
    const std::string reportText = test::readFile(dir.file("test.json"));
    EXPECT_NE(reportText.find("\"per_layer\""), std::string::npos);
    // The run keeps it too, where the workbench looks for evaluations.
    EXPECT_EQ(test::readFile(evaluationFile(dir.file("run"), "test")), reportText);
    ASSERT_EQ(test::runCommand(cli + " eval --run " + dir.file("run") + " --split validation --no-save --quiet 2>&1", &out), 0) << out;
    EXPECT_FALSE(std::filesystem::exists(evaluationFile(dir.file("run"), "validation")));
    EXPECT_EQ(latestEvaluationFile(dir.file("run")), evaluationFile(dir.file("run"), "test"));
    ASSERT_EQ(test::runCommand(cli + " eval --run " + dir.file("run") + " --split validation --quiet 2>&1", &out), 0) << out;
    std::ofstream(dir.file("run/evaluation-all.json.tmp")) << "half"; // a write in progress
    EXPECT_EQ(latestEvaluationFile(dir.file("run")), evaluationFile(dir.file("run"), "validation")); // the newest
    EXPECT_EQ(EvalReport::load(latestEvaluationFile(dir.file("run"))).split, "validation");
    EXPECT_EQ(latestEvaluationFile(dir.file("missing")), "");
    // Without --traces the run's own trace folders (recorded in metrics.jsonl) are scored.
    EXPECT_EQ(runTraceDirs(dir.file("run")), std::vector<std::string>{dir.file("a")});
    ASSERT_EQ(test::runCommand(cli + " eval --run " + dir.file("run") + " --json " + dir.file("test2.json") +
                                   " --quiet 2>&1", &out), 0) << out;
    EXPECT_EQ(test::readFile(dir.file("test2.json")), reportText);
    // The report reads back as written (the workbench shows saved evaluations).
    const EvalReport back = EvalReport::fromJson(reportText, "test.json");
    EXPECT_EQ(back.split, "test");
    EXPECT_GT(back.tokens, 0);
    EXPECT_EQ(back.toJson(true) + "\n", reportText);
    try {
        EvalReport::fromJson("{\"split\":\"test\"}", "broken.json");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("broken.json: not an evaluation report"), std::string::npos) << e.what();
    }
    // A run of an older version (no "traces" in its start line) needs them named.
    std::filesystem::copy(dir.file("run"), dir.file("old"), std::filesystem::copy_options::recursive);
    {
        std::string m = test::readFile(dir.file("old/metrics.jsonl"));
        const size_t at = m.find(",\"traces\":[");
        ASSERT_NE(at, std::string::npos);
        m.erase(at, m.find(']', at) + 1 - at);
        std::ofstream(dir.file("old/metrics.jsonl"), std::ios::trunc) << m;
    }
    EXPECT_TRUE(runTraceDirs(dir.file("old")).empty());
    EXPECT_EQ(test::runCommand(cli + " eval --run " + dir.file("old") + " --quiet 2>&1", &out), 1) << out;
    EXPECT_NE(out.find("records none"), std::string::npos) << out;
    EXPECT_NE(test::runCommand(cli + " eval --predictor " + dir.file("run/best") + " --quiet 2>&1", &out), 0) << out;
    EXPECT_NE(out.find("--traces DIR is required"), std::string::npos) << out;
    ASSERT_EQ(test::runCommand(cli + " export --run " + dir.file("run") + " --out " + dir.file("exp") + " 2>&1", &out), 0) << out;
    EXPECT_TRUE(std::filesystem::exists(dir.file("exp/predictor.safetensors")));
    // bad input: a clear message and exit code 1, no crash
    EXPECT_EQ(test::runCommand(cli + " train --traces " + dir.file("a") + " --traces " + dir.file("b") + " --out " +
                                   dir.file("mixed") + small + " 2>&1", &out), 1) << out;
    EXPECT_NE(out.find("different models"), std::string::npos) << out;
    // A bad training parameter is a usage error (core's ParamError, exit 2).
    EXPECT_EQ(test::runCommand(cli + " train --traces " + dir.file("a") + " --horizon 6 --out " + dir.file("h6") + small + " 2>&1", &out), 2) << out;
    EXPECT_NE(out.find("beyond the last layer"), std::string::npos) << out;
    EXPECT_EQ(test::runCommand(cli + " eval --run " + dir.file("run") + " --traces " + dir.file("b") + " --quiet 2>&1", &out), 1) << out;
    EXPECT_NE(out.find("another model"), std::string::npos) << out;
}

// `specmoe train --lr 1e30`: the documented NaN-loss error on one line, exit 1, no libtorch
// stack trace; the CLI maps any libtorch error that still escapes to one line as well.
TEST(Cli, DivergingTrainingGivesTheNanLossErrorNotAStackTrace)
{
    const std::string cli = test::cliPath();
    ASSERT_TRUE(std::filesystem::exists(cli)) << "build the specmoe CLI first (" << cli << ")";
    test::TempDir dir("spec_cli_nan");
    writeTraces(dir.file("a"), "model-a", 40);
    std::string out;
    EXPECT_EQ(test::runCommand(cli + " train --traces " + dir.file("a") + " --out " + dir.file("run") +
                                   " --lr 1e30 --epochs 2 --hidden 16 --embed 8 --threads 1 --quiet 2>&1", &out),
              1)
        << out;
    EXPECT_NE(out.find("specmoe train: error: train: the loss became NaN at step "), std::string::npos) << out;
    EXPECT_EQ(out.find("frame #"), std::string::npos) << out;
    EXPECT_EQ(out.find("between 0 and 1"), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}
