// AnalysisResult JSON round trip and CSV tables; analysis over a trace folder (TraceSet)
// equals the analysis over the same blocks in memory.
#include "core/analysis/analysis.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "tests/support/synthetic_routing.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

using namespace specmoe;
using namespace specmoe::test;

namespace {

// A random but fixed trace (the shared generator): L=4, E=8, K=2, sequences 500.. of 1..40
// tokens from three sources, token ids below 50, with sticky and chained routing so
// repetition and transitions are not uniform.
RoutingBlock randomBlock(int sequences, uint64_t seed = 7)
{
    SyntheticRouting s;
    s.sequences = sequences;
    s.minLength = 1;
    s.maxLength = 40;
    s.sources = {"code", "math", "web"};
    s.vocabulary = 50;
    s.stick = 0.6;
    s.chain = 0.3;
    s.seed = seed;
    return syntheticBlock(s, 500);
}

AnalysisOptions fullOptions()
{
    AnalysisOptions o;
    o.journeyFirstSequences = 2;
    o.journeySeqIds = {510};
    o.queryTokens = {"w7"};
    o.tokenText = [](int32_t id) { return "w" + std::to_string(id); };
    o.samplesPerCell = 4;
    return o;
}

} // namespace

TEST(AnalysisIo, JsonRoundTrip)
{
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{randomBlock(60)}, fullOptions());
    ASSERT_EQ(r.queries.size(), 1u);
    EXPECT_GT(r.queries[0].matches, 0);
    EXPECT_EQ(r.journeys.size(), 3u);
    const nlohmann::json j = r;
    const AnalysisResult back = j.get<AnalysisResult>();
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(back.overall.layers[2].coactivation, r.overall.layers[2].coactivation);
    EXPECT_EQ(back.samples.at(1, 3, true).size(), r.samples.at(1, 3, true).size());
    EXPECT_EQ(back.transition(3, 0)->anyCounts, r.transition(3, 0)->anyCounts);

    TempDir tmp("analysis");
    saveAnalysisJson(r, tmp.file("analysis.json"));
    const AnalysisResult loaded = loadAnalysisJson(tmp.file("analysis.json"));
    EXPECT_EQ(nlohmann::json(loaded), j);
    EXPECT_FALSE(std::filesystem::exists(tmp.file("analysis.json.tmp")));

    writeFile(tmp.file("bad.json"), "{ not json");
    EXPECT_THROW(loadAnalysisJson(tmp.file("bad.json")), Error);
    writeFile(tmp.file("future.json"), "{\"formatVersion\": 99}");
    EXPECT_THROW(loadAnalysisJson(tmp.file("future.json")), Error);
    EXPECT_THROW(loadAnalysisJson(tmp.file("missing.json")), Error);
}

// A trace folder whose path (or a document id) is not UTF-8 made analyze fail with
// nlohmann's raw "[json.exception.type_error.316] invalid UTF-8 byte". The trace folder,
// which the workbench reopens, keeps its bytes (core/util/path_json.h).
TEST(AnalysisIo, ATraceDirThatIsNotUtf8KeepsItsBytes)
{
    AnalysisResult r = analyze(std::vector<RoutingBlock>{randomBlock(60)}, fullOptions());
    r.traceDir = "/data/t\xff";
    TempDir tmp("analysis");
    ASSERT_NO_THROW(saveAnalysisJson(r, tmp.file("analysis.json")));
    EXPECT_EQ(loadAnalysisJson(tmp.file("analysis.json")).traceDir, "/data/t\xff");
    EXPECT_FALSE(std::filesystem::exists(tmp.file("analysis.json.tmp")));
}

TEST(AnalysisIo, CsvTables)
{
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{randomBlock(30)}, fullOptions());
    TempDir tmp("analysis");
    const auto files = writeAnalysisCsv(r, tmp.file("csv"));
    for (const char* name : {"load.csv", "balance.csv", "coactivation.csv", "repetition.csv",
                             "transitions.csv", "transition_mi.csv", "layer_mi.csv",
                             "predictability.csv", "predictability_summary.csv",
                             "journeys.csv", "queries.csv", "samples.csv"})
        EXPECT_NE(std::find(files.begin(), files.end(), name), files.end()) << name;
    auto lines = [&](const std::string& name) {
        std::istringstream in(readFile(tmp.file("csv/" + name)));
        std::string line;
        int n = 0;
        while (std::getline(in, line))
            ++n;
        return n;
    };
    const int groups = 1 + int(r.sources.size());
    EXPECT_EQ(lines("load.csv"), 1 + groups * 4 * 8);
    EXPECT_EQ(lines("balance.csv"), 1 + groups * 4);
    EXPECT_EQ(lines("coactivation.csv"), 1 + groups * 4 * 64);
    EXPECT_EQ(lines("repetition.csv"), 1 + groups * 4);
    EXPECT_EQ(lines("transitions.csv"), 1 + (3 + 2 + 1) * 64);
    EXPECT_EQ(lines("layer_mi.csv"), 1 + 16);
    EXPECT_EQ(lines("predictability.csv"), 1 + int(r.predictability.cells.size()));
    int journeyTokens = 0;
    for (const auto& s : r.journeys)
        journeyTokens += int(s.tokens.size());
    EXPECT_EQ(lines("journeys.csv"), 1 + journeyTokens * 4 * 2);
    const std::string load = readFile(tmp.file("csv/load.csv"));
    EXPECT_EQ(load.substr(0, load.find('\n')),
              "source,layer,expert,first_count,first_share,any_count,any_share,any_rate,"
              "weight_sum,weight_share");
    EXPECT_NE(load.find("\n*,0,0,"), std::string::npos);
    EXPECT_NE(load.find("\ncode,0,0,"), std::string::npos);
}

