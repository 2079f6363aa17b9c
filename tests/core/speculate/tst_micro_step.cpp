// A training micro-step cut into row shards on the CPU's threads (issue 22): the loss and
// every gradient equal the one-shard step's, a shard count repeats itself bit for bit,
// accumulation divides, a NaN loss leaves the gradients alone, a shard's error comes out.
#include "core/speculate/micro_step.h"
#include "tests/core/speculate/synth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

struct Fixture {
    RoutingBlock block;
    Predictor predictor;
    TokenTable batch;
};

// All four models (the hidden-state one reads planted features) over 200 tokens of planted
// routing with probes, a fresh predictor with its training statistics.
Fixture makeFixture(bool hidden)
{
    test::SynthSpec s;
    s.layers = 5;
    s.sequences = 10;
    s.seqLen = 20;
    s.lookahead = {1};
    Fixture f;
    f.block = test::synthBlock(s, 0);
    if (hidden)
        test::plantFeatures(f.block, {1}, 0.3, 5);
    Predictor& p = f.predictor;
    p.cfg.dims = f.block.dims;
    p.cfg.horizon = 2;
    p.cfg.model.embedDim = 8;
    p.cfg.model.hiddenDim = 12;
    p.cfg.model.statsDim = 4;
    p.cfg.model.mlpDim = 16;
    p.cfg.inter = p.cfg.stat = p.cfg.ens = true;
    p.cfg.hidden = hidden;
    p.cfg.components = {kInterLayer, kStatistics};
    if (hidden)
        p.cfg.components.push_back(kHiddenState);
    p.cfg.components.insert(p.cfg.components.end(), {kFrequency, kMarkov, kLookahead});
    p.stats.init(f.block.dims, 2);
    for (size_t t = 0; t < f.block.numTokens(); ++t)
        p.stats.count(f.block.topkIds.data() + t * size_t(s.layers * s.topk),
                      f.block.lookaheadIds.data() + t * size_t(s.layers * s.topk));
    p.stats.finalize();
    p.build(11);
    p.train(true);
    f.batch.init(f.block.dims, true, hidden, p.cfg.previousInput(), p.cfg.previousFeatureInput());
    for (size_t t = 0; t < f.block.numTokens(); ++t)
        f.batch.append(f.block, t);
    return f;
}

MicroStepSettings settings(const Fixture& f, int shards, int accumulate = 1)
{
    MicroStepSettings s;
    s.samples = double(f.batch.size()) * ((5 - 1) + (5 - 2)); // (token, layer, horizon) inside
    s.shards = shards;
    s.accumulate = accumulate;
    return s;
}

std::vector<torch::Tensor> gradients(Predictor& p)
{
    std::vector<torch::Tensor> out;
    for (const torch::Tensor& x : p.parameters())
        out.push_back(x.grad().defined() ? x.grad().clone() : torch::Tensor());
    return out;
}

void clearGradients(Predictor& p)
{
    for (torch::Tensor x : p.parameters())
        x.mutable_grad() = torch::Tensor();
}

MicroStepLoss stepWith(Fixture& f, const MicroStepSettings& s, std::vector<torch::Tensor>& grads)
{
    clearGradients(f.predictor);
    const MicroStepLoss l = lossAndGradients(f.predictor, f.batch, s);
    grads = gradients(f.predictor);
    return l;
}

void expectClose(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b, double tol)
{
    ASSERT_EQ(a.size(), b.size());
    int compared = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i].defined(), b[i].defined()) << "parameter " << i;
        if (!a[i].defined())
            continue;
        const double scale = std::max(1e-3, b[i].abs().max().item<double>());
        EXPECT_LT((a[i] - b[i]).abs().max().item<double>() / scale, tol) << "parameter " << i;
        ++compared;
    }
    EXPECT_GT(compared, 10);
}

} // namespace

TEST(MicroStep, ShardsGiveTheOneShardLossAndGradients)
{
    for (bool hidden : {false, true}) {
        Fixture f = makeFixture(hidden);
        std::vector<torch::Tensor> one, three;
        const MicroStepLoss a = stepWith(f, settings(f, 1), one);
        const MicroStepLoss b = stepWith(f, settings(f, 3), three);
        ASSERT_TRUE(std::isfinite(a.total));
        EXPECT_NEAR(b.total, a.total, 1e-6 * std::abs(a.total));
        for (int i = 0; i < 4; ++i)
            EXPECT_NEAR(b.parts[i], a.parts[i], 1e-6 * std::max(1e-3, std::abs(a.parts[i]))) << "part " << i;
        EXPECT_GT(a.parts[0], 0.0);
        EXPECT_GT(a.parts[1], 0.0);
        EXPECT_GT(a.parts[2], 0.0);
        EXPECT_EQ(a.parts[3] > 0.0, hidden);
        expectClose(three, one, 1e-5);
    }
}

TEST(MicroStep, AShardCountRepeatsBitForBit)
{
    Fixture f = makeFixture(false);
    std::vector<torch::Tensor> x, y;
    const MicroStepLoss a = stepWith(f, settings(f, 4), x);
    const MicroStepLoss b = stepWith(f, settings(f, 4), y);
    EXPECT_EQ(a.total, b.total);
    for (size_t i = 0; i < x.size(); ++i) {
        if (x[i].defined()) {
            EXPECT_TRUE(torch::equal(x[i], y[i])) << "parameter " << i;
        }
    }
}

