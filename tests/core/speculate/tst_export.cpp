// Export: the documented Python recipe (docs/load_predictor.py) loads an exported tiny
// predictor and reproduces the C++ probabilities.
#include "core/speculate/tensor_file.h"
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "tests/support/test_support.h"
#include "synth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// The inputs of one block and the C++ outputs of every model, as load_predictor.py --check reads them.
std::vector<NamedArray> referenceArrays(const RoutingBlock& b, const BlockPredictions& pred, int H)
{
    const int64_t N = int64_t(b.numTokens()), L = b.dims.layers, k = b.dims.topk, E = b.dims.experts;
    const int64_t D = int64_t(b.dims.lookahead.size());
    std::vector<float> w(b.topkWeights.size());
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = b.weight(i / size_t(L * k), int(i / size_t(k) % size_t(L)), int(i % size_t(k)));
    std::vector<int32_t> seq(b.seqIds.begin(), b.seqIds.end()), pos(b.positions.begin(), b.positions.end());
    // Ids as I32 whatever the width of ExpertId (the Python side reads any integer type).
    const std::vector<int32_t> ids(b.topkIds.begin(), b.topkIds.end()), look(b.lookaheadIds.begin(), b.lookaheadIds.end());
    std::vector<NamedArray> arrays = {makeI32("input.topk_ids", {N, L, k}, ids),
                                      makeF32("input.topk_weights", {N, L, k}, w),
                                      makeI32("input.token_ids", {N}, b.tokenIds),
                                      makeI32("input.lookahead_ids", {N, L, D, k}, look),
                                      makeI32("input.seq_ids", {N}, seq),
                                      makeI32("input.positions", {N}, pos)};
    for (size_t m = 0; m < pred.models.size(); ++m)
        arrays.push_back(makeF32("output." + pred.models[m], {N, L, H, E}, pred.probs[m]));
    return arrays;
}

int runRecipe(const std::string& predictorDir, const std::string& checkFile, std::string* out)
{
    const std::string cmd = "/usr/bin/python3 " + std::string(SPECMOE_SOURCE_DIR) + "/docs/load_predictor.py --predictor " +
                            predictorDir + " --check " + checkFile + " 2>&1";
    return test::runCommand(cmd, out);
}

} // namespace

TEST(Export, PythonRecipeMatchesCpp)
{
    test::SynthSpec s;
    s.sequences = 30;
    s.lookahead = {1, 2};
    BlockSource src = memorySource(test::synthBlocks(s, 2));
    test::TempDir dir("spec_export");
    TrainParams p;
    p.source = src;
    p.runDir = dir.file("run");
    p.epochs = 1;
    p.model.embedDim = 8;
    p.model.hiddenDim = 12;
    p.model.statsDim = 4;
    p.model.tokenBuckets = 32;
    train(p);
    EXPECT_THROW(exportPredictor({dir.file("none"), dir.file("x")}), Error);
    const ExportResult r = exportPredictor({dir.file("run"), dir.file("exported")});
    EXPECT_GT(r.parameters, 0);
    ASSERT_TRUE(std::filesystem::exists(r.weightsFile));
    ASSERT_TRUE(std::filesystem::exists(r.configFile));
    // Exporting again replaces the predictor; a folder holding another config.json (a model's)
    // is refused and left as it was.
    EXPECT_NO_THROW(exportPredictor({dir.file("run"), dir.file("exported")}));
    std::filesystem::create_directories(dir.file("model"));
    test::writeFile(dir.file("model/config.json"), "{\"model_type\": \"mixtral\"}");
    try {
        exportPredictor({dir.file("run"), dir.file("model")});
        FAIL() << "a model folder must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(dir.file("model") + " holds a config.json that is not a predictor's"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(test::readFile(dir.file("model/config.json")), "{\"model_type\": \"mixtral\"}");
    EXPECT_FALSE(std::filesystem::exists(dir.file("model/predictor.safetensors")));

    // reference: a fresh block, its inputs and the C++ outputs of every model
    test::SynthSpec fresh = s;
    fresh.sequences = 3;
    fresh.seqLen = 5;
    RoutingBlock b = test::synthBlock(fresh, 5000);
    const BlockPredictions pred = predictBlock(dir.file("exported"), b);
    ASSERT_EQ(pred.models.size(), 7u); // 3 models + frequency, markov, lookahead, uniform
    const int64_t L = s.layers, E = s.experts;
    std::vector<NamedArray> arrays = referenceArrays(b, pred, 2);
    writeTensorFile(dir.file("check.safetensors"), arrays);

    std::string out;
    const std::string cmd = "/usr/bin/python3 " + std::string(SPECMOE_SOURCE_DIR) + "/docs/load_predictor.py --predictor " +
                            dir.file("exported") + " --check " + dir.file("check.safetensors") + " 2>&1";
    const int rc = test::runCommand(cmd, &out);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("worst"), std::string::npos) << out;
    std::cout << out;

    // negative control: a perturbed reference must be refused
    for (auto& a : arrays)
        if (a.name == "output.ensemble") {
            std::vector<float> v = asF32(a, "test");
            v[size_t(L * 2 * E) + 3] += 0.01f; // token 1, layer 0, h1, expert 3
            a = makeF32(a.name, a.shape, v);
        }
    writeTensorFile(dir.file("bad.safetensors"), arrays);
    std::string bad;
    const std::string cmd2 = "/usr/bin/python3 " + std::string(SPECMOE_SOURCE_DIR) + "/docs/load_predictor.py --predictor " +
                             dir.file("exported") + " --check " + dir.file("bad.safetensors") + " 2>&1";
    EXPECT_NE(test::runCommand(cmd2, &bad), 0) << bad;
}

