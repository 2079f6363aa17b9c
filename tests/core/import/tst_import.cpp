// The importers (issue 18) on samples a Python script wrote the way each engine documents
// its output (tests/data/import/make_import_samples.py): imported folders verify and read
// back equal to what the script computed on its own; bad inputs fail with errors naming the
// file and the sequence, and leave nothing behind; an interrupted import resumes.
#include "core/import/import_run.h"
#include "core/trace/token_id.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "core/util/read_file.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::import;
using namespace specmoe::test;
using nlohmann::json;

namespace {

std::string sample(const std::string& name) { return dataPath("import/engines/" + name); }

json expectedOf(const std::string& name) { return json::parse(readFile(sample("expected/" + name + ".json"))); }

struct Case {
    std::string name;     // test name and expected/<name>.json
    ImportFormat format;
    std::vector<std::string> inputs;
    std::function<void(ImportParams&)> tune;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

ImportParams paramsFor(const Case& c, const std::string& out)
{
    ImportParams p;
    p.format = c.format;
    for (const auto& i : c.inputs)
        p.inputs.push_back(sample(i));
    p.outDir = out;
    if (c.tune)
        c.tune(p);
    return p;
}

// Every stored sequence, in seq id order, as the expected JSON spells it.
json readBack(const std::string& dir, TraceDims& dims)
{
    const TraceSet set = TraceSet::open(dir);
    dims = set.dims();
    json seqs = json::array();
    set.forEachBlock([&](const RoutingBlock& b) {
        for (const SequenceRecord& s : b.sequences) {
            json q;
            q["request_id"] = s.requestId;
            q["generated"] = s.generatedTokens;
            json tokens = json::array(), positions = json::array(), ids = json::array(), weights = json::array();
            for (int64_t t = s.tokenOffset; t < s.tokenOffset + s.length; ++t) {
                tokens.push_back(b.tokenIds[size_t(t)]);
                positions.push_back(b.positions[size_t(t)]);
                json row = json::array(), wrow = json::array();
                for (int l = 0; l < b.dims.layers; ++l) {
                    json k = json::array(), w = json::array();
                    for (int j = 0; j < b.dims.topk; ++j) {
                        k.push_back(int(b.expert(size_t(t), l, j)));
                        if (b.dims.hasWeights)
                            w.push_back(halfToFloat(b.topkWeights[b.idx(size_t(t), l, j)]));
                    }
                    row.push_back(k);
                    wrow.push_back(w);
                }
                ids.push_back(row);
                weights.push_back(wrow);
            }
            q["tokens"] = tokens;
            q["positions"] = positions;
            q["ids"] = ids;
            if (b.dims.hasWeights)
                q["weights"] = weights;
            seqs.push_back(q);
        }
        return true;
    });
    return seqs;
}

void expectSameTrace(const std::string& dir, const json& want)
{
    TraceDims dims;
    const json got = readBack(dir, dims);
    EXPECT_EQ(dims.experts, want["experts"].get<int>());
    EXPECT_EQ(dims.topk, want["topk"].get<int>());
    EXPECT_EQ(dims.moeLayers, want["moe_layers"].get<std::vector<int>>());
    EXPECT_EQ(dims.decoderLayers > 0 ? dims.decoderLayers : dims.layers, want["decoder_layers"].get<int>());
    EXPECT_EQ(dims.sharedExperts, want["shared_experts"].get<int>());
    EXPECT_EQ(dims.hasWeights, want["has_weights"].get<bool>());
    const json& seqs = want["sequences"];
    ASSERT_EQ(got.size(), seqs.size());
    for (size_t s = 0; s < seqs.size(); ++s) {
        SCOPED_TRACE("sequence " + std::to_string(s));
        EXPECT_EQ(got[s]["request_id"], seqs[s]["request_id"]);
        EXPECT_EQ(got[s]["generated"], seqs[s]["generated"]);
        EXPECT_EQ(got[s]["tokens"], seqs[s]["tokens"]);
        EXPECT_EQ(got[s]["positions"], seqs[s]["positions"]);
        EXPECT_EQ(got[s]["ids"], seqs[s]["ids"]);
        if (seqs[s].contains("weights")) { // float16 in the input: stored bit for bit
            const auto a = got[s]["weights"].flatten(), b = seqs[s]["weights"].flatten();
            ASSERT_EQ(a.size(), b.size());
            for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt)
                EXPECT_EQ(it->get<float>(), jt->get<float>());
        }
    }
}

} // namespace

