#pragma once
// Per-token, per-layer expert scores of one predictor over a stream of blocks, for code that
// replays traces token by token (core/simulate's prefetcher): load once, then score block
// after block. Torch-free header. The scores are those `evaluate` scores (the same Predictor
// and baselines); nothing here predicts on its own.
#include "core/speculate/source.h"
#include "core/tensor/device.h"
#include "core/trace/routing.h"
#include "core/util/progress.h"

#include <memory>
#include <string>
#include <vector>

namespace specmoe::speculate {

class PredictionStream {
public:
    virtual ~PredictionStream();
    // The predictor's name (a model or a baseline: kInterLayer, ..., kMarkov, kLookahead).
    const std::string& name() const { return m_name; }
    // Horizons scored: 1..horizon().
    int horizon() const { return m_horizon; }
    // The split the predictor's statistics were counted on (its training split).
    const SplitSpec& split() const { return m_split; }
    // Scores p_e of every token of the block: out = [N, L, H, E] (the layout of
    // BlockPredictions); rows whose l+h is beyond the last layer are 0. Throws Error when the
    // block's dims do not fit the predictor.
    virtual void predict(const RoutingBlock& block, std::vector<float>& out) = 0;
    // Scores p_e [E] of layer `layer` of the token that follows in the sequence, from what is
    // known before that token starts: its id is not sampled yet, so no model that reads the
    // token, its features or its own routing can score it. Only kFrequency (the baseline, or
    // a saved predictor's stored statistics) defines these (the training split's frequency of
    // the layer); every other predictor returns false and leaves `out` alone.
    bool nextTokenScores(int layer, std::vector<float>& out) const;

    // One predictor of a trained run (its best checkpoint) or of an exported predictor folder:
    // one of its models or one of the baselines computed from its stored statistics ("" = its
    // ensemble, or its first model when it has none).
    static std::unique_ptr<PredictionStream> fromPredictor(const std::string& dir, const std::string& model,
                                                           const DeviceSpec& device = DeviceSpec::cpu());
    // A statistics baseline (kFrequency, kMarkov, kLookahead) counted on the training split
    // of `source` (one pass), as training counts it for its baselines.
    static std::unique_ptr<PredictionStream> fromTrainingSplit(const BlockSource& source, const SplitSpec& split,
                                                               int horizon, const std::string& baseline,
                                                               const ProgressFn& progress = {});
    // The baselines fromTrainingSplit knows.
    static std::vector<std::string> trainingSplitBaselines();

protected:
    std::string m_name;
    int m_horizon = 1;
    SplitSpec m_split;
    std::vector<float> m_nextToken; // [L, E] for nextTokenScores; empty: not defined
    int m_layers = 0;
};

} // namespace specmoe::speculate
