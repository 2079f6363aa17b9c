#pragma once
// Internal to core/speculate (torch): the three networks (inter-layer, statistics, ensemble
// gate) and the encoder the first two share.
#include "core/speculate/batch.h"
#include "core/speculate/predictor_config.h"

#include <torch/nn.h>

namespace specmoe::speculate {

struct EncoderImpl : torch::nn::Module {
    EncoderImpl(const PredictorConfig& c);
    torch::Tensor forward(const Batch& b); // [B, L, hidden]
    torch::nn::Embedding le{nullptr}, probe{nullptr}, tok{nullptr};
    torch::Tensor layerPos;
    torch::nn::GRU gru{nullptr};
    bool useProbe = false, useTok = false;
};
TORCH_MODULE(Encoder);

struct InterLayerNetImpl : torch::nn::Module {
    InterLayerNetImpl(const PredictorConfig& c);
    torch::Tensor forward(const Batch& b); // logits [B, L, H, E]
    Encoder enc{nullptr};
    torch::nn::Linear head{nullptr};
    torch::Tensor bias;   // [H*L, E] by (horizon, predicted layer)
    torch::Tensor biasIdx; // [L*H] (buffer)
    int L, H, E;
};
TORCH_MODULE(InterLayerNet);

struct StatNetImpl : torch::nn::Module {
    StatNetImpl(const PredictorConfig& c);
    torch::Tensor forward(const Batch& b); // logits [B, L, H, E]
    Encoder enc{nullptr};
    torch::nn::Linear statProj{nullptr}, mix{nullptr}, out{nullptr};
    torch::Tensor horizonEmb, bias, alpha, beta, biasIdx;
    int L, H, E;
};
TORCH_MODULE(StatNet);

struct EnsembleNetImpl : torch::nn::Module {
    EnsembleNetImpl(const PredictorConfig& c);
    // comps [B, L, H, C, E] probabilities -> [B, L, H, E]
    torch::Tensor forward(const torch::Tensor& comps);
    torch::nn::Linear gate{nullptr};
    torch::Tensor gateBias, biasIdx;
    int L, H, E, C, k;
};
TORCH_MODULE(EnsembleNet);

torch::Tensor makeBiasIndex(int L, int H); // [L*H] of h*L + min(l+h+1, L-1)

} // namespace specmoe::speculate
