// MXFP4 dequantization (mxfp4.h): a 16-entry lookup of the e2m1 codes and a power of two
// per block, the algorithm transformers' convert_moe_packed_tensors applies on load.
#include "core/model/mxfp4.h"

#include <ATen/ATen.h>

namespace specmoe {

at::Tensor dequantizeMxfp4(const at::Tensor& blocks, const at::Tensor& scales)
{
    // e2m1: sign bit 3, then 2 exponent bits and 1 mantissa bit (0, 0.5, 1, 1.5, 2, 3, 4, 6).
    static const float kCodes[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                                     -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
    const at::Tensor lut = at::from_blob(const_cast<float*>(kCodes), {16}, at::TensorOptions().dtype(at::kFloat));
    const at::Tensor low = blocks.bitwise_and(0x0F).to(at::kLong);
    const at::Tensor high = blocks.bitwise_right_shift(4).to(at::kLong);
    std::vector<int64_t> shape = blocks.sizes().vec(); // [..., G, 16]
    shape.back() = 32;
    // [..., G, 16, 2]: weight 2j from byte j's low nibble, 2j + 1 from its high nibble.
    at::Tensor values = at::stack({lut.index_select(0, low.reshape({-1})).view(low.sizes()),
                                   lut.index_select(0, high.reshape({-1})).view(high.sizes())},
                                  -1)
                            .reshape(shape);
    // 2^(s - 127) built from its bits (exponent field s), exact where exp2 need not be:
    // s = 0 is the subnormal 2^-127, s = 255 infinity (the loader refuses what it yields).
    at::Tensor bits = scales.to(at::kInt).bitwise_left_shift(23);
    bits.masked_fill_(scales.eq(0), int32_t(1) << 22);
    const at::Tensor powers = bits.view(at::kFloat).unsqueeze(-1); // [..., G, 1]
    values.mul_(powers);
    shape.pop_back();
    shape.back() *= 32; // [..., G * 32]
    return values.reshape(shape);
}

} // namespace specmoe
