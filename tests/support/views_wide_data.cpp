#include "tests/support/views_wide_data.h"

#include "core/analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace specmoe::test {
namespace {

uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

// splitmix64: fast and good enough for 10^9 draws.
struct Rng {
    uint64_t s;
    uint64_t next()
    {
        s += 0x9e3779b97f4a7c15ULL;
        return mix(s);
    }
    double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
};

double entropyBits(const std::vector<double>& share)
{
    double h = 0;
    for (double p : share)
        if (p > 0)
            h -= p * std::log2(p);
    return h;
}

} // namespace

int wideExperts()
{
    return sizeof(ExpertId) > 1 ? 256 : 128;
}

TraceDims deepseekV3Dims()
{
    TraceDims d;
    d.layers = 58;
    d.experts = wideExperts();
    d.topk = 8;
    d.hasWeights = false;
    d.decoderLayers = 61;
    d.sharedExperts = 1;
    for (int l = 0; l < 58; ++l)
        d.moeLayers.push_back(3 + l);
    return d;
}

TraceDims wideBenchDims()
{
    TraceDims d;
    d.layers = 61;
    d.experts = wideExperts();
    d.topk = 8;
    d.hasWeights = false;
    return d;
}

DemoRouting makeWideRouting(size_t tokens, const TraceDims& dims, int sequenceLength, int generatedTokens, unsigned seed)
{
    const int L = dims.layers, E = dims.experts, k = dims.topk;
    if (L < 1 || E < 2 || k < 1 || k > E || E > int(std::numeric_limits<ExpertId>::max()) || sequenceLength < 1)
        throw std::invalid_argument("wide routing: bad dims");
    if (dims.hasWeights)
        throw std::invalid_argument("wide routing: makes id-only traces (dims.hasWeights = false)");
    DemoRouting out;
    const std::vector<std::vector<int32_t>> streams = demoTokenStreams(&out.vocab);
    static const char* const sources[] = {"code", "math", "english"};
    auto b = std::make_shared<RoutingBlock>();
    b->dims = dims;
    b->tokenIds.reserve(tokens);
    b->seqIds.reserve(tokens);
    b->positions.reserve(tokens);
    b->topkIds.reserve(tokens * size_t(L) * size_t(k));
    std::vector<ExpertId> prev(size_t(L) * size_t(k)), cur(size_t(L) * size_t(k));
    // A skewed draw: rank r favoured as u^3, mapped to an expert that differs per layer
    // (odd multiplier: a bijection modulo the power-of-two expert counts used here).
    auto skewed = [&](Rng& rng, int l) { return int((int64_t(E * std::pow(rng.unit(), 3.0)) * 37 + l * 11) % E); };
    for (int64_t seq = 0; size_t(b->numTokens()) < tokens; ++seq) {
        Rng rng{mix(uint64_t(seed) * 0x9e3779b97f4a7c15ULL + uint64_t(seq))};
        const auto& stream = streams[size_t(seq % 3)];
        const size_t at = size_t(rng.next() % stream.size());
        const int n = int(std::min<size_t>(size_t(sequenceLength), tokens - b->numTokens()));
        SequenceRecord r;
        r.seqId = seq;
        r.source = sources[seq % 3];
        r.docId = r.source + "-" + std::to_string(seq);
        r.tokenOffset = int64_t(b->numTokens());
        r.length = n;
        r.generatedTokens = std::min(n, generatedTokens);
        b->sequences.push_back(r);
        for (int p = 0; p < n; ++p) {
            const int32_t token = stream[(at + size_t(p)) % stream.size()];
            b->tokenIds.push_back(token);
            b->seqIds.push_back(seq);
            b->positions.push_back(p);
            for (int l = 0; l < L; ++l) {
                ExpertId* set = cur.data() + size_t(l) * size_t(k);
                int filled = 0;
                const double u = rng.unit();
                if (u < 0.2 && p > 0) { // the previous token's set
                    std::copy_n(prev.data() + size_t(l) * size_t(k), k, set);
                    filled = k;
                } else if (u < 0.65) { // same word, same expert
                    set[filled++] = ExpertId(mix(uint64_t(uint32_t(token)) * 131 + uint64_t(l)) % uint64_t(E));
                } else if (u < 0.75 && l > 0) { // follows the layer above
                    set[filled++] = ExpertId((int(cur[size_t(l - 1) * size_t(k)]) * 5 + 3) % E);
                }
                while (filled < k) {
                    const ExpertId e = ExpertId(skewed(rng, l));
                    if (std::find(set, set + filled, e) == set + filled)
                        set[filled++] = e;
                }
            }
            b->topkIds.insert(b->topkIds.end(), cur.begin(), cur.end());
            std::swap(prev, cur);
        }
    }
    out.block = std::move(b);
    return out;
}

