// The float16 packing of collected features (core/collect/half_pack.h): the vector path gives
// the bits of the scalar rule (floatToHalf of the value clamped to +-65504) for every non-NaN
// float, ties and subnormals included, at every length (vector body and scalar tail), and a
// NaN stays a NaN.
#include "core/collect/half_pack.h"
#include "core/util/half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace specmoe;

namespace {

uint16_t reference(float v)
{
    if (v > 65504.0f)
        v = 65504.0f;
    else if (v < -65504.0f)
        v = -65504.0f;
    return floatToHalf(v);
}

float fromBits(uint32_t b)
{
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}

bool isHalfNan(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0; }

} // namespace

TEST(HalfPack, MatchesTheScalarRuleOnASweepOfAllFloats)
{
    std::vector<float> in;
    for (uint64_t b = 0; b <= 0xffffffffull; b += 4093) // every exponent, both signs
        in.push_back(fromBits(uint32_t(b)));
    // Edges: the half range, rounding ties at 1 and in the subnormals, infinities.
    for (float v : {65504.0f, 65519.996f, 65520.0f, 1e10f, 1.0f + 1.0f / 2048, 1.0f + 3.0f / 2048,
                    std::ldexp(1.0f, -24), std::ldexp(1.5f, -24), std::ldexp(1.0f, -25), std::ldexp(3.0f, -26),
                    std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min(), 0.0f})
        for (float s : {1.0f, -1.0f})
            in.push_back(s * v);
    std::vector<uint16_t> out(in.size());
    packHalfClamped(in.data(), out.data(), in.size());
    size_t nans = 0, mismatches = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        if (std::isnan(in[i])) {
            EXPECT_TRUE(isHalfNan(out[i])) << i;
            ++nans;
        } else if (out[i] != reference(in[i]) && ++mismatches < 10) {
            uint32_t bits;
            std::memcpy(&bits, &in[i], 4);
            ADD_FAILURE() << "float bits " << std::hex << bits << ": packed " << out[i] << ", scalar "
                          << reference(in[i]);
        }
    }
    EXPECT_EQ(mismatches, 0u);
    EXPECT_GT(nans, 1000u);
    const float inf[2] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
    uint16_t clamped[2];
    packHalfClamped(inf, clamped, 2);
    EXPECT_EQ(clamped[0], 0x7bffu) << "+inf clamps to 65504";
    EXPECT_EQ(clamped[1], 0xfbffu) << "-inf clamps to -65504";
}

TEST(HalfPack, EveryLengthEveryOffset)
{
    std::vector<float> in(37);
    for (size_t i = 0; i < in.size(); ++i)
        in[i] = float(i) * 1234.567f - 20000.0f; // some beyond the half range
    for (size_t n = 0; n <= 21; ++n)
        for (size_t off = 0; off < 8; ++off) {
            std::vector<uint16_t> out(n + 2, 0xabcd);
            packHalfClamped(in.data() + off, out.data() + 1, n);
            EXPECT_EQ(out[0], 0xabcdu);
            EXPECT_EQ(out[n + 1], 0xabcdu) << "wrote past " << n;
            for (size_t i = 0; i < n; ++i)
                EXPECT_EQ(out[i + 1], reference(in[off + i])) << n << ' ' << off << ' ' << i;
        }
}
