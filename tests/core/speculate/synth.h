#pragma once
// The speculation tests' routing, from the shared generator (tests/support/synthetic_routing.h):
//  planted:  layer 0 draws a skewed random set; layer l+1 = perm_l(set at l), a fixed function.
//  shuffled: planted routing, then every layer's rows permuted across the tokens of the
//            block independently: per-layer usage kept, cross-layer structure destroyed.
#include "core/util/half.h"
#include "tests/support/synthetic_routing.h"

#include <random>
#include <vector>

namespace specmoe::test {

struct SynthSpec {
    int layers = 6, experts = 8, topk = 2;
    int sequences = 100, seqLen = 24;
    bool shuffled = false;
    std::vector<int> lookahead;  // probe distances
    double probeAccuracy = 0.8;  // chance a probe id is right
    uint64_t seed = 7;
};

inline SyntheticRouting plantedRouting(const SynthSpec& s)
{
    SyntheticRouting r;
    r.dims.layers = s.layers;
    r.dims.experts = s.experts;
    r.dims.topk = s.topk;
    r.dims.lookahead = s.lookahead;
    r.sequences = s.sequences;
    r.minLength = r.maxLength = s.seqLen;
    r.sources = {"synth"};
    r.vocabulary = 1000;
    r.chain = 1.0;
    r.firstWeight = 0.7; // fixed weights: the routing is an exact function of layer 0
    r.weightSpread = 0.0;
    r.probeAccuracy = s.probeAccuracy;
    r.seed = s.seed;
    return r;
}

inline RoutingBlock synthBlock(const SynthSpec& s, int64_t firstSeqId)
{
    RoutingBlock b = syntheticBlock(plantedRouting(s), firstSeqId);
    if (s.shuffled)
        shuffleLayers(b, s.seed * 977 + uint64_t(firstSeqId));
    return b;
}

// `blocks` blocks of s.sequences sequences each, consecutive sequence ids.
inline std::vector<RoutingBlock> synthBlocks(const SynthSpec& s, int blocks)
{
    std::vector<RoutingBlock> out;
    for (int i = 0; i < blocks; ++i)
        out.push_back(synthBlock(s, int64_t(i) * s.sequences));
    return out;
}

// Hidden-state features planted in a block: features of layer l hold, for each offset d of
// `offsets` (slot i = offsets[i]), a one-hot of the experts of layer l + d plus Gaussian noise
// of `noise` (zeros where l + d is beyond the last layer); F = offsets.size() * E.
// offsets {1, 2}: the future routing, as the next gates' logits would; {0}: layer l's own.
inline void plantFeatures(RoutingBlock& b, const std::vector<int>& offsets, double noise, uint64_t seed)
{
    const int L = b.dims.layers, E = b.dims.experts, k = b.dims.topk;
    const int F = int(offsets.size()) * E;
    b.dims.featureDim = F;
    b.features.assign(b.numTokens() * size_t(L) * size_t(F), 0);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, float(noise));
    for (size_t t = 0; t < b.numTokens(); ++t)
        for (int l = 0; l < L; ++l)
            for (size_t s = 0; s < offsets.size(); ++s) {
                const int src = l + offsets[s];
                std::vector<float> v(size_t(E), 0.0f);
                if (src < L) {
                    for (int j = 0; j < k; ++j)
                        v[b.expert(t, src, j)] = 1.0f;
                    for (float& x : v)
                        x += gauss(rng);
                }
                uint16_t* out = b.features.data() + (t * size_t(L) + size_t(l)) * size_t(F) + s * size_t(E);
                for (int e = 0; e < E; ++e)
                    out[e] = floatToHalf(v[size_t(e)]);
            }
}

// Routing with weak layer-to-layer structure (chain 0.3, the rest noise): the history says
// little about the next layers, so features that carry them show.
inline SyntheticRouting weakChainRouting(int sequences, std::vector<int> lookahead, double probeAccuracy)
{
    SyntheticRouting r;
    r.dims.layers = 6;
    r.dims.experts = 8;
    r.dims.topk = 2;
    r.dims.lookahead = std::move(lookahead);
    r.sequences = sequences;
    r.minLength = r.maxLength = 24;
    r.sources = {"synth"};
    r.vocabulary = 1000;
    r.chain = 0.3;
    r.probeAccuracy = probeAccuracy;
    r.seed = 19;
    return r;
}

// `blocks` blocks of weakChainRouting with features planted at `offsets`.
inline std::vector<RoutingBlock> featureBlocks(const SyntheticRouting& r, int blocks, const std::vector<int>& offsets,
                                               double noise)
{
    std::vector<RoutingBlock> out;
    for (int i = 0; i < blocks; ++i) {
        RoutingBlock b = syntheticBlock(r, int64_t(i) * r.sequences);
        plantFeatures(b, offsets, noise, 1000 + uint64_t(i));
        out.push_back(std::move(b));
    }
    return out;
}

} // namespace specmoe::test
