// AnalysisAccumulator's totals turned into AnalysisResult: load and repetition per source
// group, transitions and mutual information between layers, the sampled tokens.
// Predictability has its own file (accumulator_predictability.cpp).
#include "core/analysis/accumulator_impl.h"
#include "core/trace/token_id.h"

#include <algorithm>
#include <cmath>

namespace specmoe {

using analysis_detail::halfTable;
using analysis_detail::u64;

namespace {

double entropyBits(const std::vector<double>& p)
{
    double h = 0;
    for (double x : p)
        if (x > 0)
            h -= x * std::log2(x);
    return h;
}

// Shares and balance of one layer's load. Without router weights weightSums and
// weightShare stay empty (absent, not zero).
void fillLoadDerived(LayerLoad& ll, int E, int K, bool weights)
{
    const double n = double(ll.tokens);
    ll.firstShare.assign(E, 0);
    ll.anyShare.assign(E, 0);
    ll.anyRate.assign(E, 0);
    ll.weightShare.assign(weights ? E : 0, 0);
    if (ll.tokens <= 0)
        return;
    for (int e = 0; e < E; ++e) {
        ll.firstShare[e] = double(ll.firstCounts[e]) / n;
        ll.anyShare[e] = double(ll.anyCounts[e]) / (n * K);
        ll.anyRate[e] = double(ll.anyCounts[e]) / n;
        if (weights)
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

} // namespace

AnalysisResult AnalysisAccumulator::Impl::finish() const
{
    AnalysisResult r;
    if (!haveDims)
        return r;
    r.layers = L;
    r.experts = E;
    r.topk = K;
    r.hasWeights = dims.hasWeights;
    r.moeLayers = dims.moeLayers;
    r.decoderLayers = dims.decoderLayers;
    r.sharedExperts = dims.sharedExperts;
    r.layerPairMISkipped = layerPairSkipped;
    r.idsRanked = opt.idsRanked;
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
        ll.weightSums.assign(dims.hasWeights ? E : 0, 0);
        ll.coactivation.assign(EE, 0);
        LayerRepetition& rp = gs.repetition[l];
        for (const Group* p : parts) {
            for (int e = 0; e < E; ++e) {
                ll.firstCounts[e] += int64_t(p->first.at(size_t(l) * E + e));
                ll.anyCounts[e] += int64_t(p->any.at(size_t(l) * E + e));
                if (dims.hasWeights)
                    ll.weightSums[e] += p->wsum[size_t(l) * E + e];
            }
            const std::vector<u64> co = p->coact.slice(size_t(l) * EE, EE);
            for (int a = 0; a < E; ++a)
                for (int b = a + 1; b < E; ++b) {
                    ll.coactivation[a * E + b] += int64_t(co[a * E + b]);
                    ll.coactivation[b * E + a] += int64_t(co[a * E + b]);
                }
            rp.pairs += int64_t(p->pairs.at(size_t(l)));
            rp.sameFirst += int64_t(p->same.at(size_t(l)));
            rp.overlap += int64_t(p->overlap.at(size_t(l)));
        }
        for (int e = 0; e < E; ++e)
            ll.coactivation[e * E + e] = ll.anyCounts[e];
        fillLoadDerived(ll, E, K, dims.hasWeights);
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
            const std::vector<u64> tf = transFirst.slice((di * L + l) * EE, EE);
            const std::vector<u64> ta = transAny.slice((di * L + l) * EE, EE);
            lt.firstCounts.assign(tf.begin(), tf.end());
            lt.anyCounts.assign(ta.begin(), ta.end());
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
            mutualInfo(tf.data(), E, lt.mutualInfoBits, h1, h2);
            lt.normalizedMI = normalizedMi(lt.mutualInfoBits, h1, h2);
            out.push_back(std::move(lt));
        }
    }
    return out;
}

// The layer-pair MI matrix of first choices (needs r.overall).
void AnalysisAccumulator::Impl::layerPairMi(AnalysisResult& r) const
{
    if (pairJoint.empty())
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
            mutualInfo(pairJoint.slice(p * EE, EE).data(), E, mi, h1, h2);
            const double nmi = normalizedMi(mi, h1, h2);
            r.mutualInfoBits[i * L + j] = r.mutualInfoBits[j * L + i] = mi;
            r.normalizedMI[i * L + j] = r.normalizedMI[j * L + i] = nmi;
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
            if (opt.tokenText && s.tokenId != kUnknownToken) {
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
