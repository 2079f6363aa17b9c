// The OLMoE family (core/model/family/olmoe.cpp) against its fixture (tests/fixtures/
// olmoe-tiny from bench/reference/make_fixture.py): q/k RMSNorm over the whole projection
// (q_norm [hidden], k_norm [kv_heads * head_dim], kv heads < heads), clip_qkv binding on
// q, k and v, unnormalized top-k weights; every residency mode and kernel; the
// transformers-5 fused expert layout; make-model's hub layout; bad norms named.
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

#include <fstream>
#include <map>

using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = familyFixture("olmoe-tiny");

const FamilyGolden& golden()
{
    static const FamilyGolden g(kFixture);
    return g;
}

class OlmoeExact : public ::testing::TestWithParam<FamilyVariant> {};

std::string edited(const std::string& from, const std::string& to) { return editedConfig(kFixture, from, to); }

std::map<std::string, at::Tensor> fixtureTensors()
{
    SafetensorsFile f(kFixture + "/model.safetensors");
    std::map<std::string, at::Tensor> out;
    for (const auto& e : f.tensors())
        out[e.name] = readGoldenTensor(f, e.name);
    return out;
}

// A checkpoint folder: config.json with `config`, model.safetensors with `tensors` (float32).
void writeCheckpoint(const TempDir& dir, const std::string& config, const std::map<std::string, at::Tensor>& tensors)
{
    std::ofstream(dir.file("config.json")) << config;
    std::vector<TensorToWrite> ts;
    for (const auto& [name, t] : tensors)
        ts.push_back({name, "F32", t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.nbytes())});
    writeSafetensors(dir.file("model.safetensors"), ts, {{"format", "pt"}});
}

RoutingResult routeGolden(const std::string& dir)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.loadLmHead = true;
    MixtralRuntime rt(dir, o);
    RouteOptions ro;
    ro.lmLogits = true;
    return rt.route(golden().ids, golden().mask, ro);
}

} // namespace

TEST(OlmoeConfig, FieldsAndDefaults)
{
    const ModelConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.family, "olmoe");
    EXPECT_EQ(c.architecture, "OlmoeForCausalLM");
    EXPECT_EQ(c.numExperts, 16);
    EXPECT_EQ(c.topk, 4);
    EXPECT_EQ(c.intermediateSize, 32); // intermediate_size is the expert's
    EXPECT_EQ(c.headDim, 16);
    EXPECT_EQ(c.qkNorm, QkNorm::Projection);
    EXPECT_DOUBLE_EQ(c.clipQkv, 2.0);
    EXPECT_FALSE(c.normTopkProb);
    EXPECT_FALSE(c.attentionBias);
    EXPECT_FALSE(c.hasSharedExpert());
    EXPECT_EQ(c.routing(), "softmax_topk_unnormalized");
    EXPECT_EQ(c.moeLayerCount(), 3);
    // transformers' OlmoeConfig defaults: clip_qkv null (no clipping), norm_topk_prob false.
    const ModelConfig d = parseConfig(edited("\"clip_qkv\": 2.0", "\"clip_qkv\": null"), "c.json");
    EXPECT_EQ(d.clipQkv, 0);
    EXPECT_NE(configHash(d), configHash(c));
    EXPECT_FALSE(parseConfig(edited("\"norm_topk_prob\": false,", ""), "c.json").normTopkProb);
    EXPECT_TRUE(parseConfig(edited("\"norm_topk_prob\": false", "\"norm_topk_prob\": true"), "c.json").normTopkProb);
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
    EXPECT_DOUBLE_EQ(back.clipQkv, 2.0);
    EXPECT_EQ(back.qkNorm, QkNorm::Projection);
}

