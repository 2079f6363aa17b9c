#pragma once
// Synthetic routing blocks for the trace storage tests (deterministic from seqId).
#include "core/trace/routing.h"
#include "core/util/half.h"

#include <cstdint>
#include <random>
#include <string>

namespace specmoe::test {

inline TraceDims mixtralDims(bool logits = false, std::vector<int> lookahead = {})
{
    TraceDims d;
    d.layers = 32;
    d.experts = 8;
    d.topk = 2;
    d.hasLogits = logits;
    d.lookahead = std::move(lookahead);
    return d;
}

inline TraceDims tinyDims(bool logits = true, std::vector<int> lookahead = {1, 2})
{
    TraceDims d;
    d.layers = 4;
    d.experts = 8;
    d.topk = 2;
    d.hasLogits = logits;
    d.lookahead = std::move(lookahead);
    return d;
}

inline int32_t seqLength(int64_t seqId, int32_t base) { return base / 2 + int32_t((seqId * 7919) % base); }

// Sequences [first, first + count), lengths from seqLength(id, baseLen).
inline RoutingBlock makeBlock(const TraceDims& d, int64_t first, int count, int32_t baseLen = 64,
                              int32_t positionStart = 0)
{
    RoutingBlock b;
    b.dims = d;
    const size_t lk = size_t(d.layers) * size_t(d.topk);
    for (int64_t id = first; id < first + count; ++id) {
        std::mt19937 rng(uint32_t(id * 2654435761u + 17));
        SequenceRecord r;
        r.seqId = id;
        r.source = id % 3 == 0 ? "wiki" : (id % 3 == 1 ? "code" : "math");
        r.docId = "doc-" + std::to_string(id * 10);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = seqLength(id, baseLen);
        b.sequences.push_back(r);
        for (int32_t p = 0; p < r.length; ++p) {
            b.tokenIds.push_back(int32_t(rng() % 32000));
            b.seqIds.push_back(id);
            b.positions.push_back(positionStart + p);
            for (int l = 0; l < d.layers; ++l) {
                // Skewed expert choice, like real routing.
                const int e0 = int((rng() % 16 < 10) ? (l + p / 8) % d.experts : rng() % d.experts);
                int e1 = int(rng() % d.experts);
                if (e1 == e0)
                    e1 = (e0 + 1) % d.experts;
                const float w0 = 0.5f + float(rng() % 1000) / 2000.0f;
                b.topkIds.push_back(uint8_t(e0));
                b.topkWeights.push_back(floatToHalf(w0));
                for (int j = 2; j <= d.topk; ++j)
                    b.topkIds.push_back(uint8_t((e1 + j - 2) % d.experts));
                b.topkWeights.push_back(floatToHalf(1.0f - w0));
                for (int j = 3; j <= d.topk; ++j)
                    b.topkWeights.push_back(floatToHalf(0.0f));
                if (d.hasLogits)
                    for (int e = 0; e < d.experts; ++e)
                        b.logits.push_back(floatToHalf(float(int(rng() % 2000) - 1000) / 250.0f));
            }
            for (int l = 0; l < d.layers; ++l)
                for (size_t k = 0; k < d.lookahead.size(); ++k)
                    for (int j = 0; j < d.topk; ++j)
                        b.lookaheadIds.push_back(l + d.lookahead[k] >= d.layers ? kNoExpert
                                                                                : uint8_t(rng() % d.experts));
        }
    }
    (void)lk;
    return b;
}

} // namespace specmoe::test
