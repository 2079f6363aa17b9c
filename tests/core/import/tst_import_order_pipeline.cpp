// Two import questions of issue 18's leftovers:
// - id order: whether a token's k ids are stored in rank order (origin.ids_ranked). Weights
//   rank them (rows are sorted by weight); Megatron's hook path lists them ascending; engines
//   that do not say are stored as unordered unless --id-order ranked.
// - Megatron-Core JSONL from pipeline-parallel runs: each stage's ranks record their own
//   layers; the importer joins the stages' records of one (step, call) into one sequence, and
//   names the file and record when layers overlap or a stage's record is missing.
#include "core/import/import_run.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/half.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::import;
using namespace specmoe::test;
using nlohmann::json;

namespace {

std::string sample(const std::string& name) { return dataPath("import/engines/" + name); }

bool anyWarning(const ImportResult& r, const std::string& part)
{
    for (const std::string& w : r.warnings)
        if (has(w, part))
            return true;
    return false;
}

// One decoder record as Megatron's RouterTracer writes it.
json record(int64_t step, int64_t rank, int layer, const std::vector<std::vector<int>>& ids)
{
    return {{"step", step},          {"stage", "pre_dispatch"},
            {"block", "decoder"},    {"layer", layer},
            {"rank", rank},          {"num_tokens", ids.size()},
            {"topk", ids.empty() ? 2 : ids.front().size()}, {"top_indices", ids}};
}

// Distinct top-2 ids of 8 experts per row, drawn from seed; `ascending` as the hook path.
std::vector<std::vector<int>> rows(int n, uint32_t seed, bool ascending)
{
    std::mt19937 g(seed);
    std::vector<std::vector<int>> out;
    for (int r = 0; r < n; ++r) {
        int a = int(g() % 8), b = int(g() % 7);
        b += b >= a;
        if (ascending && b < a)
            std::swap(a, b);
        out.push_back({a, b});
    }
    return out;
}

// A pipeline run's routing: per (step, call) and layer value the ids, and which rank holds
// which layer values; written one router_trace_rank<R>.jsonl per rank in call order.
struct PipelineRun {
    std::map<int64_t, std::vector<int>> layersOfRank;
    int steps = 2, calls = 2, tokens = 5;
    bool ascending = false;
    // (step, call * 100 + pipeline, global layer)
    std::map<std::tuple<int64_t, int64_t, int>, std::vector<std::vector<int>>> ids;

    // `dataOf(rank)`: ranks holding the same data (one pipeline) share it; `globalOf(rank, v)`:
    // the global layer of the rank's layer value v (stage-local numbering).
    void write(const std::string& dir, const std::function<int64_t(int64_t)>& dataOf,
               const std::function<int(int64_t, int)>& globalOf = [](int64_t, int v) { return v; })
    {
        fs::create_directories(dir);
        for (const auto& [rank, layers] : layersOfRank) {
            std::ofstream out(dir + "/router_trace_rank" + std::to_string(rank) + ".jsonl");
            for (int64_t s = 0; s < steps; ++s)
                for (int64_t c = 0; c < calls; ++c)
                    for (int l : layers) {
                        const int g = globalOf(rank, l);
                        auto& v = ids[{s, c * 100 + dataOf(rank), g}];
                        if (v.empty())
                            v = rows(tokens, uint32_t(s * 1000 + c * 100 + dataOf(rank) * 10 + g), ascending);
                        out << record(s, rank, l, v).dump() << "\n";
                    }
        }
    }
};

ImportParams megatronParams(const std::string& in, const std::string& out)
{
    ImportParams p;
    p.format = ImportFormat::Megatron;
    p.inputs = {in};
    p.outDir = out;
    p.modelConfig = sample("deepseek_tiny_config.json"); // MoE layers 1-3 of 4, 8 experts, top-2
    return p;
}

// Every stored sequence: request id -> [token][layer][k].
std::map<std::string, std::vector<std::vector<std::vector<int>>>> stored(const std::string& dir)
{
    std::map<std::string, std::vector<std::vector<std::vector<int>>>> out;
    TraceSet::open(dir).forEachBlock([&](const RoutingBlock& b) {
        for (const SequenceRecord& s : b.sequences) {
            auto& seq = out[s.requestId];
            for (int64_t t = s.tokenOffset; t < s.tokenOffset + s.length; ++t) {
                std::vector<std::vector<int>> tok;
                for (int l = 0; l < b.dims.layers; ++l)
                    tok.push_back({int(b.expert(size_t(t), l, 0)), int(b.expert(size_t(t), l, 1))});
                seq.push_back(tok);
            }
        }
        return true;
    });
    return out;
}

} // namespace

