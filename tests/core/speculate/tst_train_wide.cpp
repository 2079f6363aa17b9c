// Speculation on any MoE's traces: Qwen3-30B-A3B dims (128 experts, top-8, 48 layers) with
// expert ids only (no router weights, no lookahead probes), as imported from a serving
// engine; DeepSeek-V3 dims (256 experts, 58 MoE layers of 61) once ids are 16 bits.
#include "core/speculate/predictor_config.h"
#include "core/speculate/stats.h"
#include "core/speculate/tensor_file.h"
#include "core/speculate/train.h"
#include "core/trace/synthetic_trace.h"
#include "core/trace/token_id.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// Blocks of whole sequences from the generator, as a source (no RoutingBlock::validate: the
// blocks are the generator's).
BlockSource syntheticSource(const SyntheticRouting& s, int64_t tokens)
{
    auto blocks = std::make_shared<std::vector<RoutingBlock>>(syntheticTokenBlocks(s, tokens, 1024));
    BlockSource src;
    src.dims = s.dims;
    src.description = "synthetic routing (" + describeDims(s.dims) + ")";
    src.forEachBlock = [blocks](const BlockVisitor& visit, int64_t maxTokens) {
        int64_t n = 0;
        for (const RoutingBlock& b : *blocks) {
            if (!visit(b))
                return;
            n += int64_t(b.numTokens());
            if (maxTokens > 0 && n >= maxTokens)
                return;
        }
    };
    return src;
}

SyntheticRouting qwenIdsOnly()
{
    SyntheticRouting s = presetRouting(syntheticPreset("qwen3-30b-a3b"), /*weights=*/false);
    s.minLength = s.maxLength = 32;
    return s;
}

const Metrics& overall(const EvalReport& r, const std::string& name, int h = 1) { return r.overall(name, h); }

} // namespace

TEST(TrainWide, QwenIdsOnlyTrainAndEvaluate)
{
    test::TempDir dir("spec-wide");
    const SyntheticRouting s = qwenIdsOnly();
    const BlockSource src = syntheticSource(s, 1600);
    TrainParams p = test::tinyTrainParams(dir.file("run"), src);
    p.epochs = 1;
    p.maxValidationTokens = 0;
    const TrainResult r = train(p);

    // The lookahead baseline needs probes, the hidden-state model features: reported as
    // unavailable, not silently missing.
    EXPECT_EQ(r.validation.find(kLookahead), nullptr);
    EXPECT_EQ(r.validation.find(kHiddenState), nullptr);
    ASSERT_EQ(r.validation.unavailable.size(), 2u);
    EXPECT_EQ(r.validation.unavailable[0].name, kLookahead);
    EXPECT_EQ(r.validation.unavailable[1].name, kHiddenState);
    for (const char* name : {kInterLayer, kStatistics, kEnsemble, kFrequency, kMarkov, kUniform})
        ASSERT_NE(r.validation.find(name), nullptr) << name;
    const Metrics& markov = overall(r.validation, kMarkov);
    ASSERT_EQ(markov.recall.size(), 128u); // recall@m for m = 1..E
    EXPECT_DOUBLE_EQ(markov.recallAt(128), 1.0);
    // The routing's layer-to-layer structure: the Markov baseline beats usage frequency at the
    // natural budget m = k = 8, and the ensemble is never below its components.
    EXPECT_GT(markov.recallAt(8), overall(r.validation, kFrequency).recallAt(8) + 0.1);
    EXPECT_GE(overall(r.validation, kEnsemble).recallAt(8) + 1e-9, markov.recallAt(8));
    EXPECT_GT(overall(r.validation, kFrequency).recallAt(8), overall(r.validation, kUniform).recallAt(8));

    // The predictor records that it reads ids only.
    const PredictorConfig cfg = PredictorConfig::load(dir.file("run/best"));
    EXPECT_FALSE(cfg.dims.hasWeights);
    EXPECT_FALSE(cfg.model.useWeights);
    EXPECT_EQ(cfg.dims.experts, 128);
    std::ifstream metrics(dir.file("run/metrics.jsonl"));
    std::string first;
    std::getline(metrics, first);
    EXPECT_TRUE(nlohmann::json::parse(first).at("unavailable").contains(kLookahead)) << first;
    EXPECT_TRUE(nlohmann::json::parse(first).at("unavailable").contains(kHiddenState)) << first;

    EvalParams e;
    e.runDir = dir.file("run");
    e.source = src;
    const EvalReport test = evaluate(e);
    EXPECT_GT(test.tokens, 0);
    EXPECT_EQ(test.unavailable.size(), 2u);
    const EvalReport back = EvalReport::fromJson(test.toJson(), "report");
    ASSERT_EQ(back.unavailable.size(), 2u);
    EXPECT_EQ(back.unavailable[0].reason, test.unavailable[0].reason);
}

