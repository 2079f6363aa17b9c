#pragma once
// Hand-built routing blocks for the analysis tests.
#include "core/trace/routing.h"
#include "core/util/half.h"

#include <string>
#include <vector>

namespace specmoe::test {

// One sequence: per token, per layer, the top-k ids (descending probability).
struct SeqSpec {
    int64_t seqId = 0;
    std::string source;
    std::vector<std::vector<std::vector<int>>> tokens; // [token][layer][k]
    std::vector<int32_t> tokenIds;                      // empty: 100 + position
    int32_t firstPosition = 0;
};

// Weights: top-2 gets 0.75 / 0.25, top-1 gets 1, otherwise 1/k each.
inline float testWeight(int k, int j)
{
    if (k == 1)
        return 1.f;
    if (k == 2)
        return j == 0 ? 0.75f : 0.25f;
    return 1.f / float(k);
}

inline RoutingBlock makeBlock(int L, int E, int K, const std::vector<SeqSpec>& seqs)
{
    RoutingBlock b;
    b.dims.layers = L;
    b.dims.experts = E;
    b.dims.topk = K;
    for (const SeqSpec& s : seqs) {
        SequenceRecord r;
        r.seqId = s.seqId;
        r.source = s.source;
        r.docId = "doc" + std::to_string(s.seqId);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = int32_t(s.tokens.size());
        b.sequences.push_back(r);
        for (size_t t = 0; t < s.tokens.size(); ++t) {
            b.tokenIds.push_back(s.tokenIds.empty() ? int32_t(100 + t) : s.tokenIds[t]);
            b.seqIds.push_back(s.seqId);
            b.positions.push_back(s.firstPosition + int32_t(t));
            for (int l = 0; l < L; ++l)
                for (int j = 0; j < K; ++j) {
                    b.topkIds.push_back(ExpertId(s.tokens[t][size_t(l)][size_t(j)]));
                    b.topkWeights.push_back(floatToHalf(testWeight(K, j)));
                }
        }
    }
    b.validate();
    return b;
}

// Splits a block into one block per token (sequences continue across blocks).
inline std::vector<RoutingBlock> splitPerToken(const RoutingBlock& b)
{
    std::vector<RoutingBlock> out;
    const size_t lk = size_t(b.dims.layers) * size_t(b.dims.topk);
    for (const auto& s : b.sequences)
        for (int32_t i = 0; i < s.length; ++i) {
            const size_t t = size_t(s.tokenOffset) + size_t(i);
            RoutingBlock o;
            o.dims = b.dims;
            SequenceRecord r = s;
            r.tokenOffset = 0;
            r.length = 1;
            o.sequences.push_back(r);
            o.tokenIds.push_back(b.tokenIds[t]);
            o.seqIds.push_back(b.seqIds[t]);
            o.positions.push_back(b.positions[t]);
            o.topkIds.assign(b.topkIds.begin() + long(t * lk), b.topkIds.begin() + long((t + 1) * lk));
            o.topkWeights.assign(b.topkWeights.begin() + long(t * lk),
                                 b.topkWeights.begin() + long((t + 1) * lk));
            out.push_back(std::move(o));
        }
    return out;
}

} // namespace specmoe::test
