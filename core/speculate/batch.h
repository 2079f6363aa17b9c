#pragma once
// Internal to core/speculate (torch): a batch of token rows as the networks' input tensors,
// with targets and the baselines' probabilities.
#include "core/speculate/predictor_config.h"
#include "core/speculate/stats.h"

#include <torch/nn.h>

namespace specmoe::speculate {

struct Batch {
    int64_t B = 0;
    torch::Tensor le, w, probeIdx, probeW, tokB; // inputs
    torch::Tensor tokKnown;                      // [B] 1, or 0 for kUnknownToken (no token embedding)
    torch::Tensor feat;                          // [B,L,F] hidden-state features (F > 0 only)
    // Decode context (PredictorConfig::previousInput only): the previous token's routing as
    // (layer, expert) rows l*E + e [B, L*k] and their weights [B, L*k] (0: no previous token).
    torch::Tensor prevLe, prevW;
    torch::Tensor prevFeat;                      // [B,L,F] its features (previousFeatureInput only; 0: none)
    torch::Tensor target, valid;                 // [B,L,H,E], [B,L,H]
    torch::Tensor statFeat;                      // [B,L,H,2E+1]
    torch::Tensor freqP, markovP, lookP, uniformP; // [B,L,H,E]
    Batch to(const torch::Device& d) const;
};
Batch buildBatch(const TokenTable& t, const LayerStats& s, const PredictorConfig& c);

} // namespace specmoe::speculate