// Export of an id-only predictor, and the same probabilities from Python
// (docs/load_predictor.py) with ids only. Needs RoutingBlock::validate to accept blocks
// without weights (trace schema 2).
TEST(TrainWide, QwenIdsOnlyExportMatchesPython)
{
    test::TempDir dir("spec-wide-x");
    const SyntheticRouting s = qwenIdsOnly();
    const BlockSource src = syntheticSource(s, 1000);
    TrainParams p = test::tinyTrainParams(dir.file("run"), src);
    p.epochs = 1;
    p.maxValidationTokens = 64;
    train(p);
    exportPredictor({dir.file("run"), dir.file("exported")});
    SyntheticRouting fresh = s;
    fresh.minLength = fresh.maxLength = 3;
    RoutingBlock b = syntheticTokens(fresh, 6);
    b.tokenIds[1] = b.tokenIds[4] = kUnknownToken; // no token embedding in both
    const BlockPredictions pred = predictBlock(dir.file("exported"), b);
    ASSERT_EQ(pred.models.size(), 6u); // 3 models + frequency, markov, uniform
    const int64_t N = int64_t(b.numTokens()), L = 48, k = 8, E = 128;
    const std::vector<int32_t> ids(b.topkIds.begin(), b.topkIds.end());
    const std::vector<int32_t> seq(b.seqIds.begin(), b.seqIds.end()), pos(b.positions.begin(), b.positions.end());
    std::vector<NamedArray> arrays = {makeI32("input.topk_ids", {N, L, k}, ids), makeI32("input.token_ids", {N}, b.tokenIds),
                                      makeI32("input.seq_ids", {N}, seq), makeI32("input.positions", {N}, pos)};
    for (size_t m = 0; m < pred.models.size(); ++m)
        arrays.push_back(makeF32("output." + pred.models[m], {N, L, 2, E}, pred.probs[m]));
    writeTensorFile(dir.file("check.safetensors"), arrays);
    std::string out;
    const int rc = test::runCommand("/usr/bin/python3 " + std::string(SPECMOE_SOURCE_DIR) +
                                        "/docs/load_predictor.py --predictor " + dir.file("exported") + " --check " +
                                        dir.file("check.safetensors") + " 2>&1",
                                    &out);
    EXPECT_EQ(rc, 0) << out;
    std::cout << out;
}

// Tokens without a known id (kUnknownToken, -1) get no token embedding: their predictions
// are neither those of token 0 nor of the bucket -1 mod buckets hashed to (bucket 63 of 64,
// which they shared before).
TEST(TrainWide, UnknownTokensHaveNoBucket)
{
    test::TempDir dir("spec-wide-unk");
    SyntheticRouting s = presetRouting(syntheticPreset("olmoe"), false);
    s.minLength = s.maxLength = 16;
    TrainParams p = test::tinyTrainParams(dir.file("run"), syntheticSource(s, 800));
    p.epochs = 1;
    p.maxValidationTokens = 64;
    train(p);
    exportPredictor({dir.file("run"), dir.file("exported")});
    s.minLength = s.maxLength = 4;
    RoutingBlock b = syntheticTokens(s, 4);
    auto withTokens = [&](int32_t id) {
        RoutingBlock c = b;
        std::fill(c.tokenIds.begin(), c.tokenIds.end(), id);
        return predictBlock(dir.file("exported"), c);
    };
    ASSERT_EQ(p.model.tokenBuckets, 64);
    const BlockPredictions unknown = withTokens(kUnknownToken), zero = withTokens(0), last = withTokens(63),
                           last2 = withTokens(127);
    ASSERT_EQ(unknown.models, zero.models);
    for (size_t m = 0; m < 3; ++m) { // the three networks; the baselines read no token ids
        SCOPED_TRACE(unknown.models[m]);
        EXPECT_EQ(last.probs[m], last2.probs[m]); // same bucket: same input
        EXPECT_NE(unknown.probs[m], zero.probs[m]);
        EXPECT_NE(unknown.probs[m], last.probs[m]);
    }
}

