// Load, balance, co-activation, repetition, transitions and mutual information on
// hand-built traces with known answers.
#include "core/analysis/analysis.h"
#include "core/util/error.h"
#include "tests/core/analysis/analysis_test_blocks.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace specmoe;
using specmoe::test::makeBlock;
using specmoe::test::SeqSpec;

namespace {

// L=2, E=4, K=2. Sequence 1 ("code", 4 tokens), sequence 2 ("web", 2 tokens).
RoutingBlock smallBlock()
{
    SeqSpec a;
    a.seqId = 1;
    a.source = "code";
    a.tokens = {{{0, 1}, {2, 3}}, {{0, 2}, {2, 3}}, {{1, 0}, {2, 1}}, {{3, 2}, {0, 1}}};
    SeqSpec b;
    b.seqId = 2;
    b.source = "web";
    b.tokens = {{{3, 0}, {0, 1}}, {{3, 1}, {1, 0}}};
    return makeBlock(2, 4, 2, {a, b});
}

AnalysisResult analyzeSmall(AnalysisOptions o = {})
{
    return analyze(std::vector<RoutingBlock>{smallBlock()}, o);
}

} // namespace

TEST(AnalysisStats, DimensionsAndRandomRates)
{
    const AnalysisResult r = analyzeSmall();
    EXPECT_EQ(r.layers, 2);
    EXPECT_EQ(r.experts, 4);
    EXPECT_EQ(r.topk, 2);
    EXPECT_EQ(r.sequences, 2);
    EXPECT_EQ(r.tokens, 6);
    EXPECT_DOUBLE_EQ(r.randomSameFirstRate, 0.25);
    // 1 - C(2,2)/C(4,2) = 1 - 1/6
    EXPECT_NEAR(r.randomOverlapRate, 1.0 - 1.0 / 6.0, 1e-12);

    // Mixtral shape: 1/8 and 1 - C(6,2)/C(8,2) = 1 - 15/28.
    SeqSpec s;
    s.seqId = 1;
    s.tokens = {{{0, 1}}};
    const AnalysisResult m = analyze(std::vector<RoutingBlock>{makeBlock(1, 8, 2, {s})});
    EXPECT_DOUBLE_EQ(m.randomSameFirstRate, 0.125);
    EXPECT_NEAR(m.randomOverlapRate, 1.0 - 15.0 / 28.0, 1e-12);
}

TEST(AnalysisStats, LoadAndBalanceOfSourceCode)
{
    const AnalysisResult r = analyzeSmall();
    const GroupStats* code = r.source("code");
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(code->sequences, 1);
    EXPECT_EQ(code->tokens, 4);
    const LayerLoad& l0 = code->layers[0];
    EXPECT_EQ(l0.tokens, 4);
    EXPECT_EQ(l0.firstCounts, (std::vector<int64_t>{2, 1, 0, 1}));
    EXPECT_EQ(l0.anyCounts, (std::vector<int64_t>{3, 2, 2, 1}));
    EXPECT_DOUBLE_EQ(l0.firstShare[0], 0.5);
    EXPECT_DOUBLE_EQ(l0.anyShare[0], 3.0 / 8.0);
    EXPECT_DOUBLE_EQ(l0.anyRate[0], 3.0 / 4.0);
    // expert 0: 0.75 (t0) + 0.75 (t1) + 0.25 (t2)
    EXPECT_NEAR(l0.weightSums[0], 1.75, 1e-6);
    EXPECT_NEAR(l0.weightShare[0], 1.75 / 4.0, 1e-6);
    double ws = 0;
    for (double x : l0.weightShare)
        ws += x;
    EXPECT_NEAR(ws, 1.0, 1e-6);

    // Shares .5 .25 0 .25: H = 1.5 bits, normalized .75.
    EXPECT_NEAR(l0.entropyFirstBits, 1.5, 1e-12);
    EXPECT_NEAR(l0.entropyFirstNorm, 0.75, 1e-12);
    EXPECT_NEAR(l0.klFromUniformFirstBits, 0.5, 1e-12);
    // counts 2 1 0 1: mean 1, population std sqrt(.5)
    EXPECT_NEAR(l0.cvFirst, std::sqrt(0.5), 1e-12);
    EXPECT_DOUBLE_EQ(l0.maxOverUniformFirst, 2.0);
    EXPECT_DOUBLE_EQ(l0.minOverUniformFirst, 0.0);
    EXPECT_NEAR(l0.tvFromUniformFirst, 0.25, 1e-12);
    // any shares 3/8 2/8 2/8 1/8
    const double hAny = -(3.0 / 8 * std::log2(3.0 / 8) + 2 * (0.25 * std::log2(0.25)) +
                          1.0 / 8 * std::log2(1.0 / 8));
    EXPECT_NEAR(l0.entropyAnyBits, hAny, 1e-12);
    EXPECT_NEAR(l0.entropyAnyNorm, hAny / 2.0, 1e-12);
    EXPECT_NEAR(l0.cvAny, std::sqrt(0.5) / 2.0, 1e-12); // counts 3 2 2 1: mean 2, var .5
    EXPECT_DOUBLE_EQ(l0.maxOverUniformAny, 1.5);
    EXPECT_DOUBLE_EQ(l0.minOverUniformAny, 0.5);
    EXPECT_NEAR(l0.tvFromUniformAny, 0.125, 1e-12);

    // Co-activation: {0,1} twice, {0,2} once, {2,3} once; diagonal = any counts.
    const auto& c = l0.coactivation;
    EXPECT_EQ(c[0 * 4 + 1], 2);
    EXPECT_EQ(c[1 * 4 + 0], 2);
    EXPECT_EQ(c[0 * 4 + 2], 1);
    EXPECT_EQ(c[2 * 4 + 3], 1);
    EXPECT_EQ(c[3 * 4 + 2], 1);
    EXPECT_EQ(c[1 * 4 + 3], 0);
    EXPECT_EQ(c[0 * 4 + 0], 3);
    EXPECT_EQ(c[3 * 4 + 3], 1);
}