class ImportGood : public ::testing::TestWithParam<Case> {};

TEST_P(ImportGood, WritesAVerifiedTraceEqualToTheInput)
{
    const Case& c = GetParam();
    const json want = expectedOf(c.name);
    TempDir tmp("import");
    const std::string out = tmp.file("trace");
    const ImportResult r = importTrace(paramsFor(c, out));
    EXPECT_GT(r.shardsVerified, 0u);
    EXPECT_EQ(r.resumedSequences, 0);
    EXPECT_EQ(r.sequences, int64_t(want["sequences"].size()));
    const TraceSet set = TraceSet::open(out);
    EXPECT_TRUE(set.complete());
    EXPECT_TRUE(set.verify().ok());
    expectSameTrace(out, want);
}

INSTANTIATE_TEST_SUITE_P(
    Samples, ImportGood,
    ::testing::Values(
        Case{"vllm_first_release", ImportFormat::Vllm, {"vllm_first_release.npz"}, {}},
        Case{"vllm_split_021", ImportFormat::Vllm, {"vllm_split_021.npz"},
             [](ImportParams& p) { p.allowMissing = true; }},
        Case{"sglang", ImportFormat::Sglang, {"sglang.npz"}, {}},
        Case{"megatron_hook_mb2", ImportFormat::Megatron, {"megatron_hook"},
             [](ImportParams& p) {
                 p.modelConfig = sample("deepseek_tiny_config.json");
                 p.microBatch = 2;
             }},
        Case{"megatron_requests", ImportFormat::Megatron, {"megatron_requests.npz"}, {}},
        Case{"npy_weights", ImportFormat::Npy, {"npy_weights.npz"}, [](ImportParams& p) { p.layout.experts = 8; }},
        Case{"npy_folder", ImportFormat::Npy, {"npy_folder"}, [](ImportParams& p) { p.layout.experts = 6; }},
        Case{"npy_e300", ImportFormat::Npy, {"npy_e300.npz"}, [](ImportParams& p) { p.layout.experts = 300; }}),
    [](const auto& info) { return info.param.name; });

struct BadCase {
    std::string name;
    ImportFormat format;
    std::string input;
    std::vector<std::string> mentions; // parts the message must hold besides the file
    std::function<void(ImportParams&)> tune;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ImportBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ImportBad, FailsNamingFileAndRecordAndLeavesNothing)
{
    const BadCase& c = GetParam();
    TempDir tmp("import-bad");
    ImportParams p;
    p.format = c.format;
    p.inputs = {sample(c.input)};
    p.outDir = tmp.file("trace");
    p.layout.experts = c.format == ImportFormat::Npy ? 8 : 0;
    if (c.tune)
        c.tune(p);
    const std::string e = errorOf([&] { importTrace(p); });
    ASSERT_FALSE(e.empty()) << "no error";
    EXPECT_TRUE(has(e, c.input)) << e;
    if (std::getenv("SPECMOE_PRINT_ERRORS"))
        std::cout << "  " << c.name << ": " << e << "\n";
    for (const auto& m : c.mentions)
        EXPECT_TRUE(has(e, m)) << "'" << m << "' not in: " << e;
    EXPECT_FALSE(fs::exists(p.outDir)) << "something was written";
}