TEST(ImportIdOrder, EnginesThatDoNotSayAreStoredUnorderedUnlessTold)
{
    TempDir tmp("import-order");
    ImportParams p;
    p.format = ImportFormat::Vllm;
    p.inputs = {sample("vllm_first_release.npz")};
    p.outDir = tmp.file("a");
    ImportResult r = importTrace(p);
    EXPECT_FALSE(r.idsRanked);
    EXPECT_TRUE(anyWarning(r, "does not say whether a token's expert ids are listed by router weight")) << r.warnings[0];
    EXPECT_TRUE(anyWarning(r, "--id-order ranked"));
    EXPECT_FALSE(TraceSet::open(p.outDir).origin().idsRanked);

    p.idOrder = IdOrder::Ranked;
    p.outDir = tmp.file("b");
    r = importTrace(p);
    EXPECT_TRUE(r.idsRanked);
    EXPECT_FALSE(anyWarning(r, "router weight"));
    EXPECT_TRUE(TraceSet::open(p.outDir).origin().idsRanked);
}

TEST(ImportIdOrder, WeightsRankTheIdsAsTheyAreWritten)
{
    TempDir tmp("import-order");
    ImportParams p;
    p.format = ImportFormat::Npy;
    p.inputs = {sample("npy_weights.npz")}; // weights in no particular order
    p.layout.experts = 8;
    p.outDir = tmp.file("t");
    const ImportResult r = importTrace(p);
    EXPECT_TRUE(r.idsRanked);
    const TraceSet set = TraceSet::open(p.outDir);
    EXPECT_TRUE(set.origin().idsRanked);
    int64_t pairs = 0;
    set.forEachBlock([&](const RoutingBlock& b) {
        for (size_t t = 0; t < b.numTokens(); ++t)
            for (int l = 0; l < b.dims.layers; ++l) {
                const float w0 = halfToFloat(b.topkWeights[b.idx(t, l, 0)]);
                const float w1 = halfToFloat(b.topkWeights[b.idx(t, l, 1)]);
                EXPECT_GE(w0, w1) << "token " << t << " layer " << l;
                ++pairs;
            }
        return true;
    });
    // make_import_samples.py asserts that the sample's input lists some pairs lighter first,
    // and its expected/npy_weights.json (ImportGood) holds the ids sorted by weight.
    EXPECT_GT(pairs, 0);
}

TEST(ImportIdOrder, MegatronHookIdsAreUnorderedAndTopkOutputIsRanked)
{
    TempDir tmp("import-order");
    PipelineRun run;
    run.layersOfRank = {{0, {1, 2, 3}}};
    run.ascending = true;
    run.write(tmp.file("hook"), [](int64_t) { return 0; });
    ImportResult r = importTrace(megatronParams(tmp.file("hook"), tmp.file("a")));
    EXPECT_FALSE(r.idsRanked);
    EXPECT_TRUE(anyWarning(r, "lists its ids ascending, as Megatron's training hook does"));

    PipelineRun topk = run;
    topk.ids.clear();
    topk.ascending = false;
    topk.write(tmp.file("topk"), [](int64_t) { return 0; });
    r = importTrace(megatronParams(tmp.file("topk"), tmp.file("b")));
    EXPECT_TRUE(r.idsRanked);

    ImportParams p = megatronParams(tmp.file("hook"), tmp.file("c"));
    p.idOrder = IdOrder::Ranked; // the user knows better (e.g. the inference sink path)
    EXPECT_TRUE(importTrace(p).idsRanked);
}

