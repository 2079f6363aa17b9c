// The streaming pass of the routing analysis: fixed-size flat counter arrays filled per
// token, turned into AnalysisResult by finish(). The hot loop touches only contiguous
// arrays (no maps); maps are consulted once per sequence (source label, journeys).
#include "core/analysis/analysis.h"
#include "core/analysis/block_check.h"

#include "core/util/error.h"
#include "core/util/half.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace specmoe {
namespace {

using u64 = uint64_t;

u64 splitmix64(u64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Half bits -> float for all 65536 values, built once.
const float* halfTable()
{
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i)
            t[i] = halfToFloat(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

double entropyBits(const std::vector<double>& p)
{
    double h = 0;
    for (double x : p)
        if (x > 0)
            h -= x * std::log2(x);
    return h;
}

// One recorded occurrence (converted to TokenSample in finish()).
struct RawSample {
    int64_t seqId;
    int32_t position;
    int32_t tokenId;
    uint8_t rank;
    uint16_t weight; // half bits
};

// Reservoir of fixed capacity with Vitter/Li's "Algorithm L": after the reservoir is full,
// the index of the next replaced occurrence is drawn ahead, so most occurrences cost one
// comparison.
struct Reservoir {
    int64_t seen = 0;
    int64_t next = 0;  // 0-based occurrence index that replaces a slot next
    double w = 0;
    std::vector<RawSample> items;
};

// A counter table: 32-bit counters in the hot loop (half the cache footprint), spilled
// into 64-bit totals before they could overflow. No counter grows by more than one a token.
struct Counter {
    std::vector<uint32_t> hot;
    std::vector<u64> cold;
    void assign(size_t n)
    {
        hot.assign(n, 0);
        cold.assign(n, 0);
    }
    void spill()
    {
        for (size_t i = 0; i < hot.size(); ++i)
            cold[i] += hot[i];
        std::fill(hot.begin(), hot.end(), 0u);
    }
    uint32_t* data() { return hot.data(); }
    const u64* totals() const { return cold.data(); } // after spill()
};

struct Rng {
    u64 s;
    u64 next() { return s = splitmix64(s); }
    double uniform() // (0, 1)
    {
        return (double((next() >> 11)) + 0.5) * (1.0 / 9007199254740992.0);
    }
};

// tab[a[q] * E + b[q]] += 1 for q < n. With E*E <= 256 it counts into four interleaved
// local tables first: consecutive tokens often hit the same cell, and one table would
// serialize on the store-to-load latency of that counter.
void pairHistogram(const uint8_t* a, const uint8_t* b, size_t n, int E, uint32_t* tab)
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

struct AnalysisAccumulator::Impl {
    AnalysisOptions opt;
    bool haveDims = false;
    TraceDims dims;
    int L = 0, E = 0, K = 0;
    int64_t tokens = 0;
    int64_t sequences = 0;

    // Per source group: flat counters.
    struct Group {
        std::string name;
        int64_t sequences = 0;
        int64_t tokens = 0;
        Counter first;            // [L*E]
        Counter any;              // [L*E]
        std::vector<double> wsum; // [L*E]
        Counter coact;            // [L*E*E], (a<b) in the upper triangle
        Counter pairs, same, overlap; // [L]
    };
    std::vector<Group> groups;
    std::unordered_map<std::string, int> groupIndex;

    // Transitions, over all tokens.
    std::vector<int> dists;           // valid distances (1 <= d < L)
    Counter transFirst;               // [D][L][E*E] (rows l >= L-d unused)
    Counter transAny;                 // [D][L][E*E]

    // Full layer-pair joint of first choices (i < j), for the MI matrix.
    Counter pairJoint;                // [P][E*E], P = L(L-1)/2

    // Predictability: per enabled context c, table [h][t][E^c][split][E].
    struct PredTable {
        int c = 0;
        int64_t ctxCount = 0; // E^c
        Counter counts;
    };
    std::vector<int> horizons;
    std::vector<PredTable> pred;
    std::vector<int> skippedContexts;
    int64_t trainSequences = 0, testSequences = 0;

    // Previous token (for repetition across block boundaries).
    bool havePrev = false;
    int64_t prevSeqId = 0;
    int32_t prevPosition = 0;
    std::vector<uint8_t> prevIds; // [L*K]

    // Journeys.
    std::unordered_set<int64_t> journeyWanted;
    std::unordered_map<int64_t, size_t> journeyIndex; // seqId -> journeys[i]
    std::vector<SequenceJourney> journeys;
    int firstSequencesTaken = 0;

    // Queries.
    std::vector<std::string> queries;
    std::vector<TokenQueryResult> queryResults;
    std::vector<u64> matchMask;     // by token id
    std::vector<uint8_t> matchKnown;

    // Samples.
    std::vector<Reservoir> sampFirst, sampAny; // [L*E]
    Rng rng{0};

    // Layer-major chunk of first choices: transitions, layer-pair joints and predictability
    // are counted per (table, layer) over a chunk of tokens, so each small table stays in
    // L1 while the tokens stream by (token-major order would jump across megabytes).
    static constexpr size_t kChunk = 4096;
    std::vector<uint8_t> idsT;  // [L][K][kChunk] top-k ids, layer-major (j = 0: first choice)
    std::vector<uint8_t> splitBuf; // [kChunk] 1 = test
    size_t chunkN = 0;
    u64 sinceSpill = 0;         // tokens counted in the 32-bit tables since the last spill

    explicit Impl(AnalysisOptions o) : opt(std::move(o)) {}

    void init(const TraceDims& d);
    int groupFor(const std::string& source);
    void addToken(Group& g, const RoutingBlock& b, size_t t, const uint8_t* prev, bool test,
                  int64_t seqId, int32_t position);
    void flushChunk();
    void spillAll();
    void sampleInto(Reservoir& r, const RawSample& s);
    u64 queryMask(int32_t tokenId);
    TokenJourney journeyOf(const RoutingBlock& b, size_t t, const std::string& source) const;
    AnalysisResult finish() const;
    // The stages of finish().
    GroupStats groupStats(const std::string& name, int64_t seqs, int64_t toks,
                          const std::vector<const Group*>& parts) const;
    std::vector<LayerTransition> transitions(const GroupStats& overall) const;
    void layerPairMi(AnalysisResult& r) const;
    void predictability(Predictability& pr) const;
    void tokenSamples(TokenSamples& ts) const;
};

void AnalysisAccumulator::Impl::init(const TraceDims& d)
{
    dims = d;
    L = d.layers;
    E = d.experts;
    K = d.topk;
    haveDims = true;
    const size_t LE = size_t(L) * E, EE = size_t(E) * E;

    for (int dist : opt.transitionDistances)
        if (dist >= 1 && dist < L && std::find(dists.begin(), dists.end(), dist) == dists.end())
            dists.push_back(dist);
    transFirst.assign(dists.size() * L * EE);
    transAny.assign(dists.size() * L * EE);
    if (opt.layerPairMI)
        pairJoint.assign(size_t(L) * (L - 1) / 2 * EE);

    for (int h : opt.predictHorizons)
        if (h >= 1 && h < L && std::find(horizons.begin(), horizons.end(), h) == horizons.end())
            horizons.push_back(h);
    std::vector<int> contexts;
    for (int c : opt.predictContexts)
        if (c >= 1 && c <= 8 && std::find(contexts.begin(), contexts.end(), c) == contexts.end())
            contexts.push_back(c);
    std::sort(contexts.begin(), contexts.end());
    if (!horizons.empty()) {
        for (int c : contexts) {
            double ctx = std::pow(double(E), c);
            double entries = 2.0 * horizons.size() * L * ctx * E;
            if (entries > double(opt.maxPredictTableEntries) || 2.0 * ctx * E > 4.0e9) {
                skippedContexts.push_back(c);
                continue;
            }
            PredTable p;
            p.c = c;
            p.ctxCount = static_cast<int64_t>(ctx);
            p.counts.assign(static_cast<size_t>(entries));
            pred.push_back(std::move(p));
        }
    }

    journeyWanted.insert(opt.journeySeqIds.begin(), opt.journeySeqIds.end());
    if (opt.tokenText) {
        for (const auto& q : opt.queryTokens) {
            if (queries.size() >= 64)
                break;
            queries.push_back(q);
            TokenQueryResult r;
            r.query = q;
            queryResults.push_back(std::move(r));
        }
    }
    if (opt.samplesPerCell > 0) {
        sampFirst.assign(LE, Reservoir{});
        sampAny.assign(LE, Reservoir{});
    }
    rng.s = opt.sampleSeed;
    prevIds.assign(size_t(L) * K, 0);
    idsT.assign(size_t(L) * K * kChunk, 0);
    splitBuf.assign(kChunk, 0);
}

int AnalysisAccumulator::Impl::groupFor(const std::string& source)
{
    auto it = groupIndex.find(source);
    if (it != groupIndex.end())
        return it->second;
    const size_t LE = size_t(L) * E;
    Group g;
    g.name = source;
    g.first.assign(LE);
    g.any.assign(LE);
    g.wsum.assign(LE, 0.0);
    g.coact.assign(LE * E);
    g.pairs.assign(L);
    g.same.assign(L);
    g.overlap.assign(L);
    groups.push_back(std::move(g));
    const int idx = static_cast<int>(groups.size() - 1);
    groupIndex.emplace(source, idx);
    return idx;
}

void AnalysisAccumulator::Impl::sampleInto(Reservoir& r, const RawSample& s)
{
    const int cap = opt.samplesPerCell;
    const int64_t i = r.seen++;
    if (i < cap) {
        r.items.push_back(s);
        if (i + 1 == cap) {
            r.w = std::exp(std::log(rng.uniform()) / cap);
            r.next = i + 1 + static_cast<int64_t>(std::floor(std::log(rng.uniform()) / std::log1p(-r.w)));
        }
        return;
    }
    if (i != r.next)
        return;
    r.items[rng.next() % u64(cap)] = s;
    r.w *= std::exp(std::log(rng.uniform()) / cap);
    const double skip = std::floor(std::log(rng.uniform()) / std::log1p(-r.w));
    r.next = i + 1 + (skip < 4.0e18 ? static_cast<int64_t>(skip) : int64_t(4e18));
}

u64 AnalysisAccumulator::Impl::queryMask(int32_t tokenId)
{
    if (tokenId < 0)
        return 0;
    const size_t id = static_cast<size_t>(tokenId);
    if (id >= matchKnown.size()) {
        const size_t n = std::max(id + 1, matchKnown.size() * 2);
        matchKnown.resize(n, 0);
        matchMask.resize(n, 0);
    }
    if (!matchKnown[id]) {
        const std::string piece = opt.tokenText(tokenId);
        u64 m = 0;
        for (size_t q = 0; q < queries.size(); ++q)
            if (tokenTextMatches(piece, queries[q], opt.queryIgnoresSpaceMarker))
                m |= u64(1) << q;
        matchMask[id] = m;
        matchKnown[id] = 1;
    }
    return matchMask[id];
}

TokenJourney AnalysisAccumulator::Impl::journeyOf(const RoutingBlock& b, size_t t,
                                                  const std::string& source) const
{
    TokenJourney j;
    j.seqId = b.seqIds[t];
    j.source = source;
    j.position = b.positions[t];
    j.tokenId = b.tokenIds[t];
    if (opt.tokenText)
        j.text = opt.tokenText(j.tokenId);
    const size_t n = size_t(L) * K;
    const size_t base = t * n;
    j.experts.assign(b.topkIds.begin() + base, b.topkIds.begin() + base + n);
    j.weights.resize(n);
    const float* ht = halfTable();
    for (size_t i = 0; i < n; ++i)
        j.weights[i] = ht[b.topkWeights[base + i]];
    return j;
}

// The hot loop: everything one token contributes.
void AnalysisAccumulator::Impl::addToken(Group& g, const RoutingBlock& b, size_t t,
                                         const uint8_t* prev, bool test, int64_t seqId,
                                         int32_t position)
{
    const int L = this->L, E = this->E, K = this->K; // locals: stores below may alias members
    const size_t LK = size_t(L) * K;
    const uint8_t* ids = b.topkIds.data() + t * LK;
    const uint16_t* wts = b.topkWeights.data() + t * LK;
    const float* ht = halfTable();
    uint32_t* first = g.first.data();
    uint32_t* any = g.any.data();
    double* wsum = g.wsum.data();
    uint32_t* coact = g.coact.data();
    uint8_t* idc = idsT.data() + chunkN;

    // Load, co-activation, repetition.
    for (int l = 0; l < L; ++l) {
        const uint8_t* s = ids + size_t(l) * K;
        const uint16_t* w = wts + size_t(l) * K;
        const size_t row = size_t(l) * E;
        ++first[row + s[0]];
        for (int j = 0; j < K; ++j) {
            idc[(size_t(l) * K + j) * kChunk] = s[j];
            ++any[row + s[j]];
            wsum[row + s[j]] += ht[w[j]];
        }
        uint32_t* co = coact + row * E;
        for (int i = 0; i < K; ++i)
            for (int j = i + 1; j < K; ++j) {
                const unsigned a = std::min(s[i], s[j]), c = std::max(s[i], s[j]);
                ++co[a * E + c];
            }
    }
    if (prev) {
        uint32_t* pairs = g.pairs.data();
        uint32_t* same = g.same.data();
        uint32_t* overlap = g.overlap.data();
        for (int l = 0; l < L; ++l) {
            const uint8_t* s = ids + size_t(l) * K;
            const uint8_t* p = prev + size_t(l) * K;
            ++pairs[l];
            same[l] += (p[0] == s[0]);
            bool ov = false;
            for (int i = 0; i < K; ++i)
                for (int j = 0; j < K; ++j)
                    ov |= (p[i] == s[j]);
            overlap[l] += ov;
        }
    }

    // Samples per (layer, expert).
    if (!sampFirst.empty()) {
        for (int l = 0; l < L; ++l) {
            const uint8_t* s = ids + size_t(l) * K;
            const uint16_t* w = wts + size_t(l) * K;
            const size_t row = size_t(l) * E;
            for (int j = 0; j < K; ++j) {
                Reservoir& r = sampAny[row + s[j]];
                if (r.seen < opt.samplesPerCell || r.seen == r.next)
                    sampleInto(r, RawSample{seqId, position, b.tokenIds[t], uint8_t(j), w[j]});
                else
                    ++r.seen;
            }
            Reservoir& r = sampFirst[row + s[0]];
            if (r.seen < opt.samplesPerCell || r.seen == r.next)
                sampleInto(r, RawSample{seqId, position, b.tokenIds[t], 0, w[0]});
            else
                ++r.seen;
        }
    }

    splitBuf[chunkN] = test ? 1 : 0;
    if (++chunkN == kChunk)
        flushChunk();
}

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
    const uint8_t* ids = idsT.data();
    auto rank = [&](int l, int j) { return ids + (size_t(l) * K + size_t(j)) * kChunk; };
    auto layer = [&](int l) { return rank(l, 0); };

    for (size_t di = 0; di < dists.size(); ++di) {
        const int d = dists[di];
        uint32_t* tf = transFirst.data() + di * size_t(L) * EE;
        uint32_t* ta = transAny.data() + di * size_t(L) * EE;
        for (int l = 0; l + d < L; ++l) {
            uint32_t* tab = tf + size_t(l) * EE;
            const uint8_t* a = layer(l);
            const uint8_t* b = layer(l + d);
            pairHistogram(a, b, n, E, tab);
            uint32_t* any = ta + size_t(l) * EE;
            for (int i = 0; i < K; ++i)
                for (int j = 0; j < K; ++j)
                    pairHistogram(rank(l, i), rank(l + d, j), n, E, any);
        }
    }

    if (!pairJoint.hot.empty()) {
        uint32_t* tab = pairJoint.data();
        for (int i = 0; i < L; ++i) {
            const uint8_t* a = layer(i);
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
                const uint8_t* e0 = layer(l);
                if (c == 1) {
                    for (size_t q = 0; q < n; ++q)
                        key[q] = (uint32_t(e0[q]) * 2 + split[q]) * uint32_t(E);
                } else {
                    const uint8_t* em = layer(l - 1);
                    for (size_t q = 0; q < n; ++q)
                        key[q] = uint32_t(em[q]) * uint32_t(E) + e0[q];
                    for (int back = 2; back < c; ++back) {
                        const uint8_t* eb = layer(l - back);
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
                    const uint8_t* target = layer(tl);
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

AnalysisAccumulator::AnalysisAccumulator(AnalysisOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options)))
{
}
AnalysisAccumulator::~AnalysisAccumulator() = default;
AnalysisAccumulator::AnalysisAccumulator(AnalysisAccumulator&&) noexcept = default;
AnalysisAccumulator& AnalysisAccumulator::operator=(AnalysisAccumulator&&) noexcept = default;

bool AnalysisAccumulator::full() const
{
    return m_impl->opt.maxTokens > 0 && m_impl->tokens >= m_impl->opt.maxTokens;
}
int64_t AnalysisAccumulator::tokens() const { return m_impl->tokens; }
const AnalysisOptions& AnalysisAccumulator::options() const { return m_impl->opt; }

namespace analysis_detail {

void checkBlock(const RoutingBlock& b)
{
    const TraceDims& d = b.dims;
    auto fail = [](const std::string& what) { throw Error("analysis: routing block: " + what); };
    if (d.layers <= 0 || d.experts <= 0 || d.topk <= 0 || d.topk > d.experts)
        fail("invalid dimensions");
    if (d.experts >= kNoExpert)
        fail("more than 254 experts");
    const size_t n = b.numTokens();
    const size_t lk = size_t(d.layers) * size_t(d.topk);
    if (b.seqIds.size() != n || b.positions.size() != n)
        fail("per-token arrays differ in length");
    if (b.topkIds.size() != n * lk)
        fail("top-k ids have the wrong size");
    if (b.topkWeights.size() != n * lk)
        fail("top-k weights have the wrong size");
    int64_t covered = 0;
    for (const auto& s : b.sequences) {
        if (s.tokenOffset != covered)
            fail("sequence table not contiguous at seq " + std::to_string(s.seqId));
        if (s.length <= 0)
            fail("empty sequence " + std::to_string(s.seqId));
        covered += s.length;
    }
    if (covered != static_cast<int64_t>(n))
        fail("sequence table does not cover all tokens");
    uint8_t mx = 0;
    for (uint8_t e : b.topkIds)
        mx = std::max(mx, e);
    if (n > 0 && mx >= d.experts)
        fail("expert id " + std::to_string(mx) + " out of range (" + std::to_string(d.experts) +
             " experts)");
}

} // namespace analysis_detail

void AnalysisAccumulator::add(const RoutingBlock& b)
{
    Impl& m = *m_impl;
    if (b.numTokens() == 0 && b.sequences.empty())
        return;
    analysis_detail::checkBlock(b);
    if (!m.haveDims) {
        m.init(b.dims);
    } else if (b.dims.layers != m.L || b.dims.experts != m.E || b.dims.topk != m.K) {
        throw Error("analysis: block dimensions (" + std::to_string(b.dims.layers) + " layers, " +
                    std::to_string(b.dims.experts) + " experts, top-" +
                    std::to_string(b.dims.topk) + ") differ from the first block's (" +
                    std::to_string(m.L) + ", " + std::to_string(m.E) + ", top-" +
                    std::to_string(m.K) + ")");
    }
    const size_t LK = size_t(m.L) * m.K;
    const bool wantJourneys = !m.journeyWanted.empty() || m.opt.journeyFirstSequences > 0;
    const bool wantQueries = !m.queries.empty();
    if (m.sinceSpill + b.numTokens() >= std::numeric_limits<uint32_t>::max())
        m.spillAll();
    const int64_t tokensBefore = m.tokens;

    for (const SequenceRecord& s : b.sequences) {
        if (full())
            break;
        int64_t len = s.length;
        if (m.opt.maxTokens > 0)
            len = std::min<int64_t>(len, m.opt.maxTokens - m.tokens);
        const size_t t0 = static_cast<size_t>(s.tokenOffset);
        const bool continues = m.havePrev && m.prevSeqId == s.seqId &&
                               b.positions[t0] == m.prevPosition + 1;
        Impl::Group& g = m.groups[m.groupFor(s.source)];
        const bool test = splitOf(s.seqId, m.opt.split) == Split::Test;
        if (!continues) {
            ++g.sequences;
            ++m.sequences;
            ++(test ? m.testSequences : m.trainSequences);
        }

        // Journey of this sequence?
        SequenceJourney* journey = nullptr;
        if (wantJourneys) {
            auto it = m.journeyIndex.find(s.seqId);
            if (it != m.journeyIndex.end() && continues) {
                journey = &m.journeys[it->second];
            } else if (it == m.journeyIndex.end() &&
                       (m.journeyWanted.count(s.seqId) ||
                        m.firstSequencesTaken < m.opt.journeyFirstSequences)) {
                if (!m.journeyWanted.count(s.seqId))
                    ++m.firstSequencesTaken;
                SequenceJourney sj;
                sj.seqId = s.seqId;
                sj.source = s.source;
                sj.docId = s.docId;
                m.journeyIndex.emplace(s.seqId, m.journeys.size());
                m.journeys.push_back(std::move(sj));
                journey = &m.journeys.back();
            }
        }

        for (int64_t i = 0; i < len; ++i) {
            const size_t t = t0 + size_t(i);
            const uint8_t* prev = nullptr;
            if (i > 0)
                prev = b.topkIds.data() + (t - 1) * LK;
            else if (continues)
                prev = m.prevIds.data();
            m.addToken(g, b, t, prev, test, s.seqId, b.positions[t]);
            if (journey && int(journey->tokens.size()) < m.opt.maxJourneyTokens)
                journey->tokens.push_back(m.journeyOf(b, t, s.source));
            if (wantQueries) {
                u64 mask = m.queryMask(b.tokenIds[t]);
                while (mask) {
                    const int q = __builtin_ctzll(mask);
                    mask &= mask - 1;
                    TokenQueryResult& qr = m.queryResults[size_t(q)];
                    ++qr.matches;
                    if (int(qr.journeys.size()) < m.opt.maxQueryResults)
                        qr.journeys.push_back(m.journeyOf(b, t, s.source));
                }
            }
        }
        if (journey)
            journey->length += static_cast<int32_t>(len);
        g.tokens += len;
        m.tokens += len;
        if (len > 0) {
            const size_t last = t0 + size_t(len) - 1;
            m.havePrev = true;
            m.prevSeqId = s.seqId;
            m.prevPosition = b.positions[last];
            std::copy(b.topkIds.begin() + last * LK, b.topkIds.begin() + (last + 1) * LK,
                      m.prevIds.begin());
        }
    }
    m.flushChunk();
    m.sinceSpill += u64(m.tokens - tokensBefore);
}

namespace {

void fillLoadDerived(LayerLoad& ll, int E, int K)
{
    const double n = double(ll.tokens);
    ll.firstShare.assign(E, 0);
    ll.anyShare.assign(E, 0);
    ll.anyRate.assign(E, 0);
    ll.weightShare.assign(E, 0);
    if (ll.tokens <= 0)
        return;
    for (int e = 0; e < E; ++e) {
        ll.firstShare[e] = double(ll.firstCounts[e]) / n;
        ll.anyShare[e] = double(ll.anyCounts[e]) / (n * K);
        ll.anyRate[e] = double(ll.anyCounts[e]) / n;
        ll.weightShare[e] = ll.weightSums[e] / n;
    }
    const double logE = std::log2(double(E));
    auto cv = [&](const std::vector<int64_t>& c) {
        double mean = 0;
        for (auto x : c)
            mean += double(x);
        mean /= E;
        if (mean <= 0)
            return 0.0;
        double var = 0;
        for (auto x : c)
            var += (double(x) - mean) * (double(x) - mean);
        return std::sqrt(var / E) / mean;
    };
    auto balance = [&](const std::vector<double>& sh, double& hBits, double& hNorm, double& mx,
                       double& mn, double& tv, double& kl) {
        hBits = entropyBits(sh);
        hNorm = logE > 0 ? hBits / logE : 0;
        mx = *std::max_element(sh.begin(), sh.end()) * E;
        mn = *std::min_element(sh.begin(), sh.end()) * E;
        tv = 0;
        for (double x : sh)
            tv += std::fabs(x - 1.0 / E);
        tv *= 0.5;
        kl = std::max(0.0, logE - hBits);
    };
    balance(ll.firstShare, ll.entropyFirstBits, ll.entropyFirstNorm, ll.maxOverUniformFirst,
            ll.minOverUniformFirst, ll.tvFromUniformFirst, ll.klFromUniformFirstBits);
    balance(ll.anyShare, ll.entropyAnyBits, ll.entropyAnyNorm, ll.maxOverUniformAny,
            ll.minOverUniformAny, ll.tvFromUniformAny, ll.klFromUniformAnyBits);
    ll.cvFirst = cv(ll.firstCounts);
    ll.cvAny = cv(ll.anyCounts);
}

// MI in bits of a joint count table [E*E].
void mutualInfo(const u64* joint, int E, double& mi, double& hRow, double& hCol)
{
    std::vector<double> pr(E, 0), pc(E, 0);
    double n = 0;
    for (int a = 0; a < E; ++a)
        for (int b = 0; b < E; ++b) {
            const double v = double(joint[a * E + b]);
            pr[a] += v;
            pc[b] += v;
            n += v;
        }
    mi = hRow = hCol = 0;
    if (n <= 0)
        return;
    for (auto& x : pr)
        x /= n;
    for (auto& x : pc)
        x /= n;
    hRow = entropyBits(pr);
    hCol = entropyBits(pc);
    for (int a = 0; a < E; ++a)
        for (int b = 0; b < E; ++b) {
            const double v = double(joint[a * E + b]);
            if (v > 0) {
                const double p = v / n;
                mi += p * std::log2(p / (pr[a] * pc[b]));
            }
        }
    mi = std::max(0.0, mi);
}

double normalizedMi(double mi, double h1, double h2)
{
    const double m = std::min(h1, h2);
    return m > 1e-12 ? std::min(1.0, mi / m) : 0.0;
}

// One predictability cell from its table [ctx][split][target] (split 0 = train, 1 = test):
// the held-out accuracy of the most frequent training target per context (contexts unseen in
// training guess the most frequent target overall), the baseline (that overall guess) and
// the in-sample accuracy. Context, horizon and target layer are left to the caller.
PredictabilityCell predictabilityCell(const u64* tab, int64_t ctxCount, int E)
{
    PredictabilityCell cell;
    std::vector<u64> margTrain(E, 0), margTest(E, 0);
    u64 inSample = 0, trainN = 0, testN = 0, unseen = 0;
    for (int64_t ctx = 0; ctx < ctxCount; ++ctx) {
        const u64* a = tab + size_t(ctx) * 2 * E; // train
        const u64* b = a + E;                      // test
        u64 bestAll = 0;
        for (int e = 0; e < E; ++e) {
            margTrain[e] += a[e];
            margTest[e] += b[e];
            trainN += a[e];
            testN += b[e];
            bestAll = std::max(bestAll, a[e] + b[e]);
        }
        inSample += bestAll;
    }
    int basePred = int(std::max_element(margTrain.begin(), margTrain.end()) -
                       margTrain.begin());
    u64 correct = 0;
    for (int64_t ctx = 0; ctx < ctxCount; ++ctx) {
        const u64* a = tab + size_t(ctx) * 2 * E; // train
        const u64* b = a + E;                      // test
        u64 rowTrain = 0, rowTest = 0;
        int best = 0;
        for (int e = 0; e < E; ++e) {
            rowTrain += a[e];
            rowTest += b[e];
            if (a[e] > a[best])
                best = e;
        }
        if (rowTest == 0)
            continue;
        if (rowTrain == 0) {
            unseen += rowTest;
            correct += b[basePred];
        } else {
            correct += b[best];
        }
    }
    cell.trainTokens = int64_t(trainN);
    cell.testTokens = int64_t(testN);
    if (testN > 0) {
        cell.heldOutAccuracy = double(correct) / double(testN);
        cell.baselineAccuracy = double(margTest[basePred]) / double(testN);
        cell.unseenContextShare = double(unseen) / double(testN);
    }
    if (trainN + testN > 0)
        cell.inSampleAccuracy = double(inSample) / double(trainN + testN);
    return cell;
}

} // namespace

AnalysisResult AnalysisAccumulator::finish() const
{
    if (!m_impl->haveDims)
        return AnalysisResult{};
    Impl totals = *m_impl; // the 32-bit tables spilled into the 64-bit totals
    totals.spillAll();
    return totals.finish();
}

AnalysisResult AnalysisAccumulator::Impl::finish() const
{
    AnalysisResult r;
    if (!haveDims)
        return r;
    r.layers = L;
    r.experts = E;
    r.topk = K;
    r.sequences = sequences;
    r.tokens = tokens;
    r.randomSameFirstRate = 1.0 / E;
    {
        // 1 - C(E-k, k) / C(E, k) = 1 - prod_{i<k} (E-k-i) / (E-i)
        double q = 1.0;
        for (int i = 0; i < K; ++i)
            q *= (E - K - i) > 0 ? double(E - K - i) / double(E - i) : 0.0;
        r.randomOverlapRate = 1.0 - q;
    }

    std::vector<const Group*> all;
    for (const Group& g : groups)
        all.push_back(&g);
    r.overall = groupStats("", sequences, tokens, all);
    std::vector<const Group*> sorted = all;
    std::sort(sorted.begin(), sorted.end(),
              [](const Group* a, const Group* b) { return a->name < b->name; });
    for (const Group* g : sorted)
        r.sources.push_back(groupStats(g->name, g->sequences, g->tokens, {g}));

    r.transitionDistances = dists;
    r.transitions = transitions(r.overall);
    layerPairMi(r);
    predictability(r.predictability);
    r.journeys = journeys;
    r.queries = queryResults;
    tokenSamples(r.samples);
    return r;
}

// Load, co-activation and repetition of one group (or of several merged: the overall row).
GroupStats AnalysisAccumulator::Impl::groupStats(const std::string& name, int64_t seqs, int64_t toks,
                                                 const std::vector<const Group*>& parts) const
{
    const size_t EE = size_t(E) * E;
    GroupStats gs;
    gs.source = name;
    gs.sequences = seqs;
    gs.tokens = toks;
    gs.layers.resize(L);
    gs.repetition.resize(L);
    for (int l = 0; l < L; ++l) {
        LayerLoad& ll = gs.layers[l];
        ll.tokens = toks;
        ll.firstCounts.assign(E, 0);
        ll.anyCounts.assign(E, 0);
        ll.weightSums.assign(E, 0);
        ll.coactivation.assign(EE, 0);
        LayerRepetition& rp = gs.repetition[l];
        for (const Group* p : parts) {
            for (int e = 0; e < E; ++e) {
                ll.firstCounts[e] += int64_t(p->first.totals()[l * E + e]);
                ll.anyCounts[e] += int64_t(p->any.totals()[l * E + e]);
                ll.weightSums[e] += p->wsum[l * E + e];
            }
            const u64* co = p->coact.totals() + size_t(l) * EE;
            for (int a = 0; a < E; ++a)
                for (int b = a + 1; b < E; ++b) {
                    ll.coactivation[a * E + b] += int64_t(co[a * E + b]);
                    ll.coactivation[b * E + a] += int64_t(co[a * E + b]);
                }
            rp.pairs += int64_t(p->pairs.totals()[l]);
            rp.sameFirst += int64_t(p->same.totals()[l]);
            rp.overlap += int64_t(p->overlap.totals()[l]);
        }
        for (int e = 0; e < E; ++e)
            ll.coactivation[e * E + e] = ll.anyCounts[e];
        fillLoadDerived(ll, E, K);
        if (rp.pairs > 0) {
            rp.sameFirstRate = double(rp.sameFirst) / double(rp.pairs);
            rp.overlapRate = double(rp.overlap) / double(rp.pairs);
        }
        for (double s : ll.firstShare)
            rp.sameFirstExpectedFromLoad += s * s;
    }
    return gs;
}

// Expert-to-expert transitions from layer l to l + d, per distance d.
std::vector<LayerTransition> AnalysisAccumulator::Impl::transitions(const GroupStats& overall) const
{
    const size_t EE = size_t(E) * E;
    std::vector<LayerTransition> out;
    for (size_t di = 0; di < dists.size(); ++di) {
        const int d = dists[di];
        for (int l = 0; l + d < L; ++l) {
            LayerTransition lt;
            lt.distance = d;
            lt.fromLayer = l;
            const u64* tf = transFirst.totals() + (di * L + l) * EE;
            const u64* ta = transAny.totals() + (di * L + l) * EE;
            lt.firstCounts.assign(tf, tf + EE);
            lt.anyCounts.assign(ta, ta + EE);
            lt.firstProb.assign(EE, 0);
            lt.anyProb.assign(EE, 0);
            const std::vector<int64_t>& anyAtL = overall.layers[l].anyCounts;
            for (int a = 0; a < E; ++a) {
                double rowF = 0;
                for (int b = 0; b < E; ++b)
                    rowF += double(tf[a * E + b]);
                for (int b = 0; b < E; ++b) {
                    if (rowF > 0)
                        lt.firstProb[a * E + b] = double(tf[a * E + b]) / rowF;
                    if (anyAtL[a] > 0)
                        lt.anyProb[a * E + b] = double(ta[a * E + b]) / double(anyAtL[a]);
                }
            }
            double h1, h2;
            mutualInfo(tf, E, lt.mutualInfoBits, h1, h2);
            lt.normalizedMI = normalizedMi(lt.mutualInfoBits, h1, h2);
            out.push_back(std::move(lt));
        }
    }
    return out;
}

// The layer-pair MI matrix of first choices (needs r.overall).
void AnalysisAccumulator::Impl::layerPairMi(AnalysisResult& r) const
{
    if (pairJoint.hot.empty())
        return;
    const size_t EE = size_t(E) * E;
    r.mutualInfoBits.assign(size_t(L) * L, 0);
    r.normalizedMI.assign(size_t(L) * L, 0);
    std::vector<double> h(L, 0);
    for (int l = 0; l < L; ++l)
        h[l] = r.overall.layers[l].entropyFirstBits;
    size_t p = 0;
    for (int i = 0; i < L; ++i) {
        r.mutualInfoBits[i * L + i] = h[i];
        r.normalizedMI[i * L + i] = h[i] > 1e-12 ? 1.0 : 0.0;
        for (int j = i + 1; j < L; ++j, ++p) {
            double mi, h1, h2;
            mutualInfo(pairJoint.totals() + p * EE, E, mi, h1, h2);
            const double nmi = normalizedMi(mi, h1, h2);
            r.mutualInfoBits[i * L + j] = r.mutualInfoBits[j * L + i] = mi;
            r.normalizedMI[i * L + j] = r.normalizedMI[j * L + i] = nmi;
        }
    }
}

// Predictability cells (one per context length, horizon and target layer) and their
// token-weighted summaries.
void AnalysisAccumulator::Impl::predictability(Predictability& pr) const
{
    pr.testFraction = std::clamp(opt.split.testFraction(), 0.0, 1.0);
    pr.trainSequences = trainSequences;
    pr.testSequences = testSequences;
    pr.skippedContexts = skippedContexts;
    for (const PredTable& p : pred) {
        const size_t perT = size_t(p.ctxCount) * 2 * E; // [ctx][split][target]
        const size_t perH = size_t(L) * perT;
        for (size_t hi = 0; hi < horizons.size(); ++hi) {
            const int h = horizons[hi];
            PredictabilitySummary sum;
            sum.context = p.c;
            sum.horizon = h;
            double wHeld = 0, wIn = 0, wBase = 0, nTest = 0, nAll = 0;
            for (int tl = p.c - 1 + h; tl < L; ++tl) {
                PredictabilityCell cell = predictabilityCell(p.counts.totals() + hi * perH + size_t(tl) * perT,
                                                             p.ctxCount, E);
                cell.context = p.c;
                cell.horizon = h;
                cell.targetLayer = tl;
                const double testN = double(cell.testTokens), allN = double(cell.trainTokens + cell.testTokens);
                wHeld += cell.heldOutAccuracy * testN;
                wBase += cell.baselineAccuracy * testN;
                wIn += cell.inSampleAccuracy * allN;
                nTest += testN;
                nAll += allN;
                pr.cells.push_back(cell);
            }
            if (p.c - 1 + h >= L)
                continue; // no target layer has that much history
            if (nTest > 0) {
                sum.meanHeldOutAccuracy = wHeld / nTest;
                sum.meanBaselineAccuracy = wBase / nTest;
            }
            if (nAll > 0)
                sum.meanInSampleAccuracy = wIn / nAll;
            pr.summary.push_back(sum);
        }
    }
}

// The sampled occurrences per (layer, expert), in sequence order, with token texts.
void AnalysisAccumulator::Impl::tokenSamples(TokenSamples& ts) const
{
    const size_t LE = size_t(L) * E;
    ts.perCell = std::max(0, opt.samplesPerCell);
    ts.experts = E;
    if (sampFirst.empty())
        return;
    std::unordered_map<int32_t, std::string> textCache;
    const float* ht = halfTable();
    auto convert = [&](const Reservoir& res) {
        std::vector<RawSample> raw = res.items;
        std::sort(raw.begin(), raw.end(), [](const RawSample& a, const RawSample& b) {
            return a.seqId != b.seqId ? a.seqId < b.seqId : a.position < b.position;
        });
        std::vector<TokenSample> out;
        out.reserve(raw.size());
        for (const RawSample& s : raw) {
            TokenSample x;
            x.seqId = s.seqId;
            x.position = s.position;
            x.tokenId = s.tokenId;
            x.rank = s.rank;
            x.weight = ht[s.weight];
            if (opt.tokenText) {
                auto it = textCache.find(s.tokenId);
                if (it == textCache.end())
                    it = textCache.emplace(s.tokenId, opt.tokenText(s.tokenId)).first;
                x.text = it->second;
            }
            out.push_back(std::move(x));
        }
        return out;
    };
    ts.firstChoice.reserve(LE);
    ts.anyChoice.reserve(LE);
    for (size_t c = 0; c < LE; ++c) {
        ts.firstChoice.push_back(convert(sampFirst[c]));
        ts.anyChoice.push_back(convert(sampAny[c]));
        ts.firstSeen.push_back(sampFirst[c].seen);
        ts.anySeen.push_back(sampAny[c].seen);
    }
}

} // namespace specmoe