TEST(MicroStep, AccumulationDividesAndAddsToTheGradients)
{
    Fixture f = makeFixture(false);
    std::vector<torch::Tensor> whole, half;
    stepWith(f, settings(f, 2), whole);
    stepWith(f, settings(f, 2, 2), half);
    std::vector<torch::Tensor> doubled;
    for (const torch::Tensor& g : half)
        doubled.push_back(g.defined() ? g * 2 : g);
    expectClose(doubled, whole, 1e-6);
    // A second micro-step adds to what the first left.
    lossAndGradients(f.predictor, f.batch, settings(f, 2, 2));
    expectClose(gradients(f.predictor), whole, 1e-6);
}

TEST(MicroStep, ANanLossLeavesTheGradientsAlone)
{
    Fixture f = makeFixture(false);
    for (int shards : {1, 3}) {
        clearGradients(f.predictor);
        MicroStepSettings s = settings(f, shards);
        s.injectNan = true;
        const MicroStepLoss l = lossAndGradients(f.predictor, f.batch, s);
        EXPECT_TRUE(std::isnan(l.total)) << shards << " shards";
        for (const torch::Tensor& g : gradients(f.predictor))
            EXPECT_FALSE(g.defined()) << shards << " shards";
    }
}

TEST(MicroStep, AShardsErrorComesOut)
{
    // The hidden-state model without features in the batch: the forward pass throws inside a
    // shard's thread; the caller gets the error, not a terminated process.
    Fixture f = makeFixture(true);
    f.batch.init(f.block.dims, true, false);
    for (size_t t = 0; t < f.block.numTokens(); ++t)
        f.batch.append(f.block, t);
    try {
        lossAndGradients(f.predictor, f.batch, settings(f, 3));
        ADD_FAILURE() << "no error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("holds no features"), std::string::npos) << e.what();
    }
}

TEST(MicroStep, ShardsFollowTheThreadsAndTheBatch)
{
    EXPECT_EQ(microStepShards(256, torch::Device(torch::kCPU), 2), 2);
    EXPECT_EQ(microStepShards(256, torch::Device(torch::kCPU), 16), int(256 / kMinShardTokens));
    EXPECT_EQ(microStepShards(40, torch::Device(torch::kCPU), 4), 1);
    EXPECT_EQ(microStepShards(256, torch::Device(torch::kCPU), 1), 1);
    EXPECT_GE(microStepShards(256, torch::Device(torch::kCPU), 0), 1);
    EXPECT_EQ(microStepShards(4096, torch::Device(torch::kCUDA, 0), 8), 1);
}

// Mixed precision (bfloat16 autocast around the forward passes): the loss and gradients stay
// float32 and near the float32 step's, but the gradients are not the same numbers (the matmuls
// did run in bfloat16; a float32 step repeats bit for bit), also in the shards' threads,
// where autocast must be switched on per thread. (At initialisation the loss itself barely
// moves: the logits are small next to the heads' float32 biases.)
TEST(MicroStep, MixedPrecisionStaysNearFloat32)
{
    Fixture f = makeFixture(true); // every model, the fused GRU recurrence included
    for (int shards : {1, 3}) {
        SCOPED_TRACE(shards);
        std::vector<torch::Tensor> exact, mixed;
        const MicroStepLoss a = stepWith(f, settings(f, shards), exact);
        MicroStepSettings s = settings(f, shards);
        s.mixedPrecision = true;
        const MicroStepLoss b = stepWith(f, s, mixed);
        ASSERT_TRUE(std::isfinite(b.total));
        EXPECT_NEAR(b.total, a.total, 0.02 * a.total);
        for (int i = 0; i < 4; ++i)
            EXPECT_NEAR(b.parts[i], a.parts[i], 0.02 * a.parts[i]) << "part " << i;
        double diff = 0.0;
        for (size_t i = 0; i < mixed.size(); ++i)
            if (mixed[i].defined()) {
                EXPECT_EQ(mixed[i].scalar_type(), torch::kFloat) << "parameter " << i;
                diff += (mixed[i] - exact[i]).abs().sum().item<double>();
            }
        EXPECT_GT(diff, 0.0);
        expectClose(mixed, exact, 0.1);
        for (const torch::Tensor& p : f.predictor.parameters())
            EXPECT_EQ(p.scalar_type(), torch::kFloat);
    }
}

// deferRead (the GPU's way, no host read per step): the loss comes back pending and settles
// to the loss read at once, the gradients are the same; a NaN loss is only seen on settling,
// so its gradients were added (the trainer then stops the run).
TEST(MicroStep, ADeferredLossSettlesToTheSameLoss)
{
    Fixture f = makeFixture(false);
    std::vector<torch::Tensor> now, later;
    const MicroStepLoss a = stepWith(f, settings(f, 1), now);
    MicroStepSettings s = settings(f, 1);
    s.deferRead = true;
    MicroStepLoss b = stepWith(f, s, later);
    ASSERT_NE(b.pending, nullptr);
    EXPECT_EQ(b.total, 0.0);
    b.settle();
    EXPECT_EQ(b.pending, nullptr);
    EXPECT_EQ(b.total, a.total);
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(b.parts[i], a.parts[i]);
    for (size_t i = 0; i < now.size(); ++i)
        if (now[i].defined()) {
            EXPECT_TRUE(torch::equal(now[i], later[i])) << "parameter " << i;
        }
    s.injectNan = true;
    MicroStepLoss c = stepWith(f, s, later);
    c.settle();
    EXPECT_TRUE(std::isnan(c.total));
    EXPECT_TRUE(later.front().defined());
}
