#pragma once
// Finding NaN and infinite values in raw weight bytes (F32, F16, BF16, F64), so a damaged
// tensor is refused at load time: a model checkpoint's (it would route every token the same
// way) and a predictor's (it would score NaN).
// No torch: it looks at the IEEE bit patterns (all exponent bits set) only.
#include "core/safetensors/safetensors.h"

#include <cstdint>
#include <string>

namespace specmoe {

struct NonFinite {
    int64_t index = -1; // first non-finite element, -1 when all are finite
    bool nan = false;   // NaN (else an infinity)
};

// Scans n elements of type t (little-endian, any alignment). Other dtypes are not scanned.
NonFinite findNonFinite(const void* data, int64_t n, StDType t);

// "FILE: tensor \"NAME\" holds NaN at element I of N (...)": the error text for a hit.
std::string nonFiniteMessage(const std::string& file, const std::string& tensor, const NonFinite& hit, int64_t numel);

} // namespace specmoe
