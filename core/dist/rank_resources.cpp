#include "core/dist/rank_resources.h"

#include "core/tensor/torch_compat.h"

#include <algorithm>
#include <thread>

namespace specmoe::dist {

DeviceSpec rankDevice(const DeviceSpec& asked, const LaunchEnv& env)
{
    if (!env.distributed())
        return asked;
    const bool any = asked.kind == DeviceKind::Auto || (asked.kind == DeviceKind::Cuda && asked.index < 0);
    if (!any)
        return asked;
    const int gpus = specmoe::compat::cudaDeviceCount();
    if (gpus <= 0)
        return asked;
    return DeviceSpec::cuda(env.localRank % gpus);
}

int rankThreads(int asked, const LaunchEnv& env)
{
    if (asked > 0 || env.localWorldSize <= 1)
        return asked;
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / env.localWorldSize);
}

} // namespace specmoe::dist