// A predictor that reads router weights cannot score id-only traces: a clear error, not
// zeros standing in for weights.
TEST(TrainWide, WeightsPredictorRefusesIdOnlyTraces)
{
    test::TempDir dir("spec-wide-w");
    SyntheticRouting s;
    s.dims.layers = 4;
    s.sequences = 40;
    s.chain = 0.8;
    const BlockSource withWeights = syntheticSource(s, 1200);
    TrainParams p = test::tinyTrainParams(dir.file("run"), withWeights);
    p.epochs = 1;
    train(p);
    EXPECT_TRUE(PredictorConfig::load(dir.file("run/best")).model.useWeights);
    s.dims.hasWeights = false;
    EvalParams e;
    e.runDir = dir.file("run");
    e.source = syntheticSource(s, 1200);
    try {
        evaluate(e);
        FAIL() << "id-only traces were scored by a predictor that reads weights";
    } catch (const Error& err) {
        EXPECT_NE(std::string(err.what()).find("hold no router weights"), std::string::npos) << err.what();
    }
}

// Top-8 sets of 128 experts hardly repeat: the set-conditional Markov table stops at its
// budget (it once held a row of E floats per training sample) and the rest backs off to the
// pairwise rows.
TEST(TrainWide, MarkovSetTableIsBounded)
{
    const SyntheticRouting s = qwenIdsOnly();
    const RoutingBlock b = syntheticTokens(s, 1500);
    LayerStats st;
    st.init(s.dims, 2);
    const size_t lk = 48 * 8;
    for (size_t t = 0; t < b.numTokens(); ++t)
        st.count(b.topkIds.data() + t * lk, nullptr);
    st.finalize();
    size_t rows = 0;
    for (const NamedArray& a : st.toArrays())
        if (a.name == "stats.markov_total")
            rows = size_t(a.shape[0]);
    EXPECT_EQ(rows, size_t(kMaxMarkovCounters / 128));
    // A set never seen: the mean of the pairwise rows of its experts.
    ExpertId unseen[8] = {120, 121, 122, 123, 124, 125, 126, 127};
    std::vector<float> out(128);
    st.markov(unseen, 5, 1, out.data());
    float sum = 0;
    for (float x : out)
        sum += x;
    EXPECT_NEAR(sum, 8.0f, 0.05f); // each pairwise row sums to k
    // Round trip through the predictor file's arrays.
    LayerStats back;
    back.fromArrays(s.dims, 2, st.toArrays(), "stats");
    std::vector<float> again(128);
    back.markov(unseen, 5, 1, again.data());
    EXPECT_EQ(out, again);
}

TEST(TrainWide, DeepSeekDimsShortRun)
{
    test::TempDir dir("spec-wide-ds");
    SyntheticRouting s = presetRouting(syntheticPreset("deepseek-v3"), false);
    s.minLength = s.maxLength = 24;
    const BlockSource src = syntheticSource(s, 2400);
    TrainParams p = test::tinyTrainParams(dir.file("run"), src);
    p.epochs = 1;
    p.horizon = 1;
    p.maxValidationTokens = 0;
    const TrainResult r = train(p);
    const Metrics& markov = overall(r.validation, kMarkov);
    ASSERT_EQ(markov.recall.size(), 256u);
    EXPECT_GT(markov.recallAt(8), overall(r.validation, kFrequency).recallAt(8));
    const PredictorConfig cfg = PredictorConfig::load(dir.file("run/best"));
    EXPECT_EQ(cfg.dims.moeLayers.front(), 3);
    EXPECT_EQ(cfg.dims.decoderLayers, 61);
    EXPECT_EQ(cfg.dims.sharedExperts, 1);
    EvalParams e;
    e.runDir = dir.file("run");
    e.source = src;
    EXPECT_GT(evaluate(e).tokens, 0);
}
