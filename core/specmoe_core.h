#pragma once
// Facts about the engine build and the machine it runs on (`specmoe info`).
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

struct CudaDeviceInfo {
    int index = 0;
    std::string name;
    int64_t totalBytes = 0;
    int64_t freeBytes = 0;
};

struct BuildInfo {
    std::string version;
    std::string torchVersion;
    bool cudaCompiled = false;
    std::vector<CudaDeviceInfo> cudaDevices;
    std::string blas;         // the BLAS library libtorch resolves at run time
    int threads = 0;          // intra-op threads libtorch uses
    std::string hdf5Version;
    std::string sentencepieceVersion;
};

std::string version();

// Sets libtorch's intra-op thread count; n <= 0 means all cores.
void setThreads(int n);

BuildInfo buildInfo();

} // namespace specmoe
