// The Qwen3-MoE family (core/model/family/qwen3_moe.cpp) against its fixture
// (tests/fixtures/qwen3-moe-tiny from bench/reference/make_fixture.py): per-head q/k
// RMSNorm, head_dim apart from hidden / heads, norm_topk_prob; every residency mode and
// kernel; make-model's hub layout; a missing q_norm named in the error.
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

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = familyFixture("qwen3-moe-tiny");

const FamilyGolden& golden()
{
    static const FamilyGolden g(kFixture);
    return g;
}

class Qwen3MoeExact : public ::testing::TestWithParam<FamilyVariant> {};

std::string edited(const std::string& from, const std::string& to) { return editedConfig(kFixture, from, to); }

} // namespace

TEST(Qwen3MoeConfig, Fields)
{
    const ModelConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.family, "qwen3_moe");
    EXPECT_EQ(c.headDim, 32); // head_dim, not hidden / heads = 16
    EXPECT_EQ(c.qkNorm, QkNorm::PerHead);
    EXPECT_TRUE(c.normTopkProb);
    EXPECT_FALSE(c.attentionBias);
    EXPECT_FALSE(c.hasSharedExpert());
    EXPECT_EQ(c.routing(), "softmax_topk");
    EXPECT_EQ(c.moeLayerCount(), 3);
    // transformers' Qwen3MoeConfig default: norm_topk_prob false.
    EXPECT_FALSE(parseConfig(edited("\"norm_topk_prob\": true,", ""), "c.json").normTopkProb);
    EXPECT_ERROR_HAS(parseConfig(edited("\"attention_bias\": false", "\"attention_bias\": true"), "c.json"), "c.json",
                     "attention_bias");
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
}

TEST_P(Qwen3MoeExact, MatchesTheReference)
{
    expectMatchesGolden(kFixture, golden(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Qwen3Moe, Qwen3MoeExact, ::testing::ValuesIn(familyVariants()),
                         [](const ::testing::TestParamInfo<FamilyVariant>& i) { return std::string(i.param.name); });

TEST(Qwen3MoeRuntime, TopkWeightsRenormalized)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(kFixture, o);
    const RoutingResult r = rt.route(golden().ids, golden().mask);
    EXPECT_LE((r.topkWeights.sum(-1) - 1).abs().max().item<double>(), 1e-5);
}

TEST(Qwen3MoeRuntime, MissingQNormIsNamed)
{
    TempDir dir;
    fs::copy_file(kFixture + "/config.json", dir.path() + "/config.json");
    SafetensorsFile f(kFixture + "/model.safetensors");
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> ts;
    const std::string dropped = "model.layers.1.self_attn.q_norm.weight";
    for (const auto& e : f.tensors()) {
        if (e.name == dropped)
            continue;
        keep.push_back(readGoldenTensor(f, e.name));
        ts.push_back({e.name, "F32", e.shape, keep.back().data_ptr(), static_cast<size_t>(keep.back().nbytes())});
    }
    writeSafetensors(dir.path() + "/model.safetensors", ts, {{"format", "pt"}});
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), o), dropped, "missing");
}

TEST(Qwen3MoeMakeModel, HubLayoutLoadsAndRoutes)
{
    TempDir dir;
    MakeModelOptions mo;
    mo.family = "qwen3_moe";
    mo.preset = "tiny";
    mo.outDir = dir.path();
    const ModelConfig c = makeRandomModel(mo);
    SafetensorsFile f(dir.path() + "/model.safetensors");
    EXPECT_NE(f.find("model.layers.2.self_attn.k_norm.weight"), nullptr);
    EXPECT_EQ(f.find("model.layers.0.self_attn.q_proj.bias"), nullptr);
    int64_t elements = 0;
    for (const auto& e : f.tensors())
        elements += e.numel();
    EXPECT_EQ(elements, parameterCount(c));
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(dir.path(), o);
    EXPECT_TRUE(rt.warnings().empty());
    const at::Tensor ids = at::randint(3, c.vocabSize, {2, 9}, at::TensorOptions().dtype(at::kLong));
    const RoutingResult r = rt.route(ids, at::ones_like(ids));
    EXPECT_EQ(r.topkIds.sizes(), at::IntArrayRef({3, 18, 4}));
}

TEST(Qwen3MoeConfig, PresetOfRealDims)
{
    // Qwen3-30B-A3B: 30.5 B parameters in total as published.
    const ModelConfig c = presetConfig("qwen3-30b-a3b", "qwen3_moe");
    EXPECT_NEAR(double(parameterCount(c)) / 1e9, 30.5, 0.1);
}

// bfloat16 against float32 (family_fixture.h): top-k set agreement on the fixture and on a
// random 16 x 128 batch, with the float32 residual and router (the default) and pure.
TEST(Qwen3MoeRuntime, BFloat16Agreement)
{
    expectBfloat16Agreement(kFixture, golden(), 0.9, 0.75);
}
