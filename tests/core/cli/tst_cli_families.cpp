// Every registered family through the CLI: make-model's tiny preset, then collect (with
// lookahead and features) and analyze on it; the trace records the family, the routing
// function and the layer map. The Qwen2-MoE fixture (a dense layer 1) checks a layer map
// that is not the identity and the shared expert count; DeepSeek-V2's fixture two shared
// experts and its router function; gpt-oss's fixture its router function.
#include "core/model/family/model_family.h"
#include "core/trace/trace_set.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace specmoe;
using namespace specmoe::test;

namespace {

// A jsonl-ids corpus: 12 sequences of 20..60 ids below 320 (the tiny vocabularies).
std::string writeIds(const TempDir& dir)
{
    const std::string path = dir.file("ids.jsonl");
    std::ofstream out(path);
    uint32_t x = 12345;
    for (int s = 0; s < 12; ++s) {
        out << "{\"input_ids\": [1";
        const int n = 20 + s * 4;
        for (int i = 0; i < n; ++i) {
            x = x * 1103515245u + 12345u;
            out << ", " << 3 + (x >> 8) % 317;
        }
        out << "]}\n";
    }
    return path;
}

std::string collect(const TempDir& dir, const std::string& model, const std::string& name)
{
    const std::string trace = dir.file(name);
    std::string out;
    const int rc = runCommand(cliPath() + " collect --model " + model + " --source d=" + writeIds(dir) +
                                  ":jsonl-ids --out " + trace +
                                  " --device cpu --dtype float32 --lookahead 1 --features gate_logits:1 --quiet",
                              &out);
    EXPECT_EQ(rc, 0) << out;
    return trace;
}

} // namespace

TEST(CliFamilies, MakeModelCollectAnalyzeEveryFamily)
{
    for (const ModelFamily* f : modelFamilies()) {
        TempDir dir("cli-family");
        std::string out;
        ASSERT_EQ(runCommand(cliPath() + " make-model --family " + f->name + " --preset tiny --out " + dir.file("m") +
                                 " --quiet",
                             &out),
                  0)
            << out;
        const std::string trace = collect(dir, dir.file("m"), "t");
        const TraceSet ts = TraceSet::open(trace);
        EXPECT_EQ(ts.model().family, f->name);
        EXPECT_FALSE(ts.model().routing.empty());
        EXPECT_GT(ts.totals().tokens, 0);
        EXPECT_EQ(runCommand(cliPath() + " analyze " + trace + " --out " + dir.file("a") + " --quiet", &out), 0)
            << f->name << ": " << out;
        EXPECT_EQ(runCommand(cliPath() + " info --model " + dir.file("m"), &out), 0) << out;
        EXPECT_NE(out.find("family           " + f->name), std::string::npos) << out;
    }
}

TEST(CliFamilies, Qwen2MoeTraceRecordsTheLayerMap)
{
    TempDir dir("cli-family");
    const std::string trace = collect(dir, std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/qwen2-moe-tiny", "t");
    const TraceSet ts = TraceSet::open(trace);
    EXPECT_EQ(ts.model().family, "qwen2_moe");
    EXPECT_EQ(ts.model().routing, "softmax_topk_unnormalized");
    EXPECT_EQ(ts.dims().layers, 3);
    EXPECT_EQ(ts.dims().moeLayers, (std::vector<int>{0, 2, 3}));
    EXPECT_EQ(ts.dims().decoderLayers, 4);
    EXPECT_EQ(ts.dims().sharedExperts, 1);
    EXPECT_EQ(ts.dims().topk, 4);
}

// DeepSeek-V2's fixture: MoE layers 1 and 2 of 3 (first_k_dense_replace 1), two shared
// experts (one MLP twice as wide), and its router function by name.
TEST(CliFamilies, DeepseekV2TraceRecordsSharedExpertsAndRouting)
{
    TempDir dir("cli-family");
    const std::string trace = collect(dir, std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/deepseek-v2-tiny", "t");
    const TraceSet ts = TraceSet::open(trace);
    EXPECT_EQ(ts.model().family, "deepseek_v2");
    EXPECT_EQ(ts.model().routing, "softmax_group_topk_unnormalized");
    EXPECT_EQ(ts.dims().moeLayers, (std::vector<int>{1, 2}));
    EXPECT_EQ(ts.dims().sharedExperts, 2);
}

// gpt-oss's fixture (MXFP4 experts, a router bias, sinks, a sliding and a full layer): the
// trace names its router function as imported traces do ("topk_softmax").
TEST(CliFamilies, GptOssTraceRecordsItsRouting)
{
    TempDir dir("cli-family");
    const std::string trace = collect(dir, std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/gpt-oss-tiny", "t");
    const TraceSet ts = TraceSet::open(trace);
    EXPECT_EQ(ts.model().family, "gpt_oss");
    EXPECT_EQ(ts.model().routing, "topk_softmax");
    EXPECT_EQ(ts.dims().layers, 2);
    EXPECT_EQ(ts.dims().topk, 2);
}

// make-model's tiny DeepSeek and gpt-oss presets have 2 MoE layers: collect's default
// lookahead (1,2) and train's default horizon (2) refused them with exit 2 for options the
// user never gave. The defaults now fit the model (with a note); values given are still
// checked as given.
TEST(CliFamilies, DefaultLookaheadAndHorizonFitTwoMoeLayers)
{
    TempDir dir("cli-family");
    std::string out;
    const std::string model = dir.file("m");
    ASSERT_EQ(runCommand(cliPath() + " make-model --family deepseek_v3 --preset tiny --out " + model + " --quiet", &out),
              0)
        << out;
    const std::string collect = cliPath() + " collect --model " + model + " --source d=" + writeIds(dir) +
                                ":jsonl-ids --device cpu --dtype float32 --quiet";
    ASSERT_EQ(runCommand(collect + " --out " + dir.file("t"), &out), 0) << out;
    EXPECT_NE(out.find("note: the model has 2 MoE layers: lookahead distances 1 (of the default 1,2)"),
              std::string::npos)
        << out;
    const TraceSet ts = TraceSet::open(dir.file("t"));
    EXPECT_EQ(ts.dims().layers, 2);
    EXPECT_EQ(ts.dims().lookahead, std::vector<int>{1});
    EXPECT_EQ(runCommand(collect + " --lookahead 1,2 --out " + dir.file("t2"), &out), 2) << out;
    EXPECT_NE(out.find("option --lookahead"), std::string::npos) << out;

    const std::string train = cliPath() + " train --traces " + dir.file("t") +
                              " --epochs 1 --quiet --models interlayer --train-fraction 0.5 --val-fraction 0.3";
    ASSERT_EQ(runCommand(train + " --out " + dir.file("r"), &out), 0) << out;
    EXPECT_NE(out.find("note: the traces have 2 MoE layers: horizon 1 (the default is 2)"), std::string::npos) << out;
    EXPECT_NE(out.find("interlayer    1"), std::string::npos) << out;
    EXPECT_EQ(runCommand(train + " --horizon 2 --out " + dir.file("r2"), &out), 2) << out;
    EXPECT_NE(out.find("horizon 2 reaches beyond the last layer"), std::string::npos) << out;
}