// Predictor files go through core/safetensors: a round trip keeps names, dtypes, shapes,
// bytes and order; a damaged file is refused with its path in the message.
TEST(Export, TensorFilesRoundTripAndNameTheFileAtFault)
{
    test::TempDir dir("spec_tensor_file");
    const std::vector<NamedArray> arrays = {makeF32("z.weights", {2, 3}, {1, 2, 3, 4, 5, 6}),
                                            makeU8("a.ids", {4}, {0, 7, 255, 3}),
                                            makeI32("m.count", {1}, {-5})};
    const std::string path = dir.file("p.safetensors");
    writeTensorFile(path, arrays, {{"format", "specmoe-predictor"}});
    const std::vector<NamedArray> back = readTensorFile(path);
    ASSERT_EQ(back.size(), arrays.size());
    for (size_t i = 0; i < arrays.size(); ++i) {
        EXPECT_EQ(back[i].name, arrays[i].name); // in the order written, not by name
        EXPECT_EQ(back[i].dtype, arrays[i].dtype);
        EXPECT_EQ(back[i].shape, arrays[i].shape);
        EXPECT_EQ(back[i].bytes, arrays[i].bytes);
    }
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

    const std::string good = test::readFile(path);
    auto expectRefused = [&](const std::string& name, const std::string& bytes) {
        const std::string bad = dir.file(name);
        test::writeFile(bad, bytes);
        try {
            readTensorFile(bad);
            ADD_FAILURE() << name << ": no error";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
        }
    };
    expectRefused("short.safetensors", "abc");
    std::string huge = good;
    huge[6] = char(0x7f); // header length far beyond the end
    expectRefused("length.safetensors", huge);
    std::string notJson = good;
    notJson[8] = '[';
    notJson[9] = '[';
    expectRefused("json.safetensors", notJson);
    expectRefused("truncated.safetensors", good.substr(0, good.size() - 3));
    EXPECT_THROW(readTensorFile(dir.file("missing.safetensors")), Error);
}

// The hidden-state model exported with its feature basis: load_predictor.py computes the
// features from RAW router inputs hr_l through the exported basis (f_l = P_l (hr_l - mu_l),
// rounded to half as traces store them) and reproduces the C++ predictions made from the
// stored features of the same tokens; changing one router input changes its predictions.
// With decode context (the parameter) Python finds each token's previous token from the
// sequence ids and positions, as the C++ token rows do.
// With decode features (parameter 2) it also takes the previous row's features.
class ExportHidden : public ::testing::TestWithParam<int> {};