TEST(OlmoeConfig, RefusesWhatItCannotRun)
{
    EXPECT_ERROR_HAS(parseConfig(edited("\"attention_bias\": false", "\"attention_bias\": true"), "c.json"), "c.json",
                     "attention_bias");
    EXPECT_ERROR_HAS(parseConfig(edited("\"clip_qkv\": 2.0", "\"clip_qkv\": 0"), "c.json"), "clip_qkv", "positive");
    EXPECT_ERROR_HAS(parseConfig(edited("\"clip_qkv\": 2.0", "\"clip_qkv\": \"big\""), "c.json"), "clip_qkv");
    // q_norm spans hidden_size: q must be that wide.
    EXPECT_ERROR_HAS(parseConfig(edited("\"num_key_value_heads\": 2,", "\"num_key_value_heads\": 2, \"head_dim\": 32,"),
                                 "c.json"),
                     "head_dim", "hidden_size");
    EXPECT_NO_THROW(parseConfig(edited("\"num_key_value_heads\": 2,", "\"num_key_value_heads\": 2, \"head_dim\": 16,"),
                                "c.json"));
    EXPECT_ERROR_HAS(parseConfig(edited("\"OlmoeForCausalLM\"", "\"Qwen3MoeForCausalLM\""), "c.json"), "olmoe",
                     "Qwen3MoeForCausalLM");
}

TEST_P(OlmoeExact, MatchesTheReference)
{
    expectMatchesGolden(kFixture, golden(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Olmoe, OlmoeExact, ::testing::ValuesIn(familyVariants()),
                         [](const ::testing::TestParamInfo<FamilyVariant>& i) { return std::string(i.param.name); });

// norm_topk_prob false: the chosen experts' softmax probabilities as they are.
TEST(OlmoeRuntime, TopkWeightsUnnormalized)
{
    const RoutingResult r = routeGolden(kFixture);
    const at::Tensor chosen = at::softmax(r.routerLogits, -1).gather(-1, r.topkIds);
    EXPECT_LE((r.topkWeights - chosen).abs().max().item<double>(), 1e-6);
    EXPECT_LT(r.topkWeights.sum(-1).max().item<double>(), 0.9999);
}

// The fixture's clip_qkv binds: without it the outputs leave the golden by far, so the
// match above checks the clamp.
TEST(OlmoeRuntime, ClipQkvShapesTheOutputs)
{
    TempDir dir;
    writeCheckpoint(dir, edited("\"clip_qkv\": 2.0", "\"clip_qkv\": null"), fixtureTensors());
    const Agreement a = compareWithGolden(routeGolden(dir.path()), golden());
    EXPECT_GT(a.maxRouterDiff, 0.1);
    EXPECT_GT(a.maxLmDiff, 0.01);
}

// transformers 5 loads OLMoE's experts fused (mlp.experts.gate_up_proj [E, 2I, H] = per
// expert cat(gate, up), mlp.experts.down_proj [E, H, I]); the runtime reads that layout
// to the same outputs.
TEST(OlmoeRuntime, FusedExpertLayoutMatchesTheReference)
{
    const ModelConfig c = loadConfig(kFixture);
    std::map<std::string, at::Tensor> ts = fixtureTensors();
    for (int64_t l = 0; l < c.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".mlp.experts.";
        std::vector<at::Tensor> gateUp, down;
        for (int64_t e = 0; e < c.numExperts; ++e) {
            const std::string x = p + std::to_string(e) + ".";
            gateUp.push_back(at::cat({ts.at(x + "gate_proj.weight"), ts.at(x + "up_proj.weight")}, 0));
            down.push_back(ts.at(x + "down_proj.weight"));
            for (const char* n : {"gate_proj.weight", "up_proj.weight", "down_proj.weight"})
                ts.erase(x + n);
        }
        ts[p + "gate_up_proj"] = at::stack(gateUp).contiguous();
        ts[p + "down_proj"] = at::stack(down).contiguous();
    }
    TempDir dir;
    writeCheckpoint(dir, readFile(kFixture + "/config.json"), ts);
    expectMatchesGolden(dir.path(), golden(), FamilyVariant{"Fused"});
}

// A per-head norm ([head_dim], Qwen3's shape) in an OLMoE checkpoint is refused by name.
TEST(OlmoeRuntime, QNormOfTheWrongShapeIsNamed)
{
    std::map<std::string, at::Tensor> ts = fixtureTensors();
    const std::string name = "model.layers.1.self_attn.q_norm.weight";
    ts[name] = ts.at(name).narrow(0, 0, 16).contiguous();
    TempDir dir;
    writeCheckpoint(dir, readFile(kFixture + "/config.json"), ts);
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), o), name, "[16]", "[64]");
    ts.erase("model.layers.2.self_attn.k_norm.weight");
    ts[name] = fixtureTensors().at(name);
    writeCheckpoint(dir, readFile(kFixture + "/config.json"), ts);
    EXPECT_ERROR_HAS(MixtralRuntime(dir.path(), o), "model.layers.2.self_attn.k_norm.weight", "missing");
}

