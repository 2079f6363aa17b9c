// clipGradNorm (training's gradient clipping without a host read): the same gradients, bit
// for bit, as libtorch's clip_grad_norm_, clipped or not, with parameters lacking gradients.
#include "core/speculate/grad_clip.h"

#include <gtest/gtest.h>

using namespace specmoe::speculate;

namespace {

std::vector<torch::Tensor> withGrads(double scale, int seed)
{
    torch::manual_seed(seed);
    std::vector<torch::Tensor> ps;
    for (int64_t n : {7, 33, 1, 120}) {
        ps.push_back(torch::randn({n}, torch::requires_grad()));
        ps.back().mutable_grad() = torch::randn({n}) * scale;
    }
    ps.push_back(torch::randn({3}, torch::requires_grad())); // no gradient
    return ps;
}

} // namespace

TEST(GradClip, SameBitsAsLibtorch)
{
    for (double scale : {0.001, 0.3, 5.0}) {
        for (double maxNorm : {0.5, 1.0}) {
            SCOPED_TRACE(scale);
            const std::vector<torch::Tensor> a = withGrads(scale, 3), b = withGrads(scale, 3);
            const double before = torch::stack({a[0].grad().norm(), a[1].grad().norm(), a[2].grad().norm(),
                                                a[3].grad().norm()})
                                      .norm()
                                      .item<double>();
            clipGradNorm(a, maxNorm);
            torch::nn::utils::clip_grad_norm_(b, maxNorm);
            for (size_t i = 0; i < 4; ++i)
                EXPECT_TRUE(torch::equal(a[i].grad(), b[i].grad())) << i;
            EXPECT_FALSE(a[4].grad().defined());
            const double after =
                torch::stack({a[0].grad().norm(), a[1].grad().norm(), a[2].grad().norm(), a[3].grad().norm()})
                    .norm()
                    .item<double>();
            if (before > maxNorm)
                EXPECT_NEAR(after, maxNorm, 1e-4 * maxNorm);
            else
                EXPECT_DOUBLE_EQ(after, before); // left alone
        }
    }
}

TEST(GradClip, NothingToClip)
{
    std::vector<torch::Tensor> ps{torch::randn({3}, torch::requires_grad())};
    clipGradNorm(ps, 1.0);
    EXPECT_FALSE(ps[0].grad().defined());
    clipGradNorm({}, 1.0);
}
