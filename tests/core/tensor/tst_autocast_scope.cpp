// compat::AutocastScope (mixed precision for the trainer): on inside, the previous state back
// outside, nesting, and no stale weight copies from autocast's cache after the weights change.
#include "core/tensor/torch_compat.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <thread>

using namespace specmoe;

namespace {

at::ScalarType linearType()
{
    return torch::linear(torch::ones({2, 3}), torch::ones({4, 3})).scalar_type();
}

} // namespace

TEST(AutocastScope, MatmulsRunInBfloat16InsideOnly)
{
    EXPECT_EQ(linearType(), torch::kFloat);
    {
        const compat::AutocastScope amp(c10::DeviceType::CPU, torch::kBFloat16);
        EXPECT_EQ(linearType(), torch::kBFloat16);
        // Reductions and elementwise ops on float32 stay float32.
        EXPECT_EQ(torch::ones({3}).sum().scalar_type(), torch::kFloat);
        {
            const compat::AutocastScope inner(c10::DeviceType::CPU, torch::kBFloat16);
            EXPECT_EQ(linearType(), torch::kBFloat16);
        }
        EXPECT_EQ(linearType(), torch::kBFloat16); // the inner scope gave back the outer's state
        {
            const compat::AutocastScope off(c10::DeviceType::CPU, torch::kBFloat16, false);
            EXPECT_EQ(linearType(), torch::kBFloat16); // disabled: changes nothing
        }
    }
    EXPECT_EQ(linearType(), torch::kFloat);
    {
        const compat::AutocastScope off(c10::DeviceType::CPU, torch::kBFloat16, false);
        EXPECT_EQ(linearType(), torch::kFloat);
    }
}

TEST(AutocastScope, APauseKeepsFloat32)
{
    const compat::AutocastScope amp(c10::DeviceType::CPU, torch::kBFloat16);
    {
        const compat::AutocastPause fp32;
        EXPECT_EQ(linearType(), torch::kFloat);
    }
    EXPECT_EQ(linearType(), torch::kBFloat16);
}

TEST(AutocastScope, IsPerThread)
{
    const compat::AutocastScope amp(c10::DeviceType::CPU, torch::kBFloat16);
    at::ScalarType other = torch::kBFloat16;
    std::thread t([&] { other = linearType(); });
    t.join();
    EXPECT_EQ(other, torch::kFloat);
    EXPECT_EQ(linearType(), torch::kBFloat16);
}

// Autocast caches the low-precision copy of a weight (a leaf that requires grad) while a
// scope is open; an optimizer step changes the weight in place between two steps' scopes,
// so the cache must be gone by then.
TEST(AutocastScope, AWeightChangedBetweenScopesIsSeenAnew)
{
    torch::Tensor w = torch::ones({4, 3}, torch::requires_grad());
    const torch::Tensor x = torch::ones({2, 3});
    torch::Tensor before, after;
    {
        const compat::AutocastScope amp(c10::DeviceType::CPU, torch::kBFloat16);
        before = torch::linear(x, w).detach().to(torch::kFloat);
    }
    {
        torch::NoGradGuard ng;
        w.mul_(2.0);
    }
    {
        const compat::AutocastScope amp(c10::DeviceType::CPU, torch::kBFloat16);
        after = torch::linear(x, w).detach().to(torch::kFloat);
    }
    EXPECT_TRUE(torch::allclose(before, torch::full({2, 4}, 3.0f)));
    EXPECT_TRUE(torch::allclose(after, torch::full({2, 4}, 6.0f)));
}

TEST(AutocastScope, OtherDevicesAreRefused)
{
    EXPECT_THROW(compat::AutocastScope(c10::DeviceType::Meta, torch::kBFloat16),
                 std::invalid_argument);
}
