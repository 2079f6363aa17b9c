#pragma once
// Synthetic routing for the speculation tests and benchmarks (header-only).
//  planted:  layer 0 draws a skewed random set; layer l+1 = perm_l(set at l), a fixed function.
//  shuffled: planted routing, then every layer's rows permuted across the tokens of the
//            block independently: per-layer usage kept, cross-layer structure destroyed.
#include "core/trace/routing.h"
#include "core/util/half.h"

#include <algorithm>
#include <numeric>
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

inline RoutingBlock synthBlock(const SynthSpec& s, int64_t firstSeqId)
{
    std::mt19937_64 rng(s.seed * 977 + uint64_t(firstSeqId));
    const int L = s.layers, E = s.experts, k = s.topk, D = int(s.lookahead.size());
    // the planted function: one permutation per layer, fixed by the spec's seed only
    std::mt19937_64 frng(s.seed);
    std::vector<std::vector<int>> perm(static_cast<size_t>(L));
    for (auto& p : perm) {
        p.resize(size_t(E));
        std::iota(p.begin(), p.end(), 0);
        std::shuffle(p.begin(), p.end(), frng);
    }
    RoutingBlock b;
    b.dims.layers = L;
    b.dims.experts = E;
    b.dims.topk = k;
    b.dims.lookahead = s.lookahead;
    std::vector<double> skew(static_cast<size_t>(E));
    for (int e = 0; e < E; ++e)
        skew[size_t(e)] = 1.0 / (1.0 + e);
    std::discrete_distribution<int> first(skew.begin(), skew.end());
    for (int q = 0; q < s.sequences; ++q) {
        SequenceRecord r;
        r.seqId = firstSeqId + q;
        r.source = "synth";
        r.docId = std::to_string(r.seqId);
        r.tokenOffset = int64_t(b.tokenIds.size());
        r.length = s.seqLen;
        b.sequences.push_back(r);
        for (int t = 0; t < s.seqLen; ++t) {
            b.tokenIds.push_back(int32_t(rng() % 1000));
            b.seqIds.push_back(r.seqId);
            b.positions.push_back(t);
            std::vector<int> set;
            while (int(set.size()) < k) {
                const int e = first(rng);
                if (std::find(set.begin(), set.end(), e) == set.end())
                    set.push_back(e);
            }
            for (int l = 0; l < L; ++l) {
                for (int j = 0; j < k; ++j) {
                    b.topkIds.push_back(uint8_t(set[size_t(j)]));
                    const float w = j == 0 ? 0.7f : 0.3f / float(k - 1);
                    b.topkWeights.push_back(floatToHalf(w));
                }
                for (int& e : set)
                    e = perm[size_t(l)][size_t(e)];
            }
        }
    }
    const size_t n = b.tokenIds.size(), lk = size_t(L * k);
    if (s.shuffled) {
        for (int l = 0; l < L; ++l) {
            std::vector<size_t> order(n);
            std::iota(order.begin(), order.end(), size_t(0));
            std::shuffle(order.begin(), order.end(), rng);
            std::vector<uint8_t> ids(n * size_t(k));
            std::vector<uint16_t> ws(n * size_t(k));
            for (size_t t = 0; t < n; ++t)
                for (int j = 0; j < k; ++j) {
                    ids[t * size_t(k) + size_t(j)] = b.topkIds[order[t] * lk + size_t(l * k + j)];
                    ws[t * size_t(k) + size_t(j)] = b.topkWeights[order[t] * lk + size_t(l * k + j)];
                }
            for (size_t t = 0; t < n; ++t)
                for (int j = 0; j < k; ++j) {
                    b.topkIds[t * lk + size_t(l * k + j)] = ids[t * size_t(k) + size_t(j)];
                    b.topkWeights[t * lk + size_t(l * k + j)] = ws[t * size_t(k) + size_t(j)];
                }
        }
    }
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (size_t t = 0; t < n; ++t)
        for (int l = 0; l < L; ++l)
            for (int d = 0; d < D; ++d)
                for (int j = 0; j < k; ++j) {
                    const int tl = l + s.lookahead[size_t(d)];
                    if (tl >= L) {
                        b.lookaheadIds.push_back(kNoExpert);
                        continue;
                    }
                    uint8_t e = b.topkIds[t * lk + size_t(tl * k + j)];
                    if (u(rng) > s.probeAccuracy)
                        e = uint8_t(rng() % uint64_t(E));
                    b.lookaheadIds.push_back(e);
                }
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
