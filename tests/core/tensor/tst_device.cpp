// DeviceSpec names and the one resolver every job uses.
#include "core/tensor/resolve_device.h"
#include "core/tensor/torch_compat.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"

#include <gtest/gtest.h>

using namespace specmoe;
using specmoe::test::errorOf;

TEST(Device, NamesRoundTrip)
{
    for (const char* name : {"auto", "cpu", "cuda", "cuda:0", "cuda:3", "cuda:12"})
        EXPECT_EQ(deviceName(parseDevice(name)), name);
    EXPECT_EQ(parseDevice("cuda:2"), DeviceSpec::cuda(2));
    EXPECT_EQ(parseDevice("cuda"), DeviceSpec::cuda());
    EXPECT_EQ(DeviceSpec{}, DeviceSpec::automatic());
}

TEST(Device, BadNamesNameTheValueAndTheChoices)
{
    for (const char* bad : {"", "gpu", "tpu:0", "cuda:", "cuda:-1", "cuda:x", "cuda:1a", "CPU", "cuda:123456"})
        EXPECT_EQ(errorOf([&] { parseDevice(bad); }),
                  "unknown device '" + std::string(bad) + "' (cpu, cuda, cuda:N or auto)")
            << bad;
}

TEST(Device, OneResolver)
{
    EXPECT_TRUE(resolveDevice(DeviceSpec::cpu()).is_cpu());
    const int gpus = compat::cudaAvailable() ? compat::cudaDeviceCount() : 0;
    const c10::Device automatic = resolveDevice(DeviceSpec::automatic());
    if (gpus == 0) {
        EXPECT_TRUE(automatic.is_cpu());
        EXPECT_NE(errorOf([] { resolveDevice(DeviceSpec::cuda()); }).find("device 'cuda': this build or machine has no CUDA"),
                  std::string::npos);
        return;
    }
    // auto: the GPU with the most free memory (training used to take GPU 0).
    ASSERT_TRUE(automatic.is_cuda());
    int64_t most = -1;
    int best = 0;
    for (int i = 0; i < gpus; ++i)
        if (compat::cudaMemInfo(i).first > most) {
            most = compat::cudaMemInfo(i).first;
            best = i;
        }
    EXPECT_EQ(automatic.index(), best);
    EXPECT_EQ(resolveDevice(DeviceSpec::cuda()).index(), 0);
    EXPECT_NE(errorOf([&] { resolveDevice(DeviceSpec::cuda(gpus)); }).find("CUDA device(s) present"), std::string::npos);
}
