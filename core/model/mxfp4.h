#pragma once
// MXFP4 (OCP microscaling FP4) as the released gpt-oss checkpoints store expert weights:
// per block of 32 weights, 16 bytes of e2m1 codes (the low nibble of byte j is weight 2j,
// the high nibble weight 2j + 1) and one uint8 E8M0 scale (the exponent with bias 127).
// Torch only in this header's users (the runtime's loader).
#include <ATen/core/Tensor.h>

namespace specmoe {

// blocks [..., G, 16] uint8 and scales [..., G] uint8 -> float32 [..., G * 32]: code value
// times 2^(scale - 127), exact (every product is a float32). Shapes must agree (the loader
// checks them, naming the tensors, before this runs).
at::Tensor dequantizeMxfp4(const at::Tensor& blocks, const at::Tensor& scales);

} // namespace specmoe
