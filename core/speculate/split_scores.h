#pragma once
// Internal to core/speculate (torch): scoring a predictor and the baselines on one split,
// choosing the ensemble's fallback table, and the report made of the scores.
#include "core/speculate/metrics.h"
#include "core/speculate/predictor.h"
#include "core/speculate/source.h"
#include "core/speculate/train.h"
#include "core/util/progress.h"

#include <optional>
#include <string>
#include <vector>

namespace specmoe::speculate {

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

} // namespace specmoe::speculate
