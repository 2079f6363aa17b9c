#pragma once
// Internal to core/speculate (torch): gradient-norm clipping without a host read.
#include <torch/torch.h>

#include <vector>

namespace specmoe::speculate {

// Scales the gradients of `params` so that their global L2 norm is at most maxNorm, the same
// arithmetic as torch::nn::utils::clip_grad_norm_ (so the same bits), but the norm stays on
// the device: libtorch's returns it as a double, one host sync per call, four per optimizer
// step with the four models clipped apart.
void clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm);

} // namespace specmoe::speculate
