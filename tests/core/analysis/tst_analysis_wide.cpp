// The analysis of any MoE's traces: 128 experts / top-8 / 48 layers without router weights
// (Qwen3-30B-A3B, as imported from a serving engine), ids above 127, a layer map (only the
// MoE layers stored: results name decoder layers) and DeepSeek-V3's 256 experts.
#include "core/analysis/analysis.h"
#include "core/trace/synthetic_trace.h"
#include "core/trace/token_id.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

using namespace specmoe;

namespace {

RoutingBlock qwenBlock(int64_t tokens, bool weights = false)
{
    SyntheticRouting s = presetRouting(syntheticPreset("qwen3-30b-a3b"), weights);
    s.minLength = s.maxLength = 64;
    return syntheticTokens(s, tokens);
}

// Lines of a CSV file, header first.
std::vector<std::string> csvLines(const std::string& path)
{
    std::ifstream f(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(f, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> fields(const std::string& line)
{
    std::vector<std::string> out;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');)
        out.push_back(x);
    if (!line.empty() && line.back() == ',')
        out.emplace_back();
    return out;
}

double choose(int n, int r)
{
    double c = 1;
    for (int i = 0; i < r; ++i)
        c = c * double(n - i) / double(i + 1);
    return c;
}

} // namespace

TEST(AnalysisWide, QwenDimsWithoutWeights)
{
    const RoutingBlock b = qwenBlock(4096);
    AnalysisOptions o;
    o.journeyFirstSequences = 1;
    o.samplesPerCell = 2;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, o);
    EXPECT_EQ(r.layers, 48);
    EXPECT_EQ(r.experts, 128);
    EXPECT_EQ(r.topk, 8);
    EXPECT_FALSE(r.hasWeights);
    EXPECT_NEAR(r.randomOverlapRate, 1.0 - choose(120, 8) / choose(128, 8), 1e-12);
    for (const LayerLoad& ll : r.overall.layers) {
        ASSERT_EQ(ll.firstCounts.size(), 128u);
        ASSERT_EQ(ll.coactivation.size(), 128u * 128u);
        EXPECT_TRUE(ll.weightSums.empty()); // absent, not zero
        EXPECT_TRUE(ll.weightShare.empty());
        EXPECT_EQ(std::accumulate(ll.anyCounts.begin(), ll.anyCounts.end(), int64_t(0)), 4096 * 8);
        EXPECT_EQ(std::accumulate(ll.firstCounts.begin(), ll.firstCounts.end(), int64_t(0)), 4096);
        EXPECT_NEAR(std::accumulate(ll.anyShare.begin(), ll.anyShare.end(), 0.0), 1.0, 1e-9);
        // every pair of a token's 8 experts co-activates: 28 pairs a token, counted both ways
        int64_t off = 0;
        for (int a = 0; a < 128; ++a)
            for (int c = 0; c < 128; ++c)
                if (a != c)
                    off += ll.coactivation[size_t(a) * 128 + size_t(c)];
        EXPECT_EQ(off, 4096 * 28 * 2);
        EXPECT_TRUE(std::isfinite(ll.entropyAnyNorm));
        EXPECT_GT(ll.entropyFirstNorm, 0.5);
        EXPECT_LT(ll.entropyFirstNorm, 1.0);
    }
    // The generator's structure shows: sticky routing above the load's expectation,
    // cross-layer chain above the most-frequent baseline.
    const LayerRepetition& rp = r.overall.repetition[10];
    EXPECT_GT(rp.sameFirstRate, 2 * rp.sameFirstExpectedFromLoad);
    ASSERT_EQ(r.transitions.front().anyCounts.size(), 128u * 128u);
    EXPECT_EQ(std::accumulate(r.transitions.front().anyCounts.begin(), r.transitions.front().anyCounts.end(), int64_t(0)),
              4096 * 64);
    EXPECT_EQ(r.mutualInfoBits.size(), 48u * 48u);
    EXPECT_FALSE(r.layerPairMISkipped);
    // The ceiling at c = 1 fits in the default budget, c = 2 and 3 (E^3 contexts) do not.
    EXPECT_EQ(r.predictability.skippedContexts, (std::vector<int>{2, 3}));
    ASSERT_FALSE(r.predictability.summary.empty());
    const PredictabilitySummary& s = r.predictability.summary.front();
    EXPECT_EQ(s.context, 1);
    EXPECT_EQ(s.horizon, 1);
    EXPECT_GT(s.meanInSampleAccuracy, s.meanBaselineAccuracy + 0.2);
    // Journeys and samples carry ids, no weights.
    ASSERT_EQ(r.journeys.size(), 1u);
    EXPECT_EQ(r.journeys[0].tokens[0].experts.size(), 48u * 8u);
    EXPECT_TRUE(r.journeys[0].tokens[0].weights.empty());

    // JSON keeps hasWeights; CSV weight cells are empty, not 0.
    const nlohmann::json j = r;
    EXPECT_EQ(j.at("hasWeights"), false);
    EXPECT_FALSE(j.get<AnalysisResult>().hasWeights);
    test::TempDir dir("analysis-wide");
    writeAnalysisCsv(r, dir.path());
    const std::vector<std::string> load = csvLines(dir.file("load.csv"));
    ASSERT_EQ(load.size(), 1 + size_t(1 + r.sources.size()) * 48 * 128);
    const std::vector<std::string> row = fields(load[1]);
    ASSERT_EQ(row.size(), 10u) << load[1];
    EXPECT_EQ(row[8], "");
    EXPECT_EQ(row[9], "");
    const std::vector<std::string> jr = fields(csvLines(dir.file("journeys.csv"))[1]);
    ASSERT_EQ(jr.size(), 9u);
    EXPECT_EQ(jr[8], "");
}

TEST(AnalysisWide, WeightsStillCountedWhenPresent)
{
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{qwenBlock(512, true)}, AnalysisOptions{});
    EXPECT_TRUE(r.hasWeights);
    const LayerLoad& ll = r.overall.layers[3];
    ASSERT_EQ(ll.weightShare.size(), 128u);
    EXPECT_NEAR(std::accumulate(ll.weightShare.begin(), ll.weightShare.end(), 0.0), 1.0, 1e-2);
}

// Ids above 127 must not go through a signed char or a 7-bit table anywhere.
TEST(AnalysisWide, HighExpertIds)
{
    SyntheticRouting s;
    s.dims.layers = 3;
    s.dims.experts = 200;
    s.dims.topk = 2;
    s.sequences = 50;
    s.stick = 0.5;
    s.skew = 0.0; // uniform: ids up to 199 all occur
    const RoutingBlock b = syntheticBlock(s);
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, AnalysisOptions{});
    std::vector<int64_t> byId(200, 0);
    for (size_t i = 0; i < b.numTokens(); ++i)
        for (int j = 0; j < 2; ++j)
            ++byId[b.topkIds[b.idx(i, 1, j)]];
    EXPECT_EQ(r.overall.layers[1].anyCounts, byId);
    EXPECT_GT(byId[199] + byId[198] + byId[150], 0);
}

