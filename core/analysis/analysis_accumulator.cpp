// The streaming pass of the routing analysis: add() walks a block's sequences and counts
// every token into the flat tables of Impl (accumulator_impl.h); finish() turns the totals
// into AnalysisResult (accumulator_finish.cpp). The per-token hot loop (addToken, with the
// reservoir sampling and query matching it calls) stays in this file beside add() so the
// compiler can inline it.
#include "core/analysis/accumulator_impl.h"
#include "core/analysis/block_check.h"

#include "core/trace/token_id.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace specmoe {

using analysis_detail::halfTable;
using analysis_detail::u64;

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
    // Without rank order no first choice is known: the tables of first choices alone are
    // not counted (AnalysisResult::idsRanked says why they are empty).
    if (opt.layerPairMI && opt.idsRanked) {
        const double entries = double(L) * (L - 1) / 2 * double(EE);
        if (entries <= double(opt.maxLayerPairEntries))
            pairJoint.assign(size_t(entries));
        else
            layerPairSkipped = true;
    }

    for (int h : opt.predictHorizons)
        if (h >= 1 && h < L && std::find(horizons.begin(), horizons.end(), h) == horizons.end())
            horizons.push_back(h);
    std::vector<int> contexts;
    for (int c : opt.predictContexts)
        if (c >= 1 && c <= 8 && std::find(contexts.begin(), contexts.end(), c) == contexts.end())
            contexts.push_back(c);
    std::sort(contexts.begin(), contexts.end());
    if (!horizons.empty() && opt.idsRanked) {
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
    prevIds.assign(size_t(L) * K, ExpertId(0));
    idsT.assign(size_t(L) * K * kChunk, ExpertId(0));
    splitBuf.assign(kChunk, 0);
    groupBuf.assign(kChunk, 0);
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
    if (opt.tokenText && j.tokenId != kUnknownToken)
        j.text = opt.tokenText(j.tokenId);
    const size_t n = size_t(L) * K;
    const size_t base = t * n;
    j.experts.assign(b.topkIds.begin() + base, b.topkIds.begin() + base + n);
    if (!dims.hasWeights)
        return j; // no weights: absent, not zero
    j.weights.resize(n);
    const float* ht = halfTable();
    for (size_t i = 0; i < n; ++i)
        j.weights[i] = ht[b.topkWeights[base + i]];
    return j;
}

// The hot loop: everything one token contributes.
void AnalysisAccumulator::Impl::addToken(Group& g, const RoutingBlock& b, size_t t,
                                         const ExpertId* prev, bool test, int64_t seqId,
                                         int32_t position)
{
    const int L = this->L, E = this->E, K = this->K; // locals: stores below may alias members
    const size_t LK = size_t(L) * K;
    const ExpertId* ids = b.topkIds.data() + t * LK;
    // Without router weights the weight sums stay absent; samples record weight 0 (the
    // result says hasWeights = false).
    static const uint16_t noWeights[kMaxTopk] = {};
    const bool weighted = dims.hasWeights;
    const uint16_t* wts = weighted ? b.topkWeights.data() + t * LK : nullptr;
    const float* ht = halfTable();
    uint32_t* first = g.first.data();
    uint32_t* any = g.any.data();
    double* wsum = g.wsum.data();
    ExpertId* idc = idsT.data() + chunkN;

    // Load, co-activation, repetition.
    for (int l = 0; l < L; ++l) {
        const ExpertId* s = ids + size_t(l) * K;
        const size_t row = size_t(l) * E;
        ++first[row + s[0]];
        for (int j = 0; j < K; ++j) {
            idc[(size_t(l) * K + j) * kChunk] = s[j];
            ++any[row + s[j]];
        }
        if (weighted) {
            const uint16_t* w = wts + size_t(l) * K;
            for (int j = 0; j < K; ++j)
                wsum[row + s[j]] += ht[w[j]];
        }
    }
    if (prev) {
        uint32_t* pairs = g.pairs.data();
        uint32_t* same = g.same.data();
        uint32_t* overlap = g.overlap.data();
        for (int l = 0; l < L; ++l) {
            const ExpertId* s = ids + size_t(l) * K;
            const ExpertId* p = prev + size_t(l) * K;
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
            const ExpertId* s = ids + size_t(l) * K;
            const uint16_t* w = weighted ? wts + size_t(l) * K : noWeights;
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
    groupBuf[chunkN] = int32_t(&g - groups.data()); // co-activation is counted per chunk
    if (++chunkN == kChunk)
        flushChunk();
}

void AnalysisAccumulator::add(const RoutingBlock& b)
{
    Impl& m = *m_impl;
    if (b.numTokens() == 0 && b.sequences.empty())
        return;
    analysis_detail::checkBlock(b);
    if (!m.haveDims) {
        m.init(b.dims);
    } else if (!sameRouting(b.dims, m.dims)) {
        throw Error("analysis: a block's routing (" + describeDims(b.dims) + ") differs from the first block's (" +
                    describeDims(m.dims) + ")");
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
            const ExpertId* prev = nullptr;
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

AnalysisResult AnalysisAccumulator::finish() const
{
    if (!m_impl->haveDims)
        return AnalysisResult{};
    return m_impl->finish(); // reads the 32-bit tables plus their 64-bit totals: no copy
}

} // namespace specmoe
