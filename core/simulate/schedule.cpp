#include "core/simulate/schedule.h"

#include "core/util/error.h"

#include <algorithm>
#include <numeric>

namespace specmoe::simulate {

namespace {

// Sorts n (id, weight) pairs: heavier first, then the lower id (n is at most a few hundred).
template <typename W>
void rankPairs(ExpertId* ids, W* weights, int n)
{
    for (int i = 1; i < n; ++i) {
        const ExpertId id = ids[i];
        const W w = weights[i];
        int j = i - 1;
        while (j >= 0 && (weights[j] < w || (weights[j] == w && ids[j] > id))) {
            ids[j + 1] = ids[j];
            weights[j + 1] = weights[j];
            --j;
        }
        ids[j + 1] = id;
        weights[j + 1] = w;
    }
}

} // namespace

Schedule buildSchedule(const TokenStore& store, int batch)
{
    if (batch < 1)
        throw Error("simulate: the batch must hold at least 1 sequence (it is " + std::to_string(batch) + ")");
    Schedule s;
    s.layers = store.layers;
    s.experts = store.experts;
    s.topk = store.topk;
    s.batch = batch;
    s.width = std::min(batch * store.topk, store.experts);
    s.tokens = store.tokens();
    const int L = s.layers, k = s.topk, E = s.experts;
    const int64_t nSeq = store.sequences();
    auto seqEnd = [&](int64_t q) { return q + 1 < nSeq ? store.sequenceStarts[size_t(q + 1)] : s.tokens; };

    // Slots: the token each decodes next and where its sequence ends.
    std::vector<int64_t> next(size_t(batch), -1), end(size_t(batch), -1);
    int64_t nextSeq = 0;
    auto refill = [&](size_t b) {
        while (next[b] >= end[b] && nextSeq < nSeq) {
            next[b] = store.sequenceStarts[size_t(nextSeq)];
            end[b] = seqEnd(nextSeq);
            ++nextSeq;
        }
    };
    for (size_t b = 0; b < size_t(batch); ++b)
        refill(b);
    std::vector<int> count(size_t(E), 0);
    std::vector<ExpertId> ids(size_t(s.width));
    std::vector<int> weights(size_t(s.width));
    for (;;) {
        int active = 0;
        for (size_t b = 0; b < size_t(batch); ++b)
            active += next[b] < end[b];
        if (active == 0)
            break;
        s.active.push_back(uint16_t(active));
        for (size_t b = 0; b < size_t(batch); ++b)
            s.stepTokens.push_back(next[b] < end[b] ? next[b] : -1);
        const int64_t* tokens = s.stepTokens.data() + s.stepTokens.size() - size_t(batch);
        for (int l = 0; l < L; ++l) {
            int n = 0;
            for (int b = 0; b < batch; ++b) {
                if (tokens[b] < 0)
                    continue;
                const ExpertId* row = store.ids.data() + (size_t(tokens[b]) * size_t(L) + size_t(l)) * size_t(k);
                for (int j = 0; j < k; ++j)
                    if (count[row[j]]++ == 0)
                        ids[size_t(n++)] = row[j];
            }
            for (int j = 0; j < n; ++j)
                weights[size_t(j)] = count[ids[size_t(j)]];
            rankPairs(ids.data(), weights.data(), n);
            for (int j = 0; j < n; ++j)
                count[ids[size_t(j)]] = 0;
            s.ids.insert(s.ids.end(), ids.begin(), ids.begin() + n);
            s.ids.resize(s.ids.size() + size_t(s.width - n), kNoExpert);
            s.counts.push_back(uint16_t(n));
        }
        for (size_t b = 0; b < size_t(batch); ++b)
            if (next[b] < end[b]) {
                ++next[b];
                refill(b);
            }
        ++s.steps;
    }
    return s;
}

PrefetchPlan oraclePlan(const Schedule& s, int horizon)
{
    PrefetchPlan p;
    p.ids = s.ids.data();
    p.counts = s.counts.data();
    p.width = s.width;
    p.offset = horizon;
    p.keys = s.keys();
    return p;
}

void appendRanking(TokenRanking& out, const std::vector<float>& scores, const std::vector<size_t>& rows, int layers,
                   int horizons, int experts, int horizon)
{
    const size_t L = size_t(layers), E = size_t(experts), H = size_t(horizons), W = size_t(out.width);
    std::vector<ExpertId> order(E);
    for (size_t t : rows) {
        for (size_t l = 0; l < L; ++l) {
            const size_t at = out.ids.size();
            out.ids.resize(at + W, kNoExpert);
            out.scores.resize(at + W, 0.0f);
            if (l + size_t(horizon) >= L)
                continue;
            const float* p = scores.data() + ((t * L + l) * H + size_t(horizon - 1)) * E;
            std::iota(order.begin(), order.end(), ExpertId(0));
            // Descending score, ties to the lower id (the ranking rule of docs/speculation.md).
            std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(W), order.end(),
                              [&](ExpertId a, ExpertId b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
            for (size_t j = 0; j < W; ++j) {
                out.ids[at + j] = order[j];
                out.scores[at + j] = p[order[j]];
            }
        }
    }
}

void setNextTokenRanking(TokenRanking& ranking, const std::vector<float>& scores, int layers, int experts)
{
    const size_t E = size_t(experts), W = size_t(ranking.width);
    ranking.nextIds.assign(size_t(layers) * W, kNoExpert);
    std::vector<ExpertId> order(E);
    for (size_t l = 0; l < size_t(layers); ++l) {
        const float* p = scores.data() + l * E;
        std::iota(order.begin(), order.end(), ExpertId(0));
        std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(W), order.end(),
                          [&](ExpertId a, ExpertId b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
        std::copy(order.begin(), order.begin() + std::ptrdiff_t(W), ranking.nextIds.begin() + std::ptrdiff_t(l * W));
    }
}

PlanStore predictorPlan(const Schedule& s, const TokenRanking& ranking, int horizon)
{
    const int L = s.layers, E = s.experts, W = ranking.width;
    PlanStore out;
    out.width = W;
    out.ids.assign(size_t(s.keys()) * size_t(W), kNoExpert);
    out.counts.assign(size_t(s.keys()), 0);
    std::vector<float> sum(size_t(E), 0.0f);
    std::vector<ExpertId> cand(static_cast<size_t>(E));
    std::vector<float> weight(static_cast<size_t>(E));
    for (int64_t step = 0; step < s.steps; ++step) {
        const int64_t* tokens = s.stepTokens.data() + size_t(step) * size_t(s.batch);
        for (int l = 0; l + horizon < L; ++l) {
            int n = 0;
            for (int b = 0; b < s.batch; ++b) {
                if (tokens[b] < 0)
                    continue;
                const size_t row = (size_t(tokens[b]) * size_t(L) + size_t(l)) * size_t(W);
                for (int j = 0; j < W; ++j) {
                    const ExpertId e = ranking.ids[row + size_t(j)];
                    if (e == kNoExpert)
                        continue;
                    if (sum[e] == 0.0f)
                        cand[size_t(n++)] = e;
                    // A tiny floor keeps a ranked expert with score 0 in the candidates.
                    sum[e] += std::max(ranking.scores[row + size_t(j)], 1e-12f);
                }
            }
            for (int j = 0; j < n; ++j)
                weight[size_t(j)] = sum[cand[size_t(j)]];
            rankPairs(cand.data(), weight.data(), n);
            const int m = std::min(n, W);
            const size_t key = size_t(step) * size_t(L) + size_t(l);
            std::copy(cand.begin(), cand.begin() + m, out.ids.begin() + std::ptrdiff_t(key * size_t(W)));
            out.counts[key] = uint16_t(m);
            for (int j = 0; j < n; ++j)
                sum[cand[size_t(j)]] = 0.0f;
        }
        // Past the last layer: the next step's first layers, where the predictor defines them.
        if (ranking.nextIds.empty() || step + 1 >= s.steps)
            continue;
        for (int l = std::max(0, L - horizon); l < L; ++l) {
            const size_t key = size_t(step) * size_t(L) + size_t(l);
            const ExpertId* next = ranking.nextIds.data() + size_t(l + horizon - L) * size_t(W);
            std::copy(next, next + W, out.ids.begin() + std::ptrdiff_t(key * size_t(W)));
            out.counts[key] = uint16_t(W);
        }
    }
    return out;
}

PrefetchPlan PlanStore::plan() const
{
    PrefetchPlan p;
    p.ids = ids.data();
    p.counts = counts.data();
    p.width = width;
    p.offset = 0;
    p.keys = int64_t(counts.size());
    return p;
}

} // namespace specmoe::simulate
