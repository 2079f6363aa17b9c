#include "core/speculate/split_scores.h"

#include "core/speculate/block_dims.h"

#include <cmath>

namespace specmoe::speculate {

int SplitScores::index(const std::string& n) const
{
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == n)
            return int(i);
    return -1;
}

SplitScores scoreSplit(Predictor& p, const BlockSource& src, std::optional<Split> split,
                       int64_t maxTokens, int batchTokens, const ProgressFn& progress)
{
    const int L = p.cfg.dims.layers, E = p.cfg.dims.experts, k = p.cfg.dims.topk, H = p.cfg.horizon;
    SplitScores s;
    if (p.inter)
        s.names.push_back(kInterLayer);
    if (p.stat)
        s.names.push_back(kStatistics);
    if (p.hid)
        s.names.push_back(kHiddenState);
    if (p.ens)
        s.names.push_back(kEnsemble);
    s.names.push_back(kFrequency);
    s.names.push_back(kMarkov);
    if (!p.cfg.dims.lookahead.empty())
        s.names.push_back(kLookahead);
    s.names.push_back(kUniform);
    s.acc.assign(s.names.size(), std::vector<std::vector<MetricAccumulator>>(
                                     size_t(H), std::vector<MetricAccumulator>(size_t(L), MetricAccumulator(E, k))));
    p.train(false);
    TokenTable tt;
    tt.init(p.cfg.dims, p.cfg.model.useWeights, p.cfg.featureInput() > 0, p.cfg.previousInput(),
            p.cfg.previousFeatureInput());
    ProgressMeter meter;
    auto flush = [&]() {
        if (tt.size() == 0)
            return;
        Batch b = buildBatch(tt, p.stats, p.cfg).to(p.device);
        torch::NoGradGuard ng;
        ForwardOut o = p.forward(b, false);
        std::vector<torch::Tensor> probs;
        if (p.inter)
            probs.push_back(torch::sigmoid(o.interLogits));
        if (p.stat)
            probs.push_back(torch::sigmoid(o.statLogits));
        if (p.hid)
            probs.push_back(torch::sigmoid(o.hiddenLogits));
        if (p.ens)
            probs.push_back(o.ensRaw);
        probs.push_back(b.freqP);
        probs.push_back(b.markovP);
        if (!p.cfg.dims.lookahead.empty())
            probs.push_back(b.lookP);
        probs.push_back(b.uniformP);
        for (size_t m = 0; m < probs.size(); ++m) {
            torch::Tensor c = probs[m].to(torch::kCPU, torch::kFloat).contiguous();
            const float* ptr = c.data_ptr<float>();
            for (size_t bi = 0; bi < tt.size(); ++bi) {
                const ExpertId* ids = tt.idsRow(bi);
                for (int l = 0; l < L; ++l)
                    for (int h = 1; h <= H && l + h < L; ++h)
                        s.acc[m][size_t(h - 1)][size_t(l + h)].add(
                            ptr + ((bi * size_t(L) + size_t(l)) * size_t(H) + size_t(h - 1)) * size_t(E),
                            ids + (l + h) * k);
            }
        }
        s.tokens += int64_t(tt.size());
        tt.clear();
        Progress pr;
        pr.stage = "evaluate";
        pr.unit = "tokens";
        pr.done = s.tokens;
        pr.total = maxTokens;
        meter.measure(pr);
        reportProgress(progress, pr);
    };
    src.forEachBlock(
        [&](const RoutingBlock& blk) {
            checkBlockDims(p.cfg.dims, blk, src.description, p.cfg.model.useWeights, p.cfg.featureInput());
            for (size_t t = 0; t < blk.numTokens(); ++t) {
                if (split && splitOf(blk.seqIds[t], p.cfg.split) != *split)
                    continue;
                if (maxTokens > 0 && s.tokens + int64_t(tt.size()) >= maxTokens)
                    return false;
                tt.append(blk, t);
                if (int(tt.size()) >= batchTokens)
                    flush();
            }
            return true;
        },
        0);
    flush();
    return s;
}

void chooseFallback(Predictor& p, const SplitScores& s)
{
    const int L = p.cfg.dims.layers, H = p.cfg.horizon, k = p.cfg.dims.topk;
    p.cfg.fallback.assign(size_t(H * L), -1);
    const int gi = s.index(kEnsemble);
    if (gi < 0)
        return;
    for (int h = 0; h < H; ++h)
        for (int t = h + 1; t < L; ++t) {
            Metrics best = s.acc[size_t(gi)][size_t(h)][size_t(t)].result();
            if (best.samples == 0)
                continue;
            for (size_t c = 0; c < p.cfg.components.size(); ++c) {
                const int ci = s.index(p.cfg.components[c]);
                if (ci < 0)
                    continue;
                Metrics m = s.acc[size_t(ci)][size_t(h)][size_t(t)].result();
                const double dr = m.recallAt(k) - best.recallAt(k);
                if (dr > 1e-12 || (std::fabs(dr) <= 1e-12 && m.logloss < best.logloss)) {
                    best = m;
                    p.cfg.fallback[size_t(h * L + t)] = int(c);
                }
            }
        }
}

EvalReport makeReport(const Predictor& p, const SplitScores& s, const std::string& split)
{
    const int L = p.cfg.dims.layers, H = p.cfg.horizon;
    EvalReport r;
    r.split = split;
    r.tokens = s.tokens;
    r.dims = p.cfg.dims;
    r.unavailable = unavailablePredictors(p.cfg);
    for (size_t m = 0; m < s.names.size(); ++m) {
        PredictorMetrics pm;
        pm.name = s.names[m];
        pm.baseline = pm.name != kInterLayer && pm.name != kStatistics && pm.name != kHiddenState &&
                      pm.name != kEnsemble;
        for (int h = 0; h < H; ++h) {
            HorizonMetrics hm;
            hm.horizon = h + 1;
            MetricAccumulator all;
            for (int t = 0; t < L; ++t) {
                const MetricAccumulator* a = &s.acc[m][size_t(h)][size_t(t)];
                if (pm.name == kEnsemble) {
                    const int f = p.cfg.fallback[size_t(h * L + t)];
                    if (f >= 0 && f < int(p.cfg.components.size())) {
                        const int ci = s.index(p.cfg.components[size_t(f)]);
                        if (ci >= 0)
                            a = &s.acc[size_t(ci)][size_t(h)][size_t(t)];
                    }
                }
                hm.perLayer.push_back(a->result());
                all.merge(*a);
            }
            hm.overall = all.samples() ? all.result() : MetricAccumulator(p.cfg.dims.experts, p.cfg.dims.topk).result();
            pm.horizons.push_back(std::move(hm));
        }
        r.predictors.push_back(std::move(pm));
    }
    return r;
}

} // namespace specmoe::speculate
