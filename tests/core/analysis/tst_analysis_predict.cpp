// Predictability ceiling, token journeys, token-text queries and per-cell token samples.
#include "core/analysis/analysis.h"
#include "core/util/error.h"
#include "tests/core/analysis/analysis_test_blocks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace specmoe;
using specmoe::test::makeBlock;
using specmoe::test::SeqSpec;

namespace {

// L=4, E=4, K=1; 1600 one-token sequences i with a = i%4, b = (i/4)%4:
// layer0 = a, layer1 = (a+1)%4, layer2 = b, layer3 = (a+b)%4.
RoutingBlock predictBlock()
{
    std::vector<SeqSpec> seqs;
    for (int i = 0; i < 1600; ++i) {
        const int a = i % 4, b = (i / 4) % 4;
        SeqSpec s;
        s.seqId = 1000 + i;
        s.source = "p";
        s.tokens = {{{a}, {(a + 1) % 4}, {b}, {(a + b) % 4}}};
        seqs.push_back(s);
    }
    return makeBlock(4, 4, 1, seqs);
}

const PredictabilityCell* cell(const AnalysisResult& r, int c, int h, int t)
{
    for (const auto& x : r.predictability.cells)
        if (x.context == c && x.horizon == h && x.targetLayer == t)
            return &x;
    return nullptr;
}

} // namespace

