#pragma once
// Internal to core/speculate: the torch side (never include from torch-free code).
// Batches, the three networks, and Predictor = config + layer statistics + networks.
#include "core/speculate/stats.h"
#include "core/speculate/train.h"

#include <nlohmann/json.hpp>
#include <torch/nn.h>

#include <optional>
#include <string>
#include <vector>

namespace specmoe::speculate {

struct NetConfig {
    TraceDims dims;
    int horizon = 2;
    ModelParams model;
    bool inter = true, stat = true, ens = true;
    std::vector<std::string> components; // ensemble inputs, in order
    std::vector<int> fallback;           // [H, L] by predicted layer: -1 gate, else component
    SplitSpec split;
    std::string fingerprint;
    int64_t trainTokens = 0;
    int bestEpoch = 0;

    bool lookInput() const { return model.useLookahead && !dims.lookahead.empty(); }
    int D() const { return int(dims.lookahead.size()); }
    nlohmann::json toJson() const;
    static NetConfig fromJson(const nlohmann::json& j, const std::string& where);
};

struct Batch {
    int64_t B = 0;
    torch::Tensor le, w, probeIdx, probeW, tokB; // inputs
    torch::Tensor target, valid;                 // [B,L,H,E], [B,L,H]
    torch::Tensor statFeat;                      // [B,L,H,2E+1]
    torch::Tensor freqP, markovP, lookP, uniformP; // [B,L,H,E]
    Batch to(const torch::Device& d) const;
};
Batch buildBatch(const TokenTable& t, const LayerStats& s, const NetConfig& c);

struct EncoderImpl : torch::nn::Module {
    EncoderImpl(const NetConfig& c);
    torch::Tensor forward(const Batch& b); // [B, L, hidden]
    torch::nn::Embedding le{nullptr}, probe{nullptr}, tok{nullptr};
    torch::Tensor layerPos;
    torch::nn::GRU gru{nullptr};
    bool useProbe = false, useTok = false;
};
TORCH_MODULE(Encoder);

struct InterLayerNetImpl : torch::nn::Module {
    InterLayerNetImpl(const NetConfig& c);
    torch::Tensor forward(const Batch& b); // logits [B, L, H, E]
    Encoder enc{nullptr};
    torch::nn::Linear head{nullptr};
    torch::Tensor bias;   // [H*L, E] by (horizon, predicted layer)
    torch::Tensor biasIdx; // [L*H] (buffer)
    int L, H, E;
};
TORCH_MODULE(InterLayerNet);

struct StatNetImpl : torch::nn::Module {
    StatNetImpl(const NetConfig& c);
    torch::Tensor forward(const Batch& b); // logits [B, L, H, E]
    Encoder enc{nullptr};
    torch::nn::Linear statProj{nullptr}, mix{nullptr}, out{nullptr};
    torch::Tensor horizonEmb, bias, alpha, beta, biasIdx;
    int L, H, E;
};
TORCH_MODULE(StatNet);

struct EnsembleNetImpl : torch::nn::Module {
    EnsembleNetImpl(const NetConfig& c);
    // comps [B, L, H, C, E] probabilities -> [B, L, H, E]
    torch::Tensor forward(const torch::Tensor& comps);
    torch::nn::Linear gate{nullptr};
    torch::Tensor gateBias, biasIdx;
    int L, H, E, C, k;
};
TORCH_MODULE(EnsembleNet);

torch::Tensor makeBiasIndex(int L, int H); // [L*H] of h*L + min(l+h+1, L-1)

struct ForwardOut {
    torch::Tensor interLogits, statLogits; // undefined when absent
    torch::Tensor ensRaw;                  // gate mixture (no fallback)
    std::vector<torch::Tensor> comps;      // component probabilities, cfg.components order
};

class Predictor {
public:
    NetConfig cfg;
    LayerStats stats;
    InterLayerNet inter{nullptr};
    StatNet stat{nullptr};
    EnsembleNet ens{nullptr};
    torch::Device device{torch::kCPU};

    void build(uint64_t seed); // fresh modules (cfg must be set)
    void to(const torch::Device& d);
    void train(bool on);
    std::vector<torch::Tensor> parameters(const std::string& which = {});
    ForwardOut forward(const Batch& b, bool needEnsembleGrad);
    // All probabilities (eval): names and [B, L, H, E] tensors on CPU, the ensemble with its
    // fallback table applied; then baselines frequency, markov, lookahead (D > 0), uniform.
    std::vector<std::pair<std::string, torch::Tensor>> predictAll(const Batch& b);

    std::vector<NamedArray> weightArrays() const;
    void setWeights(const std::vector<NamedArray>& arrays, const std::string& where);
    void save(const std::string& dir) const;   // config.json + predictor.safetensors
    static Predictor load(const std::string& dir, const torch::Device& d);
};

torch::Device parseDevice(const std::string& name);

// Scores on one split: accumulators [name][h-1][predicted layer].
struct SplitScores {
    std::vector<std::string> names; // models (ensemble = raw gate), then baselines
    std::vector<std::vector<std::vector<MetricAccumulator>>> acc;
    int64_t tokens = 0;
    int index(const std::string& n) const;
};
SplitScores scoreSplit(Predictor& p, const BlockSource& src, std::optional<Split> split,
                       int64_t maxTokens, int batchTokens, const ProgressFn& progress);
// Picks, per horizon and predicted layer, the best of gate and components (recall@k, then
// log-loss) and stores it in p.cfg.fallback.
void chooseFallback(Predictor& p, const SplitScores& s);
// The report; "ensemble" rows merge the accumulators chosen by p.cfg.fallback.
EvalReport makeReport(const Predictor& p, const SplitScores& s, const std::string& split);
// Same dimension check used everywhere a block enters.
void checkBlockDims(const TraceDims& expected, const RoutingBlock& b, const std::string& where);

} // namespace specmoe::speculate