// Only MoE layers are stored: results keep stored indices, and every table a user reads
// names the decoder layer.
TEST(AnalysisWide, LayerMapLabelsDecoderLayers)
{
    SyntheticRouting s;
    s.dims.layers = 4;
    s.dims.experts = 16;
    s.dims.topk = 4;
    s.dims.moeLayers = {3, 5, 6, 9};
    s.dims.decoderLayers = 10;
    s.dims.sharedExperts = 1;
    s.dims.hasWeights = false;
    s.sequences = 20;
    s.chain = 0.5;
    const RoutingBlock b = syntheticBlock(s);
    AnalysisOptions o;
    o.journeyFirstSequences = 1;
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, o);
    EXPECT_EQ(r.moeLayers, (std::vector<int>{3, 5, 6, 9}));
    EXPECT_EQ(r.decoderLayers, 10);
    EXPECT_EQ(r.sharedExperts, 1);
    EXPECT_EQ(r.decoderLayer(2), 6);
    const AnalysisResult back = nlohmann::json(r).get<AnalysisResult>();
    EXPECT_EQ(back.moeLayers, r.moeLayers);
    EXPECT_EQ(back.sharedExperts, 1);

    test::TempDir dir("analysis-layer-map");
    writeAnalysisCsv(r, dir.path());
    std::set<std::string> loadLayers, transFrom, transTo, miLayers, predTargets, journeyLayers;
    for (const std::string& line : csvLines(dir.file("load.csv")))
        loadLayers.insert(fields(line)[1]);
    for (const std::string& line : csvLines(dir.file("transition_mi.csv"))) {
        transFrom.insert(fields(line)[1]);
        transTo.insert(fields(line)[2]);
    }
    for (const std::string& line : csvLines(dir.file("layer_mi.csv")))
        miLayers.insert(fields(line)[0]);
    for (const std::string& line : csvLines(dir.file("predictability.csv")))
        predTargets.insert(fields(line)[2]);
    for (const std::string& line : csvLines(dir.file("journeys.csv")))
        journeyLayers.insert(fields(line)[5]);
    EXPECT_EQ(loadLayers, (std::set<std::string>{"layer", "3", "5", "6", "9"}));
    EXPECT_EQ(transFrom, (std::set<std::string>{"from_layer", "3", "5", "6"}));
    EXPECT_EQ(transTo, (std::set<std::string>{"to_layer", "5", "6", "9"}));
    EXPECT_EQ(miLayers, (std::set<std::string>{"layer_i", "3", "5", "6", "9"}));
    EXPECT_EQ(predTargets, (std::set<std::string>{"target_layer", "5", "6", "9"}));
    EXPECT_EQ(journeyLayers, (std::set<std::string>{"layer", "3", "5", "6", "9"}));
}

