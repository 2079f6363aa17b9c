// `specmoe analyze` end to end on a small trace folder: files written, JSON loads and equals
// the in-process analysis, usage and input errors give the documented exit codes.
// Skipped when the specmoe binary has not been built (this test does not depend on it).
#include "core/analysis/analysis.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "tests/core/analysis/analysis_test_blocks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

bool haveCli() { return fs::exists(cliPath()); }

void writeTrace(const std::string& dir)
{
    std::vector<SeqSpec> seqs;
    for (int s = 0; s < 40; ++s) {
        SeqSpec q;
        q.seqId = s;
        q.source = s % 2 ? "code" : "web";
        for (int t = 0; t < 10 + s % 7; ++t) {
            std::vector<std::vector<int>> layers;
            for (int l = 0; l < 3; ++l)
                layers.push_back({(s + t + l) % 4, (s + 2 * t + l + 1) % 4 == (s + t + l) % 4
                                                        ? (s + t + l + 1) % 4
                                                        : (s + 2 * t + l + 1) % 4});
            q.tokens.push_back(layers);
        }
        seqs.push_back(q);
    }
    TraceWriter w(dir, makeBlock(3, 4, 2, seqs).dims, {"cfg", "bfloat16", "tok", "run"});
    w.append(makeBlock(3, 4, 2, seqs));
    w.finish();
}

} // namespace

TEST(AnalysisCli, WritesJsonAndCsv)
{
    if (!haveCli())
        GTEST_SKIP() << "specmoe not built: " << cliPath();
    TempDir tmp("analysis-cli");
    const std::string traces = tmp.file("traces");
    writeTrace(traces);
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " analyze " + traces + " --out " + tmp.file("out") +
                             " --no-text --journeys 1 --samples 3",
                         &out),
              0)
        << out;
    EXPECT_NE(out.find("random assignment"), std::string::npos) << out;
    for (const char* f : {"analysis.json", "load.csv", "balance.csv", "coactivation.csv",
                          "repetition.csv", "transitions.csv", "transition_mi.csv",
                          "layer_mi.csv", "predictability.csv", "predictability_summary.csv",
                          "journeys.csv", "samples.csv"})
        EXPECT_TRUE(fs::exists(tmp.file("out/" + std::string(f)))) << f;

    const AnalysisResult fromCli = loadAnalysisJson(tmp.file("out/analysis.json"));
    AnalysisOptions o;
    o.journeyFirstSequences = 1;
    o.maxJourneyTokens = 512;
    o.samplesPerCell = 3;
    const AnalysisResult direct = analyze(TraceSet::open(traces), o);
    EXPECT_EQ(fromCli.tokens, direct.tokens);
    EXPECT_EQ(nlohmann::json(fromCli.overall), nlohmann::json(direct.overall));
    EXPECT_EQ(nlohmann::json(fromCli.transitions), nlohmann::json(direct.transitions));
    EXPECT_EQ(nlohmann::json(fromCli.predictability), nlohmann::json(direct.predictability));
    EXPECT_EQ(fromCli.journeys.size(), 1u);
}

TEST(AnalysisCli, Errors)
{
    if (!haveCli())
        GTEST_SKIP() << "specmoe not built: " << cliPath();
    TempDir tmp("analysis-cli");
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " analyze " + tmp.path(), &out), 2) << out; // no --out
    EXPECT_EQ(runCommand(cliPath() + " analyze " + tmp.path() + " --out " + tmp.file("o") +
                             " --contexts 0",
                         &out),
              2)
        << out;
    EXPECT_EQ(runCommand(cliPath() + " analyze " + tmp.file("missing") + " --out " +
                             tmp.file("o"),
                         &out),
              1)
        << out;
    writeTrace(tmp.file("t"));
    EXPECT_EQ(runCommand(cliPath() + " analyze " + tmp.file("t") + " --out " + tmp.file("o") +
                             " --no-text --query def",
                         &out),
              2)
        << out;
    EXPECT_NE(out.find("--tokenizer"), std::string::npos) << out;
}
