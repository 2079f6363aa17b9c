// Hidden-state features in routing blocks (issue 19, docs/trace-format.md): TraceDims::featureDim
// and RoutingBlock::features [N, L, F]: equality, validation of sizes, append, clear.
#include "core/trace/routing.h"
#include "core/util/error.h"
#include "core/util/half.h"

#include <gtest/gtest.h>

#include <string>

using namespace specmoe;

namespace {

TraceDims dims(int featureDim)
{
    TraceDims d;
    d.layers = 3;
    d.experts = 4;
    d.topk = 2;
    d.featureDim = featureDim;
    return d;
}

// One sequence of `length` tokens; feature (t, l, f) = 100*t + 10*l + f (exact in half).
RoutingBlock block(const TraceDims& d, int64_t seqId, int length)
{
    RoutingBlock b;
    b.dims = d;
    SequenceRecord r;
    r.seqId = seqId;
    r.length = length;
    b.sequences.push_back(r);
    for (int t = 0; t < length; ++t) {
        b.tokenIds.push_back(t);
        b.seqIds.push_back(seqId);
        b.positions.push_back(t);
        for (int l = 0; l < d.layers; ++l) {
            for (int j = 0; j < d.topk; ++j) {
                b.topkIds.push_back(ExpertId((t + l + j) % d.experts));
                b.topkWeights.push_back(floatToHalf(0.5f));
            }
            for (int f = 0; f < d.featureDim; ++f)
                b.features.push_back(floatToHalf(float(100 * (seqId * 10 + t) + 10 * l + f)));
        }
    }
    return b;
}

std::string errorOf(const RoutingBlock& b)
{
    try {
        b.validate();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(TraceFeatures, DimsEqualityAndDescription)
{
    EXPECT_TRUE(sameRouting(dims(0), dims(8))) << "features must not split traces for routing-only work";
    EXPECT_FALSE(dims(0) == dims(8));
    EXPECT_TRUE(dims(8) == dims(8));
    EXPECT_NE(describeDims(dims(8)).find("features 8"), std::string::npos) << describeDims(dims(8));
    EXPECT_EQ(describeDims(dims(0)).find("features"), std::string::npos) << describeDims(dims(0));
    EXPECT_EQ(dimsProblem(dims(8)), "");
    EXPECT_NE(dimsProblem(dims(-1)).find("feature dim -1"), std::string::npos) << dimsProblem(dims(-1));
}

TEST(TraceFeatures, ValidateChecksTheFeatureSize)
{
    const RoutingBlock good = block(dims(5), 0, 4);
    ASSERT_EQ(good.features.size(), size_t(4 * 3 * 5));
    EXPECT_EQ(errorOf(good), "");

    RoutingBlock shortBy1 = good;
    shortBy1.features.pop_back();
    EXPECT_NE(errorOf(shortBy1).find("features have 59 values, expected 60"), std::string::npos)
        << errorOf(shortBy1);

    RoutingBlock missing = good;
    missing.features.clear();
    EXPECT_NE(errorOf(missing).find("features"), std::string::npos);

    RoutingBlock unexpected = block(dims(0), 0, 4);
    EXPECT_EQ(errorOf(unexpected), "");
    unexpected.features.assign(4 * 3 * 2, 0);
    EXPECT_NE(errorOf(unexpected).find("featureDim 0"), std::string::npos) << errorOf(unexpected);

    RoutingBlock negative = block(dims(0), 0, 2);
    negative.dims.featureDim = -2;
    EXPECT_NE(errorOf(negative).find("feature dim -2"), std::string::npos) << errorOf(negative);
}

TEST(TraceFeatures, AppendConcatenatesAndClearEmpties)
{
    RoutingBlock all = block(dims(2), 0, 3);
    const RoutingBlock second = block(dims(2), 1, 5);
    all.append(second);
    EXPECT_EQ(errorOf(all), "");
    ASSERT_EQ(all.features.size(), size_t(8 * 3 * 2));
    // Token 3 of the joined block is token 0 of the second: its features follow the first's.
    for (int l = 0; l < 3; ++l)
        for (int f = 0; f < 2; ++f)
            EXPECT_EQ(halfToFloat(all.features[(size_t(3) * 3 + size_t(l)) * 2 + size_t(f)]),
                      float(100 * 10 + 10 * l + f));
    all.clear();
    EXPECT_TRUE(all.features.empty());
    EXPECT_EQ(all.numTokens(), 0u);
}
