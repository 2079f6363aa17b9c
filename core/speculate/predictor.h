#pragma once
// Internal to core/speculate (torch): Predictor = config + layer statistics + networks.
// Its files (config.json + predictor.safetensors) are read and written in predictor_files.cpp.
#include "core/speculate/batch.h"
#include "core/speculate/networks.h"
#include "core/speculate/predictor_config.h"
#include "core/speculate/stats.h"
#include "core/speculate/train.h"
#include "core/speculate/feature_basis_file.h"

#include <torch/nn.h>

#include <memory>

#include <string>
#include <utility>
#include <vector>

namespace specmoe::speculate {

struct ForwardOut {
    torch::Tensor interLogits, statLogits, hiddenLogits; // undefined when absent
    torch::Tensor ensRaw;                  // gate mixture (no fallback)
    std::vector<torch::Tensor> comps;      // component probabilities, cfg.components order
};

class Predictor {
public:
    PredictorConfig cfg;
    LayerStats stats;
    InterLayerNet inter{nullptr};
    StatNet stat{nullptr};
    HiddenStateNet hid{nullptr};
    EnsembleNet ens{nullptr};
    torch::Device device{torch::kCPU};
    // The basis its features come from (cfg.featureBasisFile in its folder); nullptr: none.
    std::shared_ptr<const FeatureBasis> basis;

    void build(uint64_t seed); // fresh modules (cfg must be set)
    void to(const torch::Device& d);
    void train(bool on);
    std::vector<torch::Tensor> parameters(const std::string& which = {});
    ForwardOut forward(const Batch& b, bool needEnsembleGrad);
    // All probabilities (eval): names and [B, L, H, E] tensors on CPU, the ensemble with its
    // fallback table applied; then baselines frequency, markov, lookahead (D > 0), uniform.
    std::vector<std::pair<std::string, torch::Tensor>> predictAll(const Batch& b);

    std::vector<NamedArray> weightArrays() const;
    // The file name ("interlayer.…") of the first parameter holding NaN or an infinity, or "".
    std::string firstNonFiniteParameter() const;
    void setWeights(const std::vector<NamedArray>& arrays, const std::string& where);
    void save(const std::string& dir) const;   // config.json + predictor.safetensors (+ the basis)
    static Predictor load(const std::string& dir, const torch::Device& d);
};

} // namespace specmoe::speculate
