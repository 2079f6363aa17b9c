// compat::groupedMm's loop (the CPU, libtorch < 2.8, other dtypes) against one matmul per
// row with that row's group, including empty groups (first, middle, last) and transposed
// weight views; bad group ends are refused naming offs. The fused CUDA kernel
// (groupedMmNative) is not reachable here: the CPU never claims it.
#include "core/tensor/torch_compat.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace specmoe;

namespace {

// groupedMm's checks are libtorch's (TORCH_CHECK): the first line of the message.
template <typename Fn>
std::string errorOf(Fn&& fn)
{
    try {
        fn();
    } catch (const c10::Error& e) {
        return compat::errorText(e);
    }
    return {};
}

// Row r times w[g] where g is the first group whose end exceeds r, one row at a time.
at::Tensor perRow(const at::Tensor& x, const at::Tensor& w, const std::vector<int32_t>& ends)
{
    at::Tensor out = at::zeros({x.size(0), w.size(2)}, at::kFloat);
    size_t g = 0;
    for (int64_t r = 0; r < x.size(0); ++r) {
        while (ends[g] <= r)
            ++g;
        out[r] = at::matmul(x[r].to(at::kFloat), w[int64_t(g)].to(at::kFloat));
    }
    return out;
}

at::Tensor offsOf(const std::vector<int32_t>& ends)
{
    return at::tensor(std::vector<int32_t>(ends), at::TensorOptions().dtype(at::kInt));
}

} // namespace

TEST(GroupedMm, LoopMatchesPerRowMatmuls)
{
    at::manual_seed(5);
    const at::Tensor x = at::randn({10, 16});
    const at::Tensor w = at::randn({4, 16, 24});
    const at::Tensor wt = at::randn({4, 24, 16}).transpose(1, 2); // the runtime's layout
    for (const std::vector<int32_t>& ends : std::vector<std::vector<int32_t>>{
             {3, 3, 7, 10},    // an empty group mid-way, the last group up to the end
             {0, 4, 10, 10},   // empty first and last groups
             {10, 10, 10, 10}, // everything in group 0
             {0, 0, 0, 10}}) { // everything in the last group
        for (const at::Tensor& ww : {w, wt}) {
            const at::Tensor got = compat::groupedMm(x, ww, offsOf(ends));
            ASSERT_EQ(got.sizes(), at::IntArrayRef({10, 24}));
            EXPECT_TRUE(at::allclose(got, perRow(x, ww, ends), 1e-5, 1e-5)) << ends[0] << " " << ends[1];
            EXPECT_FALSE(compat::groupedMmNative(x, ww));
        }
    }
    // One row off (a wrong offset) moves a row to the neighbouring expert: not close.
    EXPECT_FALSE(at::allclose(compat::groupedMm(x, w, offsOf({3, 3, 6, 10})), perRow(x, w, {3, 3, 7, 10}), 1e-3, 1e-3));
}

TEST(GroupedMm, LowPrecisionOnTheCpuRoundsFloat32Products)
{
    at::manual_seed(6);
    const at::Tensor x = at::randn({9, 16}).to(at::kBFloat16);
    const at::Tensor w = at::randn({3, 24, 16}).to(at::kBFloat16).transpose(1, 2);
    const std::vector<int32_t> ends{2, 2, 9};
    const at::Tensor got = compat::groupedMm(x, w, offsOf(ends));
    EXPECT_EQ(got.scalar_type(), at::kBFloat16);
    EXPECT_TRUE(at::equal(got, perRow(x, w, ends).to(at::kBFloat16)));
    EXPECT_FALSE(compat::groupedMmNative(x, w));
}

TEST(GroupedMm, BadGroupEndsNamed)
{
    const at::Tensor x = at::randn({6, 8}), w = at::randn({3, 8, 8});
    for (const std::vector<int32_t>& bad : std::vector<std::vector<int32_t>>{{2, 1, 6}, {2, 4, 5}, {2, 4, 7}})
        EXPECT_NE(errorOf([&] { compat::groupedMm(x, w, offsOf(bad)); }).find("groupedMm: offs must"),
                  std::string::npos)
            << bad[0] << " " << bad[1] << " " << bad[2];
    EXPECT_NE(errorOf([&] { compat::groupedMm(x, w, offsOf({2, 6})); }).find("offs must be int32 [3]"), std::string::npos);
    EXPECT_NE(errorOf([&] { compat::groupedMm(x, w, offsOf({2, 4, 6}).to(at::kLong)); }).find("offs must be int32"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { compat::groupedMm(x, at::randn({3, 4, 8}), offsOf({2, 4, 6})); }).find("x [M, K] and w [G, K, N]"),
              std::string::npos);
}
