// The layer-major chunk of AnalysisAccumulator: first-choice transitions, layer-pair
// joints and predictability tables are counted per (table, layer) over a chunk of tokens,
// so each small table stays in L1 while the tokens stream by; and the spill of the 32-bit
// tables into their 64-bit totals.
#include "core/analysis/accumulator_impl.h"

#include <algorithm>
#include <type_traits>

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

// pairHistogram of one source layer into four consecutive E x E tables (layers b0..b3) in
// one pass: four independent increments a token instead of four passes over `a`, and
// repeated cells of consecutive tokens in one table no longer serialize the whole loop.
void pairHistogram4(const ExpertId* a, const ExpertId* b0, const ExpertId* b1, const ExpertId* b2,
                    const ExpertId* b3, size_t n, int E, uint32_t* tab)
{
    const size_t e = size_t(E), EE = e * e;
    uint32_t* t1 = tab + EE;
    uint32_t* t2 = t1 + EE;
    uint32_t* t3 = t2 + EE;
    for (size_t q = 0; q < n; ++q) {
        const size_t row = size_t(a[q]) * e;
        ++tab[row + b0[q]];
        ++t1[row + b1[q]];
        ++t2[row + b2[q]];
        ++t3[row + b3[q]];
    }
}

// Any-of-top-k transitions: tab[a * E + b] += 1 for every a in a token's top-k at layer l
// and b in its top-k at layer l + d (k * k counters a token). Token-major: the k target ids
// are loaded once and reused for each source row, and a token's k * k cells are distinct
// (ids are distinct within a layer), so its increments do not wait on each other. (Pair-major,
// one histogram per (i, j), read both id arrays k * k times.) K fixed lets the compiler
// unroll the inner loops; k = 0 is the generic loop.
template <int KF>
void anyPairs(const ExpertId* const* from, const ExpertId* const* to, size_t n, int E, int k, uint32_t* tab)
{
    const int K = KF > 0 ? KF : k;
    const size_t e = size_t(E);
    for (size_t q = 0; q < n; ++q) {
        uint32_t b[kMaxTopk];
        for (int j = 0; j < K; ++j)
            b[j] = to[j][q];
        for (int i = 0; i < K; ++i) {
            uint32_t* row = tab + size_t(from[i][q]) * e;
            for (int j = 0; j < K; ++j)
                ++row[b[j]];
        }
    }
}

// Calls f(std::integral_constant<int, K>) with K = k for the common top-k values (loops
// of a fixed length unroll), K = 0 (k read at run time) for the others.
template <class F>
void withFixedTopk(int k, F&& f)
{
    switch (k) {
    case 2:
        return f(std::integral_constant<int, 2>{});
    case 4:
        return f(std::integral_constant<int, 4>{});
    case 6:
        return f(std::integral_constant<int, 6>{});
    case 8:
        return f(std::integral_constant<int, 8>{});
    default:
        return f(std::integral_constant<int, 0>{});
    }
}

void anyPairHistogram(const ExpertId* const* from, const ExpertId* const* to, size_t n, int E, int k, uint32_t* tab)
{
    withFixedTopk(k, [&](auto K) { anyPairs<decltype(K)::value>(from, to, n, E, k, tab); });
}

// Co-activation over a chunk at one layer: co[min * E + max] += 1 for each pair of a token's
// top-k ids, in its group's table. The ids are random, so min and max are selects, not
// branches (a branch per pair mispredicted half the time and took most of this loop).
template <int KF>
void coactivationK(const ExpertId* const* r, const int32_t* group, uint32_t* const* tables, size_t n, int E, int k)
{
    const int K = KF > 0 ? KF : k;
    const uint32_t e = uint32_t(E);
    for (size_t q = 0; q < n; ++q) {
        uint32_t v[kMaxTopk];
        for (int j = 0; j < K; ++j)
            v[j] = r[j][q];
        uint32_t* co = tables[group[q]];
        for (int i = 0; i < K; ++i)
            for (int j = i + 1; j < K; ++j) {
                const uint32_t lo = v[i] < v[j] ? v[i] : v[j];
                const uint32_t hi = v[i] ^ v[j] ^ lo;
                ++co[lo * e + hi];
            }
    }
}

void coactivation(const ExpertId* const* r, const int32_t* group, uint32_t* const* tables, size_t n, int E, int k)
{
    withFixedTopk(k, [&](auto K) { coactivationK<decltype(K)::value>(r, group, tables, n, E, k); });
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
        std::vector<uint32_t*> tables(groups.size());
        for (int l = 0; l < L; ++l) {
            for (int j = 0; j < K; ++j)
                r[j] = rank(l, j);
            for (size_t g = 0; g < groups.size(); ++g)
                tables[g] = groups[g].coact.data() + size_t(l) * EE;
            coactivation(r, groupBuf.data(), tables.data(), n, E, K);
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
            if (EE <= 256) { // small tables: pairHistogram's local copies keep repeated cells apart
                for (int i = 0; i < K; ++i)
                    for (int j = 0; j < K; ++j)
                        pairHistogram(rank(l, i), rank(l + d, j), n, E, any);
                continue;
            }
            const ExpertId* from[kMaxTopk];
            const ExpertId* to[kMaxTopk];
            for (int j = 0; j < K; ++j) {
                from[j] = rank(l, j);
                to[j] = rank(l + d, j);
            }
            anyPairHistogram(from, to, n, E, K, any);
        }
    }

    if (!pairJoint.empty()) {
        uint32_t* tab = pairJoint.data();
        for (int i = 0; i < L; ++i) {
            const ExpertId* a = layer(i);
            int j = i + 1;
            if (EE > 256) // four tables a pass (small tables have pairHistogram's local copies)
                for (; j + 4 <= L; j += 4, tab += 4 * EE)
                    pairHistogram4(a, layer(j), layer(j + 1), layer(j + 2), layer(j + 3), n, E, tab);
            for (; j < L; ++j, tab += EE)
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
