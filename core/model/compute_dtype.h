#pragma once
// The floating-point type the forward pass computes in. Plain types only (the collector's
// parameters and the GUI hold one).
#include <cstdint>
#include <string>

namespace specmoe {

enum class ComputeDType { Float32, BFloat16, Float16 };

// "float32", "bfloat16", "float16".
std::string dtypeName(ComputeDType dtype);
// Throws specmoe::Error naming the value and the names accepted.
ComputeDType parseDType(const std::string& name);
// Bytes per element: float32 4, bfloat16 2, float16 2.
int64_t dtypeBytes(ComputeDType dtype);

} // namespace specmoe
