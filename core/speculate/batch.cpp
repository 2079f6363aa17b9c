#include "core/speculate/batch.h"

#include "core/trace/token_id.h"
#include "core/util/half.h"

#include <cstring>

namespace specmoe::speculate {

// ---------------------------------------------------------------------------------------
static float jitter(int64_t seq, int32_t pos, int l, int h, int e)
{
    uint64_t x = uint64_t(seq) * 0x9e3779b97f4a7c15ULL ^ (uint64_t(uint32_t(pos)) << 20) ^
                 (uint64_t(l) << 8) ^ (uint64_t(h) << 40) ^ (uint64_t(e) << 48);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return float(double(x >> 11) * (1.0 / 9007199254740992.0));
}

template <class T>
static torch::Tensor toTensor(std::vector<T>& v, std::vector<int64_t> shape, torch::ScalarType st)
{
    return torch::from_blob(v.data(), shape, st).clone();
}

Batch buildBatch(const TokenTable& t, const LayerStats& s, const PredictorConfig& c)
{
    const int64_t B = int64_t(t.size());
    const int L = c.dims.layers, E = c.dims.experts, k = c.dims.topk, H = c.horizon;
    const int D = c.lookInput() ? c.lookaheadCount() : 0;
    const int F = 2 * E + 1;
    const bool useWeights = c.model.useWeights && t.W;
    std::vector<int64_t> le(size_t(B * L * k)), probeIdx(size_t(B * L * D * k)), tokB(static_cast<size_t>(B));
    std::vector<float> w(size_t(B * L * k)), probeW(size_t(B * L * D * k)), tokKnown(static_cast<size_t>(B));
    const size_t nLH = size_t(B * L * H);
    std::vector<float> target(nLH * size_t(E), 0.0f), valid(nLH, 0.0f), feat(nLH * size_t(F), 0.0f);
    std::vector<float> freq(nLH * size_t(E)), markov(nLH * size_t(E)), look(nLH * size_t(E)), uni(nLH * size_t(E));
    const float base = float(k) / float(E);
    for (int64_t b = 0; b < B; ++b) {
        const ExpertId* ids = t.idsRow(size_t(b));
        const ExpertId* lk = t.lookRow(size_t(b));
        // Without router weights (id-only traces, or use_weights off) every chosen expert
        // counts 1/k: the ids alone, no weight pretending to be data.
        const float* wr = useWeights ? t.w.data() + size_t(b) * size_t(L * k) : nullptr;
        for (int l = 0; l < L; ++l) {
            for (int j = 0; j < k; ++j) {
                const size_t at = size_t((b * L + l) * k + j);
                le[at] = int64_t(l) * E + ids[l * k + j];
                w[at] = wr ? wr[l * k + j] : 1.0f / float(k);
            }
            for (int d = 0; d < D; ++d)
                for (int j = 0; j < k; ++j) {
                    const ExpertId e = lk[(l * D + d) * k + j];
                    const size_t at = size_t(((b * L + l) * D + d) * k + j);
                    probeIdx[at] = e == kNoExpert || e >= E ? 0 : (int64_t(l) * D + d) * E + e;
                    probeW[at] = e == kNoExpert || e >= E ? 0.0f : 1.0f / float(k);
                }
            for (int h = 1; h <= H; ++h) {
                const size_t r = size_t((b * L + l) * H + (h - 1));
                float* fq = freq.data() + r * size_t(E);
                float* mk = markov.data() + r * size_t(E);
                float* lo = look.data() + r * size_t(E);
                float* un = uni.data() + r * size_t(E);
                for (int e = 0; e < E; ++e)
                    un[e] = base + 1e-4f * jitter(t.seq[size_t(b)], t.pos[size_t(b)], l, h, e);
                if (l + h >= L) {
                    for (int e = 0; e < E; ++e)
                        fq[e] = mk[e] = lo[e] = base;
                    continue;
                }
                valid[r] = 1.0f;
                for (int j = 0; j < k; ++j)
                    target[r * size_t(E) + ids[(l + h) * k + j]] = 1.0f;
                std::memcpy(fq, s.frequency(l + h), size_t(E) * sizeof(float));
                s.markov(ids + l * k, l, h, mk);
                s.lookahead(t.lookRow(size_t(b)), l, h, lo);
                float* f = feat.data() + r * size_t(F);
                std::memcpy(f, fq, size_t(E) * sizeof(float));
                std::memcpy(f + E, mk, size_t(E) * sizeof(float));
                f[2 * E] = s.entropy(l + h);
            }
        }
        // An unknown token (kUnknownToken) takes no bucket: bucket 0 with weight 0, so it shares
        // no embedding with a real token.
        const int buckets = c.model.tokenBuckets;
        const int32_t tok = t.tok[size_t(b)];
        const bool known = c.model.useTokenIds && buckets > 0 && tok != kUnknownToken;
        tokB[size_t(b)] = known ? ((int64_t(tok) % buckets) + buckets) % buckets : 0;
        tokKnown[size_t(b)] = known ? 1.0f : 0.0f;
    }
    Batch bt;
    bt.B = B;
    bt.le = toTensor(le, {B, L, k}, torch::kLong);
    bt.w = toTensor(w, {B, L, k}, torch::kFloat);
    bt.probeIdx = toTensor(probeIdx, {B, L, D * k}, torch::kLong);
    bt.probeW = toTensor(probeW, {B, L, D * k}, torch::kFloat);
    bt.tokB = toTensor(tokB, {B}, torch::kLong);
    bt.tokKnown = toTensor(tokKnown, {B}, torch::kFloat);
    bt.target = toTensor(target, {B, L, H, E}, torch::kFloat);
    bt.valid = toTensor(valid, {B, L, H}, torch::kFloat);
    bt.statFeat = toTensor(feat, {B, L, H, F}, torch::kFloat);
    bt.freqP = toTensor(freq, {B, L, H, E}, torch::kFloat);
    bt.markovP = toTensor(markov, {B, L, H, E}, torch::kFloat);
    bt.lookP = toTensor(look, {B, L, H, E}, torch::kFloat);
    bt.uniformP = toTensor(uni, {B, L, H, E}, torch::kFloat);
    if (const int nf = c.featureInput(); nf > 0 && t.F == nf) {
        std::vector<float> f(t.feat.size());
        for (size_t i = 0; i < f.size(); ++i)
            f[i] = halfToFloat(t.feat[i]);
        bt.feat = toTensor(f, {B, L, nf}, torch::kFloat);
    }
    if (c.previousInput() && t.P) {
        std::vector<int64_t> pl(t.prevIds.size());
        for (size_t i = 0; i < pl.size(); ++i)
            pl[i] = int64_t((i / size_t(k)) % size_t(L)) * E + t.prevIds[i];
        std::vector<float> pw = t.prevW;
        bt.prevLe = toTensor(pl, {B, L * k}, torch::kLong);
        bt.prevW = toTensor(pw, {B, L * k}, torch::kFloat);
        if (c.previousFeatureInput() && t.PF) {
            std::vector<float> pf(t.prevFeat.size());
            for (size_t i = 0; i < pf.size(); ++i)
                pf[i] = halfToFloat(t.prevFeat[i]);
            bt.prevFeat = toTensor(pf, {B, L, c.featureInput()}, torch::kFloat);
        }
    }
    return bt;
}

Batch Batch::to(const torch::Device& d) const
{
    if (d.is_cpu())
        return *this;
    Batch o = *this;
    // On CUDA through pinned memory, without waiting: a copy from pageable memory waits for
    // all the work queued on the device (the previous step's backward), a host sync per tensor.
    const bool async = d.is_cuda();
    for (torch::Tensor* x : {&o.le, &o.w, &o.probeIdx, &o.probeW, &o.tokB, &o.tokKnown, &o.target, &o.valid,
                             &o.statFeat, &o.freqP, &o.markovP, &o.lookP, &o.uniformP, &o.feat, &o.prevLe, &o.prevW, &o.prevFeat})
        if (x->defined()) // feat, prevLe, prevW, prevFeat: only when the model reads them
            *x = async ? x->pin_memory().to(d, x->scalar_type(), /*non_blocking=*/true) : x->to(d);
    return o;
}

} // namespace specmoe::speculate
