#pragma once
// Float32 -> IEEE half bits for the per-token arrays a collection stores (features: L*F
// values per token, the bulk of a trace with features). Values beyond the half range are
// clamped to +-65504 (readers refuse infinities); NaN stays NaN (readers refuse it too, so a
// broken value is never laundered into a finite one). Bit for bit what floatToHalf gives on
// the clamped value for every non-NaN input (round to nearest even, subnormals included).
#include <cstddef>
#include <cstdint>

namespace specmoe {

void packHalfClamped(const float* in, uint16_t* out, size_t n);

} // namespace specmoe
