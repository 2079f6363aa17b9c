// Every speculation metric on hand-made cases, plus splits, statistics and the shuffle buffer.
#include "core/speculate/metrics.h"
#include "core/speculate/source.h"
#include "core/speculate/stats.h"
#include "core/util/error.h"
#include "synth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {
double bce(double p, double y) { return -(y * std::log(p) + (1 - y) * std::log(1 - p)); }
} // namespace

TEST(Metrics, PerfectPrediction)
{
    MetricAccumulator a(4, 2);
    const float p[4] = {0.9f, 0.8f, 0.1f, 0.05f};
    const ExpertId t[2] = {1, 0};
    a.add(p, t);
    Metrics m = a.result();
    EXPECT_EQ(m.samples, 1);
    EXPECT_DOUBLE_EQ(m.top1, 1.0);
    EXPECT_DOUBLE_EQ(m.exact, 1.0);
    ASSERT_EQ(m.recall.size(), 4u);
    EXPECT_DOUBLE_EQ(m.recall[0], 0.5);
    EXPECT_DOUBLE_EQ(m.recall[1], 1.0);
    EXPECT_DOUBLE_EQ(m.recall[3], 1.0);
    const double ll = (bce(0.9f, 1) + bce(0.8f, 1) + bce(0.1f, 0) + bce(0.05f, 0)) / 4.0;
    EXPECT_NEAR(m.logloss, ll, 1e-6);
}

TEST(Metrics, WrongFirstAndPartialRecall)
{
    MetricAccumulator a(4, 2);
    const float p[4] = {0.1f, 0.6f, 0.7f, 0.2f}; // ranking 2, 1, 3, 0
    const ExpertId t[2] = {0, 1};
    a.add(p, t);
    Metrics m = a.result();
    EXPECT_DOUBLE_EQ(m.top1, 0.0);
    EXPECT_DOUBLE_EQ(m.exact, 0.0);
    EXPECT_DOUBLE_EQ(m.recall[0], 0.0);
    EXPECT_DOUBLE_EQ(m.recall[1], 0.5);
    EXPECT_DOUBLE_EQ(m.recall[2], 0.5);
    EXPECT_DOUBLE_EQ(m.recall[3], 1.0);
    EXPECT_DOUBLE_EQ(m.recallAt(4), 1.0);
    EXPECT_DOUBLE_EQ(m.recallAt(9), 0.0);
}

TEST(Metrics, AveragesAndCalibration)
{
    MetricAccumulator a(4, 2, 10);
    const float p1[4] = {0.9f, 0.8f, 0.1f, 0.05f};
    const ExpertId t1[2] = {0, 1};
    const float p2[4] = {0.1f, 0.6f, 0.75f, 0.2f};
    const ExpertId t2[2] = {0, 1};
    a.add(p1, t1);
    a.add(p2, t2);
    Metrics m = a.result();
    EXPECT_EQ(m.samples, 2);
    EXPECT_DOUBLE_EQ(m.top1, 0.5);
    EXPECT_DOUBLE_EQ(m.exact, 0.5);
    EXPECT_DOUBLE_EQ(m.recall[0], 0.25);
    EXPECT_DOUBLE_EQ(m.recall[1], 0.75);
    EXPECT_DOUBLE_EQ(m.recall[2], 0.75);
    EXPECT_DOUBLE_EQ(m.recall[3], 1.0);
    // bins: 0:{.05,0} 1:{.1,0 .1,1} 2:{.2,0} 6:{.6,1} 7:{.75,0} 8:{.8,1} 9:{.9,1}
    const double ece = (0.05 + 2 * 0.4 + 0.2 + 0.4 + 0.75 + 0.2 + 0.1) / 8.0;
    EXPECT_NEAR(m.ece, ece, 1e-6);
    const double ll = ((bce(0.9f, 1) + bce(0.8f, 1) + bce(0.1f, 0) + bce(0.05f, 0)) / 4.0 +
                       (bce(0.1f, 1) + bce(0.6f, 1) + bce(0.75f, 0) + bce(0.2f, 0)) / 4.0) / 2.0;
    EXPECT_NEAR(m.logloss, ll, 1e-6);
}

