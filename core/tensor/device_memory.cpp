#include "core/tensor/device_memory.h"

#include "core/tensor/torch_compat.h"

namespace specmoe {

std::vector<GpuMemory> gpuMemory()
{
    std::vector<GpuMemory> out;
    if (!compat::cudaAvailable())
        return out;
    const int n = compat::cudaDeviceCount();
    out.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        GpuMemory g;
        g.index = i;
        g.name = compat::cudaDeviceName(i);
        const auto [freeBytes, totalBytes] = compat::cudaMemInfo(i);
        g.freeBytes = freeBytes;
        g.totalBytes = totalBytes;
        const auto stats = compat::cudaAllocatorStats(i);
        g.allocatedBytes = stats.allocated;
        g.reservedBytes = stats.reserved;
        out.push_back(g);
    }
    return out;
}

} // namespace specmoe
