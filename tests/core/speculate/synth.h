#pragma once
// The speculation tests' routing, from the shared generator (tests/support/synthetic_routing.h):
//  planted:  layer 0 draws a skewed random set; layer l+1 = perm_l(set at l), a fixed function.
//  shuffled: planted routing, then every layer's rows permuted across the tokens of the
//            block independently: per-layer usage kept, cross-layer structure destroyed.
#include "tests/support/synthetic_routing.h"

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

} // namespace specmoe::test