TEST(Metrics, TiesGoToLowerIdAndCertaintyIsClipped)
{
    MetricAccumulator a(4, 2);
    const float p[4] = {0.5f, 0.5f, 0.5f, 0.5f};
    const ExpertId t[2] = {2, 1};
    a.add(p, t);
    Metrics m = a.result();
    EXPECT_DOUBLE_EQ(m.top1, 0.0);       // expert 0 ranks first
    EXPECT_DOUBLE_EQ(m.recall[1], 0.5);  // {0, 1}
    EXPECT_NEAR(m.logloss, std::log(2.0), 1e-6);
    EXPECT_NEAR(m.ece, 0.0, 1e-12);      // p .5, outcome share .5

    MetricAccumulator c(3, 1);
    const float q[3] = {1.0f, 0.0f, 0.0f};
    const ExpertId u[1] = {0};
    c.add(q, u);
    EXPECT_NEAR(c.result().logloss, -std::log(1.0 - MetricAccumulator::kProbClip), 1e-9);
    EXPECT_DOUBLE_EQ(c.result().ece, 0.0);
    const ExpertId wrong[1] = {1};
    c.add(q, wrong); // certain and wrong: clipped, finite
    EXPECT_TRUE(std::isfinite(c.result().logloss));
}

TEST(Metrics, MergeEqualsSequential)
{
    MetricAccumulator a(8, 2), b(8, 2), all(8, 2);
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(0, 1);
    for (int i = 0; i < 50; ++i) {
        float p[8];
        for (float& x : p)
            x = u(rng);
        ExpertId t[2] = {ExpertId(rng() % 4), ExpertId(4 + rng() % 4)};
        (i % 2 ? a : b).add(p, t);
        all.add(p, t);
    }
    a.merge(b);
    Metrics x = a.result(), y = all.result();
    EXPECT_EQ(x.samples, y.samples);
    EXPECT_NEAR(x.top1, y.top1, 1e-12);
    EXPECT_NEAR(x.logloss, y.logloss, 1e-12);
    EXPECT_NEAR(x.ece, y.ece, 1e-12);
    EXPECT_NEAR(x.recall[1], y.recall[1], 1e-12);
    MetricAccumulator empty;
    empty.merge(all);
    EXPECT_EQ(empty.samples(), all.samples());
}

TEST(Metrics, BadInputThrows)
{
    EXPECT_THROW(MetricAccumulator(4, 5), Error);
    MetricAccumulator a(4, 2);
    const float p[4] = {0.1f, 0.2f, 0.3f, 0.4f};
    const ExpertId t[2] = {0, 9};
    EXPECT_THROW(a.add(p, t), Error);
    MetricAccumulator b(8, 2);
    EXPECT_THROW(b.merge([] {
        MetricAccumulator c(4, 2);
        const float q[4] = {0.1f, 0.2f, 0.3f, 0.4f};
        const ExpertId s[2] = {0, 1};
        c.add(q, s);
        return c;
    }()), Error);
}

TEST(Split, BySequenceDeterministicAndProportional)
{
    SplitSpec s;
    s.seed = 5;
    int counts[3] = {0, 0, 0};
    for (int64_t id = 0; id < 20000; ++id) {
        const Split a = splitOf(id, s);
        EXPECT_EQ(a, splitOf(id, s));
        ++counts[int(a)];
    }
    EXPECT_NEAR(counts[0] / 20000.0, 0.8, 0.02);
    EXPECT_NEAR(counts[1] / 20000.0, 0.1, 0.02);
    SplitSpec other = s;
    other.seed = 6;
    int differ = 0;
    for (int64_t id = 0; id < 1000; ++id)
        differ += splitOf(id, s) != splitOf(id, other);
    EXPECT_GT(differ, 50);
    EXPECT_EQ(parseSplit("val"), Split::Validation);
    EXPECT_THROW(parseSplit("dev"), Error);
}

