#include "tests/support/synthetic_routing.h"

#include "core/util/half.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
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

// What every sequence of a spec shares: the chain's permutations and the skewed weights.
struct Plan {
    std::vector<std::vector<int>> perm; // [layer][expert]: the chain from layer l-1 to l
    std::discrete_distribution<int> skewed;

    explicit Plan(const SyntheticRouting& s)
    {
        const int L = s.dims.layers, E = s.dims.experts;
        if (L < 1 || E < 2 || s.dims.topk < 1 || s.dims.topk > E || E > 255)
            throw std::invalid_argument("synthetic routing: bad dims");
        if (s.minLength < 1 || s.maxLength < s.minLength || s.vocabulary < 1 || s.sources.empty())
            throw std::invalid_argument("synthetic routing: bad lengths, vocabulary or sources");
        std::mt19937_64 rng(mix(s.seed));
        perm.resize(size_t(L));
        for (auto& p : perm) {
            p.resize(size_t(E));
            std::iota(p.begin(), p.end(), 0);
            std::shuffle(p.begin(), p.end(), rng);
        }
        std::vector<double> w(static_cast<size_t>(E));
        for (int r = 0; r < E; ++r)
            w[size_t(r)] = 1.0 / std::pow(1.0 + r, s.skew);
        skewed = std::discrete_distribution<int>(w.begin(), w.end());
    }
};

void appendSequence(const SyntheticRouting& s, Plan& plan, int64_t seqId, int32_t length, RoutingBlock& b)
{
    const TraceDims& d = b.dims;
    const int L = d.layers, E = d.experts, k = d.topk, D = int(d.lookahead.size());
    std::mt19937_64 rng(mix(s.seed * 0x9e3779b97f4a7c15ULL + uint64_t(seqId)));
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    SequenceRecord r;
    r.seqId = seqId;
    r.source = s.sources[size_t(seqId % int64_t(s.sources.size()))];
    r.docId = r.source + "-" + std::to_string(seqId);
    r.tokenOffset = int64_t(b.numTokens());
    r.length = length;
    b.sequences.push_back(r);

    const std::vector<int32_t>* stream = nullptr;
    size_t streamAt = 0;
    if (!s.tokenStreams.empty()) {
        stream = &s.tokenStreams[size_t(seqId % int64_t(s.tokenStreams.size()))];
        if (stream->empty())
            throw std::invalid_argument("synthetic routing: an empty token stream");
        streamAt = size_t(rng() % stream->size());
    }

    const size_t first = b.numTokens();
    std::vector<std::vector<int>> previous(static_cast<size_t>(L)); // the last token's set per layer
    std::vector<int> set, above;
    for (int32_t p = 0; p < length; ++p) {
        const int32_t tokenId = stream ? (*stream)[(streamAt + size_t(p)) % stream->size()]
                                       : int32_t(rng() % uint64_t(s.vocabulary));
        b.tokenIds.push_back(tokenId);
        b.seqIds.push_back(seqId);
        b.positions.push_back(p);
        for (int l = 0; l < L; ++l) {
            const double u = unit(rng);
            set.clear();
            // A rule without its source (no layer above, no previous token) leaves a fresh
            // draw; its share never passes to the next rule.
            if (u < s.chain) {
                if (l > 0)
                    for (int e : above)
                        set.push_back(plan.perm[size_t(l)][size_t(e)]);
            } else if (u < s.chain + s.stick) {
                if (p > 0)
                    set = previous[size_t(l)];
            } else if (u < s.chain + s.stick + s.token) {
                set.push_back(int(mix(uint64_t(uint32_t(tokenId)) * 131 + uint64_t(l)) % uint64_t(E)));
            }
            while (int(set.size()) < k) {
                const int e = (plan.skewed(rng) + l) % E;
                if (std::find(set.begin(), set.end(), e) == set.end())
                    set.push_back(e);
            }
            const float w0 = k == 1 ? 1.0f : float(s.firstWeight + s.weightSpread * unit(rng));
            for (int j = 0; j < k; ++j) {
                b.topkIds.push_back(uint8_t(set[size_t(j)]));
                b.topkWeights.push_back(floatToHalf(j == 0 ? w0 : (1.0f - w0) / float(k - 1)));
            }
            if (d.hasLogits) // chosen experts on top, in rank order; the rest below
                for (int e = 0; e < E; ++e) {
                    const auto at = std::find(set.begin(), set.end(), e);
                    const double noise = unit(rng);
                    const double logit = at != set.end() ? 2.0 + double(k - (at - set.begin())) + 0.5 * noise
                                                         : 2.0 * noise - 1.0;
                    b.logits.push_back(floatToHalf(float(logit)));
                }
            previous[size_t(l)] = set;
            above = set;
        }
    }
    // Probes: the true set of layer l + d, each id wrong with chance 1 - probeAccuracy.
    const size_t lk = size_t(L) * size_t(k);
    for (size_t t = first; t < b.numTokens(); ++t)
        for (int l = 0; l < L; ++l)
            for (int di = 0; di < D; ++di)
                for (int j = 0; j < k; ++j) {
                    const int target = l + d.lookahead[size_t(di)];
                    if (target >= L) {
                        b.lookaheadIds.push_back(kNoExpert);
                        continue;
                    }
                    uint8_t e = b.topkIds[t * lk + size_t(target * k + j)];
                    if (unit(rng) >= s.probeAccuracy)
                        e = uint8_t(rng() % uint64_t(E));
                    b.lookaheadIds.push_back(e);
                }
}

