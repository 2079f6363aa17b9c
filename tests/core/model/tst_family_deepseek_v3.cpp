// The DeepSeek-V3 family (core/model/family/deepseek_v3.cpp) against its fixture
// (tests/fixtures/deepseek-v3-tiny, written by bench/reference/make_fixture.py from the
// eager reference bench/reference/deepseek_reference.py): multi-head latent attention with
// low-rank q, YaRN (attention factor and softmax mscale), a dense first layer, a shared
// expert without a gate, the sigmoid router with its score-correction bias and
// group-limited top-k, routed_scaling_factor; every residency mode and kernel; the lookahead
// probes through the later layer's router function; make-model's hub layout; bad inputs
// named in the error.
#include "core/model/config.h"
#include "core/model/make_model.h"
#include "core/model/memory.h"
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

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = familyFixture("deepseek-v3-tiny");

const FamilyGolden& golden()
{
    static const FamilyGolden g(kFixture);
    return g;
}

class DeepseekV3Exact : public ::testing::TestWithParam<FamilyVariant> {};

std::string edited(const std::string& from, const std::string& to) { return editedConfig(kFixture, from, to); }

RuntimeOptions cpuOptions()
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    return o;
}

// The fixture copied to `dir` with its config text and its tensors changed by `edit`
// (which may drop, replace or add tensors).
void copyFixture(const std::string& dir, const std::string& config,
                 const std::function<void(std::map<std::string, at::Tensor>&)>& edit)
{
    std::ofstream(dir + "/config.json") << config;
    SafetensorsFile f(kFixture + "/model.safetensors");
    std::map<std::string, at::Tensor> t;
    for (const auto& e : f.tensors())
        t[e.name] = readGoldenTensor(f, e.name);
    edit(t);
    std::vector<TensorToWrite> ts;
    for (auto& [name, v] : t) {
        std::vector<int64_t> shape(v.sizes().begin(), v.sizes().end());
        ts.push_back({name, "F32", shape, v.data_ptr(), static_cast<size_t>(v.nbytes())});
    }
    writeSafetensors(dir + "/model.safetensors", ts, {{"format", "pt"}});
}

at::Tensor fixtureTensor(const std::string& name)
{
    SafetensorsFile f(kFixture + "/model.safetensors");
    return readGoldenTensor(f, name);
}

double mscale(double factor, double m) { return 0.1 * m * std::log(factor) + 1.0; }

} // namespace

TEST(DeepseekV3Config, Fields)
{
    const ModelConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.family, "deepseek_v3");
    EXPECT_TRUE(c.mla());
    EXPECT_EQ(c.qLoraRank, 48);
    EXPECT_EQ(c.kvLoraRank, 32);
    EXPECT_EQ(c.headDim, 8); // the rotary part, qk_rope_head_dim
    EXPECT_EQ(c.qkHeadDim(), 24);
    EXPECT_EQ(c.valueHeadDim(), 24);
    EXPECT_TRUE(c.ropeInterleave);
    EXPECT_EQ(c.moeLayers(), (std::vector<int>{1, 2})); // first_k_dense_replace 1
    EXPECT_EQ(c.sharedExpertIntermediateSize, 32);       // 1 shared expert of moe_intermediate_size
    EXPECT_FALSE(c.sharedExpertGate);
    EXPECT_EQ(c.routing(), "sigmoid_group_topk");
    EXPECT_EQ(c.expertGroups, 4);
    EXPECT_EQ(c.topkGroups, 2);
    EXPECT_DOUBLE_EQ(c.routedScalingFactor, 2.5);
    EXPECT_EQ(c.ropeType, "yarn");
    EXPECT_EQ(c.ropeOriginalMaxPositions, 128);
    // attention factor mscale(f, 1) / mscale(f, 0.8); the softmax takes mscale(f, 0.8)^2.
    EXPECT_NEAR(c.ropeAttentionFactor, mscale(4, 1) / mscale(4, 0.8), 1e-12);
    EXPECT_NEAR(c.softmaxScaleFactor, mscale(4, 0.8) * mscale(4, 0.8), 1e-12);
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
    EXPECT_EQ(back.routing(), c.routing());
    EXPECT_NEAR(back.ropeAttentionFactor, c.ropeAttentionFactor, 1e-12);
    // transformers' DeepseekV3Config defaults: a low-rank q of 1536, 3 dense layers.
    const ModelConfig d = parseConfig(edited("\"q_lora_rank\": 48,", ""), "c.json");
    EXPECT_EQ(d.qLoraRank, 1536);
    EXPECT_EQ(parseConfig(edited("\"q_lora_rank\": 48,", "\"q_lora_rank\": null,"), "c.json").qLoraRank, 0);
    EXPECT_NE(configHash(d), configHash(c));
}

