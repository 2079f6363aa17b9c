// The DeepSeek-V2 family (core/model/family/deepseek_v2.cpp) against its fixture
// (tests/fixtures/deepseek-v2-tiny, written by bench/reference/make_fixture.py from the
// eager reference bench/reference/deepseek_reference.py, which rotates the pairs as
// complex numbers as transformers does): multi-head latent attention with a full-rank
// q_proj (q_lora_rank null, as V2-Lite), YaRN without the softmax mscale, softmax scores
// with group_limited_greedy, unnormalized weights times routed_scaling_factor; every
// residency mode and kernel; make-model's hub layout; bad inputs named in the error.
#include "core/model/config.h"
#include "core/model/make_model.h"
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/util/error.h"
#include "core/util/read_file.h"
#include "tests/core/model/family_fixture.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = familyFixture("deepseek-v2-tiny");

const FamilyGolden& golden()
{
    static const FamilyGolden g(kFixture);
    return g;
}

class DeepseekV2Exact : public ::testing::TestWithParam<FamilyVariant> {};

std::string edited(const std::string& from, const std::string& to) { return editedConfig(kFixture, from, to); }

RuntimeOptions cpuOptions()
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    return o;
}

} // namespace

TEST(DeepseekV2Config, Fields)
{
    const ModelConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.family, "deepseek_v2");
    EXPECT_TRUE(c.mla());
    EXPECT_EQ(c.qLoraRank, 0); // q_lora_rank null: q_proj
    EXPECT_TRUE(c.ropeInterleave);
    EXPECT_EQ(c.moeLayers(), (std::vector<int>{1, 2}));
    EXPECT_EQ(c.sharedExpertIntermediateSize, 64); // 2 shared experts of 32
    EXPECT_EQ(c.sharedExperts, 2);
    EXPECT_FALSE(c.sharedExpertGate);
    EXPECT_EQ(c.routing(), "softmax_group_topk_unnormalized");
    EXPECT_DOUBLE_EQ(c.routedScalingFactor, 2.0);
    EXPECT_EQ(c.ropeType, "yarn");
    EXPECT_DOUBLE_EQ(c.ropeAttentionFactor, 1.0); // mscale == mscale_all_dim
    EXPECT_DOUBLE_EQ(c.softmaxScaleFactor, 1.0);  // transformers' V2 leaves the softmax unscaled
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
    EXPECT_EQ(back.routing(), c.routing());
    // topk_method greedy (V2-Lite): the plain top-k of the softmax.
    const ModelConfig g = parseConfig(edited("\"group_limited_greedy\"", "\"greedy\""), "c.json");
    EXPECT_EQ(g.routing(), "softmax_topk_unnormalized");
    EXPECT_NE(configHash(g), configHash(c));
}

TEST(DeepseekV2Config, RefusesWhatItCannotRun)
{
    EXPECT_ERROR_HAS(parseConfig(edited("\"norm_topk_prob\": false", "\"norm_topk_prob\": true"), "c.json"),
                     "norm_topk_prob");
    EXPECT_ERROR_HAS(parseConfig(edited("\"scoring_func\": \"softmax\"", "\"scoring_func\": \"sigmoid\""), "c.json"),
                     "scoring_func", "sigmoid");
    EXPECT_ERROR_HAS(parseConfig(edited("\"group_limited_greedy\"", "\"noaux_tc\""), "c.json"), "topk_method",
                     "noaux_tc");
    EXPECT_ERROR_HAS(parseConfig(edited("\"n_group\": 4,", ""), "c.json"), "n_group");
    EXPECT_ERROR_HAS(parseConfig(edited("\"num_experts_per_tok\": 4,", ""), "c.json"), "num_experts_per_tok");
}