// make-model writes the family's hub names (per-expert and fused); the runtime loads them
// with no unused tensor.
TEST(OlmoeMakeModel, HubLayoutLoadsAndRoutes)
{
    for (bool fused : {false, true}) {
        TempDir dir;
        MakeModelOptions mo;
        mo.family = "olmoe";
        mo.preset = "tiny";
        mo.outDir = dir.path();
        mo.fusedExperts = fused;
        const ModelConfig c = makeRandomModel(mo);
        SafetensorsFile f(dir.path() + "/model.safetensors");
        const TensorEntry* q = f.find("model.layers.2.self_attn.q_norm.weight");
        const TensorEntry* k = f.find("model.layers.2.self_attn.k_norm.weight");
        ASSERT_NE(q, nullptr);
        ASSERT_NE(k, nullptr);
        EXPECT_EQ(q->shape, (std::vector<int64_t>{64})); // 4 heads x 16
        EXPECT_EQ(k->shape, (std::vector<int64_t>{32})); // 2 kv heads x 16
        EXPECT_EQ(f.find("model.layers.0.self_attn.q_proj.bias"), nullptr);
        EXPECT_NE(f.find(fused ? "model.layers.0.mlp.experts.gate_up_proj" : "model.layers.0.mlp.experts.15.up_proj.weight"),
                  nullptr);
        int64_t elements = 0;
        for (const auto& e : f.tensors())
            elements += e.numel();
        EXPECT_EQ(elements, parameterCount(c));
        const ModelConfig back = loadConfig(dir.path());
        EXPECT_EQ(back.family, "olmoe");
        EXPECT_EQ(back.clipQkv, 0);
        RuntimeOptions o;
        o.device = DeviceSpec::cpu();
        MixtralRuntime rt(dir.path(), o);
        EXPECT_TRUE(rt.warnings().empty());
        const at::Tensor ids = at::randint(3, c.vocabSize, {2, 9}, at::TensorOptions().dtype(at::kLong));
        const RoutingResult r = rt.route(ids, at::ones_like(ids));
        EXPECT_EQ(r.topkIds.sizes(), at::IntArrayRef({3, 18, 4}));
    }
}

TEST(OlmoeConfig, PresetOfRealDims)
{
    // allenai/OLMoE-1B-7B-0924: 6.9 B parameters in total as published (6,919,161,856 by its
    // config: 16 layers of 64 experts of 1024, untied 50,304-token embeddings).
    const ModelConfig c = presetConfig("olmoe-1b-7b", "olmoe");
    EXPECT_EQ(parameterCount(c), 6919161856LL);
    EXPECT_EQ(c.moeLayerCount(), 16);
    EXPECT_EQ(c.qkNorm, QkNorm::Projection);
    EXPECT_GT(weightBytesForMode(c, ComputeDType::BFloat16, Residency::Resident),
              weightBytesForMode(c, ComputeDType::BFloat16, Residency::Streaming));
    EXPECT_ERROR_HAS(presetConfig("olmoe-7b", "olmoe"), "olmoe-7b", "olmoe-1b-7b");
}

// bfloat16 against float32 (family_fixture.h): top-k set agreement on the fixture and on a
// random 16 x 128 batch, with the float32 residual and router (the default) and pure.
TEST(OlmoeRuntime, BFloat16Agreement)
{
    expectBfloat16Agreement(kFixture, golden(), 0.9, 0.75);
}
