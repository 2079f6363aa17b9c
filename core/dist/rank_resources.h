#pragma once
// What one rank of a job computes on: each rank on a machine takes its own GPU, and ranks
// sharing a machine share its CPU cores. Torch-free interface.
#include "core/dist/launch_env.h"
#include "core/tensor/device.h"

namespace specmoe::dist {

// `asked` unless the job has several ranks and asked for "auto" or "cuda" without an index:
// then GPU LOCAL_RANK modulo the GPUs this process sees (none: auto stays auto, the CPU).
DeviceSpec rankDevice(const DeviceSpec& asked, const LaunchEnv& env);
// `asked` unless it is 0 (all cores) and several ranks share this machine: then the cores
// divided among them (at least 1), so local ranks do not oversubscribe the CPU.
int rankThreads(int asked, const LaunchEnv& env);

} // namespace specmoe::dist