AnalysisResult wideAnalysis(const DemoRouting& routing, int journeySequences, int samplesPerCell, bool pairStatistics,
                            const std::vector<std::string>& queries, int maxQueryResults)
{
    const RoutingBlock& b = *routing.block;
    const int L = b.dims.layers, E = b.dims.experts, k = b.dims.topk;
    const size_t n = b.numTokens(), LE = size_t(L) * size_t(E);
    AnalysisResult r;
    r.layers = L;
    r.experts = E;
    r.topk = k;
    r.sequences = int64_t(b.sequences.size());
    r.tokens = int64_t(n);
    r.randomSameFirstRate = 1.0 / E;
    double none = 1.0; // C(E-k, k) / C(E, k)
    for (int i = 0; i < k; ++i)
        none *= double(E - k - i) / double(E - i);
    r.randomOverlapRate = 1.0 - none;
    r.transitionDistances = {1};

    // Counts per group (0 = all, then code, english, math: sorted by name).
    const std::vector<std::string> names{"", "code", "english", "math"};
    std::map<std::string, int> groupOf{{"code", 1}, {"english", 2}, {"math", 3}};
    std::vector<std::vector<int64_t>> first(names.size(), std::vector<int64_t>(LE, 0)), any = first;
    std::vector<int64_t> tokensOf(names.size(), 0), sequencesOf(names.size(), 0);
    std::vector<int64_t> pairs(size_t(L), 0), same(size_t(L), 0), overlap(size_t(L), 0);
    std::vector<std::vector<int64_t>> trans(size_t(std::max(0, L - 1)), std::vector<int64_t>(size_t(E) * size_t(E), 0));
    std::vector<std::vector<int64_t>> coact(size_t(pairStatistics ? L : 0), std::vector<int64_t>(size_t(E) * size_t(E), 0));
    r.samples.perCell = samplesPerCell;
    r.samples.experts = E;
    r.samples.firstChoice.assign(LE, {});
    r.samples.anyChoice.assign(LE, {});
    for (const SequenceRecord& s : b.sequences) {
        const int g = groupOf.count(s.source) ? groupOf[s.source] : 0;
        ++sequencesOf[0];
        if (g)
            ++sequencesOf[size_t(g)];
        for (int32_t p = 0; p < s.length; ++p) {
            const size_t t = size_t(s.tokenOffset) + size_t(p);
            ++tokensOf[0];
            if (g)
                ++tokensOf[size_t(g)];
            for (int l = 0; l < L; ++l) {
                const ExpertId* set = b.topkIds.data() + b.idx(t, l, 0);
                const size_t cell = size_t(l) * size_t(E);
                ++first[0][cell + set[0]];
                if (g)
                    ++first[size_t(g)][cell + set[0]];
                for (int j = 0; j < k; ++j) {
                    ++any[0][cell + set[j]];
                    if (g)
                        ++any[size_t(g)][cell + set[j]];
                    auto& samples = r.samples.anyChoice[cell + set[j]];
                    if (int(samples.size()) < samplesPerCell)
                        samples.push_back({s.seqId, p, b.tokenIds[t], uint8_t(j), 0.f, routing.vocab[size_t(b.tokenIds[t])]});
                    for (int i = 0; i < k && pairStatistics; ++i)
                        if (i != j)
                            ++coact[size_t(l)][size_t(set[j]) * size_t(E) + set[i]];
                }
                auto& samples = r.samples.firstChoice[cell + set[0]];
                if (int(samples.size()) < samplesPerCell)
                    samples.push_back({s.seqId, p, b.tokenIds[t], 0, 0.f, routing.vocab[size_t(b.tokenIds[t])]});
                if (l + 1 < L)
                    ++trans[size_t(l)][size_t(set[0]) * size_t(E) + b.expert(t, l + 1, 0)];
                if (p > 0) {
                    const ExpertId* before = b.topkIds.data() + b.idx(t - 1, l, 0);
                    ++pairs[size_t(l)];
                    same[size_t(l)] += before[0] == set[0] ? 1 : 0;
                    bool shared = false;
                    for (int i = 0; i < k && !shared && pairStatistics; ++i)
                        shared = std::find(before, before + k, set[i]) != before + k;
                    overlap[size_t(l)] += shared ? 1 : 0;
                }
            }
        }
    }
    auto group = [&](size_t g) {
        GroupStats gs;
        gs.source = names[g];
        gs.sequences = sequencesOf[g];
        gs.tokens = tokensOf[g];
        for (int l = 0; l < L; ++l) {
            LayerLoad load;
            load.tokens = tokensOf[g];
            const size_t cell = size_t(l) * size_t(E);
            load.firstCounts.assign(first[g].begin() + long(cell), first[g].begin() + long(cell + size_t(E)));
            load.anyCounts.assign(any[g].begin() + long(cell), any[g].begin() + long(cell + size_t(E)));
            const double t = double(std::max<int64_t>(1, load.tokens));
            for (int e = 0; e < E; ++e) {
                load.firstShare.push_back(double(load.firstCounts[size_t(e)]) / t);
                load.anyShare.push_back(double(load.anyCounts[size_t(e)]) / (t * k));
                load.anyRate.push_back(double(load.anyCounts[size_t(e)]) / t);
            }
            load.entropyFirstBits = entropyBits(load.firstShare);
            load.entropyAnyBits = entropyBits(load.anyShare);
            if (g == 0 && pairStatistics) {
                load.coactivation = coact[size_t(l)];
                for (int e = 0; e < E; ++e)
                    load.coactivation[size_t(e) * size_t(E) + size_t(e)] = load.anyCounts[size_t(e)];
            }
            gs.layers.push_back(std::move(load));
            LayerRepetition rep;
            if (g == 0) {
                rep.pairs = pairs[size_t(l)];
                rep.sameFirst = same[size_t(l)];
                rep.overlap = overlap[size_t(l)];
                const double np = double(std::max<int64_t>(1, rep.pairs));
                rep.sameFirstRate = double(rep.sameFirst) / np;
                rep.overlapRate = double(rep.overlap) / np;
                for (double p : gs.layers.back().firstShare)
                    rep.sameFirstExpectedFromLoad += p * p;
            }
            gs.repetition.push_back(rep);
        }
        return gs;
    };
    r.overall = group(0);
    for (size_t g = 1; g < names.size(); ++g)
        if (tokensOf[g] > 0)
            r.sources.push_back(group(g));
    for (int l = 0; l + 1 < L; ++l) {
        LayerTransition tr;
        tr.distance = 1;
        tr.fromLayer = l;
        tr.firstCounts = trans[size_t(l)];
        tr.firstProb.assign(size_t(E) * size_t(E), 0.0);
        for (int a = 0; a < E; ++a) {
            int64_t row = 0;
            for (int c = 0; c < E; ++c)
                row += tr.firstCounts[size_t(a) * size_t(E) + size_t(c)];
            for (int c = 0; c < E && row > 0; ++c)
                tr.firstProb[size_t(a) * size_t(E) + size_t(c)] = double(tr.firstCounts[size_t(a) * size_t(E) + size_t(c)]) / double(row);
        }
        r.transitions.push_back(std::move(tr));
    }
    auto journey = [&](const SequenceRecord& rec, int32_t p) {
        const size_t t = size_t(rec.tokenOffset) + size_t(p);
        TokenJourney j;
        j.seqId = rec.seqId;
        j.source = rec.source;
        j.position = p;
        j.tokenId = b.tokenIds[t];
        j.text = routing.vocab[size_t(j.tokenId)];
        const ExpertId* ids = b.topkIds.data() + b.idx(t, 0, 0);
        for (size_t i = 0; i < size_t(L) * size_t(k); ++i)
            j.experts.push_back(decltype(j.experts)::value_type(ids[i]));
        j.weights.assign(size_t(L) * size_t(k), 0.f); // an id-only trace: no weights
        return j;
    };
    for (const std::string& q : queries) {
        TokenQueryResult qr;
        qr.query = q;
        for (const SequenceRecord& rec : b.sequences)
            for (int32_t p = 0; p < rec.length; ++p)
                if (tokenTextMatches(routing.vocab[size_t(b.tokenIds[size_t(rec.tokenOffset) + size_t(p)])], q, true) &&
                    ++qr.matches <= maxQueryResults)
                    qr.journeys.push_back(journey(rec, p));
        r.queries.push_back(std::move(qr));
    }
    for (int s = 0; s < journeySequences && size_t(s) < b.sequences.size(); ++s) {
        const SequenceRecord& rec = b.sequences[size_t(s)];
        SequenceJourney sj;
        sj.seqId = rec.seqId;
        sj.source = rec.source;
        sj.docId = rec.docId;
        sj.length = rec.length;
        for (int32_t p = 0; p < std::min(rec.length, 2048); ++p)
            sj.tokens.push_back(journey(rec, p));
        r.journeys.push_back(std::move(sj));
    }
    return r;
}

} // namespace specmoe::test
