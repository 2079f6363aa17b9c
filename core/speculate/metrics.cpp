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
    m_recall.assign(size_t(experts), 0.0);
    m_binProb.assign(size_t(m_bins), 0.0);
    m_binPos.assign(size_t(m_bins), 0.0);
    m_binCount.assign(size_t(m_bins), 0);
    m_order.resize(size_t(experts));
}

void MetricAccumulator::add(const float* prob, const uint8_t* trueIds)
{
    const int E = m_experts, k = m_topk;
    bool inTrue[256] = {false};
    for (int j = 0; j < k; ++j) {
        if (trueIds[j] >= E)
            throw Error("metrics: true expert id " + std::to_string(trueIds[j]) + " out of range");
        inTrue[trueIds[j]] = true;
    }
    std::iota(m_order.begin(), m_order.end(), 0);
    std::stable_sort(m_order.begin(), m_order.end(), [prob](int a, int b) { return prob[a] > prob[b]; });
    int covered = 0;
    for (int m = 0; m < E; ++m) {
        covered += inTrue[m_order[size_t(m)]] ? 1 : 0;
        m_recall[size_t(m)] += double(covered) / double(k);
    }
    m_top1 += inTrue[m_order[0]] ? 1.0 : 0.0;
    int inTopK = 0;
    for (int m = 0; m < k; ++m)
        inTopK += inTrue[m_order[size_t(m)]] ? 1 : 0;
    m_exact += inTopK == k ? 1.0 : 0.0;
    double ll = 0.0;
    for (int e = 0; e < E; ++e) {
        double p = double(prob[e]);
        if (!(p == p)) // NaN
            p = 0.0;
        p = std::min(1.0, std::max(0.0, p));
        const double y = inTrue[e] ? 1.0 : 0.0;
        const double pc = std::min(1.0 - kProbClip, std::max(kProbClip, p));
        ll -= y * std::log(pc) + (1.0 - y) * std::log(1.0 - pc);
        int b = int(p * m_bins);
        b = std::min(m_bins - 1, std::max(0, b));
        m_binProb[size_t(b)] += p;
        m_binPos[size_t(b)] += y;
        m_binCount[size_t(b)] += 1;
    }
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
    for (size_t i = 0; i < m_recall.size(); ++i)
        m_recall[i] += o.m_recall[i];
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
    r.recall.assign(m_recall.size(), 0.0);
    if (m_n == 0)
        return r;
    const double n = double(m_n);
    r.top1 = m_top1 / n;
    r.exact = m_exact / n;
    r.logloss = m_logloss / n;
    for (size_t i = 0; i < m_recall.size(); ++i)
        r.recall[i] = m_recall[i] / n;
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
