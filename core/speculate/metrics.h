#pragma once
// Metrics of expert speculation, pure C++ (no torch) so they can be checked on hand-made
// cases. A predictor gives, for one token, one source layer l and one horizon h, an
// inclusion probability p_e in [0, 1] for every expert e of layer l+h ("e is among the
// true top-k of layer l+h"); the probabilities of a good predictor sum to about k.
// docs/speculation.md defines every figure.
#include "core/trace/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::speculate {

struct Metrics {
    int64_t samples = 0;        // (token, source layer) pairs scored
    double top1 = 0.0;          // first predicted expert is in the true top-k
    double exact = 0.0;         // predicted top-k set equals the true top-k set
    std::vector<double> recall; // recall[m-1]: share of the true top-k inside the m best
    double logloss = 0.0;       // mean binary cross-entropy over (sample, expert), nats
    double ece = 0.0;           // expected calibration error of the p_e (equal-width bins)

    double recallAt(int m) const { return m >= 1 && m <= int(recall.size()) ? recall[size_t(m - 1)] : 0.0; }
    std::string toJson() const; // {"n":..,"top1":..,"exact":..,"recall":[..],"logloss":..,"ece":..}
};

// Accumulates metrics sample by sample. Ranking: descending p, ties to the lower id.
class MetricAccumulator {
public:
    MetricAccumulator() = default;
    MetricAccumulator(int experts, int topk, int calibrationBins = 10);

    // prob: [experts] inclusion probabilities; trueIds: the k true experts (any order).
    void add(const float* prob, const ExpertId* trueIds);
    void merge(const MetricAccumulator& other);
    Metrics result() const;
    int64_t samples() const { return m_n; }

    static constexpr double kProbClip = 1e-6; // log-loss clips p to [clip, 1 - clip]

private:
    int m_experts = 0, m_topk = 0, m_bins = 10;
    int64_t m_n = 0;
    double m_top1 = 0, m_exact = 0, m_logloss = 0;
    std::vector<int64_t> m_rankCount;             // [experts] true experts ranked r
    std::vector<double> m_binProb, m_binPos;      // [bins] sums of p and of outcomes
    std::vector<int64_t> m_binCount;              // [bins]
    std::vector<uint8_t> m_inTrue;                // [experts] scratch: the sample's true set
};

// Ranks experts by descending probability (ties: lower id first).
std::vector<int> rankExperts(const float* prob, int experts);

} // namespace specmoe::speculate