TEST(DeepseekV3Config, RefusesWhatItCannotRun)
{
    EXPECT_ERROR_HAS(parseConfig(edited("\"scoring_func\": \"sigmoid\"", "\"scoring_func\": \"softmax\""), "c.json"),
                     "c.json", "scoring_func", "softmax");
    EXPECT_ERROR_HAS(parseConfig(edited("\"topk_method\": \"noaux_tc\"", "\"topk_method\": \"greedy\""), "c.json"),
                     "topk_method");
    EXPECT_ERROR_HAS(parseConfig(edited("\"num_key_value_heads\": 4", "\"num_key_value_heads\": 2"), "c.json"),
                     "num_key_value_heads");
    EXPECT_ERROR_HAS(parseConfig(edited("\"n_group\": 4", "\"n_group\": 3"), "c.json"), "n_group");
    // 9 experts from the 2 kept groups of 4
    EXPECT_ERROR_HAS(parseConfig(edited("\"num_experts_per_tok\": 4", "\"num_experts_per_tok\": 9"), "c.json"),
                     "num_experts_per_tok", "topk_group");
    EXPECT_ERROR_HAS(parseConfig(edited("\"moe_layer_freq\": 1", "\"moe_layer_freq\": 2"), "c.json"), "moe_layer_freq");
    EXPECT_ERROR_HAS(parseConfig(edited("\"type\": \"yarn\"", "\"type\": \"linear\""), "c.json"), "rope_scaling",
                     "linear");
    EXPECT_ERROR_HAS(parseConfig(edited("\"factor\": 4.0,", ""), "c.json"), "rope_scaling.factor");
}

TEST_P(DeepseekV3Exact, MatchesTheReference)
{
    expectMatchesGolden(kFixture, golden(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(DeepseekV3, DeepseekV3Exact, ::testing::ValuesIn(familyVariants()),
                         [](const ::testing::TestParamInfo<FamilyVariant>& i) { return std::string(i.param.name); });

// Weights: the chosen experts' sigmoid scores (no bias), renormalized, times 2.5.
TEST(DeepseekV3Runtime, TopkWeightsAreScaledUnbiasedScores)
{
    MixtralRuntime rt(kFixture, cpuOptions());
    const RoutingResult r = rt.route(golden().ids, golden().mask);
    const at::Tensor chosen = at::sigmoid(r.routerLogits).gather(-1, r.topkIds);
    const at::Tensor expected = chosen / chosen.sum(-1, true) * 2.5;
    EXPECT_LE((r.topkWeights - expected).abs().max().item<double>(), 1e-5);
}

// Probe d of MoE layer m applies MoE layer m + d's router function (its weight and its
// bias, group-limited top-k) to layer m's router input.
TEST(DeepseekV3Runtime, LookaheadProbesUseTheLaterLayersRouterFunction)
{
    RuntimeOptions o = cpuOptions();
    o.lookahead = {1};
    MixtralRuntime rt(kFixture, o);
    RouteOptions ro;
    ro.routerInputs = true;
    const RoutingResult r = rt.route(golden().ids, golden().mask, ro);
    const at::Tensor logits = at::linear(r.routerInputs[0], rt.routerWeight(1));
    const at::Tensor choice = at::sigmoid(logits) + fixtureTensor("model.layers.2.mlp.gate.e_score_correction_bias");
    const int64_t N = choice.size(0);
    const at::Tensor groups = std::get<0>(choice.view({N, 4, 4}).topk(2, -1)).sum(-1);
    const at::Tensor best = std::get<1>(groups.topk(2, -1));
    const at::Tensor keep =
        at::zeros({N, 4}, at::kBool).scatter_(1, best, true).unsqueeze(-1).expand({N, 4, 4}).reshape({N, 16});
    const at::Tensor ids = std::get<1>(choice.masked_fill(keep.logical_not(), -1e9).topk(4, -1));
    const at::Tensor plain = std::get<1>(logits.topk(4, -1));
    int64_t same = 0, samePlain = 0;
    for (int64_t i = 0; i < N; ++i) {
        auto set = [](const at::Tensor& t) {
            auto v = std::get<0>(t.sort());
            return std::vector<int64_t>(v.data_ptr<int64_t>(), v.data_ptr<int64_t>() + v.numel());
        };
        const auto mine = set(r.lookaheadIds[0][0][i].contiguous());
        same += mine == set(ids[i].contiguous());
        samePlain += mine == set(plain[i].contiguous());
    }
    EXPECT_EQ(same, N);
    EXPECT_LT(samePlain, N); // the bias and the groups change some choices
}

TEST(DeepseekV3Runtime, BadTensorsAreNamed)
{
    const std::string config = readFile(kFixture + "/config.json");
    {
        TempDir dir;
        const std::string dropped = "model.layers.2.mlp.shared_experts.down_proj.weight";
        copyFixture(dir.path(), config, [&](auto& t) { t.erase(dropped); });
        EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), cpuOptions()), dropped, "missing");
    }
    {
        TempDir dir;
        const std::string bias = "model.layers.1.mlp.gate.e_score_correction_bias";
        copyFixture(dir.path(), config, [&](auto& t) { t[bias] = at::zeros({15}); });
        EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), cpuOptions()), bias, "[15]", "[16]");
    }
    {
        TempDir dir;
        const std::string qb = "model.layers.0.self_attn.q_b_proj.weight";
        copyFixture(dir.path(), config, [&](auto& t) { t.erase(qb); });
        EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), cpuOptions()), qb, "missing");
    }
}

