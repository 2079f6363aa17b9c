// The hidden-state model (issue 19): features that carry the future routing are learned and
// beat the routing-only baselines; features of later layers are never read (no leakage); the
// ensemble takes it as a component; traces without features leave it unavailable, not an
// error; token rows keep their features through the shuffle buffer.
#include "core/speculate/batch.h"
#include "core/speculate/networks.h"
#include "core/speculate/predictor_config.h"
#include "core/speculate/stats.h"
#include "core/speculate/train.h"
#include "core/trace/feature_basis.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"
#include "synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

TrainParams featureParams(const std::string& runDir, BlockSource src)
{
    TrainParams p = test::tinyTrainParams(runDir, std::move(src));
    p.epochs = 4;
    p.learningRate = 1e-2;
    p.split.seed = 11;
    p.model.mlpDim = 64;
    return p;
}

double recall2(const EvalReport& r, const char* name, int h) { return r.overall(name, h).recallAt(2); }

void printRecall(const EvalReport& r)
{
    for (const auto& p : r.predictors)
        std::printf("  %-13s h1 recall@2 %.4f  h2 recall@2 %.4f\n", p.name.c_str(), p.horizons[0].overall.recallAt(2),
                    p.horizons[1].overall.recallAt(2));
}

// The probabilities of one model in a BlockPredictions, [N, L, H, E].
const std::vector<float>& probsOf(const BlockPredictions& p, const std::string& name)
{
    for (size_t i = 0; i < p.models.size(); ++i)
        if (p.models[i] == name)
            return p.probs[i];
    throw Error("no predictions of " + name);
}

} // namespace

// Features of layer l hold noisy one-hots of layers l+1 and l+2 (what the next gates'
// logits carry): the hidden-state model reads them and leaves the history-only baselines,
// the lookahead probes (60% right) included, far behind; the ensemble takes it as a component.
TEST(HiddenState, FeaturesThatCarryTheFutureBeatTheBaselines)
{
    const SyntheticRouting r = test::weakChainRouting(60, {1, 2}, 0.6);
    const BlockSource src = memorySource(test::featureBlocks(r, 4, {1, 2}, 0.3));
    test::TempDir dir("spec_hidden");
    const TrainResult tr = train(featureParams(dir.path(), src));
    const PredictorConfig cfg = PredictorConfig::load(dir.file("best"));
    EXPECT_TRUE(cfg.hidden);
    EXPECT_EQ(cfg.dims.featureDim, 16);
    EXPECT_EQ(cfg.featureInput(), 16);
    EXPECT_NE(std::find(cfg.components.begin(), cfg.components.end(), kHiddenState), cfg.components.end());
    EXPECT_TRUE(cfg.hiddenUnavailable.empty());
    EXPECT_TRUE(tr.validation.unavailable.empty());

    const EvalReport rep = test::testSplitReport(dir.path(), src);
    printRecall(rep);
    for (int h = 1; h <= 2; ++h) {
        SCOPED_TRACE(h);
        const double hs = recall2(rep, kHiddenState, h);
        EXPECT_GE(hs, 0.9);
        EXPECT_GT(hs, recall2(rep, kLookahead, h) + 0.15);
        EXPECT_GT(hs, recall2(rep, kMarkov, h) + 0.3);
        EXPECT_GT(hs, recall2(rep, kInterLayer, h) + 0.2);
        // The ensemble picks it up (gate or fallback): never far below it.
        EXPECT_GE(recall2(rep, kEnsemble, h), hs - 0.02);
    }
}

// The true routing of layer m is planted in the features of layer m only. Predictions made
// at source layer l must not move when the features of layers > l change; the same change at
// layer l itself does move them (the features are read, where reading them is allowed).
// With decode features (the parameter) a token also reads its predecessor's features of every
// layer, which is no leak in decode: there the features of every other token change and only
// the tokens whose own features changed but whose predecessor's did not are compared.
class HiddenStateLeak : public ::testing::TestWithParam<bool> {};