TEST(AnalysisIo, TraceFolderEqualsBlocksInMemory)
{
    TempDir tmp("analysis");
    const RoutingBlock block = randomBlock(200, 11);
    {
        TraceWriterOptions wo;
        wo.shardSizeMB = 0.02; // several shards
        wo.chunkTokens = 256;
        TraceWriter w(tmp.path(), block.dims, {"cfg", "bfloat16", "tok", "run"}, wo);
        w.append(block);
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    ASSERT_GT(set.shards().size(), 1u);
    AnalysisOptions o = fullOptions();
    o.journeyFirstSequences = 0; // first-seen order may differ if shards reorder sequences
    const AnalysisResult fromDisk = analyze(set, o);
    const AnalysisResult inMemory = analyze(std::vector<RoutingBlock>{block}, o);
    EXPECT_EQ(fromDisk.traceDir, tmp.path());
    EXPECT_EQ(fromDisk.tokens, int64_t(block.numTokens()));
    nlohmann::json a = fromDisk, b = inMemory;
    a.erase("traceDir");
    b.erase("traceDir");
    EXPECT_EQ(a["overall"], b["overall"]);
    EXPECT_EQ(a["sources"], b["sources"]);
    EXPECT_EQ(a["transitions"], b["transitions"]);
    EXPECT_EQ(a["predictability"], b["predictability"]);
    EXPECT_EQ(a["journeys"], b["journeys"]);
    EXPECT_EQ(a["queries"], b["queries"]);

    // maxTokens stops the stream early.
    o.maxTokens = 100;
    const AnalysisResult part = analyze(set, o);
    EXPECT_EQ(part.tokens, 100);
    // The folder's block source ends with the block that reaches maxTokens, or where the
    // visitor returns false (one block per shard at least, and there are several shards).
    int blocks = 0;
    blockSource(set, 1)([&](const RoutingBlock&) { return ++blocks > 0; });
    EXPECT_EQ(blocks, 1);
    blocks = 0;
    blockSource(set)([&](const RoutingBlock&) { return ++blocks < 2; });
    EXPECT_EQ(blocks, 2);

    // Query over the folder.
    const TokenQueryResult q =
        findTokenJourneys(blockSource(set), "w7", o.tokenText, 3);
    EXPECT_EQ(q.journeys.size(), std::min<size_t>(3, size_t(inMemory.queries[0].matches)));
    if (!q.journeys.empty()) {
        EXPECT_EQ(nlohmann::json(q.journeys[0]), b["queries"][0]["journeys"][0]);
    }
}

// A trace of no token (a writer stopped before its first shard, or one that finished empty)
// is refused by analyze() itself, naming the folder, for the CLI and the workbench's views
// alike: an analysis of zero layers and experts would read like a result.
TEST(AnalysisIo, ATraceOfNoTokenIsRefused)
{
    TempDir tmp("analysis");
    const RoutingBlock block = randomBlock(10, 3);
    const std::string stopped = tmp.file("stopped"), empty = tmp.file("empty");
    { TraceWriter w(stopped, block.dims, {"cfg", "bfloat16", "tok", "run"}); }
    {
        TraceWriter w(empty, block.dims, {"cfg", "bfloat16", "tok", "run"});
        w.finish();
    }
    for (const std::string& dir : {stopped, empty}) {
        const TraceSet set = TraceSet::open(dir);
        ASSERT_EQ(set.numTokens(), 0);
        try {
            analyze(set, fullOptions());
            ADD_FAILURE() << dir << ": analyzed";
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find("trace " + dir + " holds no token"), std::string::npos) << msg;
            EXPECT_EQ(msg.find("incomplete") != std::string::npos, dir == stopped) << msg;
        }
    }
}