INSTANTIATE_TEST_SUITE_P(
    Samples, ImportBad,
    ::testing::Values(
        BadCase{"id_ge_e", ImportFormat::Vllm, "bad_id_ge_e.npz",
                {"sequence 1 (request 'cmpl-1/0')", "position 2", "decoder layer 2", "expert id 8 is not below the expert count 8"}, {}},
        BadCase{"ragged", ImportFormat::Vllm, "bad_ragged.npz",
                {"sequence 3 (request 'cmpl-2/1')", "every token but the last sampled one"}, {}},
        BadCase{"layer_axis", ImportFormat::Vllm, "bad_layer_axis.npz",
                {"5 layer slots", "4 decoder layers of which 3 are MoE layers (1-3)"}, {}},
        BadCase{"missing_rows", ImportFormat::Vllm, "vllm_split_021.npz",
                {"sequence 1 (request 'req-1/0')", "position 0", "marked missing (-1)", "--allow-missing"}, {}},
        BadCase{"negative", ImportFormat::Npy, "bad_negative.npz", {"sequence 1", "position 2", "negative expert id -3"}, {}},
        BadCase{"repeat", ImportFormat::Npy, "bad_repeat.npz", {"sequence 1", "position 1", "appears twice"}, {}},
        BadCase{"token_count", ImportFormat::Npy, "bad_token_count.npz", {"5 token ids for 6 routing rows"}, {}},
        BadCase{"seq_lens", ImportFormat::Npy, "bad_seq_lens.npz", {"add up to 5 tokens", "6 rows"}, {}},
        BadCase{"dtype", ImportFormat::Npy, "bad_dtype.npz", {"expert_ids", "'<f4' is not an integer type"}, {}},
        BadCase{"k17", ImportFormat::Npy, "bad_k17.npz", {"top_k is 17", "at most 16"}, {}},
        BadCase{"two_id_arrays", ImportFormat::Npy, "bad_two_id_arrays.npz",
                {"holds both 'expert_ids' and 'topk_ids'", "keep one"}, {}},
        BadCase{"truncated", ImportFormat::Npy, "bad_truncated", {"expert_ids.npy", "truncated"}, {}},
        BadCase{"wrong_engine", ImportFormat::Sglang, "vllm_first_release.npz", {"engine is 'vllm'", "--format sglang"}, {}},
        BadCase{"megatron_ragged", ImportFormat::Megatron, "bad_megatron_ragged",
                {"router_trace_rank0.jsonl:5", "layer 2 has 10 tokens", "ragged"},
                [](ImportParams& p) { p.layout.experts = 8; }},
        BadCase{"megatron_missing_layer", ImportFormat::Megatron, "bad_megatron_missing_layer",
                {"router_trace_rank0.jsonl:4", "rank 0 step 0 call 1 has no record of layer(s) 3"},
                [](ImportParams& p) { p.layout.experts = 8; }},
        BadCase{"megatron_numbering", ImportFormat::Megatron, "megatron_sink",
                {"0-based indices or 1-based numbers"}, [](ImportParams& p) { p.layout.experts = 8; }},
        BadCase{"no_experts", ImportFormat::Npy, "npy_folder", {"--experts"},
                [](ImportParams& p) { p.layout.experts = 0; }}),
    [](const auto& info) { return info.param.name; });