TEST(Stats, FrequencyMarkovAndLookaheadOnHandMadeTokens)
{
    TraceDims d;
    d.layers = 3;
    d.experts = 4;
    d.topk = 1;
    d.lookahead = {1};
    LayerStats s;
    s.init(d, 1);
    // token rows: ids [L,k]; look [L,D,k]
    const ExpertId a[3] = {0, 1, 2}, b[3] = {0, 1, 3}, c[3] = {2, 3, 3};
    const ExpertId la[3] = {1, 2, kNoExpert}, lb[3] = {1, 1, kNoExpert}, lc[3] = {3, 3, kNoExpert};
    s.count(a, la);
    s.count(b, lb);
    s.count(c, lc);
    s.finalize();
    EXPECT_FLOAT_EQ(s.frequency(0)[0], 2.0f / 3.0f);
    EXPECT_FLOAT_EQ(s.frequency(2)[3], 2.0f / 3.0f);
    EXPECT_NEAR(s.entropy(0), (-(2.0 / 3) * std::log(2.0 / 3) - (1.0 / 3) * std::log(1.0 / 3)) / std::log(4.0), 1e-6);
    float p[4];
    const ExpertId set0[1] = {0};
    s.markov(set0, 0, 1, p); // seen twice, always followed by 1: (2 + 1*1)/(2 + 1)
    EXPECT_FLOAT_EQ(p[1], 1.0f);
    EXPECT_FLOAT_EQ(p[0], 0.0f);
    const ExpertId set1[1] = {1};
    s.markov(set1, 1, 1, p); // 1 -> {2, 3}: (1 + 0.5)/(2 + 1)
    EXPECT_FLOAT_EQ(p[2], 0.5f);
    EXPECT_FLOAT_EQ(p[3], 0.5f);
    const ExpertId unseen[1] = {3};
    s.markov(unseen, 0, 1, p); // expert 3 never at layer 0: back off to the frequency of layer 1
    EXPECT_FLOAT_EQ(p[1], 2.0f / 3.0f);
    // probes at layer 0 for distance 1: 1 (right), 1 (right), 3 (right): hit rate (3 + .5)/(3 + 1)
    s.lookahead(la, 0, 1, p);
    EXPECT_FLOAT_EQ(p[1], 3.5f / 4.0f);
    EXPECT_FLOAT_EQ(p[0], 0.5f / 10.0f); // no non-probe expert was ever used: (0 + .5)/(9 + 1)
    // round trip through named arrays
    LayerStats r;
    r.fromArrays(d, 1, s.toArrays(), "test");
    float q[4];
    s.markov(set1, 1, 1, p);
    r.markov(set1, 1, 1, q);
    for (int e = 0; e < 4; ++e)
        EXPECT_FLOAT_EQ(p[e], q[e]);
}

TEST(ShuffleBuffer, EmitsEveryTokenOnceInSeededOrder)
{
    test::SynthSpec sp;
    sp.sequences = 10;
    sp.seqLen = 7;
    sp.lookahead = {1};
    RoutingBlock blk = test::synthBlock(sp, 0);
    auto run = [&](uint64_t seed) {
        ShuffleBuffer buf(blk.dims, 16, seed);
        TokenTable out;
        out.init(blk.dims);
        for (size_t t = 0; t < blk.numTokens(); ++t)
            buf.push(blk, t, out);
        while (buf.pop(out)) {
        }
        return out;
    };
    TokenTable a = run(1), b = run(1), c = run(2);
    ASSERT_EQ(a.size(), blk.numTokens());
    std::set<std::pair<int64_t, int32_t>> seen;
    for (size_t i = 0; i < a.size(); ++i) {
        seen.insert({a.seq[i], a.pos[i]});
        // the row travels whole
        const size_t t = size_t(a.seq[i]) * size_t(sp.seqLen) + size_t(a.pos[i]);
        for (int j = 0; j < sp.layers * sp.topk; ++j)
            ASSERT_EQ(a.ids[i * size_t(sp.layers * sp.topk) + size_t(j)], blk.topkIds[t * size_t(sp.layers * sp.topk) + size_t(j)]);
    }
    EXPECT_EQ(seen.size(), blk.numTokens());
    EXPECT_EQ(a.seq, b.seq);
    EXPECT_EQ(a.pos, b.pos);
    EXPECT_NE(a.pos, c.pos);
}
