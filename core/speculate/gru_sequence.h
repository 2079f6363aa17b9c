#pragma once
// Internal to core/speculate (torch): the GRU recurrence over layers of M encoders at once,
// as one autograd node with a hand-written backward (issue 22). libtorch's GRU on the CPU
// records ~12 autograd nodes per layer step and computes the recurrent weight's gradient
// in 32 small GEMMs; here a step is one batched GEMM and a few fused loops forward, one
// batched GEMM and one loop backward, and the weights' gradients are one GEMM over all
// steps. Same arithmetic as torch::nn::GRU (gates r, z, n; h' = (1 - z) n + z h; h_0 = 0).
#include <torch/nn.h>

#include <vector>

namespace specmoe::speculate {

// gi [M, T, B, 3h]: the input's share of the gates (x W_ih^T + b_ih), time-major;
// whh [M, 3h, h], bhh [M, 3h] -> the hidden states [M, T, B, h]. CPU float32 only.
torch::Tensor gruRecurrence(const torch::Tensor& gi, const torch::Tensor& whh, const torch::Tensor& bhh);

// The outputs [B, T, h] of each GRU (one layer, batch_first, h_0 = 0) for its input
// [B, T, d]: through gruRecurrence on a float32 CPU tensor, else through the module itself.
std::vector<torch::Tensor> runGrus(std::vector<torch::nn::GRU> grus, const std::vector<torch::Tensor>& inputs);

} // namespace specmoe::speculate