TEST(Import, MegatronSinkNumbersAreMatchedToTheLayerMap)
{
    TempDir tmp("import");
    ImportParams p;
    p.format = ImportFormat::Megatron;
    p.inputs = {sample("megatron_sink")};
    p.outDir = tmp.file("trace");
    p.modelConfig = sample("deepseek_tiny_config.json"); // layers 2, 3, 4 are 1-based numbers of 1-3
    const ImportResult r = importTrace(p);
    EXPECT_EQ(r.dims.moeLayers, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(r.sequences, 1);
    EXPECT_EQ(r.tokens, 12);

    // The records carry no token ids: stored as unknown (-1), and the summary says so; their
    // ids are ascending (the sample follows the hook path), so the trace is unordered too.
    ASSERT_EQ(r.warnings.size(), 2u);
    EXPECT_TRUE(has(r.warnings[0], "lists its ids ascending")) << r.warnings[0];
    EXPECT_TRUE(has(r.warnings[1], "12 routed token(s) have no token id in the input; stored as unknown (-1)"))
        << r.warnings[1];
    TraceSet::open(p.outDir).forEachBlock([](const RoutingBlock& b) {
        EXPECT_EQ(b.tokenIds, std::vector<int32_t>(b.numTokens(), kUnknownToken));
        return true;
    });

    p.megatronNumbering = LayerNumbering::Index0;
    p.overwrite = true;
    EXPECT_TRUE(has(errorOf([&] { importTrace(p); }), "are not the model's MoE layers 1-3"));
}

TEST(Import, ExplicitFlagsOverrideTheConfiguration)
{
    TempDir tmp("import");
    ImportParams p;
    p.format = ImportFormat::Vllm;
    p.inputs = {sample("vllm_first_release.npz")};
    p.outDir = tmp.file("trace");
    p.layout.moeLayers = {2, 3}; // 4 slots still resolve: dense 0 and 1
    p.layout.sharedExperts = 2;
    const std::string e = errorOf([&] { importTrace(p); });
    // Slot 1 holds routing but is now called dense: the importer keeps 2 and 3 and warns.
    EXPECT_EQ(e, "");
    const TraceSet set = TraceSet::open(p.outDir);
    EXPECT_EQ(set.dims().moeLayers, (std::vector<int>{2, 3}));
    EXPECT_EQ(set.dims().sharedExperts, 2);
}

TEST(Import, AnotherTraceInTheFolderIsRefusedUnlessOverwritten)
{
    TempDir tmp("import");
    ImportParams p;
    p.format = ImportFormat::Npy;
    p.inputs = {sample("npy_folder")};
    p.layout.experts = 6;
    p.outDir = tmp.file("trace");
    importTrace(p);
    p.inputs = {sample("npy_weights.npz")};
    p.layout.experts = 8;
    EXPECT_TRUE(has(errorOf([&] { importTrace(p); }), "another fingerprint"));
    p.overwrite = true;
    EXPECT_EQ(importTrace(p).sequences, 2);
}

TEST(Import, ACancelledImportResumesWhereItStopped)
{
    TempDir tmp("import");
    ImportParams p;
    p.format = ImportFormat::Vllm;
    p.inputs = {sample("vllm_first_release.npz")};
    p.outDir = tmp.file("trace");
    p.shardSizeMB = 1e-6; // a shard per sequence
    int reports = 0;
    const ProgressFn stopEarly = [&](const Progress& pr) {
        return !(pr.stage == "import: writing" && ++reports >= 3);
    };
    EXPECT_THROW(importTrace(p, stopEarly), Cancelled);
    {
        const TraceSet partial = TraceSet::open(p.outDir);
        EXPECT_FALSE(partial.complete());
        EXPECT_EQ(partial.numSequences(), 2); // two sequences appended before the third report
    }
    const ImportResult r = importTrace(p);
    EXPECT_EQ(r.resumedSequences, 2);
    EXPECT_EQ(r.sequencesWritten, 2);
    EXPECT_EQ(r.sequences, 4);
    expectSameTrace(p.outDir, expectedOf("vllm_first_release"));
}

TEST(Import, ProgressCoversEveryRowTwice)
{
    TempDir tmp("import");
    ImportParams p;
    p.format = ImportFormat::Sglang;
    p.inputs = {sample("sglang.npz")};
    p.outDir = tmp.file("trace");
    int64_t checked = 0, written = 0, total = 0;
    importTrace(p, [&](const Progress& pr) {
        if (pr.stage == "import: checking")
            checked = pr.done;
        if (pr.stage == "import: writing")
            written = pr.done;
        if (pr.total > 0 && pr.unit == "rows")
            total = pr.total;
        return true;
    });
    EXPECT_EQ(total, 8 + 6 + 6);
    EXPECT_EQ(checked, total);
    EXPECT_EQ(written, total);
}
