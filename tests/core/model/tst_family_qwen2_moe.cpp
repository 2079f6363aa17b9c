// The Qwen2-MoE family (core/model/family/qwen2_moe.cpp) against its fixture
// (tests/fixtures/qwen2-moe-tiny, written by bench/reference/make_fixture.py from the eager
// reference bench/reference/moe_reference.py): router logits, top-k sets and LM logits on
// every real position in every residency mode and kernel; the layer map with a dense
// layer; make-model's hub layout; missing shared-expert tensors named in the error.
#include "core/model/config.h"
#include "core/model/family/model_family.h"
#include "core/model/make_model.h"
#include "core/model/memory.h"
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/util/error.h"
#include "core/util/read_file.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"
#include "tests/core/model/family_fixture.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = familyFixture("qwen2-moe-tiny");

const FamilyGolden& golden()
{
    static const FamilyGolden g(kFixture);
    return g;
}

class Qwen2MoeExact : public ::testing::TestWithParam<FamilyVariant> {};

} // namespace
TEST(Qwen2MoeConfig, FieldsDefaultsAndLayerMap)
{
    const ModelConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.family, "qwen2_moe");
    EXPECT_EQ(c.numExperts, 16);
    EXPECT_EQ(c.topk, 4);
    EXPECT_EQ(c.intermediateSize, 32);               // moe_intermediate_size
    EXPECT_EQ(c.denseIntermediateSize, 128);         // intermediate_size
    EXPECT_EQ(c.sharedExpertIntermediateSize, 96);
    EXPECT_TRUE(c.sharedExpertGate);
    EXPECT_TRUE(c.attentionBias);
    EXPECT_FALSE(c.normTopkProb);
    EXPECT_EQ(c.slidingWindow, 0); // sliding_window 4096 is ignored: use_sliding_window false
    EXPECT_EQ(c.moeLayers(), (std::vector<int>{0, 2, 3}));
    EXPECT_EQ(c.routing(), "softmax_topk_unnormalized");
    // transformers' defaults for what the file leaves out; decoder_sparse_step 2 -> layers 1, 3.
    std::string text = readFile(kFixture + "/config.json");
    for (const char* key : {"\"norm_topk_prob\": false,", "\"qkv_bias\": true,", "\"mlp_only_layers\": [\n    1\n  ],"}) {
        const auto p = text.find(key);
        ASSERT_NE(p, std::string::npos) << key;
        text.erase(p, std::strlen(key));
    }
    const auto p = text.find("\"decoder_sparse_step\": 1");
    ASSERT_NE(p, std::string::npos);
    text.replace(p, std::strlen("\"decoder_sparse_step\": 1"), "\"decoder_sparse_step\": 2");
    const ModelConfig d = parseConfig(text, "cfg.json");
    EXPECT_FALSE(d.normTopkProb);
    EXPECT_TRUE(d.attentionBias);
    EXPECT_EQ(d.moeLayers(), (std::vector<int>{1, 3}));
    EXPECT_NE(configHash(c), configHash(d));
    // Round trip through configToJson.
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
    EXPECT_EQ(back.moeLayers(), c.moeLayers());
}

TEST(Qwen2MoeConfig, RefusesWhatItCannotRun)
{
    auto edited = [](const std::string& from, const std::string& to) { return editedConfig(kFixture, from, to); };
    EXPECT_ERROR_HAS(parseConfig(edited("\"use_sliding_window\": false", "\"use_sliding_window\": true"), "c.json"),
                     "c.json", "use_sliding_window");
    EXPECT_ERROR_HAS(parseConfig(edited("\"mlp_only_layers\": [\n    1\n  ]", "\"mlp_only_layers\": [7]"), "c.json"),
                     "mlp_only_layers", "7");
    EXPECT_ERROR_HAS(parseConfig(edited("\"num_experts_per_tok\": 4", "\"num_experts_per_tok\": 17"), "c.json"),
                     "num_experts_per_tok");
    EXPECT_ERROR_HAS(parseConfig(edited("\"Qwen2MoeForCausalLM\"", "\"MixtralForCausalLM\""), "c.json"),
                     "qwen2_moe", "MixtralForCausalLM");
}

