#include "core/util/blas_kernels.h"

#include <cstdlib>
#include <dlfcn.h>

namespace specmoe {
namespace {

using NameFn = char* (*)();

std::string callName(const char* symbol)
{
    const auto fn = reinterpret_cast<NameFn>(::dlsym(RTLD_DEFAULT, symbol));
    const char* s = fn ? fn() : nullptr;
    return s ? std::string(s) : std::string();
}

bool isGenericCore(const std::string& core)
{
    // OpenBLAS's x86 cores without AVX kernels (dynamic.c's core names).
    for (const char* name : {"Unknown", "Katmai", "Coppermine", "Northwood", "Prescott",
                             "Banias", "Atom", "Core2", "Penryn", "Dunnington", "Nehalem",
                             "Athlon", "Opteron", "Opteron(SSE3)", "Barcelona", "Nano"})
        if (core == name)
            return true;
    return false;
}

} // namespace

std::string blasKernelHint(const std::string& core, bool forced, bool cpuHasAvx2, bool cpuHasAvx512)
{
    if (core.empty() || !isGenericCore(core) || !cpuHasAvx2)
        return {};
    const char* better = cpuHasAvx512 ? "SkylakeX" : "Haswell";
    return std::string("OpenBLAS runs its generic \"") + core + "\" kernels although this CPU has " +
           (cpuHasAvx512 ? "AVX-512" : "AVX2") +
           (forced ? " (OPENBLAS_CORETYPE chose them); " : " (this OpenBLAS does not know the CPU model); ") +
           "set OPENBLAS_CORETYPE=" + better +
           " in the environment for faster matrix products (routing ran 2.6x faster that way "
           "on such a machine)";
}

BlasKernels blasKernels()
{
    BlasKernels k;
    k.core = callName("openblas_get_corename");
    k.config = callName("openblas_get_config");
    const char* forced = std::getenv("OPENBLAS_CORETYPE");
    k.forced = forced && *forced;
#if defined(__x86_64__) || defined(__i386__)
    k.hint = blasKernelHint(k.core, k.forced, __builtin_cpu_supports("avx2"),
                            __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"));
#endif
    return k;
}

} // namespace specmoe