// DeepSeek-V3's checkpoints hold a multi-token-prediction layer after the last one
// (num_nextn_predict_layers): ignored with a warning, as transformers ignores it.
TEST(DeepseekV3Runtime, NextTokenPredictionLayerIsIgnored)
{
    const std::string extra = "model.layers.3.self_attn.kv_a_layernorm.weight";
    auto addLayer = [&](auto& t) { t[extra] = at::ones({32}); };
    TempDir with;
    copyFixture(with.path(), edited("\"moe_layer_freq\": 1", "\"moe_layer_freq\": 1, \"num_nextn_predict_layers\": 1"),
                addLayer);
    MixtralRuntime rt(with.path(), cpuOptions());
    ASSERT_EQ(rt.warnings().size(), 1u);
    EXPECT_NE(rt.warnings()[0].find(extra), std::string::npos);
    TempDir without;
    copyFixture(without.path(), readFile(kFixture + "/config.json"), addLayer);
    EXPECT_ERROR_HAS(MixtralRuntime(without.path(), cpuOptions()), extra, "num_hidden_layers");
}

// make-model writes the family's hub names (per-expert and transformers 5's fused experts);
// the runtime loads them with no unused tensor.
TEST(DeepseekV3MakeModel, HubLayoutLoadsAndRoutes)
{
    for (bool fused : {false, true}) {
        TempDir dir;
        MakeModelOptions mo;
        mo.family = "deepseek_v3";
        mo.preset = "tiny";
        mo.outDir = dir.path();
        mo.fusedExperts = fused;
        const ModelConfig c = makeRandomModel(mo);
        SafetensorsFile f(dir.path() + "/model.safetensors");
        EXPECT_NE(f.find("model.layers.1.mlp.gate.e_score_correction_bias"), nullptr);
        EXPECT_NE(f.find("model.layers.0.self_attn.q_a_layernorm.weight"), nullptr);
        EXPECT_NE(f.find("model.layers.0.mlp.gate_proj.weight"), nullptr); // dense first layer
        EXPECT_NE(f.find("model.layers.2.mlp.shared_experts.up_proj.weight"), nullptr);
        EXPECT_NE(f.find(fused ? "model.layers.1.mlp.experts.gate_up_proj" : "model.layers.1.mlp.experts.15.up_proj.weight"),
                  nullptr);
        int64_t elements = 0;
        for (const auto& e : f.tensors())
            elements += e.numel();
        EXPECT_EQ(elements, parameterCount(c));
        MixtralRuntime rt(dir.path(), cpuOptions());
        EXPECT_TRUE(rt.warnings().empty());
        EXPECT_EQ(rt.config().routing(), "sigmoid_group_topk");
        const at::Tensor ids = at::randint(3, c.vocabSize, {2, 9}, at::TensorOptions().dtype(at::kLong));
        const RoutingResult r = rt.route(ids, at::ones_like(ids));
        EXPECT_EQ(r.topkIds.sizes(), at::IntArrayRef({2, 18, 4}));
    }
}

TEST(DeepseekV3Config, PresetOfRealDims)
{
    // DeepSeek-V3: 671 B parameters in the main model as published (685 B with the
    // multi-token-prediction module the preset leaves out).
    const ModelConfig c = presetConfig("deepseek-v3", "deepseek_v3");
    EXPECT_NEAR(double(parameterCount(c)) / 1e9, 671, 1);
    EXPECT_EQ(c.moeLayerCount(), 58);
    EXPECT_GT(weightBytesForMode(c, ComputeDType::BFloat16, Residency::Resident),
              weightBytesForMode(c, ComputeDType::BFloat16, Residency::Streaming));
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
}

// bfloat16 against the float32 golden: the share of (position, MoE layer) top-k sets that
// agree, with the float32 residual and router (the default) and transformers' pure path.
TEST(DeepseekV3Runtime, BFloat16Agreement)
{
    for (bool f32 : {true, false}) {
        RuntimeOptions o = cpuOptions();
        o.dtype = ComputeDType::BFloat16;
        o.float32Residual = f32;
        MixtralRuntime rt(kFixture, o);
        const Agreement a = compareWithGolden(rt.route(golden().ids, golden().mask), golden());
        std::printf("[v3 bfloat16%s] top-k sets %lld/%lld, max router diff %.3g\n", f32 ? "" : " pure",
                    (long long)a.sameSets, (long long)a.pairs, a.maxRouterDiff);
        EXPECT_GE(double(a.sameSets), (f32 ? 0.9 : 0.75) * double(a.pairs));
    }
}