TEST_P(Qwen2MoeExact, MatchesTheReference)
{
    expectMatchesGolden(kFixture, golden(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Qwen2Moe, Qwen2MoeExact, ::testing::ValuesIn(familyVariants()),
                         [](const ::testing::TestParamInfo<FamilyVariant>& i) { return std::string(i.param.name); });

// Top-k weights: the softmax probabilities of the chosen experts as they are (norm_topk_prob
// false), so they sum to less than 1; renormalized when the config asks.
TEST(Qwen2MoeRuntime, TopkWeightsFollowNormTopkProb)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(kFixture, o);
    const RoutingResult r = rt.route(golden().ids, golden().mask);
    const at::Tensor probs = at::softmax(r.routerLogits, -1);
    const at::Tensor chosen = probs.gather(-1, r.topkIds);
    EXPECT_LE((r.topkWeights - chosen).abs().max().item<double>(), 1e-6);
    EXPECT_LT(r.topkWeights.sum(-1).max().item<double>(), 0.9999);
}

TEST(Qwen2MoeRuntime, MissingSharedExpertTensorIsNamed)
{
    TempDir dir;
    fs::copy_file(kFixture + "/config.json", dir.path() + "/config.json");
    SafetensorsFile f(kFixture + "/model.safetensors");
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> ts;
    const std::string dropped = "model.layers.2.mlp.shared_expert.up_proj.weight";
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

// make-model writes the family's hub names; the runtime loads them with no unused tensor.
TEST(Qwen2MoeMakeModel, HubLayoutLoadsAndRoutes)
{
    for (bool fused : {false, true}) {
        TempDir dir;
        MakeModelOptions mo;
        mo.family = "qwen2_moe";
        mo.preset = "tiny";
        mo.outDir = dir.path();
        mo.fusedExperts = fused;
        const ModelConfig c = makeRandomModel(mo);
        SafetensorsFile f(dir.path() + "/model.safetensors");
        EXPECT_NE(f.find("model.layers.0.mlp.shared_expert_gate.weight"), nullptr);
        EXPECT_NE(f.find("model.layers.0.self_attn.q_proj.bias"), nullptr);
        EXPECT_NE(f.find(fused ? "model.layers.0.mlp.experts.gate_up_proj" : "model.layers.0.mlp.experts.15.up_proj.weight"),
                  nullptr);
        int64_t elements = 0;
        for (const auto& e : f.tensors())
            elements += e.numel();
        EXPECT_EQ(elements, parameterCount(c));
        RuntimeOptions o;
        o.device = DeviceSpec::cpu();
        MixtralRuntime rt(dir.path(), o);
        EXPECT_TRUE(rt.warnings().empty());
        EXPECT_EQ(rt.config().family, "qwen2_moe");
        const at::Tensor ids = at::randint(3, c.vocabSize, {2, 9}, at::TensorOptions().dtype(at::kLong));
        const RoutingResult r = rt.route(ids, at::ones_like(ids));
        EXPECT_EQ(r.topkIds.sizes(), at::IntArrayRef({c.numLayers, 18, 4}));
    }
}

// --dtype float16 on the CPU failed with libtorch's raw "sigmoid_cpu not implemented for
// 'Half'" at the shared expert's gate; it routes, and the top-k sets follow float32's.
TEST(Qwen2MoeRuntime, Float16OnTheCpuRoutes)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime f32(kFixture, o);
    o.dtype = ComputeDType::Float16;
    MixtralRuntime f16(kFixture, o);
    const at::Tensor ids = at::randint(3, f32.config().vocabSize, {4, 32}, at::TensorOptions().dtype(at::kLong));
    const RoutingResult a = f32.route(ids, at::ones_like(ids));
    const RoutingResult b = f16.route(ids, at::ones_like(ids));
    ASSERT_EQ(b.topkIds.sizes(), a.topkIds.sizes());
    // Same top-k set per (layer, token): sorted ids equal.
    const at::Tensor same = std::get<0>(a.topkIds.sort(-1)).eq(std::get<0>(b.topkIds.sort(-1))).all(-1);
    EXPECT_GE(same.to(at::kFloat).mean().item<double>(), 0.9);
}

TEST(Qwen2MoeConfig, PresetOfRealDims)
{
    const ModelConfig c = presetConfig("qwen1.5-moe-a2.7b", "qwen2_moe");
    // Qwen1.5-MoE-A2.7B: 14.3 B parameters in total as published.
    EXPECT_NEAR(double(parameterCount(c)) / 1e9, 14.3, 0.05);
    EXPECT_EQ(c.moeLayerCount(), 24);
    EXPECT_GT(weightBytesForMode(c, ComputeDType::BFloat16, Residency::Resident),
              weightBytesForMode(c, ComputeDType::BFloat16, Residency::Streaming));
}

// bfloat16 against float32 (family_fixture.h): top-k set agreement on the fixture and on a
// random 16 x 128 batch, with the float32 residual and router (the default) and pure.
TEST(Qwen2MoeRuntime, BFloat16Agreement)
{
    expectBfloat16Agreement(kFixture, golden(), 0.9, 0.75);
}
