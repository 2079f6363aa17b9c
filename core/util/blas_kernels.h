#pragma once
// Which OpenBLAS kernels the process runs, and a hint when they are the generic fallback.
#include <string>

namespace specmoe {

struct BlasKernels {
    std::string core;   // openblas_get_corename(), e.g. "Haswell"; empty when not OpenBLAS
    std::string config; // openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."
    bool forced = false; // OPENBLAS_CORETYPE chose the core
    // Not empty when OpenBLAS runs a core older than what this CPU supports: a build of
    // OpenBLAS that does not know the CPU model falls back to its SSE3 "Prescott" kernels
    // (seen on an AVX-512 Xeon, family 6 model 207, with Debian 12's 0.3.21), and every
    // matrix product is then 1.5-2.6x slower. The hint names the variable that fixes it.
    std::string hint;
};

// Asks the loaded OpenBLAS (found at run time, no link to it).
BlasKernels blasKernels();

// The hint's rule, apart for tests: a core name and what the CPU supports.
std::string blasKernelHint(const std::string& core, bool forced, bool cpuHasAvx2, bool cpuHasAvx512);

} // namespace specmoe
