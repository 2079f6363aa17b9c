// Rotary inverse frequencies: the default ones, or YaRN's (transformers'
// _compute_yarn_parameters: frequencies below the correction range interpolated by the
// factor, above it kept, a linear ramp between), in float32 as transformers computes them.
#include "core/model/runtime_impl.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace specmoe {
namespace {

// The dimension at which `rotations` full turns fit in `maxPositions` positions.
double correctionDim(double rotations, double dim, double base, double maxPositions)
{
    return dim * std::log(maxPositions / (rotations * 2 * M_PI)) / (2 * std::log(base));
}

} // namespace

at::Tensor MixtralRuntime::Impl::ropeInverseFrequencies() const
{
    const int64_t D = cfg.headDim;
    const at::Tensor exponents =
        at::arange(0, D, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat).div(double(D));
    if (cfg.ropeType != "yarn")
        return at::pow(cfg.ropeTheta, exponents).reciprocal();
    const at::Tensor posFreqs = at::pow(cfg.ropeTheta, exponents);
    const at::Tensor extrapolation = posFreqs.reciprocal();
    const at::Tensor interpolation = (posFreqs * cfg.ropeFactor).reciprocal();
    const double maxPos = double(cfg.ropeOriginalMaxPositions);
    double low = correctionDim(cfg.ropeBetaFast, double(D), cfg.ropeTheta, maxPos);
    double high = correctionDim(cfg.ropeBetaSlow, double(D), cfg.ropeTheta, maxPos);
    if (cfg.ropeTruncate) {
        low = std::floor(low);
        high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, double(D - 1));
    if (low == high)
        high += 0.001; // as transformers: no division by zero
    const at::Tensor ramp =
        ((at::arange(D / 2, at::TensorOptions().dtype(at::kFloat)) - low) / (high - low)).clamp(0, 1);
    const at::Tensor keep = 1 - ramp; // the share of the extrapolated (unscaled) frequency
    return interpolation * (1 - keep) + extrapolation * keep;
}

} // namespace specmoe