TEST_P(DeepseekV2Exact, MatchesTheReference)
{
    expectMatchesGolden(kFixture, golden(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(DeepseekV2, DeepseekV2Exact, ::testing::ValuesIn(familyVariants()),
                         [](const ::testing::TestParamInfo<FamilyVariant>& i) { return std::string(i.param.name); });

// Weights: the chosen experts' softmax probabilities, not renormalized, times 2.
TEST(DeepseekV2Runtime, TopkWeightsAreScaledProbabilities)
{
    MixtralRuntime rt(kFixture, cpuOptions());
    const RoutingResult r = rt.route(golden().ids, golden().mask);
    const at::Tensor expected = at::softmax(r.routerLogits, -1).gather(-1, r.topkIds) * 2.0;
    EXPECT_LE((r.topkWeights - expected).abs().max().item<double>(), 1e-6);
}

TEST(DeepseekV2Runtime, MissingQProjIsNamed)
{
    TempDir dir;
    fs::copy_file(kFixture + "/config.json", dir.path() + "/config.json");
    SafetensorsFile f(kFixture + "/model.safetensors");
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> ts;
    const std::string dropped = "model.layers.1.self_attn.q_proj.weight";
    for (const auto& e : f.tensors()) {
        if (e.name == dropped)
            continue;
        keep.push_back(readGoldenTensor(f, e.name));
        ts.push_back({e.name, "F32", e.shape, keep.back().data_ptr(), static_cast<size_t>(keep.back().nbytes())});
    }
    writeSafetensors(dir.path() + "/model.safetensors", ts, {{"format", "pt"}});
    EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), cpuOptions()), dropped, "missing");
}

TEST(DeepseekV2MakeModel, HubLayoutLoadsAndRoutes)
{
    TempDir dir;
    MakeModelOptions mo;
    mo.family = "deepseek_v2";
    mo.preset = "tiny";
    mo.outDir = dir.path();
    const ModelConfig c = makeRandomModel(mo);
    SafetensorsFile f(dir.path() + "/model.safetensors");
    EXPECT_NE(f.find("model.layers.0.self_attn.q_proj.weight"), nullptr);
    EXPECT_EQ(f.find("model.layers.1.mlp.gate.e_score_correction_bias"), nullptr);
    int64_t elements = 0;
    for (const auto& e : f.tensors())
        elements += e.numel();
    EXPECT_EQ(elements, parameterCount(c));
    MixtralRuntime rt(dir.path(), cpuOptions());
    EXPECT_TRUE(rt.warnings().empty());
    const at::Tensor ids = at::randint(3, c.vocabSize, {2, 9}, at::TensorOptions().dtype(at::kLong));
    const RoutingResult r = rt.route(ids, at::ones_like(ids));
    EXPECT_EQ(r.topkIds.sizes(), at::IntArrayRef({2, 18, 4}));
}

TEST(DeepseekV2Config, PresetsOfRealDims)
{
    // As published: DeepSeek-V2-Lite 15.7 B parameters, DeepSeek-V2 236 B.
    EXPECT_NEAR(double(parameterCount(presetConfig("deepseek-v2-lite", "deepseek_v2"))) / 1e9, 15.7, 0.05);
    const ModelConfig v2 = presetConfig("deepseek-v2", "deepseek_v2");
    EXPECT_NEAR(double(parameterCount(v2)) / 1e9, 236, 0.5);
    EXPECT_EQ(v2.routing(), "softmax_group_topk_unnormalized");
    EXPECT_EQ(configHash(parseConfig(configToJson(v2), "written")), configHash(v2));
}

// bfloat16 against the float32 golden: the share of (position, MoE layer) top-k sets that
// agree, with the float32 residual and router (the default) and transformers' pure path.
TEST(DeepseekV2Runtime, BFloat16Agreement)
{
    for (bool f32 : {true, false}) {
        RuntimeOptions o = cpuOptions();
        o.dtype = ComputeDType::BFloat16;
        o.float32Residual = f32;
        MixtralRuntime rt(kFixture, o);
        const Agreement a = compareWithGolden(rt.route(golden().ids, golden().mask), golden());
        std::printf("[v2 bfloat16%s] top-k sets %lld/%lld, max router diff %.3g\n", f32 ? "" : " pure",
                    (long long)a.sameSets, (long long)a.pairs, a.maxRouterDiff);
        EXPECT_GE(double(a.sameSets), (f32 ? 0.9 : 0.75) * double(a.pairs));
    }
}
