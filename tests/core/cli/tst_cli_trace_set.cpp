// A trace set (rank folders of a distributed collection) through the CLI: analyze and train
// read it exactly as the one folder `traces merge` writes of it; traces info/verify take it.
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "tests/support/synthetic_routing.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

using namespace specmoe;
using specmoe::test::runCommand;
namespace fs = std::filesystem;

namespace {

// Sequences [first, first + count) of planted routing, as one part of a collection.
void writePart(const std::string& dir, int64_t first, int count)
{
    SyntheticRouting s;
    s.dims.layers = 4;
    s.dims.experts = 8;
    s.dims.topk = 2;
    s.sequences = count;
    s.minLength = 12;
    s.maxLength = 40;
    s.chain = 0.6;
    s.stick = 0.2;
    s.seed = 3;
    TraceFingerprint fp;
    fp.modelConfigHash = "m";
    fp.dtype = "float32";
    fp.tokenizerHash = "t";
    fp.runConfigHash = "r";
    TraceWriterOptions o;
    o.shardSizeMB = 0.02;
    o.runConfig.corpusDigest = "c";
    TraceWriter w(dir, s.dims, fp, o);
    w.append(syntheticBlock(s, first));
    w.finish();
}

nlohmann::json readJson(const std::string& path) { return nlohmann::json::parse(test::readFile(path)); }

// metrics.jsonl without its clock readings and the paths (of the traces, of the run).
std::vector<nlohmann::json> metricsWithoutTimes(const std::string& run)
{
    std::vector<nlohmann::json> out;
    std::istringstream in(test::readFile(run + "/metrics.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
        nlohmann::json j = nlohmann::json::parse(line);
        for (auto it = j.begin(); it != j.end();) {
            const std::string k = it.key();
            if (k.find("time") != std::string::npos || k.find("second") != std::string::npos ||
                k.find("per_s") != std::string::npos || k == "traces" || k == "path")
                it = j.erase(it);
            else
                ++it;
        }
        out.push_back(j);
    }
    return out;
}

} // namespace

TEST(CliTraceSet, AnalyzeAndTrainReadASetAsTheMergedFolder)
{
    test::TempDir tmp("cli_trace_set");
    const std::string set = tmp.file("set"), merged = tmp.file("merged");
    writePart(set + "/rank-00000", 0, 30);
    writePart(set + "/rank-00001", 30, 30);
    writePart(set + "/rank-00002", 60, 30);
    writeTraceSetManifest(set, {"rank-00000", "rank-00001", "rank-00002"}, 3);
    const std::string cli = test::cliPath();
    std::string out;
    ASSERT_EQ(runCommand(cli + " traces merge " + merged + " " + set + " --quiet", &out), 0) << out;
    EXPECT_NE(out.find("90 sequences"), std::string::npos) << out;
    ASSERT_EQ(runCommand(cli + " traces verify " + set + " --quiet", &out), 0) << out;
    ASSERT_EQ(runCommand(cli + " traces verify " + merged + " --quiet", &out), 0) << out;
    ASSERT_EQ(runCommand(cli + " traces info " + set, &out), 0) << out;
    EXPECT_NE(out.find("set members      3"), std::string::npos) << out;
    EXPECT_NE(out.find("sequences        90"), std::string::npos) << out;

    for (const std::string& t : {set, merged})
        ASSERT_EQ(runCommand(cli + " analyze " + t + " --out " + t + "-analysis --no-csv --no-text --quiet", &out), 0)
            << out;
    nlohmann::json a = readJson(set + "-analysis/analysis.json"), b = readJson(merged + "-analysis/analysis.json");
    EXPECT_EQ(a["traceDir"], set);
    a.erase("traceDir");
    b.erase("traceDir");
    EXPECT_EQ(a, b);

    const std::string small = " --epochs 2 --hidden 16 --embed 8 --threads 1 --quiet";
    for (const std::string& t : {set, merged})
        ASSERT_EQ(runCommand(cli + " train --traces " + t + " --out " + t + "-run" + small, &out), 0) << out;
    const auto ma = metricsWithoutTimes(set + "-run"), mb = metricsWithoutTimes(merged + "-run");
    ASSERT_GT(ma.size(), 3u);
    ASSERT_EQ(ma.size(), mb.size());
    for (size_t i = 0; i < ma.size(); ++i)
        EXPECT_EQ(ma[i], mb[i]) << "metrics line " << i;

    // Folders named one by one merge the same; a damaged set is named.
    ASSERT_EQ(runCommand(cli + " traces merge " + tmp.file("m2") + " " + set + "/rank-00000 " + set + "/rank-00001 " +
                             set + "/rank-00002 --quiet",
                         &out),
              0)
        << out;
    EXPECT_EQ(TraceSet::open(tmp.file("m2")).numSequences(), 90);
    fs::remove_all(set + "/rank-00001");
    EXPECT_EQ(runCommand(cli + " analyze " + set + " --out " + tmp.file("x") + " --quiet", &out), 1) << out;
    EXPECT_NE(out.find("member rank-00001 is missing"), std::string::npos) << out;
    EXPECT_EQ(runCommand(cli + " traces verify " + set + " --quiet", &out), 4) << out;
    EXPECT_NE(out.find("member rank-00001 is missing"), std::string::npos) << out;
}
