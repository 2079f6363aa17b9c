// The analysis's held-out sequences are exactly speculation's test sequences for the same
// split spec, so the predictability ceiling and the predictors' test scores are measured on
// the same tokens (both call core/trace's splitOf; this keeps them from drifting apart).
#include "core/analysis/analysis.h"
#include "core/speculate/source.h"
#include "core/util/half.h"

#include <gtest/gtest.h>

#include <vector>

using namespace specmoe;

namespace {

// One sequence of three tokens, two layers, top-1.
RoutingBlock oneSequence(int64_t seqId)
{
    RoutingBlock b;
    b.dims.layers = 2;
    b.dims.experts = 4;
    b.dims.topk = 1;
    SequenceRecord r;
    r.seqId = seqId;
    r.source = "web";
    r.length = 3;
    b.sequences.push_back(r);
    for (int t = 0; t < 3; ++t) {
        b.tokenIds.push_back(100 + t);
        b.seqIds.push_back(seqId);
        b.positions.push_back(t);
        for (int l = 0; l < 2; ++l) {
            b.topkIds.push_back(uint8_t((seqId + t + l) % 4));
            b.topkWeights.push_back(floatToHalf(1.f));
        }
    }
    b.validate();
    return b;
}

} // namespace

TEST(SplitAgreement, AnalysisHoldsOutSpeculationsTestSequences)
{
    SplitSpec other;
    other.seed = 77;
    other.trainFraction = 0.5;
    other.validationFraction = 0.2;
    for (const SplitSpec& spec : {SplitSpec{}, other}) {
        AnalysisOptions o;
        o.split = spec;
        o.predictContexts = {1};
        o.predictHorizons = {1};
        o.layerPairMI = false;
        o.samplesPerCell = 0;
        int held = 0;
        const int n = 300;
        for (int64_t id = 0; id < n; ++id) {
            // One sequence per pass: the pass's held-out count says where analysis put it.
            const AnalysisResult r = analyze(std::vector<RoutingBlock>{oneSequence(id * 13 + 5)}, o);
            const bool heldOut = r.predictability.testSequences == 1;
            EXPECT_EQ(r.predictability.trainSequences + r.predictability.testSequences, 1);
            const bool specTest =
                speculate::splitOf(id * 13 + 5, spec) == speculate::Split::Test;
            EXPECT_EQ(heldOut, specTest) << "sequence " << id * 13 + 5 << ", seed " << spec.seed;
            held += heldOut;
        }
        // Neither split is empty, and the share is about the spec's test fraction.
        EXPECT_GT(held, 0);
        EXPECT_LT(held, n);
        EXPECT_NEAR(double(held) / n, spec.testFraction(), 0.07) << "seed " << spec.seed;
    }
}
