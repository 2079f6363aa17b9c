#pragma once
// Memory of the compute devices, for the workbench's gauges and `specmoe info`. No torch
// types here: widgets and the GUI include this header.
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

struct GpuMemory {
    int index = 0;
    std::string name;
    int64_t totalBytes = 0;
    int64_t freeBytes = 0;      // as the driver reports it (all processes)
    int64_t allocatedBytes = 0; // this process's caching allocator: live tensors
    int64_t reservedBytes = 0;  // this process's caching allocator: held from the driver
    int64_t usedBytes() const { return totalBytes - freeBytes; }
};

// One entry per visible CUDA device; empty without CUDA.
std::vector<GpuMemory> gpuMemory();

} // namespace specmoe
