#pragma once
// The one place a DeviceSpec becomes a torch device (the runtime, the collector, training
// and evaluation all resolve here, so "auto" means the same everywhere). Torch code only.
#include "core/tensor/device.h"

#include <c10/core/Device.h>

namespace specmoe {

// cpu -> CPU; cuda -> GPU 0; cuda:N -> GPU N; auto -> the GPU with the most free memory,
// or the CPU when there is none. Throws specmoe::Error when a GPU is asked for and CUDA is
// absent, or the index is beyond the GPUs present.
c10::Device resolveDevice(const DeviceSpec& device);

} // namespace specmoe