TEST(AnalysisWide, LayerPairMatrixOverItsBudgetIsSkippedAndSaysSo)
{
    AnalysisOptions o;
    o.maxLayerPairEntries = 48 * 47 / 2 * 128 * 128 - 1;
    o.predictContexts = {1};
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{qwenBlock(256)}, o);
    EXPECT_TRUE(r.layerPairMISkipped);
    EXPECT_TRUE(r.mutualInfoBits.empty());
    EXPECT_EQ(r.transitions.size(), size_t(47 + 46 + 45)); // the rest is there
}

TEST(AnalysisWide, DeepSeekDims)
{
    SyntheticRouting s = presetRouting(syntheticPreset("deepseek-v3"), false);
    s.minLength = s.maxLength = 64;
    const RoutingBlock b = syntheticTokens(s, 1024);
    AnalysisOptions o;
    o.transitionDistances = {1};
    o.predictHorizons = {1};
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, o);
    EXPECT_EQ(r.experts, 256);
    EXPECT_EQ(r.layers, 58);
    EXPECT_EQ(r.decoderLayer(0), 3);
    EXPECT_EQ(r.decoderLayer(57), 60);
    EXPECT_EQ(r.sharedExperts, 1);
    // 58 * 57 / 2 * 65536 counters exceed the default budget: skipped, and said so.
    EXPECT_TRUE(r.layerPairMISkipped);
    // The ceiling at one layer of context fits (2 * 58 * 256 * 256 counters).
    EXPECT_EQ(r.predictability.skippedContexts, (std::vector<int>{2, 3}));
    ASSERT_EQ(r.predictability.summary.size(), 1u);
    EXPECT_GT(r.predictability.summary[0].meanInSampleAccuracy, r.predictability.summary[0].meanBaselineAccuracy);
    int64_t high = 0;
    for (const LayerLoad& ll : r.overall.layers) {
        ASSERT_EQ(ll.anyCounts.size(), 256u);
        high += ll.anyCounts[255] + ll.anyCounts[200];
        EXPECT_EQ(std::accumulate(ll.anyCounts.begin(), ll.anyCounts.end(), int64_t(0)), 1024 * 8);
    }
    EXPECT_GT(high, 0);
}

