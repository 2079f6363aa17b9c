#include "core/model/compute_dtype.h"

#include "core/util/error.h"

#include <ATen/Context.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace specmoe {

std::string dtypeName(ComputeDType dtype)
{
    switch (dtype) {
    case ComputeDType::Float32: return "float32";
    case ComputeDType::BFloat16: return "bfloat16";
    case ComputeDType::Float16: return "float16";
    case ComputeDType::Auto: return "auto";
    }
    return "float32";
}

ComputeDType parseDType(const std::string& name)
{
    if (name == "float32") return ComputeDType::Float32;
    if (name == "bfloat16") return ComputeDType::BFloat16;
    if (name == "float16") return ComputeDType::Float16;
    if (name == "auto") return ComputeDType::Auto;
    throw Error("unknown compute dtype '" + name + "' (auto, float32, bfloat16, float16)");
}

int64_t dtypeBytes(ComputeDType dtype)
{
    if (dtype == ComputeDType::Auto)
        throw Error("compute dtype 'auto' has no element size: resolve it for the device first");
    return dtype == ComputeDType::Float32 ? 4 : 2;
}

CpuBf16Support detectCpuBf16()
{
    CpuBf16Support s;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_max(0, nullptr) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        s.amxBf16 = (d >> 22) & 1u;     // CPUID.(7,0):EDX[22]
        const unsigned subleaves = a;
        if (subleaves >= 1) {
            __cpuid_count(7, 1, a, b, c, d);
            s.avx512Bf16 = (a >> 5) & 1u; // CPUID.(7,1):EAX[5]
        }
    }
#endif
    s.libraryKernels = at::hasMKLDNN();
    return s;
}

ResolvedDType resolveComputeDType(ComputeDType requested, bool cuda, const CpuBf16Support& cpu)
{
    ResolvedDType r;
    r.dtype = requested;
    if (requested != ComputeDType::Auto)
        return r;
    if (cuda) {
        r.dtype = ComputeDType::BFloat16;
        r.reason = "auto on CUDA: bfloat16 (tensor cores; half the memory of float32)";
    } else if (cpu.amxBf16 && cpu.libraryKernels) {
        r.dtype = ComputeDType::BFloat16;
        r.reason = "auto on this CPU: bfloat16 (AMX-BF16 tile units)";
    } else {
        r.dtype = ComputeDType::Float32;
        r.reason = std::string("auto on this CPU: float32 (no AMX-BF16 tile units") +
                   (cpu.avx512Bf16 ? "; AVX512_BF16 alone ran bfloat16 slower than float32" : "") +
                   "; float32 is also exact)";
    }
    return r;
}

ResolvedDType resolveComputeDType(ComputeDType requested, bool cuda)
{
    if (requested != ComputeDType::Auto || cuda)
        return resolveComputeDType(requested, cuda, CpuBf16Support{});
    return resolveComputeDType(requested, cuda, detectCpuBf16());
}

} // namespace specmoe
