// The gpt-oss family (core/model/family/gpt_oss.cpp) against its fixture (tests/fixtures/
// gpt-oss-tiny from bench/reference/make_fixture.py, reference gpt_oss_reference.py): a
// router with a bias and a softmax over the chosen logits, MXFP4 experts dequantized on
// load (the reference dequantizes them itself), expert biases and the clamped SwiGLU (the
// clamps bind), q/k/v/o biases, per-head sinks, a sliding layer whose window (6) is shorter
// than the sequences and a full one, YaRN without truncation; every residency mode and
// kernel; the dequantized (input-major float) layout; make-model's hub layout; bad input.
#include "core/model/config.h"
#include "core/model/make_model.h"
#include "core/model/memory.h"
#include "core/model/mxfp4.h"
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

#include <cstring>
#include <fstream>
#include <map>

using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = familyFixture("gpt-oss-tiny");

const FamilyGolden& golden()
{
    static const FamilyGolden g(kFixture);
    return g;
}

class GptOssExact : public ::testing::TestWithParam<FamilyVariant> {};

std::string edited(const std::string& from, const std::string& to) { return editedConfig(kFixture, from, to); }

// The fixture's tensors: MXFP4 blocks and scales as uint8, the others float32.
std::map<std::string, at::Tensor> fixtureTensors()
{
    SafetensorsFile f(kFixture + "/model.safetensors");
    std::map<std::string, at::Tensor> out;
    for (const auto& e : f.tensors()) {
        if (e.dtype != StDType::U8) {
            out[e.name] = readGoldenTensor(f, e.name);
            continue;
        }
        at::Tensor t = at::empty(e.shape, at::TensorOptions().dtype(at::kByte));
        std::memcpy(t.data_ptr(), f.bytes(e), e.bytes());
        out[e.name] = t;
    }
    return out;
}

void writeCheckpoint(const TempDir& dir, const std::string& config, const std::map<std::string, at::Tensor>& tensors)
{
    std::ofstream(dir.file("config.json")) << config;
    std::vector<TensorToWrite> ts;
    for (const auto& [name, t] : tensors)
        ts.push_back({name, t.scalar_type() == at::kByte ? "U8" : "F32", t.sizes().vec(), t.data_ptr(),
                      static_cast<size_t>(t.nbytes())});
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

// Opening `tensors` with the fixture's config fails with every part in the message.
void expectLoadError(const std::map<std::string, at::Tensor>& tensors, const std::vector<std::string>& parts)
{
    TempDir dir;
    writeCheckpoint(dir, readFile(kFixture + "/config.json"), tensors);
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    const std::string msg = errorOf([&] { MixtralRuntime rt(dir.path(), o); });
    for (const auto& p : parts)
        EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
}

} // namespace

TEST(GptOssConfig, FieldsAndDefaults)
{
    const ModelConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.family, "gpt_oss");
    EXPECT_EQ(c.architecture, "GptOssForCausalLM");
    EXPECT_EQ(c.numExperts, 8);
    EXPECT_EQ(c.topk, 2);
    EXPECT_EQ(c.headDim, 32);
    EXPECT_EQ(c.routing(), "topk_softmax");
    EXPECT_EQ(c.expertQuant, "mxfp4");
    EXPECT_TRUE(c.attentionBias && c.oProjBias && c.attentionSinks && c.routerLinearBias && c.expertBias);
    EXPECT_EQ(c.expertActivation, ModelConfig::ExpertActivation::ClampedSwiglu);
    EXPECT_DOUBLE_EQ(c.swigluLimit, 7.0);
    EXPECT_DOUBLE_EQ(c.swigluAlpha, 1.702);
    EXPECT_EQ(c.windowOf(0), 6);
    EXPECT_EQ(c.windowOf(1), 0);
    EXPECT_EQ(c.ropeType, "yarn");
    EXPECT_FALSE(c.ropeTruncate);
    EXPECT_NEAR(c.ropeAttentionFactor, 0.1 * std::log(4.0) + 1.0, 1e-12);
    const ModelConfig back = parseConfig(configToJson(c), "written");
    EXPECT_EQ(configHash(back), configHash(c));
    EXPECT_EQ(back.layerTypes, c.layerTypes);
    EXPECT_FALSE(back.ropeTruncate);
    EXPECT_EQ(back.expertQuant, "mxfp4");
    // transformers' defaults: layer_types alternate from sliding; no rope_scaling is YaRN x32.
    const ModelConfig d = parseConfig(edited("\"layer_types\": [\n    \"sliding_attention\",\n    \"full_attention\"\n  ],", ""),
                                      "c.json");
    EXPECT_EQ(d.layerTypes, (std::vector<std::string>{"sliding_attention", "full_attention"}));
    const std::string noRope = std::string(readFile(kFixture + "/config.json"));
    const auto at = noRope.find("\"rope_scaling\"");
    ASSERT_NE(at, std::string::npos);
    const ModelConfig e = parseConfig(noRope.substr(0, at) + noRope.substr(noRope.find('}', at) + 2), "c.json");
    EXPECT_EQ(e.ropeType, "yarn");
    EXPECT_DOUBLE_EQ(e.ropeFactor, 32);
    EXPECT_EQ(e.ropeOriginalMaxPositions, 4096);
    // A window off for every layer changes the hash; so do the layer types.
    EXPECT_NE(configHash(parseConfig(edited("\"sliding_window\": 6", "\"sliding_window\": 7"), "c.json")), configHash(c));
    EXPECT_NE(configHash(parseConfig(edited("\"sliding_attention\",", "\"full_attention\","), "c.json")), configHash(c));
}

