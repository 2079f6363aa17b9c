#pragma once
// The floating-point type the forward pass computes in. Plain types only (the collector's
// parameters and the GUI hold one).
#include <cstdint>
#include <string>

namespace specmoe {

// Auto: resolveComputeDType() picks one per device (what the user asks for; the runtime
// and the memory estimates take a resolved type).
enum class ComputeDType { Float32, BFloat16, Float16, Auto };

// "float32", "bfloat16", "float16", "auto".
std::string dtypeName(ComputeDType dtype);
// Throws specmoe::Error naming the value and the names accepted.
ComputeDType parseDType(const std::string& name);
// Bytes per element: float32 4, bfloat16 2, float16 2. Auto is not a size: throws
// specmoe::Error (resolve it first).
int64_t dtypeBytes(ComputeDType dtype);

// What the host CPU offers for bfloat16 matrix products.
struct CpuBf16Support {
    bool avx512Bf16 = false;   // AVX512_BF16 dot-product instructions
    bool amxBf16 = false;      // AMX-BF16 tile units
    bool libraryKernels = false; // libtorch has oneDNN, whose bf16 GEMMs use them
};
// The running CPU's (cpuid; false on non-x86) and libtorch's.
CpuBf16Support detectCpuBf16();

// An Auto choice made concrete, and why (for logs and the info output).
struct ResolvedDType {
    ComputeDType dtype = ComputeDType::Float32;
    std::string reason;        // empty when the dtype was given
};
// Auto -> bfloat16 on CUDA; on a CPU bfloat16 only with AMX-BF16 tile units and a
// libtorch that uses them, else float32: with AVX512_BF16 alone (this project's 2-core
// Zen 4 machine) a bfloat16 collection ran 1.6x slower than float32 with libtorch 1.13,
// and float32 is exact. A given dtype is returned as is.
ResolvedDType resolveComputeDType(ComputeDType requested, bool cuda, const CpuBf16Support& cpu);
// The same with the running CPU's support.
ResolvedDType resolveComputeDType(ComputeDType requested, bool cuda);

} // namespace specmoe
