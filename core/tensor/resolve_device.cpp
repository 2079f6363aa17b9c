#include "core/tensor/resolve_device.h"

#include "core/tensor/torch_compat.h"
#include "core/util/error.h"

namespace specmoe {

c10::Device resolveDevice(const DeviceSpec& device)
{
    switch (device.kind) {
    case DeviceKind::Cpu:
        return c10::Device(c10::kCPU);
    case DeviceKind::Auto: {
        const int n = compat::cudaAvailable() ? compat::cudaDeviceCount() : 0;
        int best = -1;
        int64_t bestFree = -1;
        for (int i = 0; i < n; ++i) {
            const int64_t free = compat::cudaMemInfo(i).first;
            if (free > bestFree) {
                bestFree = free;
                best = i;
            }
        }
        return best >= 0 ? c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(best)) : c10::Device(c10::kCPU);
    }
    case DeviceKind::Cuda: {
        const std::string name = deviceName(device);
        const int n = compat::cudaAvailable() ? compat::cudaDeviceCount() : 0;
        if (n == 0)
            throw Error("device '" + name + "': this build or machine has no CUDA");
        const int index = device.index < 0 ? 0 : device.index;
        if (index >= n)
            throw Error("device '" + name + "': only " + std::to_string(n) + " CUDA device(s) present");
        return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    }
    throw Error("device: unknown kind");
}

} // namespace specmoe
