#pragma once
// The demo's Mixtral-architecture module: parameters under their hub names, and a forward
// pass that follows docs/mixtral-semantics.md step by step (RMSNorm in float32, half-split
// rotary, grouped-query attention, softmax-top-k-renormalize sparse MoE). Include only
// from torch code (.cpp files).
#include "core/model/config.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace specmoe::demo {

class MoeLm {
public:
    // Random initialisation (normal 0.02 for linear layers, ones for norms).
    MoeLm(const MixtralConfig& config, uint64_t seed);
    // Loads config.json + the safetensors weights of a checkpoint folder (float32).
    static MoeLm load(const std::string& dir);

    const MixtralConfig& config() const { return m_config; }
    // Hub name -> tensor, in the order they are saved.
    const std::vector<std::pair<std::string, at::Tensor>>& parameters() const { return m_params; }
    std::vector<at::Tensor> tensors() const;
    at::Tensor& param(const std::string& name);

    struct Output {
        at::Tensor logits;                    // [B, T, V]
        std::vector<at::Tensor> routerLogits; // per layer [B*T, E]
        std::vector<at::Tensor> topkIds;      // per layer [B*T, k] int64
        at::Tensor auxLoss;                   // scalar: mean over layers of E * sum_e f_e P_e
    };
    // ids: [B, T] int64, every row a sequence starting at position 0 (no padding).
    Output forward(const at::Tensor& ids, bool withLogits = true) const;

    // Writes config.json and model.safetensors (float32) into dir; returns the weights file.
    std::string save(const std::string& dir) const;

private:
    MixtralConfig m_config;
    std::vector<std::pair<std::string, at::Tensor>> m_params;
    std::vector<at::Tensor> m_flat; // fast access, see moe_lm.cpp for the index layout
};

} // namespace specmoe::demo
