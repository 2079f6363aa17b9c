#include "core/specmoe_core.h"

#include "core/tensor/thread_limit.h"
#include "core/tensor/torch_compat.h"

#include <ATen/Parallel.h>
#include <H5public.h>

#include <dlfcn.h>
#include <link.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace specmoe {

std::string version() { return SPECMOE_VERSION_STRING; }

void setThreads(int n)
{
    if (n > 0)
        applyThreadLimit(n); // an explicit count bounds OpenBLAS's pool too
    else
        at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

namespace {

// The BLAS shared object mapped into this process (Debian picks it through the
// alternatives system, so the linked name alone does not say which one runs).
std::string loadedBlas()
{
    std::string found;
    dl_iterate_phdr(
        [](struct dl_phdr_info* info, size_t, void* data) {
            auto* out = static_cast<std::string*>(data);
            const std::string name = info->dlpi_name ? info->dlpi_name : "";
            for (const char* key : {"openblas", "libblas", "mkl", "blis", "atlas"}) {
                if (name.find(key) != std::string::npos) {
                    if (!out->empty())
                        *out += ", ";
                    *out += name;
                    break;
                }
            }
            return 0;
        },
        &found);
    return found.empty() ? std::string("none found") : found;
}

} // namespace

BuildInfo buildInfo()
{
    BuildInfo b;
    b.version = version();
    b.torchVersion = TORCH_VERSION;
#ifdef SPECMOE_WITH_CUDA
    b.cudaCompiled = true;
#endif
    for (int i = 0; i < compat::cudaDeviceCount(); ++i) {
        CudaDeviceInfo d;
        d.index = i;
        d.name = compat::cudaDeviceName(i);
        auto [freeB, totalB] = compat::cudaMemInfo(i);
        d.freeBytes = freeB;
        d.totalBytes = totalB;
        b.cudaDevices.push_back(d);
    }
    // Touch BLAS once so a lazily loaded library shows up.
    (void)at::matmul(at::ones({2, 2}), at::ones({2, 2}));
    b.blas = loadedBlas();
    b.threads = at::get_num_threads();
    std::ostringstream h5;
    h5 << H5_VERS_MAJOR << '.' << H5_VERS_MINOR << '.' << H5_VERS_RELEASE;
    b.hdf5Version = h5.str();
    b.sentencepieceVersion = SPECMOE_SENTENCEPIECE_VERSION;
    return b;
}

} // namespace specmoe
