// The synthetic routing generator (core/trace/synthetic_trace.h): presets at real models'
// dims, determinism, ids distinct and in range, optional weights, phase, and a noise knob
// that controls how much structure the routing has.
#include "core/trace/synthetic_trace.h"
#include "core/util/error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace specmoe;

namespace {

// Share of slots (token t > 0 of a sequence, layer l, slot j) holding the previous token's
// slot-j expert: the token-to-token structure of slotwise routing.
double sameSlotAsPrevious(const RoutingBlock& b)
{
    const size_t LK = size_t(b.dims.layers) * size_t(b.dims.topk);
    int64_t same = 0, all = 0;
    for (const SequenceRecord& s : b.sequences)
        for (int32_t i = 1; i < s.length; ++i) {
            const size_t t = size_t(s.tokenOffset + i);
            for (size_t q = 0; q < LK; ++q) {
                same += b.topkIds[t * LK + q] == b.topkIds[(t - 1) * LK + q];
                ++all;
            }
        }
    return all ? double(same) / double(all) : 0.0;
}

} // namespace

TEST(SyntheticTrace, PresetsHaveTheModelsDims)
{
    const SyntheticPreset& q = syntheticPreset("qwen3-30b-a3b");
    EXPECT_EQ(q.dims.layers, 48);
    EXPECT_EQ(q.dims.experts, 128);
    EXPECT_EQ(q.dims.topk, 8);
    const SyntheticPreset& d = syntheticPreset("deepseek-v3");
    EXPECT_EQ(d.dims.experts, 256);
    EXPECT_EQ(d.dims.layers, 58);
    EXPECT_EQ(d.dims.decoderLayers, 61);
    EXPECT_EQ(d.dims.sharedExperts, 1);
    ASSERT_EQ(d.dims.moeLayers.size(), 58u);
    EXPECT_EQ(d.dims.moeLayers.front(), 3);
    EXPECT_EQ(d.dims.moeLayers.back(), 60);
    EXPECT_EQ(syntheticPreset("mixtral-8x22b").dims.layers, 56);
    EXPECT_EQ(syntheticPreset("olmoe").dims.experts, 64);
    EXPECT_EQ(syntheticPreset("gpt-oss-120b").dims.topk, 4);
    EXPECT_EQ(syntheticPresets().size(), 6u);
    try {
        syntheticPreset("qwen4");
        FAIL() << "an unknown preset was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("qwen3-30b-a3b"), std::string::npos) << e.what();
    }
}

TEST(SyntheticTrace, QwenDimsWithoutWeightsDeterministicAndValid)
{
    SyntheticRouting s = presetRouting(syntheticPreset("qwen3-30b-a3b"), /*weights=*/false);
    s.minLength = 20;
    s.maxLength = 60;
    s.generatedTokens = 5;
    const std::vector<RoutingBlock> blocks = syntheticTokenBlocks(s, 1000, 300);
    ASSERT_GE(blocks.size(), 3u);
    int64_t tokens = 0;
    for (const RoutingBlock& b : blocks) {
        tokens += int64_t(b.numTokens());
        EXPECT_TRUE(b.topkWeights.empty());
        EXPECT_FALSE(b.dims.hasWeights);
        EXPECT_EQ(b.topkIds.size(), b.numTokens() * 48 * 8);
        for (size_t r = 0; r < b.numTokens() * 48; ++r) {
            std::set<int> set;
            for (int j = 0; j < 8; ++j) {
                const int e = b.topkIds[r * 8 + size_t(j)];
                ASSERT_LT(e, 128);
                set.insert(e);
            }
            ASSERT_EQ(set.size(), 8u) << "row " << r << " repeats an expert";
        }
        for (const SequenceRecord& q : b.sequences) {
            EXPECT_EQ(q.generatedTokens, std::min(5, q.length));
            EXPECT_EQ(q.requestId, "req-" + std::to_string(q.seqId));
        }
    }
    EXPECT_EQ(tokens, 1000);
    // Same spec, same routing; the stream equals the blocks made one by one.
    const RoutingBlock all = syntheticTokens(s, 1000);
    RoutingBlock joined = blocks.front();
    for (size_t i = 1; i < blocks.size(); ++i)
        joined.append(blocks[i]);
    EXPECT_EQ(all.topkIds, joined.topkIds);
    EXPECT_EQ(all.tokenIds, joined.tokenIds);
    s.seed = 2;
    EXPECT_NE(syntheticTokens(s, 1000).topkIds, all.topkIds);
}

TEST(SyntheticTrace, NoiseControlsTheStructure)
{
    const SyntheticPreset& p = syntheticPreset("olmoe");
    double rate[3];
    const double noise[3] = {0.0, 0.2, 1.0};
    for (int i = 0; i < 3; ++i) {
        SyntheticRouting s = presetRouting(p, true, noise[i]);
        s.minLength = s.maxLength = 64;
        rate[i] = sameSlotAsPrevious(syntheticTokens(s, 4096));
    }
    // stick = 0.2 * (1 - noise) / 0.8 of the slots copy the previous token's slot (a few are
    // duplicates and redrawn); chained slots repeat when the layer above did; a fresh skewed
    // draw repeats it a few percent of the time.
    EXPECT_GT(rate[0], 0.25);
    EXPECT_LT(rate[0], 0.45);
    EXPECT_GT(rate[1], 0.2);
    EXPECT_LT(rate[1], rate[0] - 0.03);
    EXPECT_LT(rate[2], 0.06);
    EXPECT_THROW(presetRouting(p, true, 1.5), Error);
}

TEST(SyntheticTrace, WholeSetRulesKeepTheirMeaning)
{
    // chain = 1: every layer is a fixed permutation of the layer above, so the set at the last
    // layer is a function of the set at layer 0.
    SyntheticRouting s;
    s.dims.layers = 5;
    s.chain = 1.0;
    s.sequences = 40;
    const RoutingBlock b = syntheticBlock(s, 0);
    const size_t LK = 5 * 2;
    std::map<std::pair<int, int>, std::pair<int, int>> f;
    for (size_t t = 0; t < b.numTokens(); ++t) {
        const auto key = std::make_pair(int(b.topkIds[t * LK]), int(b.topkIds[t * LK + 1]));
        const auto val = std::make_pair(int(b.topkIds[t * LK + 8]), int(b.topkIds[t * LK + 9]));
        const auto [it, fresh] = f.emplace(key, val);
        EXPECT_TRUE(fresh || it->second == val);
    }
    EXPECT_EQ(b.topkWeights.size(), b.topkIds.size());
}

TEST(SyntheticTrace, RefusesBadSpecs)
{
    SyntheticRouting s;
    s.dims.topk = 9;
    EXPECT_THROW(syntheticBlock(s), Error);
    s = SyntheticRouting{};
    s.chain = 0.7;
    s.stick = 0.6;
    EXPECT_THROW(syntheticBlock(s), Error);
}

TEST(SyntheticTrace, DeepSeekDimsUseIdsAbove255)
{
    SyntheticRouting s = presetRouting(syntheticPreset("deepseek-v3"), false);
    s.minLength = s.maxLength = 32;
    const RoutingBlock b = syntheticTokens(s, 256);
    int mx = 0;
    for (ExpertId e : b.topkIds) {
        ASSERT_LT(int(e), 256);
        mx = std::max(mx, int(e));
    }
    EXPECT_EQ(mx, 255);
    EXPECT_EQ(b.dims.moeLayers.size(), 58u);
}
