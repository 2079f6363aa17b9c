#pragma once
// Internal to core/speculate (torch): the device named in the parameters.
#include <torch/nn.h>

#include <string>

namespace specmoe::speculate {

torch::Device parseDevice(const std::string& name);

} // namespace specmoe::speculate