TEST(AnalysisPredict, CeilingOnKnownDependencies)
{
    AnalysisOptions o;
    o.split.trainFraction = 0.75;
    o.split.validationFraction = 0.0;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{predictBlock()}, o);
    const Predictability& p = r.predictability;
    EXPECT_EQ(p.trainSequences + p.testSequences, 1600);
    EXPECT_GT(p.testSequences, 300);
    EXPECT_LT(p.testSequences, 500);
    EXPECT_TRUE(p.skippedContexts.empty());

    // layer1 is a function of layer0.
    const PredictabilityCell* c = cell(r, 1, 1, 1);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->trainTokens + c->testTokens, 1600);
    EXPECT_EQ(c->testTokens, p.testSequences);
    EXPECT_DOUBLE_EQ(c->heldOutAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(c->inSampleAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(c->unseenContextShare, 0.0);
    EXPECT_LT(c->baselineAccuracy, 0.4);

    // layer2 is independent of layer1: every context sees b uniformly.
    c = cell(r, 1, 1, 2);
    ASSERT_NE(c, nullptr);
    EXPECT_DOUBLE_EQ(c->inSampleAccuracy, 0.25);
    EXPECT_LT(c->heldOutAccuracy, 0.4);

    // layer3 = (a+b)%4: one layer of history (layer2 = b) is not enough, two are
    // (layer1 gives a), and three as well.
    EXPECT_DOUBLE_EQ(cell(r, 1, 1, 3)->inSampleAccuracy, 0.25);
    EXPECT_DOUBLE_EQ(cell(r, 2, 1, 3)->heldOutAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(cell(r, 2, 1, 3)->inSampleAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(cell(r, 3, 1, 3)->heldOutAccuracy, 1.0);
    // Horizon 2 from layer1 alone (a): not enough for layer3; from layer0 to layer2: nothing.
    EXPECT_DOUBLE_EQ(cell(r, 1, 2, 3)->inSampleAccuracy, 0.25);
    EXPECT_DOUBLE_EQ(cell(r, 1, 2, 2)->inSampleAccuracy, 0.25);
    // Horizon 2, context 2: layers 0,1 (both a) to layer3: not enough.
    EXPECT_DOUBLE_EQ(cell(r, 2, 2, 3)->inSampleAccuracy, 0.25);
    // Horizon 3: layer0 -> layer3.
    EXPECT_DOUBLE_EQ(cell(r, 1, 3, 3)->inSampleAccuracy, 0.25);
    // Cells that need layers before 0 do not exist.
    EXPECT_EQ(cell(r, 3, 1, 2), nullptr);
    EXPECT_EQ(cell(r, 2, 2, 2), nullptr);
    EXPECT_EQ(cell(r, 1, 1, 0), nullptr);
    // Cells: c1: h1 {1,2,3} h2 {2,3} h3 {3}; c2: h1 {2,3} h2 {3}; c3: h1 {3}.
    EXPECT_EQ(p.cells.size(), 6u + 3u + 1u);

    // Summaries are token-weighted means over target layers.
    for (const auto& s : p.summary) {
        if (s.context == 1 && s.horizon == 1) {
            const double expect = (cell(r, 1, 1, 1)->heldOutAccuracy +
                                   cell(r, 1, 1, 2)->heldOutAccuracy +
                                   cell(r, 1, 1, 3)->heldOutAccuracy) /
                                  3.0;
            EXPECT_NEAR(s.meanHeldOutAccuracy, expect, 1e-12);
            EXPECT_NEAR(s.meanInSampleAccuracy, (1.0 + 0.25 + 0.25) / 3.0, 1e-12);
        }
    }
    EXPECT_EQ(p.summary.size(), 6u); // (1,1) (1,2) (1,3) (2,1) (2,2) (3,1)
}

TEST(AnalysisPredict, BaselineAndUnseenContexts)
{
    // Layer0 = seq parity pattern, layer1 always expert 2: the baseline is perfect.
    std::vector<SeqSpec> seqs;
    for (int i = 0; i < 200; ++i) {
        SeqSpec s;
        s.seqId = i;
        s.tokens = {{{i % 3}, {2}}};
        seqs.push_back(s);
    }
    AnalysisOptions o;
    o.predictContexts = {1};
    o.predictHorizons = {1};
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{makeBlock(2, 4, 1, seqs)}, o);
    const PredictabilityCell* c = cell(r, 1, 1, 1);
    ASSERT_NE(c, nullptr);
    EXPECT_DOUBLE_EQ(c->baselineAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(c->heldOutAccuracy, 1.0);

    // Context seen only in the test split: predicted by the baseline.
    AnalysisOptions all = o;
    all.split.trainFraction = all.split.validationFraction = 0.0; // nothing to train on
    const AnalysisResult t = analyze(std::vector<RoutingBlock>{makeBlock(2, 4, 1, seqs)}, all);
    c = cell(t, 1, 1, 1);
    EXPECT_EQ(c->trainTokens, 0);
    EXPECT_EQ(c->testTokens, 200);
    EXPECT_DOUBLE_EQ(c->unseenContextShare, 1.0);
}

TEST(AnalysisPredict, OversizedContextTablesAreSkipped)
{
    AnalysisOptions o;
    o.maxPredictTableEntries = 2 * 3 * 4 * 4 * 4;   // c = 1 needs 2*3*4*4*4 entries
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{predictBlock()}, o);
    EXPECT_EQ(r.predictability.skippedContexts, (std::vector<int>{2, 3}));
    EXPECT_NE(cell(r, 1, 1, 1), nullptr);
    EXPECT_EQ(cell(r, 2, 1, 3), nullptr);
}

namespace {

std::string pieceOf(int32_t id)
{
    switch (id) {
    case 7:
        return "\xE2\x96\x81"
               "def";
    case 8:
        return "def";
    case 9:
        return "\xE2\x96\x81";
    default:
        return "t" + std::to_string(id);
    }
}

// L=2, E=4, K=2; three sequences with token ids chosen for the queries.
std::vector<SeqSpec> textSeqs()
{
    SeqSpec a;
    a.seqId = 10;
    a.source = "code";
    a.tokens = {{{0, 1}, {2, 3}}, {{1, 2}, {3, 0}}, {{2, 3}, {0, 1}}};
    a.tokenIds = {7, 5, 8};
    SeqSpec b;
    b.seqId = 11;
    b.source = "web";
    b.tokens = {{{3, 2}, {1, 0}}, {{0, 3}, {2, 1}}};
    b.tokenIds = {8, 9};
    b.firstPosition = 40;
    SeqSpec c;
    c.seqId = 12;
    c.source = "web";
    c.tokens = {{{1, 0}, {1, 2}}};
    c.tokenIds = {7};
    return {a, b, c};
}

} // namespace

TEST(AnalysisJourneys, ChosenSequencesWithTextAndWeights)
{
    AnalysisOptions o;
    o.journeySeqIds = {11};
    o.journeyFirstSequences = 1; // also seq 10
    o.tokenText = pieceOf;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{makeBlock(2, 4, 2, textSeqs())}, o);
    ASSERT_EQ(r.journeys.size(), 2u);
    const SequenceJourney& j10 = r.journeys[0];
    EXPECT_EQ(j10.seqId, 10);
    EXPECT_EQ(j10.source, "code");
    EXPECT_EQ(j10.docId, "doc10");
    EXPECT_EQ(j10.length, 3);
    ASSERT_EQ(j10.tokens.size(), 3u);
    EXPECT_EQ(j10.tokens[1].tokenId, 5);
    EXPECT_EQ(j10.tokens[1].text, "t5");
    EXPECT_EQ(j10.tokens[1].position, 1);
    EXPECT_EQ(j10.tokens[1].experts, (std::vector<ExpertId>{1, 2, 3, 0}));
    EXPECT_EQ(j10.tokens[1].weights, (std::vector<float>{0.75f, 0.25f, 0.75f, 0.25f}));
    const SequenceJourney& j11 = r.journeys[1];
    EXPECT_EQ(j11.seqId, 11);
    ASSERT_EQ(j11.tokens.size(), 2u);
    EXPECT_EQ(j11.tokens[0].position, 40);
    EXPECT_EQ(j11.tokens[0].experts, (std::vector<ExpertId>{3, 2, 1, 0}));

    // Bounded tokens per sequence; works across blocks too.
    o.maxJourneyTokens = 2;
    o.journeySeqIds = {10};
    o.journeyFirstSequences = 0;
    const AnalysisResult s =
        analyze(specmoe::test::splitPerToken(makeBlock(2, 4, 2, textSeqs())), o);
    ASSERT_EQ(s.journeys.size(), 1u);
    EXPECT_EQ(s.journeys[0].length, 3);
    EXPECT_EQ(s.journeys[0].tokens.size(), 2u);
}

TEST(AnalysisJourneys, SequenceJourneyFromABlock)
{
    const RoutingBlock b = makeBlock(2, 4, 2, textSeqs());
    const SequenceJourney j = sequenceJourney(b, b.sequences[1], pieceOf);
    EXPECT_EQ(j.seqId, 11);
    ASSERT_EQ(j.tokens.size(), 2u);
    EXPECT_EQ(j.tokens[0].text, "def");
    EXPECT_EQ(j.tokens[1].experts, (std::vector<ExpertId>{0, 3, 2, 1}));
    SequenceRecord bad = b.sequences[1];
    bad.length = 100;
    EXPECT_THROW(sequenceJourney(b, bad), Error);
}

TEST(AnalysisJourneys, TokenTextMatching)
{
    const std::string def = "\xE2\x96\x81"
                            "def";
    EXPECT_TRUE(tokenTextMatches("def", "def", true));
    EXPECT_TRUE(tokenTextMatches(def, "def", true));
    EXPECT_TRUE(tokenTextMatches("def", def, true));
    EXPECT_FALSE(tokenTextMatches(def, "def", false));
    EXPECT_FALSE(tokenTextMatches("define", "def", true));
    EXPECT_FALSE(tokenTextMatches("\xE2\x96\x81", "", true));
}

TEST(AnalysisJourneys, QueriesDuringTheAnalysis)
{
    AnalysisOptions o;
    o.tokenText = pieceOf;
    o.queryTokens = {"def", "t5", "absent"};
    o.maxQueryResults = 2;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{makeBlock(2, 4, 2, textSeqs())}, o);
    ASSERT_EQ(r.queries.size(), 3u);
    const TokenQueryResult& d = r.queries[0];
    EXPECT_EQ(d.query, "def");
    EXPECT_EQ(d.matches, 4); // ids 7, 8 (seq 10), 8 (seq 11), 7 (seq 12)
    ASSERT_EQ(d.journeys.size(), 2u);
    EXPECT_EQ(d.journeys[0].seqId, 10);
    EXPECT_EQ(d.journeys[0].position, 0);
    EXPECT_EQ(d.journeys[1].position, 2);
    EXPECT_EQ(d.journeys[1].experts, (std::vector<ExpertId>{2, 3, 0, 1}));
    EXPECT_EQ(r.queries[1].matches, 1);
    EXPECT_EQ(r.queries[2].matches, 0);

    // Exact matching only.
    o.queryIgnoresSpaceMarker = false;
    const AnalysisResult e = analyze(std::vector<RoutingBlock>{makeBlock(2, 4, 2, textSeqs())}, o);
    EXPECT_EQ(e.queries[0].matches, 2);

    // Without a token-text function there is nothing to match.
    o.tokenText = nullptr;
    const AnalysisResult n = analyze(std::vector<RoutingBlock>{makeBlock(2, 4, 2, textSeqs())}, o);
    EXPECT_TRUE(n.queries.empty());
}