// PP = 2, DP = 2 (Megatron's default order: stage 0 = ranks 0, 1; stage 1 = ranks 2, 3; the
// pipelines are ranks 0+2 and 1+3), global layer values: one trace with every layer, one
// sequence per (pipeline, step, call), each layer's ids from the stage that holds it.
TEST(ImportMegatronPipeline, StagesAreJoinedIntoSequencesWithEveryLayer)
{
    TempDir tmp("import-pp");
    PipelineRun run;
    run.layersOfRank = {{0, {1, 2}}, {1, {1, 2}}, {2, {3}}, {3, {3}}};
    const auto pipelineOf = [](int64_t rank) { return rank % 2; };
    run.write(tmp.file("in"), pipelineOf);
    const ImportParams p = megatronParams(tmp.file("in"), tmp.file("t"));
    const ImportResult r = importTrace(p);
    EXPECT_EQ(r.dims.layers, 3);
    EXPECT_EQ(r.dims.moeLayers, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(r.sequences, 2 * run.steps * run.calls);
    EXPECT_TRUE(anyWarning(r, "joined 2 pipeline stages (ranks 0,1; 2,3) into 2 pipeline(s)"));
    const auto got = stored(p.outDir);
    ASSERT_EQ(got.size(), size_t(r.sequences));
    for (int64_t pipe = 0; pipe < 2; ++pipe)
        for (int64_t s = 0; s < run.steps; ++s)
            for (int64_t c = 0; c < run.calls; ++c) {
                const std::string id = "r" + std::to_string(pipe) + "/s" + std::to_string(s) + "/c" + std::to_string(c);
                ASSERT_TRUE(got.count(id)) << id;
                const auto& seq = got.at(id);
                ASSERT_EQ(seq.size(), size_t(run.tokens)) << id;
                for (int t = 0; t < run.tokens; ++t)
                    for (int l = 1; l <= 3; ++l)
                        EXPECT_EQ(seq[size_t(t)][size_t(l - 1)], (run.ids.at({s, c * 100 + pipe, l})[size_t(t)]))
                            << id << " token " << t << " layer " << l;
            }

    // The same records as separate files given one by one join the same way.
    ImportParams files = p;
    files.inputs.clear();
    for (int rank = 0; rank < 4; ++rank)
        files.inputs.push_back(tmp.file("in/router_trace_rank" + std::to_string(rank) + ".jsonl"));
    files.outDir = tmp.file("t2");
    EXPECT_EQ(importTrace(files).sequences, r.sequences);
    EXPECT_EQ(stored(files.outDir), got);
}

TEST(ImportMegatronPipeline, OverlappingLayersAreAnErrorNamingTheRecord)
{
    TempDir tmp("import-pp");
    PipelineRun run;
    run.layersOfRank = {{0, {1, 2}}, {1, {2, 3}}};
    run.write(tmp.file("in"), [](int64_t) { return 0; });
    const ImportParams p = megatronParams(tmp.file("in"), tmp.file("t"));
    const std::string e = errorOf([&] { importTrace(p); });
    EXPECT_TRUE(has(e, "router_trace_rank1.jsonl:1: rank 1 records layer 2, which rank 0 (")) << e;
    EXPECT_TRUE(has(e, "router_trace_rank0.jsonl:1) records too")) << e;
    EXPECT_TRUE(has(e, "--pipeline-layers")) << e;
    EXPECT_FALSE(fs::exists(p.outDir));
}

TEST(ImportMegatronPipeline, AStageWithoutACallIsAnErrorNamingTheRecord)
{
    TempDir tmp("import-pp");
    PipelineRun run;
    run.layersOfRank = {{0, {1, 2}}, {1, {3}}};
    run.write(tmp.file("in"), [](int64_t) { return 0; });
    // Rank 1 stopped after step 0: its step-1 records are gone.
    const std::string f1 = tmp.file("in/router_trace_rank1.jsonl");
    std::string text = readFile(f1);
    text.resize(text.find("{\"block\":\"decoder\",\"layer\":3,\"num_tokens\":5,\"rank\":1,\"stage\":\"pre_dispatch\",\"step\":1"));
    writeFile(f1, text);
    const ImportParams p = megatronParams(tmp.file("in"), tmp.file("t"));
    const std::string e = errorOf([&] { importTrace(p); });
    EXPECT_TRUE(has(e, "router_trace_rank0.jsonl:5: pipeline of ranks 0,1 step 1 call 0: rank 1 (")) << e;
    EXPECT_TRUE(has(e, "has no record of this call, so its layers 3 are missing")) << e;
    EXPECT_FALSE(fs::exists(p.outDir));
}

// The training hook numbers `decoder.layers.<n>` within each stage: stage 0 (decoder layers
// 0-1, layer 0 dense) records layer 1, stage 1 (decoder layers 2-3) records 0 and 1.
TEST(ImportMegatronPipeline, StageLocalLayerNumbersNeedPipelineLayers)
{
    TempDir tmp("import-pp");
    PipelineRun run;
    run.layersOfRank = {{0, {1}}, {1, {0, 1}}};
    run.write(tmp.file("in"), [](int64_t) { return 0; }, [](int64_t rank, int v) { return rank == 0 ? v : v + 2; });
    ImportParams p = megatronParams(tmp.file("in"), tmp.file("t"));
    EXPECT_TRUE(has(errorOf([&] { importTrace(p); }), "rank 0 records layer 1, which rank 1"));

    p.pipelineLayers = {2, 2};
    const ImportResult r = importTrace(p);
    EXPECT_EQ(r.dims.moeLayers, (std::vector<int>{1, 2, 3}));
    const auto got = stored(p.outDir);
    ASSERT_TRUE(got.count("r0/s1/c1"));
    for (int t = 0; t < run.tokens; ++t)
        for (int l = 1; l <= 3; ++l) // decoder 1 from stage 0's layer 1, 2 and 3 from stage 1's 0 and 1
            EXPECT_EQ(got.at("r0/s1/c1")[size_t(t)][size_t(l - 1)], (run.ids.at({1, 100, l})[size_t(t)]))
                << "token " << t << " layer " << l;

    p.pipelineLayers = {1, 3}; // stage 0 holds one layer: its layer value 1 is out of range
    p.overwrite = true;
    EXPECT_TRUE(has(errorOf([&] { importTrace(p); }),
                    "router_trace_rank0.jsonl:1: layer 1 of rank 0 (pipeline stage 0) is not below the stage's 1 "
                    "decoder layers"));
}
