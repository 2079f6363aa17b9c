#pragma once
// Internal to core/speculate (torch): the three networks (inter-layer, statistics, ensemble
// gate) and the encoder the first two share.
#include "core/speculate/batch.h"
#include "core/speculate/predictor_config.h"

#include <torch/nn.h>

namespace specmoe::speculate {

struct EncoderImpl : torch::nn::Module {
    EncoderImpl(const PredictorConfig& c);
    // [B, L, hidden]; extra [B, L, d] (optional) is added to the GRU's input of each layer.
    torch::Tensor forward(const Batch& b, const torch::Tensor& extra = {});
    // The GRU's input [B, L, d] (forward = the GRU over it; Predictor runs several at once).
    torch::Tensor input(const Batch& b, const torch::Tensor& extra = {});
    torch::Tensor runGru(const torch::Tensor& x); // [B, L, d] -> [B, L, hidden]
    torch::nn::Embedding le{nullptr}, probe{nullptr}, tok{nullptr};
    torch::Tensor layerPos;
    torch::nn::GRU gru{nullptr};
    bool useProbe = false, useTok = false;
};
TORCH_MODULE(Encoder);

struct InterLayerNetImpl : torch::nn::Module {
    InterLayerNetImpl(const PredictorConfig& c);
    torch::Tensor forward(const Batch& b); // logits [B, L, H, E]
    torch::Tensor fromEncoded(const Batch& b, const torch::Tensor& o); // the same from enc's output
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
    torch::Tensor fromEncoded(const Batch& b, const torch::Tensor& o); // the same from enc's output
    Encoder enc{nullptr};
    torch::nn::Linear statProj{nullptr}, mix{nullptr}, out{nullptr};
    torch::Tensor horizonEmb, bias, alpha, beta, biasIdx;
    int L, H, E;
};
TORCH_MODULE(StatNet);

// The hidden-state model: per source layer l, an MLP over the layer-normed features of
// layer l (through a first layer of its own per l: PCA directions differ per layer), the
// layer embedding and the state of a GRU over layers whose input at layer j is the routing
// of layer j plus a per-layer projection of layer j's features -> H*E logits for
// l+1..l+H. So source layer l reads the features of layers <= l (the recurrence is causal
// over layers), never a later layer's (no leakage). With decode context it also reads the
// previous token's routing of every layer (valid only in decode).
struct HiddenStateNetImpl : torch::nn::Module {
    HiddenStateNetImpl(const PredictorConfig& c);
    torch::Tensor forward(const Batch& b); // logits [B, L, H, E]
    torch::Tensor encoderInput(const Batch& b); // enc's input: the routing plus the features' share
    torch::Tensor fromEncoded(const Batch& b, const torch::Tensor& o); // forward from enc's output
    // What an engine computes during layer l, given the GRU state after layer l [B, hid]
    // (gru_cell over the encoder's routing input of layer l plus featureInput(l, f_l)): the
    // logits [B, H, E] of layers l+1..l+H from layer l's features [B, F], and, with decode
    // context, previous = previousContext(...) of the token [B, W]. Equals forward's row l
    // (tested).
    torch::Tensor step(int layer, const torch::Tensor& features, const torch::Tensor& state,
                       const torch::Tensor& previous = {});
    // Layer l's features' share of the GRU's input [B, d].
    torch::Tensor featureInput(int layer, const torch::Tensor& features);
    // Decode context [B, W] from the previous token's rows l*E + e [B, L*k] and weights [B, L*k]
    // and, with decode features, its features [B, L, F] (counted only where its weights are
    // not all 0, i.e. where there is a previous token).
    torch::Tensor previousContext(const torch::Tensor& rows, const torch::Tensor& weights,
                                  const torch::Tensor& features = {});
    Encoder enc{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::Tensor featGru;   // [L, F, d] per-layer projection of the features into the GRU's input
    torch::Tensor featIn;    // [L, F, W] per-layer first layer for the features
    torch::Tensor layerEmb;  // [L, W] the layer embedding (a per-layer input of the first layer)
    torch::nn::Linear stateIn{nullptr}, mid{nullptr}, out{nullptr};
    torch::nn::Embedding prev{nullptr}; // [L*E, W] decode context (previousInput only)
    torch::Tensor prevFeat;             // [L*F, W] the previous token's features (previousFeatureInput only)
    torch::Tensor bias, biasIdx; // [H*L, E] by (horizon, predicted layer), as InterLayer's
    int L, H, E, F;
};
TORCH_MODULE(HiddenStateNet);

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
