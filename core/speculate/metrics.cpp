#include "core/speculate/metrics.h"

#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace specmoe::speculate {

std::vector<int> rankExperts(const float* prob, int experts)
{
    std::vector<int> order(static_cast<size_t>(experts));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [prob](int a, int b) { return prob[a] > prob[b]; });
    return order;
}

MetricAccumulator::MetricAccumulator(int experts, int topk, int calibrationBins)
    : m_experts(experts), m_topk(topk), m_bins(calibrationBins)
{
    if (experts <= 0 || topk <= 0 || topk > experts || calibrationBins <= 0)
        throw Error("metrics: invalid dimensions (experts " + std::to_string(experts) + ", top-k " +
                    std::to_string(topk) + ")");
    m_rankCount.assign(size_t(experts), 0);
    m_inTrue.assign(size_t(experts), 0);
    m_binProb.assign(size_t(m_bins), 0.0);
    m_binPos.assign(size_t(m_bins), 0.0);
    m_binCount.assign(size_t(m_bins), 0);
}

// Only the ranks of the k true experts matter: rank(e) = experts with a higher p, plus those
// with the same p and a lower id (the ranking's tie rule). O(k E) a sample instead of
// sorting E experts, which at 128 or 256 experts dominated evaluation.
void MetricAccumulator::add(const float* prob, const ExpertId* trueIds)
{
    const int E = m_experts, k = m_topk;
    for (int j = 0; j < k; ++j) {
        if (int(trueIds[j]) >= E)
            throw Error("metrics: true expert id " + std::to_string(int(trueIds[j])) + " out of range");
        m_inTrue[trueIds[j]] = 1;
    }
    int top1 = 0, inTopK = 0;
    for (int j = 0; j < k; ++j) {
        const int t = trueIds[j];
        if (j > 0 && std::find(trueIds, trueIds + j, trueIds[j]) != trueIds + j)
            continue; // a repeated id counts once (as the set it stands for)
        const float pt = prob[t];
        int rank = 0;
        for (int e = 0; e < E; ++e)
            rank += (prob[e] > pt) | (prob[e] == pt && e < t);
        ++m_rankCount[size_t(rank)];
        top1 |= rank == 0;
        inTopK += rank < k;
    }
    m_top1 += top1 ? 1.0 : 0.0;
    m_exact += inTopK == k ? 1.0 : 0.0;
    double ll = 0.0;
    for (int e = 0; e < E; ++e) {
        double p = double(prob[e]);
        if (!(p == p)) // NaN
            p = 0.0;
        p = std::min(1.0, std::max(0.0, p));
        const double y = m_inTrue[size_t(e)] ? 1.0 : 0.0;
        const double pc = std::min(1.0 - kProbClip, std::max(kProbClip, p));
        ll -= y * std::log(pc) + (1.0 - y) * std::log(1.0 - pc);
        int b = int(p * m_bins);
        b = std::min(m_bins - 1, std::max(0, b));
        m_binProb[size_t(b)] += p;
        m_binPos[size_t(b)] += y;
        m_binCount[size_t(b)] += 1;
    }
    for (int j = 0; j < k; ++j)
        m_inTrue[trueIds[j]] = 0;
    m_logloss += ll / double(E);
    ++m_n;
}

void MetricAccumulator::merge(const MetricAccumulator& o)
{
    if (o.m_n == 0)
        return;
    if (m_experts == 0) {
        *this = o;
        return;
    }
    if (o.m_experts != m_experts || o.m_topk != m_topk || o.m_bins != m_bins)
        throw Error("metrics: merging accumulators of different dimensions");
    m_n += o.m_n;
    m_top1 += o.m_top1;
    m_exact += o.m_exact;
    m_logloss += o.m_logloss;
    for (size_t i = 0; i < m_rankCount.size(); ++i)
        m_rankCount[i] += o.m_rankCount[i];
    for (size_t b = 0; b < m_binProb.size(); ++b) {
        m_binProb[b] += o.m_binProb[b];
        m_binPos[b] += o.m_binPos[b];
        m_binCount[b] += o.m_binCount[b];
    }
}

Metrics MetricAccumulator::result() const
{
    Metrics r;
    r.samples = m_n;
    r.recall.assign(m_rankCount.size(), 0.0);
    if (m_n == 0)
        return r;
    const double n = double(m_n);
    r.top1 = m_top1 / n;
    r.exact = m_exact / n;
    r.logloss = m_logloss / n;
    // recall@m: true experts ranked among the first m, over k per sample.
    int64_t covered = 0;
    for (size_t i = 0; i < m_rankCount.size(); ++i) {
        covered += m_rankCount[i];
        r.recall[i] = double(covered) / (double(m_topk) * n);
    }
    int64_t total = 0;
    for (int64_t c : m_binCount)
        total += c;
    double ece = 0.0;
    for (size_t b = 0; b < m_binCount.size(); ++b) {
        if (m_binCount[b] == 0)
            continue;
        const double c = double(m_binCount[b]);
        ece += (c / double(total)) * std::fabs(m_binProb[b] / c - m_binPos[b] / c);
    }
    r.ece = ece;
    return r;
}

static std::string num(double v)
{
    if (!std::isfinite(v))
        return "null";
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
}

std::string Metrics::toJson() const
{
    std::ostringstream s;
    s << "{\"n\":" << samples << ",\"top1\":" << num(top1) << ",\"exact\":" << num(exact)
      << ",\"recall\":[";
    for (size_t i = 0; i < recall.size(); ++i)
        s << (i ? "," : "") << num(recall[i]);
    s << "],\"logloss\":" << num(logloss) << ",\"ece\":" << num(ece) << "}";
    return s.str();
}

} // namespace specmoe::speculate