TEST_P(HiddenStateLeak, LaterLayersFeaturesAreNeverRead)
{
    const SyntheticRouting r = test::weakChainRouting(40, {}, 0.8);
    const BlockSource src = memorySource(test::featureBlocks(r, 3, {0}, 0.05));
    test::TempDir dir("spec_hidden_leak");
    TrainParams p = featureParams(dir.file("run"), src);
    p.trainInterLayer = p.trainStatistics = p.trainEnsemble = false; // the hidden-state model alone
    p.epochs = 2;
    p.model.decodeFeatures = GetParam();
    train(p);
    ASSERT_EQ(PredictorConfig::load(dir.file("run/best")).previousFeatureInput(), GetParam());
    ASSERT_NO_THROW(exportPredictor({dir.file("run"), dir.file("exported")}));

    SyntheticRouting fresh = r;
    fresh.sequences = 4;
    fresh.seed = 77;
    RoutingBlock b = test::featureBlocks(fresh, 1, {0}, 0.05).front();
    const int L = b.dims.layers, H = 2, E = b.dims.experts, F = b.dims.featureDim;
    const size_t N = b.numTokens();
    const std::vector<float> base = probsOf(predictBlock(dir.file("exported"), b), kHiddenState);
    // The tokens whose features are changed: all, or every other one with decode features.
    auto changes = [&](size_t t) { return !GetParam() || t % 2 == 0; };
    // Whether the predictions at this source layer moved for a changed token (or, with
    // predecessors, for a token after a changed one).
    auto differs = [&](const std::vector<float>& a, int sourceLayer, bool predecessors = false) {
        for (size_t t = 0; t < N; ++t) {
            if (predecessors ? (t == 0 || !changes(t - 1) || changes(t)) : !changes(t))
                continue;
            for (int h = 0; h < H; ++h)
                for (int e = 0; e < E; ++e) {
                    const size_t i = ((t * size_t(L) + size_t(sourceLayer)) * size_t(H) + size_t(h)) * size_t(E) + size_t(e);
                    if (a[i] != base[i])
                        return true;
                }
        }
        return false;
    };
    for (int m = 1; m < L; ++m) {
        SCOPED_TRACE(m);
        // Layer m's features now name other experts (rotated by 3) for every changed token.
        RoutingBlock changed = b;
        for (size_t t = 0; t < N; ++t) {
            if (!changes(t))
                continue;
            uint16_t* f = changed.features.data() + (t * size_t(L) + size_t(m)) * size_t(F);
            std::vector<uint16_t> row(f, f + F);
            for (int e = 0; e < E; ++e)
                f[(e + 3) % E] = row[size_t(e)];
        }
        const std::vector<float> after = probsOf(predictBlock(dir.file("exported"), changed), kHiddenState);
        for (int l = 0; l < m; ++l)
            EXPECT_FALSE(differs(after, l)) << "source layer " << l << " read the features of layer " << m;
        if (GetParam()) { // decode: the next token reads them at every source layer
            EXPECT_TRUE(differs(after, 0, true)) << "the next token ignored its predecessor's features of layer " << m;
        }
        if (m < L - 1) { // layer L-1 predicts nothing
            EXPECT_TRUE(differs(after, m)) << "source layer " << m << " ignored its own features";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(DecodeFeatures, HiddenStateLeak, ::testing::Bool());

// Without features the model is reported unavailable (config.json, reports, the start
// record), the others train; alone it is a parameter error; a predictor that reads features
// refuses traces without them, naming them.
TEST(HiddenState, TracesWithoutFeaturesLeaveItUnavailable)
{
    const SyntheticRouting r = test::weakChainRouting(30, {}, 0.8);
    const BlockSource plain = memorySource(syntheticBlocks(r, 2));
    test::TempDir dir("spec_hidden_none");
    TrainParams p = featureParams(dir.file("run"), plain);
    p.epochs = 1;
    std::vector<std::string> lines;
    const TrainResult tr = train(p, {}, [&](const std::string& l) { lines.push_back(l); });
    EXPECT_EQ(tr.validation.find(kHiddenState), nullptr);
    bool listed = false;
    for (const UnavailablePredictor& u : tr.validation.unavailable)
        if (u.name == kHiddenState) {
            listed = true;
            EXPECT_NE(u.reason.find("no hidden-state features"), std::string::npos) << u.reason;
        }
    EXPECT_TRUE(listed);
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines.front().find("\"hidden-state\":\"the traces hold no hidden-state features"), std::string::npos)
        << lines.front();
    const PredictorConfig cfg = PredictorConfig::load(dir.file("run/best"));
    EXPECT_FALSE(cfg.hidden);
    EXPECT_FALSE(cfg.hiddenUnavailable.empty());

    TrainParams alone = featureParams(dir.file("alone"), plain);
    alone.trainInterLayer = alone.trainStatistics = alone.trainEnsemble = false;
    try {
        train(alone);
        FAIL() << "the hidden-state model alone without features must be refused";
    } catch (const ParamError& e) {
        EXPECT_NE(std::string(e.what()).find("no hidden-state features"), std::string::npos) << e.what();
    }

    // A feature predictor on plain traces: refused with the reason.
    const BlockSource withFeatures = memorySource(test::featureBlocks(r, 2, {1}, 0.1));
    TrainParams f = featureParams(dir.file("feat"), withFeatures);
    f.epochs = 1;
    train(f);
    EvalParams e;
    e.runDir = dir.file("feat");
    e.source = plain;
    try {
        evaluate(e);
        FAIL() << "a feature predictor must refuse traces without features";
    } catch (const Error& err) {
        EXPECT_NE(std::string(err.what()).find("the traces hold no hidden-state features"), std::string::npos)
            << err.what();
    }
}

// The exported predictor reproduces the run's predictions with features, and records the
// model in config.json; loading it back gives the same numbers.
TEST(HiddenState, ExportRoundTripWithFeatures)
{
    const SyntheticRouting r = test::weakChainRouting(30, {1}, 0.7);
    const BlockSource src = memorySource(test::featureBlocks(r, 2, {1, 2}, 0.3));
    test::TempDir dir("spec_hidden_export");
    TrainParams p = featureParams(dir.file("run"), src);
    p.epochs = 1;
    train(p);
    const ExportResult ex = exportPredictor({dir.file("run"), dir.file("exported")});
    EXPECT_GT(ex.parameters, 0);
    const PredictorConfig cfg = PredictorConfig::load(dir.file("exported"));
    EXPECT_TRUE(cfg.hidden);
    EXPECT_EQ(cfg.dims.featureDim, 16);
    EXPECT_EQ(cfg.model.mlpDim, 64);
    EXPECT_EQ(cfg.models(), (std::vector<std::string>{kInterLayer, kStatistics, kHiddenState, kEnsemble}));
    const std::string text = test::readFile(dir.file("exported/config.json"));
    EXPECT_NE(text.find("\"feature_dim\": 16"), std::string::npos) << text;
    EXPECT_NE(text.find("\"mlp_dim\": 64"), std::string::npos) << text;

    SyntheticRouting fresh = r;
    fresh.sequences = 3;
    fresh.seed = 5;
    const RoutingBlock b = test::featureBlocks(fresh, 1, {1, 2}, 0.3).front();
    const BlockPredictions fromRun = predictBlock(dir.file("run/best"), b);
    const BlockPredictions fromExport = predictBlock(dir.file("exported"), b);
    ASSERT_EQ(fromRun.models, fromExport.models);
    EXPECT_NE(std::find(fromRun.models.begin(), fromRun.models.end(), kHiddenState), fromRun.models.end());
    for (size_t m = 0; m < fromRun.models.size(); ++m)
        EXPECT_EQ(fromRun.probs[m], fromExport.probs[m]) << fromRun.models[m];
}

// Resuming with another decode setting (e.g. after its default changed) names the setting.
TEST(HiddenState, ResumeWithOtherDecodeFeaturesNamesTheSetting)
{
    const SyntheticRouting r = test::weakChainRouting(30, {1}, 0.7);
    const BlockSource src = memorySource(test::featureBlocks(r, 2, {1, 2}, 0.3));
    test::TempDir dir("spec_hidden_resume");
    TrainParams p = featureParams(dir.file("run"), src);
    p.epochs = 1;
    p.model.decodeFeatures = false;
    train(p);
    p.resume = true;
    p.epochs = 2;
    p.model.decodeFeatures = true;
    const std::string err = test::errorOf([&] { train(p); });
    EXPECT_NE(err.find("decode features off"), std::string::npos) << err;
    EXPECT_NE(err.find(dir.file("run")), std::string::npos) << err;
}

// Token rows keep their features through the shuffle buffer (row i's features stay with row
// i's token), and a table that does not want them holds none.
TEST(HiddenState, ShuffleBufferCarriesTheFeatures)
{
    // 4 x 24 tokens x 6 layers x 3 features: values below 2048, exact in half precision.
    SyntheticRouting r = test::weakChainRouting(4, {}, 0.8);
    RoutingBlock b = syntheticBlock(r, 0);
    const int L = b.dims.layers, F = 3;
    b.dims.featureDim = F;
    b.features.resize(b.numTokens() * size_t(L * F));
    for (size_t t = 0; t < b.numTokens(); ++t)
        for (int l = 0; l < L; ++l)
            for (int f = 0; f < F; ++f)
                b.features[(t * size_t(L) + size_t(l)) * F + size_t(f)] = floatToHalf(float((int(t) * L + l) * F + f));
    ShuffleBuffer buf(b.dims, 16, 3, true, true);
    TokenTable out;
    out.init(b.dims, true, true);
    EXPECT_EQ(out.F, F);
    for (size_t t = 0; t < b.numTokens(); ++t)
        buf.push(b, t, out);
    while (buf.pop(out)) {
    }
    ASSERT_EQ(out.size(), b.numTokens());
    ASSERT_EQ(out.feat.size(), b.numTokens() * size_t(L * F));
    std::set<int> seen;
    for (size_t i = 0; i < out.size(); ++i) {
        // The row's token: its position in the block (positions are 0..23 per sequence).
        const int t = int(out.seq[i] - b.seqIds[0]) * 24 + out.pos[i];
        seen.insert(t);
        for (int l = 0; l < L; ++l)
            for (int f = 0; f < F; ++f)
                ASSERT_EQ(halfToFloat(out.featRow(i)[l * F + f]), float((t * L + l) * F + f)) << i;
    }
    EXPECT_EQ(seen.size(), b.numTokens());
    TokenTable plain;
    plain.init(b.dims, true, false);
    plain.append(b, 0);
    EXPECT_EQ(plain.F, 0);
    EXPECT_TRUE(plain.feat.empty());
}

// Decode context: every token row carries the routing of the token before it in its
// sequence (ids and weights of every layer), through the shuffle buffer; the first token of a
// sequence carries none (weights 0).
TEST(HiddenState, TokenRowsCarryThePreviousTokensRouting)
{
    const SyntheticRouting r = test::weakChainRouting(5, {}, 0.8);
    const RoutingBlock b = syntheticBlock(r, 0);
    const int L = b.dims.layers, k = b.dims.topk;
    const size_t lk = size_t(L * k);
    ShuffleBuffer buf(b.dims, 16, 9, true, false, true);
    TokenTable out;
    out.init(b.dims, true, false, true);
    for (size_t t = 0; t < b.numTokens(); ++t)
        buf.push(b, t, out);
    while (buf.pop(out)) {
    }
    ASSERT_EQ(out.size(), b.numTokens());
    ASSERT_EQ(out.prevIds.size(), b.numTokens() * lk);
    size_t firsts = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        size_t t = 0; // the row's token in the block
        while (b.seqIds[t] != out.seq[i] || b.positions[t] != out.pos[i])
            ++t;
        if (out.pos[i] == 0) {
            ++firsts;
            for (size_t j = 0; j < lk; ++j)
                ASSERT_EQ(out.prevW[i * lk + j], 0.0f) << i;
            continue;
        }
        for (size_t j = 0; j < lk; ++j) {
            ASSERT_EQ(out.prevIds[i * lk + j], b.topkIds[(t - 1) * lk + j]) << i;
            ASSERT_EQ(out.prevW[i * lk + j], halfToFloat(b.topkWeights[(t - 1) * lk + j])) << i;
        }
    }
    EXPECT_EQ(firsts, b.sequences.size());
    TokenTable plain;
    plain.init(b.dims, true, false, false);
    plain.append(b, 1);
    EXPECT_TRUE(plain.prevIds.empty());
}

// Decode features: the rows also carry the predecessor's features of every layer through the
// shuffle buffer (zeros for the first token of a sequence); none without decode context.
TEST(HiddenState, TokenRowsCarryThePreviousTokensFeatures)
{
    const SyntheticRouting r = test::weakChainRouting(5, {}, 0.8);
    const RoutingBlock b = test::featureBlocks(r, 1, {1}, 0.2).front();
    const size_t lf = size_t(b.dims.layers) * size_t(b.dims.featureDim);
    ShuffleBuffer buf(b.dims, 16, 9, true, true, true, true);
    TokenTable out;
    out.init(b.dims, true, true, true, true);
    for (size_t t = 0; t < b.numTokens(); ++t)
        buf.push(b, t, out);
    while (buf.pop(out)) {
    }
    ASSERT_EQ(out.size(), b.numTokens());
    ASSERT_EQ(out.prevFeat.size(), b.numTokens() * lf);
    for (size_t i = 0; i < out.size(); ++i) {
        size_t t = 0;
        while (b.seqIds[t] != out.seq[i] || b.positions[t] != out.pos[i])
            ++t;
        for (size_t j = 0; j < lf; ++j)
            ASSERT_EQ(out.prevFeat[i * lf + j], out.pos[i] == 0 ? uint16_t(0) : b.features[(t - 1) * lf + j]) << i;
    }
    TokenTable routingOnly;
    routingOnly.init(b.dims, true, true, false, true);
    routingOnly.append(b, 1);
    EXPECT_FALSE(routingOnly.PF);
    EXPECT_TRUE(routingOnly.prevFeat.empty());
}

// The per-layer work an engine does during layer l (bench_hidden_state times it): one GRU
// cell step over layer l's routing plus its features' input, then step(); layer by layer
// this gives the logits of the whole-sequence forward pass, without decode context (0), with
// the previous token's routing (1) and with its routing and features (2).
class HiddenStateStep : public ::testing::TestWithParam<int> {};

TEST_P(HiddenStateStep, PerLayerStepEqualsTheForwardPass)
{
    const SyntheticRouting r = test::weakChainRouting(3, {}, 0.8);
    RoutingBlock b = test::featureBlocks(r, 1, {1}, 0.2).front();
    PredictorConfig c;
    c.dims = b.dims;
    c.horizon = 2;
    c.hidden = true;
    c.model.embedDim = 8;
    c.model.hiddenDim = 12;
    c.model.mlpDim = 16;
    c.model.tokenBuckets = 16;
    c.model.decodeContext = GetParam() > 0;
    c.model.decodeFeatures = GetParam() > 1;
    ASSERT_EQ(c.previousFeatureInput(), GetParam() > 1);
    LayerStats stats;
    stats.init(c.dims, c.horizon);
    for (size_t t = 0; t < b.numTokens(); ++t)
        stats.count(b.topkIds.data() + t * size_t(c.dims.layers * c.dims.topk), nullptr);
    stats.finalize();
    TokenTable tt;
    tt.init(c.dims, true, true, c.previousInput(), c.previousFeatureInput());
    for (size_t t = 0; t < b.numTokens(); ++t)
        tt.append(b, t);
    torch::manual_seed(3);
    HiddenStateNet net(c);
    const Batch batch = buildBatch(tt, stats, c);
    ASSERT_EQ(batch.prevLe.defined(), GetParam() > 0);
    ASSERT_EQ(batch.prevFeat.defined(), GetParam() > 1);
    torch::NoGradGuard ng;
    const torch::Tensor all = net->forward(batch);
    const auto& gru = net->enc->gru;
    const torch::Tensor previous =
        GetParam() > 0 ? net->previousContext(batch.prevLe, batch.prevW, batch.prevFeat) : torch::Tensor();
    torch::Tensor state = torch::zeros({batch.B, c.model.hiddenDim});
    for (int l = 0; l < c.dims.layers; ++l) {
        const torch::Tensor f = batch.feat.select(1, l);
        const torch::Tensor x = (net->enc->le->forward(batch.le.select(1, l)) * batch.w.select(1, l).unsqueeze(-1)).sum(1) +
                                net->enc->layerPos[l] +
                                net->enc->tok->forward(batch.tokB) * batch.tokKnown.unsqueeze(-1) +
                                net->featureInput(l, f);
        state = at::gru_cell(x, state, gru->named_parameters()["weight_ih_l0"], gru->named_parameters()["weight_hh_l0"],
                             gru->named_parameters()["bias_ih_l0"], gru->named_parameters()["bias_hh_l0"]);
        const torch::Tensor one = net->step(l, f, state, previous);
        EXPECT_TRUE(torch::allclose(one, all.select(1, l), 1e-5, 1e-5)) << "layer " << l;
    }
}

INSTANTIATE_TEST_SUITE_P(DecodeContext, HiddenStateStep, ::testing::Values(0, 1, 2));

// From trace folders: the basis the trace holds (TraceSet::featureBasis) travels into the
// run's best predictor and the export, unchanged.
TEST(HiddenState, TraceFolderBasisTravelsIntoTheExport)
{
    const SyntheticRouting r = test::weakChainRouting(40, {}, 0.8);
    std::vector<RoutingBlock> blocks = test::featureBlocks(r, 2, {1, 2}, 0.3);
    FeatureBasis basis;
    basis.kind = "pca:16";
    basis.layers = r.dims.layers;
    basis.dim = blocks[0].dims.featureDim;
    basis.hidden = 12;
    for (int i = 0; i < basis.layers * basis.dim * basis.hidden; ++i)
        basis.projection.push_back(float((i * 37) % 11) / 11.0f - 0.5f);
    for (int i = 0; i < basis.layers * basis.hidden; ++i)
        basis.mean.push_back(float(i % 5) * 0.1f);
    test::TempDir dir("spec_hidden_trace");
    {
        TraceWriter w(dir.file("trace"), blocks[0].dims, {"cfg", "float32", "tok", "run"});
        w.setFeatureBasis(basis);
        for (const RoutingBlock& b : blocks)
            w.append(b);
        w.finish();
    }
    TrainParams p = featureParams(dir.file("run"), {});
    p.traceDirs = {dir.file("trace")};
    p.epochs = 1;
    train(p);
    exportPredictor({dir.file("run"), dir.file("exported")});
    const PredictorConfig cfg = PredictorConfig::load(dir.file("exported"));
    EXPECT_TRUE(cfg.hidden);
    EXPECT_EQ(cfg.featureKind, "pca:16");
    const FeatureBasis back = readFeatureBasis(dir.file("exported/") + cfg.featureBasisFile);
    EXPECT_EQ(back.kind, basis.kind);
    EXPECT_EQ(back.projection, basis.projection);
    EXPECT_EQ(back.mean, basis.mean);
    EvalParams e;
    e.predictorDir = dir.file("exported");
    e.traceDirs = {dir.file("trace")};
    e.split = std::nullopt;
    EXPECT_GT(evaluate(e).tokens, 0);
}
