#pragma once
// One comparison of two routing blocks, field by field, for the trace tests (a written
// block against what a reader gives back).
#include "core/trace/routing.h"

#include <gtest/gtest.h>

namespace specmoe::test {

inline void expectSameTokens(const RoutingBlock& a, const RoutingBlock& b)
{
    ASSERT_EQ(a.numTokens(), b.numTokens());
    EXPECT_EQ(a.tokenIds, b.tokenIds);
    EXPECT_EQ(a.seqIds, b.seqIds);
    EXPECT_EQ(a.positions, b.positions);
    EXPECT_EQ(a.topkIds, b.topkIds);
    EXPECT_EQ(a.topkWeights, b.topkWeights);
    EXPECT_EQ(a.logits, b.logits);
    EXPECT_EQ(a.lookaheadIds, b.lookaheadIds);
    ASSERT_EQ(a.sequences.size(), b.sequences.size());
    for (size_t i = 0; i < a.sequences.size(); ++i) {
        EXPECT_EQ(a.sequences[i].seqId, b.sequences[i].seqId) << "sequence " << i;
        EXPECT_EQ(a.sequences[i].source, b.sequences[i].source) << "sequence " << i;
        EXPECT_EQ(a.sequences[i].docId, b.sequences[i].docId) << "sequence " << i;
        EXPECT_EQ(a.sequences[i].tokenOffset, b.sequences[i].tokenOffset) << "sequence " << i;
        EXPECT_EQ(a.sequences[i].length, b.sequences[i].length) << "sequence " << i;
        EXPECT_EQ(a.sequences[i].generatedTokens, b.sequences[i].generatedTokens) << "sequence " << i;
        EXPECT_EQ(a.sequences[i].requestId, b.sequences[i].requestId) << "sequence " << i;
    }
}

} // namespace specmoe::test
