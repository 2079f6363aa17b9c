#pragma once
// The trace storage tests' routing, from the shared generator (tests/support/synthetic_routing.h):
// skewed, partly repeating between neighbours (so it compresses like real routing), sources
// wiki / code / math, deterministic per sequence id.
#include "tests/support/synthetic_routing.h"

#include <cstdint>
#include <vector>

namespace specmoe::test {

inline TraceDims tinyDims(bool logits = true, std::vector<int> lookahead = {1, 2})
{
    TraceDims d = SyntheticRouting::defaultDims();
    d.hasLogits = logits;
    d.lookahead = std::move(lookahead);
    return d;
}

// Sequences [first, first + count) of baseLen/2 .. baseLen*3/2 - 1 tokens, positions from
// positionStart.
inline RoutingBlock makeBlock(const TraceDims& d, int64_t first, int count, int32_t baseLen = 64,
                              int32_t positionStart = 0)
{
    SyntheticRouting s;
    s.dims = d;
    s.sequences = count;
    s.minLength = baseLen / 2;
    s.maxLength = baseLen / 2 + baseLen - 1;
    s.stick = 0.4;
    s.seed = 11;
    RoutingBlock b = syntheticBlock(s, first);
    for (int32_t& p : b.positions)
        p += positionStart;
    return b;
}

} // namespace specmoe::test