TEST(GptOssConfig, RefusesWhatItCannotRun)
{
    EXPECT_ERROR_HAS(parseConfig(edited("\"quant_method\": \"mxfp4\"", "\"quant_method\": \"fp8\""), "c.json"), "c.json",
                     "quantization_config.quant_method", "fp8");
    EXPECT_ERROR_HAS(parseConfig(edited("\"sliding_attention\",", "\"sliding_attention\", \"full_attention\","), "c.json"),
                     "layer_types", "one attention type per layer");
    EXPECT_ERROR_HAS(parseConfig(edited("\"sliding_attention\",", "\"chunked_attention\","), "c.json"), "layer_types",
                     "chunked_attention");
    EXPECT_ERROR_HAS(parseConfig(edited("\"attention_bias\": true", "\"attention_bias\": false"), "c.json"),
                     "attention_bias");
    EXPECT_ERROR_HAS(parseConfig(edited("\"swiglu_limit\": 7.0", "\"swiglu_limit\": 0"), "c.json"), "swiglu_limit");
}

TEST_P(GptOssExact, MatchesTheReference)
{
    expectMatchesGolden(kFixture, golden(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(GptOss, GptOssExact, ::testing::ValuesIn(familyVariants()),
                         [](const ::testing::TestParamInfo<FamilyVariant>& i) { return std::string(i.param.name); });

// The weights: a softmax over the k chosen logits (biased logits, as recorded).
TEST(GptOssRuntime, TopkWeightsAreASoftmaxOverTheChosenLogits)
{
    const RoutingResult r = routeGolden(kFixture);
    const at::Tensor want = at::softmax(r.routerLogits.gather(-1, r.topkIds), -1);
    EXPECT_LE((r.topkWeights - want).abs().max().item<double>(), 1e-6);
    EXPECT_LE((r.topkWeights.sum(-1) - 1).abs().max().item<double>(), 1e-6);
}

// What the fixture's match checks: the window, the sinks, the router bias and the expert
// biases each move the outputs far from the golden when left out.
TEST(GptOssRuntime, WindowSinksAndBiasesShapeTheOutputs)
{
    {
        TempDir dir;
        writeCheckpoint(dir, edited("\"sliding_window\": 6", "\"sliding_window\": 1000"), fixtureTensors());
        EXPECT_GT(compareWithGolden(routeGolden(dir.path()), golden()).maxLmDiff, 0.05);
    }
    for (const char* name : {"model.layers.0.self_attn.sinks", "model.layers.0.mlp.router.bias",
                             "model.layers.0.mlp.experts.gate_up_proj_bias", "model.layers.0.self_attn.o_proj.bias"}) {
        std::map<std::string, at::Tensor> ts = fixtureTensors();
        ts[name] = at::zeros_like(ts.at(name));
        TempDir dir;
        writeCheckpoint(dir, readFile(kFixture + "/config.json"), ts);
        const Agreement a = compareWithGolden(routeGolden(dir.path()), golden());
        EXPECT_GT(std::max(a.maxRouterDiff, a.maxLmDiff), 0.01) << name;
    }
}

// A dequantized save (transformers' layout after convert_moe_packed_tensors: gate_up_proj
// [E, H, 2I] with gate/up interleaved, down_proj [E, I, H], float) routes the same.
TEST(GptOssRuntime, DequantizedExpertLayoutMatchesTheReference)
{
    const ModelConfig c = loadConfig(kFixture);
    std::map<std::string, at::Tensor> ts = fixtureTensors();
    for (int64_t l = 0; l < c.numLayers; ++l)
        for (const char* proj : {"gate_up_proj", "down_proj"}) {
            const std::string p = "model.layers." + std::to_string(l) + ".mlp.experts." + proj;
            ts[p] = dequantizeMxfp4(ts.at(p + "_blocks"), ts.at(p + "_scales")).transpose(1, 2).contiguous();
            ts.erase(p + "_blocks");
            ts.erase(p + "_scales");
        }
    TempDir dir;
    writeCheckpoint(dir, readFile(kFixture + "/config.json"), ts);
    expectMatchesGolden(dir.path(), golden(), FamilyVariant{"Dequantized"});
    expectMatchesGolden(dir.path(), golden(), FamilyVariant{"DequantizedDense", Residency::Resident, "dense"});
}

// MXFP4 codes: low nibble first, e2m1 values, scale bias 127.
TEST(GptOssRuntime, Mxfp4Decoding)
{
    at::Tensor blocks = at::zeros({1, 1, 16}, at::TensorOptions().dtype(at::kByte));
    blocks[0][0][0] = 0x71;  // weights 0: code 1 (0.5), 1: code 7 (6)
    blocks[0][0][15] = 0xF9; // weights 30: code 9 (-0.5), 31: code 15 (-6)
    at::Tensor scales = at::full({1, 1}, 129, at::TensorOptions().dtype(at::kByte)); // x4
    const at::Tensor w = dequantizeMxfp4(blocks, scales);
    ASSERT_EQ(w.sizes(), at::IntArrayRef({1, 32}));
    EXPECT_EQ(w[0][0].item<float>(), 2.0f);
    EXPECT_EQ(w[0][1].item<float>(), 24.0f);
    EXPECT_EQ(w[0][30].item<float>(), -2.0f);
    EXPECT_EQ(w[0][31].item<float>(), -24.0f);
    EXPECT_EQ(w.abs().sum().item<float>(), 52.0f);
    scales.fill_(0); // 2^-127, a float32 subnormal
    EXPECT_EQ(dequantizeMxfp4(blocks, scales)[0][0].item<float>(), std::ldexp(0.5f, -127));
}

TEST(GptOssRuntime, BadInputNamesTheTensor)
{
    const std::string gu = "model.layers.1.mlp.experts.gate_up_proj";
    {   // blocks of 8 bytes (16 weights) instead of 16
        auto ts = fixtureTensors();
        ts[gu + "_blocks"] = ts.at(gu + "_blocks").narrow(3, 0, 8).contiguous();
        expectLoadError(ts, {gu + "_blocks", "[8, 64, 2, 8]", "[8, 64, 2, 16]"});
    }
    {   // scales that do not match the blocks
        auto ts = fixtureTensors();
        ts[gu + "_scales"] = ts.at(gu + "_scales").narrow(2, 0, 1).contiguous();
        expectLoadError(ts, {gu + "_scales", "does not match its blocks", "[8, 64, 1]"});
    }
    {   // scales stored as float
        auto ts = fixtureTensors();
        ts[gu + "_scales"] = ts.at(gu + "_scales").to(at::kFloat);
        expectLoadError(ts, {gu + "_scales", "F32", "U8"});
    }
    {   // a scale of 255 (NaN in E8M0)
        auto ts = fixtureTensors();
        ts[gu + "_scales"][3][5][1] = 255;
        expectLoadError(ts, {gu + "_scales", "255"});
    }
    {   // blocks missing
        auto ts = fixtureTensors();
        ts.erase(gu + "_blocks");
        expectLoadError(ts, {gu + "_blocks", "missing"});
    }
    {   // a router bias of the wrong shape
        auto ts = fixtureTensors();
        const std::string b = "model.layers.0.mlp.router.bias";
        ts[b] = at::zeros({1, 8});
        expectLoadError(ts, {b, "[1, 8]", "[8]"});
    }
    {   // sinks missing
        auto ts = fixtureTensors();
        ts.erase("model.layers.1.self_attn.sinks");
        expectLoadError(ts, {"model.layers.1.self_attn.sinks", "missing"});
    }
}

// make-model writes the released layout (MXFP4 experts, biases, sinks); the runtime loads
// it with no unused tensor, and the elements (two weights per block byte) are the count.
TEST(GptOssMakeModel, HubLayoutLoadsAndRoutes)
{
    TempDir dir;
    MakeModelOptions mo;
    mo.family = "gpt_oss";
    mo.preset = "tiny";
    mo.outDir = dir.path();
    const ModelConfig c = makeRandomModel(mo);
    SafetensorsFile f(dir.path() + "/model.safetensors");
    const TensorEntry* blocks = f.find("model.layers.1.mlp.experts.down_proj_blocks");
    ASSERT_NE(blocks, nullptr);
    EXPECT_EQ(blocks->dtype, StDType::U8);
    EXPECT_EQ(blocks->shape, (std::vector<int64_t>{8, 64, 1, 16}));
    EXPECT_NE(f.find("model.layers.0.self_attn.sinks"), nullptr);
    EXPECT_NE(f.find("model.layers.0.mlp.router.bias"), nullptr);
    int64_t elements = 0;
    for (const auto& e : f.tensors())
        if (e.name.size() < 7 || e.name.compare(e.name.size() - 7, 7, "_scales") != 0)
            elements += e.dtype == StDType::U8 ? 2 * e.numel() : e.numel();
    EXPECT_EQ(elements, parameterCount(c));
    const ModelConfig back = loadConfig(dir.path());
    EXPECT_EQ(configHash(back), configHash(c));
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(dir.path(), o);
    EXPECT_TRUE(rt.warnings().empty()) << rt.warnings().front();
    const at::Tensor ids = at::randint(3, c.vocabSize, {2, 19}, at::TensorOptions().dtype(at::kLong));
    const RoutingResult r = rt.route(ids, at::ones_like(ids));
    EXPECT_EQ(r.topkIds.sizes(), at::IntArrayRef({2, 38, 2}));
    EXPECT_TRUE(at::isfinite(r.routerLogits).all().item<bool>());
}

// make-model --layers N kept the preset's two layer_types, so the config.json it wrote for
// any other layer count was refused on load ("must list one attention type per layer").
TEST(GptOssMakeModel, OtherLayerCountsLoad)
{
    for (int layers : {1, 3}) {
        TempDir dir;
        MakeModelOptions mo;
        mo.family = "gpt_oss";
        mo.preset = "tiny";
        mo.layers = layers;
        mo.outDir = dir.path();
        const ModelConfig c = makeRandomModel(mo);
        const ModelConfig back = loadConfig(dir.path());
        ASSERT_EQ(back.layerTypes.size(), size_t(layers));
        EXPECT_EQ(back.layerTypes[0], "sliding_attention");
        if (layers > 2)
            EXPECT_EQ(back.layerTypes[2], "sliding_attention");
        EXPECT_EQ(configHash(back), configHash(c));
        RuntimeOptions o;
        o.device = DeviceSpec::cpu();
        MixtralRuntime rt(dir.path(), o);
        const at::Tensor ids = at::randint(3, c.vocabSize, {1, 9}, at::TensorOptions().dtype(at::kLong));
        EXPECT_EQ(rt.route(ids, at::ones_like(ids)).topkIds.sizes(), at::IntArrayRef({layers, 9, 2})); // [L, N, k]
    }
}

TEST(GptOssConfig, PresetsOfRealDims)
{
    // openai/gpt-oss-20b and -120b: 20.9 B and 116.8 B parameters as published.
    const ModelConfig s = presetConfig("gpt-oss-20b", "gpt_oss");
    const ModelConfig b = presetConfig("gpt-oss-120b", "gpt_oss");
    EXPECT_EQ(parameterCount(s), 20914757184LL);
    EXPECT_EQ(parameterCount(b), 116829156672LL);
    EXPECT_EQ(s.moeLayerCount(), 24);
    EXPECT_EQ(b.numExperts, 128);
    EXPECT_EQ(s.windowOf(0), 128);
    EXPECT_EQ(s.windowOf(1), 0);
    // Dequantized on load: bfloat16 weights take 2 bytes per parameter in every mode.
    EXPECT_EQ(weightBytesForMode(s, ComputeDType::BFloat16, Residency::Resident, true), 2 * parameterCount(s));
    EXPECT_ERROR_HAS(presetConfig("gpt-oss-7b", "gpt_oss"), "gpt-oss-7b", "gpt-oss-120b");
}

TEST(GptOssRuntime, BFloat16Agreement)
{
    expectBfloat16Agreement(kFixture, golden(), 0.9, 0.75);
}