TEST(AnalysisJourneys, FindTokenJourneysStopsWhenFull)
{
    const std::vector<RoutingBlock> blocks = specmoe::test::splitPerToken(makeBlock(2, 4, 2, textSeqs()));
    int visited = 0;
    BlockSource src = [&](const BlockVisitor& visit) {
        for (const auto& b : blocks) {
            ++visited;
            if (!visit(b))
                return;
        }
    };
    const TokenQueryResult q = findTokenJourneys(src, "def", pieceOf, 2);
    EXPECT_EQ(q.journeys.size(), 2u);
    EXPECT_EQ(q.matches, 2);
    EXPECT_EQ(visited, 3); // stopped at the second match (third token)
    EXPECT_EQ(q.journeys[1].seqId, 10);
    EXPECT_EQ(q.journeys[1].tokenId, 8);
    EXPECT_EQ(q.journeys[1].text, "def");

    visited = 0;
    const TokenQueryResult all = findTokenJourneys(src, "def", pieceOf, 0);
    EXPECT_EQ(all.matches, 4);
    EXPECT_TRUE(all.journeys.empty());
    EXPECT_EQ(visited, 6);
    EXPECT_THROW(findTokenJourneys(src, "def", nullptr), Error);
}

TEST(AnalysisSamples, CellsHoldTokensRoutedThere)
{
    AnalysisOptions o;
    o.samplesPerCell = 2;
    o.tokenText = pieceOf;
    const RoutingBlock b = makeBlock(2, 4, 2, textSeqs());
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, o);
    const TokenSamples& s = r.samples;
    EXPECT_EQ(s.perCell, 2);
    ASSERT_EQ(s.firstChoice.size(), 8u);
    for (int l = 0; l < 2; ++l)
        for (int e = 0; e < 4; ++e) {
            EXPECT_EQ(s.firstSeen[size_t(l * 4 + e)], r.overall.layers[size_t(l)].firstCounts[size_t(e)]);
            EXPECT_EQ(s.anySeen[size_t(l * 4 + e)], r.overall.layers[size_t(l)].anyCounts[size_t(e)]);
            EXPECT_EQ(int64_t(s.at(l, e, true).size()), std::min<int64_t>(2, s.firstSeen[size_t(l * 4 + e)]));
            for (bool first : {true, false})
                for (const TokenSample& x : s.at(l, e, first)) {
                    // Find the token and check it was routed to e at rank x.rank.
                    bool found = false;
                    for (size_t t = 0; t < b.numTokens(); ++t)
                        if (b.seqIds[t] == x.seqId && b.positions[t] == x.position) {
                            found = true;
                            EXPECT_EQ(b.expert(t, l, x.rank), e);
                            EXPECT_EQ(b.tokenIds[t], x.tokenId);
                            EXPECT_EQ(x.text, pieceOf(x.tokenId));
                            EXPECT_FLOAT_EQ(x.weight, specmoe::test::testWeight(2, x.rank));
                            if (first) {
                                EXPECT_EQ(x.rank, 0);
                            }
                        }
                    EXPECT_TRUE(found);
                }
        }
    // Layer 0, expert 0 at any rank: seq 10 pos 0 (rank 0), seq 11 pos 41 (rank 0),
    // seq 12 pos 0 (rank 1): three occurrences, two kept.
    EXPECT_EQ(s.anySeen[0], 3);
    EXPECT_EQ(s.at(0, 0, false).size(), 2u);
    EXPECT_TRUE(s.at(9, 0, true).empty());
    EXPECT_TRUE(s.at(0, 4, true).empty());
    EXPECT_TRUE(s.at(-1, 0, true).empty());

    o.samplesPerCell = 0;
    const AnalysisResult none = analyze(std::vector<RoutingBlock>{b}, o);
    EXPECT_TRUE(none.samples.firstChoice.empty());
    EXPECT_TRUE(none.samples.at(0, 0, true).empty());
}

TEST(AnalysisSamples, ReservoirIsUniform)
{
    // 20000 tokens all routed to expert 0 at layer 0; 200 samples: their positions should
    // spread over the whole range, not cluster at the start.
    SeqSpec s;
    s.seqId = 1;
    s.tokens.assign(20000, {{0}});
    AnalysisOptions o;
    o.samplesPerCell = 200;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{makeBlock(1, 2, 1, {s})}, o);
    const auto& v = r.samples.at(0, 0, true);
    ASSERT_EQ(v.size(), 200u);
    double mean = 0;
    int upperHalf = 0;
    std::set<int32_t> distinct;
    for (const auto& x : v) {
        mean += x.position;
        upperHalf += x.position >= 10000;
        distinct.insert(x.position);
    }
    mean /= 200.0;
    EXPECT_EQ(distinct.size(), 200u);
    EXPECT_GT(mean, 8000);
    EXPECT_LT(mean, 12000);
    EXPECT_GT(upperHalf, 70);
    EXPECT_LT(upperHalf, 130);
    EXPECT_EQ(r.samples.firstSeen[0], 20000);
}
