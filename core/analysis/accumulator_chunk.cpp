// The layer-major chunk of AnalysisAccumulator: first-choice transitions, layer-pair
// joints and predictability tables are counted per (table, layer) over a chunk of tokens,
// so each small table stays in L1 while the tokens stream by; and the spill of the 32-bit
// tables into their 64-bit totals.
#include "core/analysis/accumulator_impl.h"

#include <algorithm>

namespace specmoe {
namespace {

// tab[a[q] * E + b[q]] += 1 for q < n. With E*E <= 256 it counts into four interleaved
// local tables first: consecutive tokens often hit the same cell, and one table would
// serialize on the store-to-load latency of that counter.
void pairHistogram(const ExpertId* a, const ExpertId* b, size_t n, int E, uint32_t* tab)
{
    const size_t EE = size_t(E) * size_t(E);
    if (EE > 256 || n < 256) {
        for (size_t q = 0; q < n; ++q)
            ++tab[size_t(a[q]) * size_t(E) + b[q]];
        return;
    }
    uint32_t h[4][256];
    for (auto& row : h)
        std::fill(row, row + EE, 0u);
    const unsigned e = unsigned(E);
    size_t q = 0;
    for (; q + 4 <= n; q += 4) {
        ++h[0][a[q] * e + b[q]];
        ++h[1][a[q + 1] * e + b[q + 1]];
        ++h[2][a[q + 2] * e + b[q + 2]];
        ++h[3][a[q + 3] * e + b[q + 3]];
    }
    for (; q < n; ++q)
        ++h[0][a[q] * e + b[q]];
    for (size_t i = 0; i < EE; ++i)
        tab[i] += h[0][i] + h[1][i] + h[2][i] + h[3][i];
}

} // namespace

// First-choice transitions, layer-pair joints and predictability over the buffered chunk,
// one small table at a time.
void AnalysisAccumulator::Impl::flushChunk()
{
    const size_t n = chunkN;
    chunkN = 0;
    if (n == 0)
        return;
    const int L = this->L, E = this->E, K = this->K;
    const size_t EE = size_t(E) * E;
    const ExpertId* ids = idsT.data();
    auto rank = [&](int l, int j) { return ids + (size_t(l) * K + size_t(j)) * kChunk; };
    auto layer = [&](int l) { return rank(l, 0); };

    // Co-activation per layer over the chunk: the layer's E x E table of each group (64 KiB
    // at 128 experts) stays in cache while the tokens stream by; counted per token it missed
    // the cache at every pair (L tables of E x E per group).
    if (K > 1) {
        const ExpertId* r[kMaxTopk];
        for (int l = 0; l < L; ++l) {
            for (int j = 0; j < K; ++j)
                r[j] = rank(l, j);
            const size_t at = size_t(l) * EE;
            for (size_t q = 0; q < n; ++q) {
                uint32_t* co = groups[size_t(groupBuf[q])].coact.data() + at;
                for (int i = 0; i < K; ++i)
                    for (int j = i + 1; j < K; ++j) {
                        const size_t a = std::min(r[i][q], r[j][q]), c = std::max(r[i][q], r[j][q]);
                        ++co[a * size_t(E) + c];
                    }
            }
        }
    }

    for (size_t di = 0; di < dists.size(); ++di) {
        const int d = dists[di];
        uint32_t* tf = transFirst.data() + di * size_t(L) * EE;
        uint32_t* ta = transAny.data() + di * size_t(L) * EE;
        for (int l = 0; l + d < L; ++l) {
            uint32_t* tab = tf + size_t(l) * EE;
            const ExpertId* a = layer(l);
            const ExpertId* b = layer(l + d);
            pairHistogram(a, b, n, E, tab);
            uint32_t* any = ta + size_t(l) * EE;
            for (int i = 0; i < K; ++i)
                for (int j = 0; j < K; ++j)
                    pairHistogram(rank(l, i), rank(l + d, j), n, E, any);
        }
    }

    if (!pairJoint.empty()) {
        uint32_t* tab = pairJoint.data();
        for (int i = 0; i < L; ++i) {
            const ExpertId* a = layer(i);
            for (int j = i + 1; j < L; ++j, tab += EE)
                pairHistogram(a, layer(j), n, E, tab);
        }
    }

    if (!pred.empty()) {
        std::vector<uint32_t> key(n);
        const uint8_t* split = splitBuf.data();
        for (PredTable& p : pred) {
            const int c = p.c;
            const size_t perT = size_t(p.ctxCount) * 2 * E;
            const size_t perH = size_t(L) * perT;
            // Context ending at layer l: key over layers l-c+1..l, then per horizon the
            // target layer l+h.
            for (int l = c - 1; l < L; ++l) {
                bool anyTarget = false;
                for (int h : horizons)
                    anyTarget |= (l + h < L);
                if (!anyTarget)
                    continue;
                const ExpertId* e0 = layer(l);
                if (c == 1) {
                    for (size_t q = 0; q < n; ++q)
                        key[q] = (uint32_t(e0[q]) * 2 + split[q]) * uint32_t(E);
                } else {
                    const ExpertId* em = layer(l - 1);
                    for (size_t q = 0; q < n; ++q)
                        key[q] = uint32_t(em[q]) * uint32_t(E) + e0[q];
                    for (int back = 2; back < c; ++back) {
                        const ExpertId* eb = layer(l - back);
                        uint32_t scale = 1;
                        for (int s = 0; s < back; ++s)
                            scale *= uint32_t(E);
                        for (size_t q = 0; q < n; ++q)
                            key[q] += uint32_t(eb[q]) * scale;
                    }
                    for (size_t q = 0; q < n; ++q)
                        key[q] = (key[q] * 2 + split[q]) * uint32_t(E);
                }
                for (size_t hi = 0; hi < horizons.size(); ++hi) {
                    const int tl = l + horizons[hi];
                    if (tl >= L)
                        continue;
                    uint32_t* tab = p.counts.data() + hi * perH + size_t(tl) * perT;
                    const ExpertId* target = layer(tl);
                    for (size_t q = 0; q < n; ++q)
                        ++tab[key[q] + target[q]];
                }
            }
        }
    }
}

void AnalysisAccumulator::Impl::spillAll()
{
    flushChunk();
    for (Group& g : groups) {
        g.first.spill();
        g.any.spill();
        g.coact.spill();
        g.pairs.spill();
        g.same.spill();
        g.overlap.spill();
    }
    transFirst.spill();
    transAny.spill();
    pairJoint.spill();
    for (PredTable& p : pred)
        p.counts.spill();
    sinceSpill = 0;
}

} // namespace specmoe