TEST(AnalysisStats, OverallIsTheSumOfSources)
{
    const AnalysisResult r = analyzeSmall();
    ASSERT_EQ(r.sources.size(), 2u);
    EXPECT_EQ(r.sources[0].source, "code");
    EXPECT_EQ(r.sources[1].source, "web");
    EXPECT_EQ(r.overall.source, "");
    EXPECT_EQ(r.overall.tokens, 6);
    // layer 0 firsts: code 2 1 0 1, web 0 0 0 2
    EXPECT_EQ(r.overall.layers[0].firstCounts, (std::vector<int64_t>{2, 1, 0, 3}));
    // layer 1 any: code {2,3}{2,3}{2,1}{0,1}, web {0,1}{1,0}
    EXPECT_EQ(r.overall.layers[1].anyCounts, (std::vector<int64_t>{3, 4, 3, 2}));
    const GroupStats* web = r.source("web");
    ASSERT_NE(web, nullptr);
    EXPECT_EQ(web->layers[0].firstCounts, (std::vector<int64_t>{0, 0, 0, 2}));
    EXPECT_DOUBLE_EQ(web->layers[0].entropyFirstBits, 0.0);
    EXPECT_EQ(r.source("nope"), nullptr);
}

TEST(AnalysisStats, ConsecutiveTokenRepetition)
{
    const AnalysisResult r = analyzeSmall();
    const LayerRepetition& c0 = r.source("code")->repetition[0];
    EXPECT_EQ(c0.pairs, 3);
    EXPECT_EQ(c0.sameFirst, 1);
    EXPECT_EQ(c0.overlap, 2);
    EXPECT_DOUBLE_EQ(c0.sameFirstRate, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(c0.overlapRate, 2.0 / 3.0);
    // sum of squared first shares .5 .25 0 .25
    EXPECT_DOUBLE_EQ(c0.sameFirstExpectedFromLoad, 0.375);
    const LayerRepetition& c1 = r.source("code")->repetition[1];
    EXPECT_EQ(c1.pairs, 3);
    EXPECT_EQ(c1.sameFirst, 2);
    EXPECT_EQ(c1.overlap, 3);
    const LayerRepetition& w0 = r.source("web")->repetition[0];
    EXPECT_EQ(w0.pairs, 1);
    EXPECT_EQ(w0.sameFirst, 1);
    EXPECT_EQ(w0.overlap, 1);
    const LayerRepetition& w1 = r.source("web")->repetition[1];
    EXPECT_EQ(w1.sameFirst, 0);
    EXPECT_EQ(w1.overlap, 1);
    // No pair across the sequence boundary.
    const LayerRepetition& o0 = r.overall.repetition[0];
    EXPECT_EQ(o0.pairs, 4);
    EXPECT_EQ(o0.sameFirst, 2);
    EXPECT_EQ(o0.overlap, 3);
}

TEST(AnalysisStats, RepetitionJoinsSequencesSplitOverBlocks)
{
    const RoutingBlock b = smallBlock();
    const AnalysisResult one = analyze(std::vector<RoutingBlock>{b});
    const AnalysisResult many = analyze(specmoe::test::splitPerToken(b));
    EXPECT_EQ(many.sequences, 2);
    EXPECT_EQ(many.overall.repetition[0].pairs, one.overall.repetition[0].pairs);
    EXPECT_EQ(many.overall.repetition[1].sameFirst, one.overall.repetition[1].sameFirst);
    EXPECT_EQ(many.overall.repetition[1].overlap, one.overall.repetition[1].overlap);
}

TEST(AnalysisStats, TransitionsBetweenLayers)
{
    const AnalysisResult r = analyzeSmall();
    EXPECT_EQ(r.transitionDistances, (std::vector<int>{1})); // 2 and 3 exceed L-1
    ASSERT_EQ(r.transitions.size(), 1u);
    const LayerTransition* t = r.transition(1, 0);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(r.transition(2, 0), nullptr);
    // firsts (l0,l1): (0,2) (0,2) (1,2) (3,0) (3,0) (3,1)
    EXPECT_EQ(t->firstCounts[0 * 4 + 2], 2);
    EXPECT_EQ(t->firstCounts[1 * 4 + 2], 1);
    EXPECT_EQ(t->firstCounts[3 * 4 + 0], 2);
    EXPECT_EQ(t->firstCounts[3 * 4 + 1], 1);
    EXPECT_DOUBLE_EQ(t->firstProb[3 * 4 + 0], 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(t->firstProb[3 * 4 + 1], 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(t->firstProb[0 * 4 + 2], 1.0);
    EXPECT_DOUBLE_EQ(t->firstProb[2 * 4 + 0], 0.0); // empty row stays 0
    // expert 0 in top-k at l0: 4 tokens; 3 of them have 2 in top-k at l1.
    EXPECT_EQ(t->anyCounts[0 * 4 + 2], 3);
    EXPECT_DOUBLE_EQ(t->anyProb[0 * 4 + 2], 0.75);
    int64_t total = 0;
    for (auto v : t->anyCounts)
        total += v;
    EXPECT_EQ(total, 6 * 4); // k*k pairs per token
}

namespace {

// L=3, E=4, K=1; 64 one-token sequences i: layer0 = i%4, layer1 = (i+1)%4, layer2 = (i/4)%4.
RoutingBlock miBlock()
{
    std::vector<SeqSpec> seqs;
    for (int i = 0; i < 64; ++i) {
        SeqSpec s;
        s.seqId = i;
        s.source = "s";
        s.tokens = {{{i % 4}, {(i + 1) % 4}, {(i / 4) % 4}}};
        seqs.push_back(s);
    }
    return makeBlock(3, 4, 1, seqs);
}

} // namespace

TEST(AnalysisStats, MutualInformation)
{
    AnalysisOptions o;
    o.transitionDistances = {1, 2, 3};
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{miBlock()}, o);
    EXPECT_EQ(r.transitionDistances, (std::vector<int>{1, 2}));
    ASSERT_EQ(r.transitions.size(), 3u); // (1,0) (1,1) (2,0)
    EXPECT_NEAR(r.transition(1, 0)->mutualInfoBits, 2.0, 1e-12);
    EXPECT_NEAR(r.transition(1, 0)->normalizedMI, 1.0, 1e-12);
    EXPECT_NEAR(r.transition(1, 1)->mutualInfoBits, 0.0, 1e-12);
    EXPECT_NEAR(r.transition(2, 0)->mutualInfoBits, 0.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.transition(1, 0)->firstProb[3 * 4 + 0], 1.0);
    ASSERT_EQ(r.mutualInfoBits.size(), 9u);
    EXPECT_NEAR(r.mutualInfoBits[0 * 3 + 1], 2.0, 1e-12);
    EXPECT_NEAR(r.mutualInfoBits[1 * 3 + 0], 2.0, 1e-12);
    EXPECT_NEAR(r.mutualInfoBits[0 * 3 + 2], 0.0, 1e-12);
    EXPECT_NEAR(r.mutualInfoBits[1 * 3 + 2], 0.0, 1e-12);
    EXPECT_NEAR(r.mutualInfoBits[2 * 3 + 2], 2.0, 1e-12); // diagonal: entropy
    EXPECT_NEAR(r.normalizedMI[0 * 3 + 1], 1.0, 1e-12);
    EXPECT_NEAR(r.normalizedMI[0 * 3 + 0], 1.0, 1e-12);

    // A partially informative pair: joint (0,0) x2, (1,1) x1, (1,0) x1 on 4 tokens.
    std::vector<SeqSpec> seqs;
    const int pairs[4][2] = {{0, 0}, {0, 0}, {1, 1}, {1, 0}};
    for (int i = 0; i < 4; ++i) {
        SeqSpec s;
        s.seqId = i;
        s.tokens = {{{pairs[i][0]}, {pairs[i][1]}}};
        seqs.push_back(s);
    }
    const AnalysisResult p = analyze(std::vector<RoutingBlock>{makeBlock(2, 2, 1, seqs)});
    // p(a)=(.5,.5), p(b)=(.75,.25); MI = .5 log2(.5/.375) + .25 log2(.25/.125) + .25 log2(.25/.375)
    const double mi = 0.5 * std::log2(0.5 / 0.375) + 0.25 * std::log2(0.25 / 0.125) +
                      0.25 * std::log2(0.25 / 0.375);
    EXPECT_NEAR(p.transition(1, 0)->mutualInfoBits, mi, 1e-12);
    const double hb = -(0.75 * std::log2(0.75) + 0.25 * std::log2(0.25));
    EXPECT_NEAR(p.transition(1, 0)->normalizedMI, mi / hb, 1e-12);
    EXPECT_NEAR(p.mutualInfoBits[1], mi, 1e-12);
}

TEST(AnalysisStats, LayerPairMiCanBeTurnedOff)
{
    AnalysisOptions o;
    o.layerPairMI = false;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{miBlock()}, o);
    EXPECT_TRUE(r.mutualInfoBits.empty());
    EXPECT_NEAR(r.transition(1, 0)->mutualInfoBits, 2.0, 1e-12);
}

TEST(AnalysisStats, MaxTokensStopsEarly)
{
    AnalysisOptions o;
    o.maxTokens = 5;
    const AnalysisResult r = analyzeSmall(o);
    EXPECT_EQ(r.tokens, 5);
    EXPECT_EQ(r.sequences, 2);
    EXPECT_EQ(r.source("web")->tokens, 1);
    EXPECT_EQ(r.overall.repetition[0].pairs, 3);
}

TEST(AnalysisStats, AccumulatorRejectsMismatchedOrInvalidBlocks)
{
    AnalysisAccumulator acc;
    acc.add(smallBlock());
    SeqSpec s;
    s.seqId = 9;
    s.tokens = {{{0, 1}, {0, 1}, {0, 1}}};
    try {
        acc.add(makeBlock(3, 4, 2, {s}));
        ADD_FAILURE() << "a block of 3 layers after one of 2 must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("(layers 3, experts 4, top-2, lookahead {}, logits no) differs from the "
                                             "first block's (layers 2"),
                  std::string::npos)
            << e.what();
    }
    RoutingBlock probes = smallBlock();
    probes.dims.lookahead = {1}; // other probe distances: another routing contract
    EXPECT_THROW(acc.add(probes), Error);
    RoutingBlock bad = smallBlock();
    bad.topkIds[0] = 7; // out of range for E = 4
    EXPECT_THROW(acc.add(bad), Error);
    RoutingBlock shortIds = smallBlock();
    shortIds.topkIds.pop_back();
    EXPECT_THROW(acc.add(shortIds), Error);
    EXPECT_EQ(acc.tokens(), 6);
    // Logits are not read: a block of the same routing with logits joins.
    RoutingBlock withLogits = smallBlock();
    withLogits.dims.hasLogits = true;
    acc.add(withLogits);
    EXPECT_EQ(acc.tokens(), 12);
    // Empty analysis: no dims, no crash.
    const AnalysisResult empty = AnalysisAccumulator().finish();
    EXPECT_EQ(empty.tokens, 0);
    EXPECT_EQ(empty.layers, 0);
}

TEST(AnalysisStats, ProgressAndCancel)
{
    int calls = 0;
    analyze(std::vector<RoutingBlock>{smallBlock()}, {}, [&](const Progress& p) {
        ++calls;
        EXPECT_EQ(p.stage, "analyze");
        EXPECT_EQ(p.total, 6);
        return true;
    });
    EXPECT_GE(calls, 2);
    EXPECT_THROW(analyze(std::vector<RoutingBlock>{smallBlock()}, {},
                         [](const Progress&) { return false; }),
                 Cancelled);
}