TEST_P(ExportHidden, PythonRecipeFromRawRouterInputsMatchesCpp)
{
    const SyntheticRouting r = test::weakChainRouting(30, {1, 2}, 0.7);
    std::vector<RoutingBlock> blocks = test::featureBlocks(r, 2, {1, 2}, 0.3);
    const int L = r.dims.layers, F = blocks[0].dims.featureDim, hidden = 24;
    auto basis = std::make_shared<FeatureBasis>();
    basis->kind = "pca:16";
    basis->layers = L;
    basis->dim = F;
    basis->hidden = hidden;
    std::mt19937_64 rng(5);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    for (int i = 0; i < L * F * hidden; ++i)
        basis->projection.push_back(gauss(rng) / std::sqrt(float(hidden)));
    for (int i = 0; i < L * hidden; ++i)
        basis->mean.push_back(0.5f * gauss(rng));
    BlockSource src = memorySource(blocks);
    src.featureBasis = basis;

    test::TempDir dir("spec_export_hidden");
    TrainParams p;
    p.source = src;
    p.runDir = dir.file("run");
    p.epochs = 1;
    p.model.embedDim = 8;
    p.model.hiddenDim = 12;
    p.model.statsDim = 4;
    p.model.tokenBuckets = 32;
    p.model.mlpDim = 16;
    p.model.decodeContext = GetParam() > 0;
    p.model.decodeFeatures = GetParam() > 1;
    train(p);
    exportPredictor({dir.file("run"), dir.file("exported")});
    const PredictorConfig cfg = PredictorConfig::load(dir.file("exported"));
    EXPECT_TRUE(cfg.hidden);
    EXPECT_EQ(cfg.previousInput(), GetParam() > 0);
    EXPECT_EQ(cfg.previousFeatureInput(), GetParam() > 1);
    EXPECT_EQ(cfg.featureKind, "pca:16");
    EXPECT_EQ(cfg.featureBasisFile, "feature_basis.safetensors");
    ASSERT_TRUE(std::filesystem::exists(dir.file("exported/feature_basis.safetensors")));
    const std::vector<NamedArray> stored = readTensorFile(dir.file("exported/feature_basis.safetensors"));
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(asF32(stored[0], "basis"), basis->projection);
    EXPECT_EQ(asF32(stored[1], "basis"), basis->mean);

    // Fresh tokens: raw router inputs, and the features a collector would store from them.
    SyntheticRouting fresh = r;
    fresh.sequences = 3;
    fresh.minLength = fresh.maxLength = 5;
    fresh.seed = 91;
    RoutingBlock b = syntheticBlock(fresh, 7000);
    const size_t N = b.numTokens();
    std::vector<float> hr(N * size_t(L * hidden));
    for (float& x : hr)
        x = 2.0f * gauss(rng);
    auto featuresOf = [&](const std::vector<float>& in) {
        std::vector<uint16_t> f(N * size_t(L * F));
        for (size_t t = 0; t < N; ++t)
            for (int l = 0; l < L; ++l)
                for (int j = 0; j < F; ++j) {
                    double acc = 0.0;
                    for (int h = 0; h < hidden; ++h)
                        acc += double(basis->projection[(size_t(l) * F + size_t(j)) * hidden + size_t(h)]) *
                               (double(in[(t * L + size_t(l)) * hidden + size_t(h)]) - double(basis->mean[size_t(l) * hidden + size_t(h)]));
                    f[(t * L + size_t(l)) * F + size_t(j)] = floatToHalf(float(acc));
                }
        return f;
    };
    b.dims.featureDim = F;
    b.features = featuresOf(hr);
    const BlockPredictions pred = predictBlock(dir.file("exported"), b);
    ASSERT_EQ(pred.models.size(), 8u); // 4 models + frequency, markov, lookahead, uniform
    std::vector<NamedArray> arrays = referenceArrays(b, pred, 2);
    arrays.push_back(makeF32("input.router_inputs", {int64_t(N), L, hidden}, hr));
    writeTensorFile(dir.file("check.safetensors"), arrays);
    std::string out;
    EXPECT_EQ(runRecipe(dir.file("exported"), dir.file("check.safetensors"), &out), 0) << out;
    EXPECT_NE(out.find("hidden-state"), std::string::npos) << out;
    std::cout << out;

    // Negative control: token 0's router input at layer 1 moved; the Python predictions follow
    // it, the C++ reference does not, so the check fails.
    for (auto& a : arrays)
        if (a.name == "input.router_inputs") {
            std::vector<float> v = hr;
            for (int h = 0; h < hidden; ++h)
                v[size_t(1 * hidden + h)] += 3.0f;
            a = makeF32(a.name, a.shape, v);
        }
    writeTensorFile(dir.file("bad.safetensors"), arrays);
    std::string bad;
    EXPECT_NE(runRecipe(dir.file("exported"), dir.file("bad.safetensors"), &bad), 0) << bad;
}

INSTANTIATE_TEST_SUITE_P(DecodeContext, ExportHidden, ::testing::Values(0, 1, 2));