// Tokens an engine trace has no id for (kUnknownToken): no text is asked for them (a
// tokenizer refuses -1; the analysis failed with its error), journeys and samples keep -1
// with empty text, and a query never matches them.
TEST(AnalysisWide, UnknownTokenIdsGetNoText)
{
    SyntheticRouting s = presetRouting(syntheticPreset("qwen3-30b-a3b"), false);
    s.minLength = s.maxLength = 16;
    RoutingBlock b = syntheticTokens(s, 256);
    for (size_t t = 0; t < b.numTokens(); t += 2)
        b.tokenIds[t] = kUnknownToken;
    AnalysisOptions o;
    o.journeyFirstSequences = 1;
    o.samplesPerCell = 4;
    o.predictContexts = {1};
    o.predictHorizons = {1};
    o.queryTokens = {"x"};
    o.tokenText = [](int32_t id) {
        if (id < 0)
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary");
        return std::string("x"); // every known token matches the query
    };
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, o);
    ASSERT_EQ(r.journeys.size(), 1u);
    ASSERT_GE(r.journeys[0].tokens.size(), 2u);
    EXPECT_EQ(r.journeys[0].tokens[0].tokenId, kUnknownToken);
    EXPECT_EQ(r.journeys[0].tokens[0].text, "");
    EXPECT_EQ(r.journeys[0].tokens[1].text, "x");
    int64_t unknownSamples = 0;
    for (const auto& cell : r.samples.anyChoice)
        for (const TokenSample& x : cell) {
            unknownSamples += x.tokenId == kUnknownToken;
            EXPECT_EQ(x.text, x.tokenId == kUnknownToken ? "" : "x");
        }
    EXPECT_GT(unknownSamples, 0);
    ASSERT_EQ(r.queries.size(), 1u);
    EXPECT_EQ(r.queries[0].matches, int64_t(b.numTokens() / 2)); // the known half only
}

// The chunked counting at 128 experts / top-8 (the token-major any-of-top-k transitions and
// co-activation, the four-table layer-pair pass) against a plain count of the same tokens:
// every co-activation, any and first transition cell, and the layer-pair MI of nearby layers
// against the transitions' MI (both from the same counts).
TEST(AnalysisWide, ChunkedCountsEqualAPlainCountAtQwenDims)
{
    const RoutingBlock b = qwenBlock(6000); // more than one chunk of 4096 tokens
    const AnalysisResult r = analyze(std::vector<RoutingBlock>{b}, AnalysisOptions{});
    const int L = b.dims.layers, E = b.dims.experts, K = b.dims.topk;
    const size_t EE = size_t(E) * size_t(E);
    std::vector<std::vector<int64_t>> coact(size_t(L), std::vector<int64_t>(EE, 0));
    std::map<std::pair<int, int>, std::vector<int64_t>> first, any;
    for (int d : {1, 2, 3})
        for (int l = 0; l + d < L; ++l) {
            first[{d, l}].assign(EE, 0);
            any[{d, l}].assign(EE, 0);
        }
    for (size_t t = 0; t < b.numTokens(); ++t)
        for (int l = 0; l < L; ++l) {
            for (int i = 0; i < K; ++i)
                for (int j = i + 1; j < K; ++j) {
                    const size_t x = b.expert(t, l, i), y = b.expert(t, l, j);
                    ++coact[size_t(l)][std::min(x, y) * size_t(E) + std::max(x, y)];
                }
            for (int d : {1, 2, 3}) {
                if (l + d >= L)
                    continue;
                ++first[{d, l}][size_t(b.expert(t, l, 0)) * size_t(E) + b.expert(t, l + d, 0)];
                for (int i = 0; i < K; ++i)
                    for (int j = 0; j < K; ++j)
                        ++any[{d, l}][size_t(b.expert(t, l, i)) * size_t(E) + b.expert(t, l + d, j)];
            }
        }
    for (int l = 0; l < L; ++l) {
        const std::vector<int64_t>& got = r.overall.layers[size_t(l)].coactivation;
        for (size_t a = 0; a < size_t(E); ++a)
            for (size_t c = a + 1; c < size_t(E); ++c)
                ASSERT_EQ(got[a * size_t(E) + c], coact[size_t(l)][a * size_t(E) + c]) << "layer " << l;
    }
    for (const auto& [key, want] : any) {
        const LayerTransition* tr = r.transition(key.first, key.second);
        ASSERT_NE(tr, nullptr);
        EXPECT_EQ(tr->anyCounts, want) << "distance " << key.first << " layer " << key.second;
        EXPECT_EQ(tr->firstCounts, first.at(key)) << "distance " << key.first << " layer " << key.second;
    }
    ASSERT_EQ(r.mutualInfoBits.size(), size_t(L) * size_t(L));
    for (int d : {1, 2, 3})
        for (int l = 0; l + d < L; ++l)
            EXPECT_NEAR(r.mutualInfoBits[size_t(l) * size_t(L) + size_t(l + d)],
                        r.transition(d, l)->mutualInfoBits, 1e-9)
                << "layers " << l << ", " << l + d;
}