int32_t lengthOf(const SyntheticRouting& s, int64_t seqId)
{
    const uint64_t span = uint64_t(s.maxLength - s.minLength) + 1;
    return s.minLength + int32_t(mix(s.seed ^ (uint64_t(seqId) * 0x2545f4914f6cdd1dULL)) % span);
}

} // namespace

TraceDims SyntheticRouting::defaultDims()
{
    TraceDims d;
    d.layers = 4;
    d.experts = 8;
    d.topk = 2;
    return d;
}

TraceDims mixtralDims(std::vector<int> lookahead, bool logits)
{
    TraceDims d;
    d.layers = 32;
    d.experts = 8;
    d.topk = 2;
    d.lookahead = std::move(lookahead);
    d.hasLogits = logits;
    return d;
}

RoutingBlock syntheticBlock(const SyntheticRouting& spec, int64_t firstSeqId)
{
    Plan plan(spec);
    RoutingBlock b;
    b.dims = spec.dims;
    for (int64_t id = firstSeqId; id < firstSeqId + spec.sequences; ++id)
        appendSequence(spec, plan, id, lengthOf(spec, id), b);
    return b;
}

std::vector<RoutingBlock> syntheticBlocks(const SyntheticRouting& spec, int blocks)
{
    std::vector<RoutingBlock> out;
    for (int i = 0; i < blocks; ++i)
        out.push_back(syntheticBlock(spec, int64_t(i) * spec.sequences));
    return out;
}

std::vector<RoutingBlock> syntheticTokenBlocks(const SyntheticRouting& spec, int64_t tokens, int64_t maxBlockTokens)
{
    Plan plan(spec);
    std::vector<RoutingBlock> blocks;
    int64_t made = 0;
    for (int64_t id = 0; made < tokens; ++id) {
        const int32_t length = int32_t(std::min<int64_t>(lengthOf(spec, id), tokens - made));
        if (blocks.empty() || (blocks.back().numTokens() > 0 && int64_t(blocks.back().numTokens()) + length > maxBlockTokens)) {
            blocks.emplace_back();
            blocks.back().dims = spec.dims;
        }
        appendSequence(spec, plan, id, length, blocks.back());
        made += length;
    }
    return blocks;
}

RoutingBlock syntheticTokens(const SyntheticRouting& spec, int64_t tokens)
{
    std::vector<RoutingBlock> one = syntheticTokenBlocks(spec, tokens, tokens);
    return one.empty() ? RoutingBlock{} : std::move(one.front());
}

void shuffleLayers(RoutingBlock& b, uint64_t seed)
{
    const size_t n = b.numTokens(), L = size_t(b.dims.layers), k = size_t(b.dims.topk), E = size_t(b.dims.experts);
    std::mt19937_64 rng(mix(seed));
    std::vector<size_t> order(n);
    std::vector<uint8_t> ids(n * k);
    std::vector<uint16_t> ws(n * k), logits(b.dims.hasLogits ? n * E : 0);
    for (size_t l = 0; l < L; ++l) {
        std::iota(order.begin(), order.end(), size_t(0));
        std::shuffle(order.begin(), order.end(), rng);
        for (size_t t = 0; t < n; ++t) {
            const size_t from = (order[t] * L + l) * k;
            std::copy_n(b.topkIds.begin() + long(from), k, ids.begin() + long(t * k));
            std::copy_n(b.topkWeights.begin() + long(from), k, ws.begin() + long(t * k));
            if (b.dims.hasLogits)
                std::copy_n(b.logits.begin() + long((order[t] * L + l) * E), E, logits.begin() + long(t * E));
        }
        for (size_t t = 0; t < n; ++t) {
            std::copy_n(ids.begin() + long(t * k), k, b.topkIds.begin() + long((t * L + l) * k));
            std::copy_n(ws.begin() + long(t * k), k, b.topkWeights.begin() + long((t * L + l) * k));
            if (b.dims.hasLogits)
                std::copy_n(logits.begin() + long(t * E), E, b.logits.begin() + long((t * L + l) * E));
        }
    }
}

} // namespace specmoe::test
