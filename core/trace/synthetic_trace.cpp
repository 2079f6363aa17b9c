#include "core/trace/synthetic_trace.h"

#include "core/util/error.h"
#include "core/util/half.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace specmoe {
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

// splitmix64: one add and a mix per draw (the generator must make >= 10 M token-layers/s).
struct Rng {
    uint64_t s;
    uint64_t next()
    {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); } // [0, 1)
    uint32_t below(uint32_t n) { return uint32_t((uint64_t(uint32_t(next())) * n) >> 32); }
};

// What every sequence of a spec shares: the chain's permutations and the skewed ranks as a
// Walker alias table (one draw, one comparison).
struct Plan {
    int L, E, k;
    std::vector<uint32_t> perm;      // [layer][expert]: the chain from layer l-1 to l
    std::vector<uint32_t> threshold; // [E] keep rank r when the low 32 bits are below
    std::vector<uint32_t> alias;     // [E] else take this rank
    std::vector<uint32_t> rotation;  // [L] layer % E: the favourite of layer l is expert l % E
    // Rule thresholds on the top 53 bits of a draw (integer compares in the hot loop).
    uint64_t chainBelow = 0, stickBelow = 0, tokenBelow = 0;
    // Router weights: the first choice's weight and the others' share, as half bits, for
    // kWeightLevels evenly spaced draws of firstWeight + weightSpread * U(0, 1).
    static constexpr int kWeightLevels = 1024;
    std::vector<uint16_t> firstHalf, restHalf;

    explicit Plan(const SyntheticRouting& s) : L(s.dims.layers), E(s.dims.experts), k(s.dims.topk)
    {
        if (L < 1 || E < 2 || k < 1 || k > E || k > kMaxTopk)
            throw Error("synthetic routing: dims " + describeDims(s.dims) + " are not valid (layers >= 1, experts >= 2, "
                        "1 <= top-k <= min(experts, " + std::to_string(kMaxTopk) + "))");
        if (E >= int(kNoExpert))
            throw Error("synthetic routing: " + std::to_string(E) + " experts need expert ids wider than this build's " +
                        std::to_string(8 * sizeof(ExpertId)) + " bits (at most " + std::to_string(int(kNoExpert) - 1) +
                        " experts)");
        if (s.minLength < 1 || s.maxLength < s.minLength || s.vocabulary < 1 || s.sources.empty())
            throw Error("synthetic routing: sequence lengths must satisfy 1 <= min <= max, with a vocabulary and a source");
        if (s.chain < 0 || s.stick < 0 || s.token < 0 || s.noise() < -1e-9)
            throw Error("synthetic routing: rule probabilities must be >= 0 and sum to at most 1");
        if (s.generatedTokens < 0)
            throw Error("synthetic routing: generated tokens must be >= 0");
        Rng rng{mix(s.seed)};
        perm.resize(size_t(L) * size_t(E));
        for (int l = 0; l < L; ++l) {
            uint32_t* p = perm.data() + size_t(l) * size_t(E);
            std::iota(p, p + E, 0u);
            for (int i = E - 1; i > 0; --i)
                std::swap(p[i], p[rng.below(uint32_t(i + 1))]);
        }
        buildAlias(s.skew);
        rotation.resize(size_t(L));
        for (int l = 0; l < L; ++l)
            rotation[size_t(l)] = uint32_t(l % E);
        const auto below = [](double p) { return uint64_t(std::clamp(p, 0.0, 1.0) * 9007199254740992.0); };
        chainBelow = below(s.chain);
        stickBelow = below(s.chain + s.stick);
        tokenBelow = below(s.chain + s.stick + s.token);
        for (int i = 0; i < kWeightLevels; ++i) {
            const float w0 = k == 1 ? 1.0f : float(s.firstWeight + s.weightSpread * (i + 0.5) / kWeightLevels);
            firstHalf.push_back(floatToHalf(w0));
            restHalf.push_back(floatToHalf(k == 1 ? 0.0f : (1.0f - w0) / float(k - 1)));
        }
    }

    void buildAlias(double skew)
    {
        std::vector<double> q(static_cast<size_t>(E));
        double sum = 0;
        for (int r = 0; r < E; ++r)
            sum += q[size_t(r)] = 1.0 / std::pow(1.0 + r, skew);
        std::vector<int> small, large;
        for (int r = 0; r < E; ++r) {
            q[size_t(r)] *= double(E) / sum;
            (q[size_t(r)] < 1.0 ? small : large).push_back(r);
        }
        threshold.assign(size_t(E), 0xffffffffu);
        alias.resize(size_t(E));
        std::iota(alias.begin(), alias.end(), 0u);
        while (!small.empty() && !large.empty()) {
            const int a = small.back(), b = large.back();
            small.pop_back();
            threshold[size_t(a)] = uint32_t(std::min(4294967295.0, q[size_t(a)] * 4294967296.0));
            alias[size_t(a)] = uint32_t(b);
            q[size_t(b)] -= 1.0 - q[size_t(a)];
            if (q[size_t(b)] < 1.0) {
                large.pop_back();
                small.push_back(b);
            }
        }
    }

    uint32_t skewed(Rng& rng, int layer) const
    {
        const uint64_t x = rng.next();
        const uint32_t r = uint32_t(((x >> 32) * uint64_t(E)) >> 32);
        // Branch-free alias pick (the comparison is a coin flip a branch would mispredict).
        const uint32_t keep = uint32_t(0) - uint32_t(uint32_t(x) < threshold[r]);
        const uint32_t e = ((r & keep) | (alias[r] & ~keep)) + rotation[size_t(layer)];
        return e >= uint32_t(E) ? e - uint32_t(E) : e; // (rank + layer) % E without a division
    }
};

uint32_t tokenExpert(int32_t tokenId, int layer, int slot, int E)
{
    uint64_t key = uint64_t(uint32_t(tokenId)) * 131 + uint64_t(layer);
    if (slot > 0)
        key = mix(key ^ (uint64_t(slot) * 0x9e3779b97f4a7c15ULL));
    return uint32_t(mix(key) % uint64_t(E));
}

// Distinct ids of one (token, layer) as they are chosen: a bit set cleared after use.
struct SetBuilder {
    std::vector<uint64_t> bits;
    ExpertId* out = nullptr;
    int n = 0;
    explicit SetBuilder(int E) : bits(size_t(E + 63) / 64, 0) {}
    void start(ExpertId* row) { out = row, n = 0; }
    bool has(uint32_t e) const { return (bits[e >> 6] >> (e & 63)) & 1u; }
    bool add(uint32_t e)
    {
        if (has(e))
            return false;
        bits[e >> 6] |= uint64_t(1) << (e & 63);
        out[n++] = ExpertId(e);
        return true;
    }
    void finish()
    {
        for (int j = 0; j < n; ++j)
            bits[out[j] >> 6] = 0;
    }
};

class SequenceMaker {
public:
    SequenceMaker(const SyntheticRouting& s, const Plan& plan) : m_s(s), m_plan(plan), m_set(plan.E) {}

    void append(int64_t seqId, int32_t length, RoutingBlock& b);

private:
    void route(RoutingBlock& b, size_t t, int32_t p, int32_t tokenId, Rng& rng);
    void weightsAndLogits(RoutingBlock& b, size_t t, Rng& rng);
    void probes(RoutingBlock& b, size_t first, Rng& rng);

    const SyntheticRouting& m_s;
    const Plan& m_plan;
    SetBuilder m_set;
};

void SequenceMaker::append(int64_t seqId, int32_t length, RoutingBlock& b)
{
    const SyntheticRouting& s = m_s;
    const TraceDims& d = b.dims;
    const size_t LK = size_t(d.layers) * size_t(d.topk);
    Rng rng{mix(s.seed * 0x9e3779b97f4a7c15ULL + uint64_t(seqId))};

    SequenceRecord r;
    r.seqId = seqId;
    r.source = s.sources[size_t(seqId % int64_t(s.sources.size()))];
    r.docId = r.source + "-" + std::to_string(seqId);
    r.tokenOffset = int64_t(b.numTokens());
    r.length = length;
    r.generatedTokens = std::min(length, int32_t(s.generatedTokens));
    if (r.generatedTokens > 0)
        r.requestId = "req-" + std::to_string(seqId);
    b.sequences.push_back(r);

    const std::vector<int32_t>* stream = nullptr;
    size_t streamAt = 0;
    if (!s.tokenStreams.empty()) {
        stream = &s.tokenStreams[size_t(seqId % int64_t(s.tokenStreams.size()))];
        if (stream->empty())
            throw Error("synthetic routing: an empty token stream");
        streamAt = size_t(rng.next() % stream->size());
    }

    const size_t first = b.numTokens(), n = first + size_t(length);
    b.tokenIds.resize(n);
    b.seqIds.resize(n, seqId);
    b.positions.resize(n);
    b.topkIds.resize(n * LK);
    if (d.hasWeights)
        b.topkWeights.resize(n * LK);
    if (d.hasLogits)
        b.logits.resize(n * size_t(d.layers) * size_t(d.experts));
    for (int32_t p = 0; p < length; ++p) {
        const size_t t = first + size_t(p);
        const int32_t tokenId = stream ? (*stream)[(streamAt + size_t(p)) % stream->size()]
                                       : int32_t(rng.next() % uint64_t(s.vocabulary));
        b.tokenIds[t] = tokenId;
        b.positions[t] = p;
        route(b, t, p, tokenId, rng);
        weightsAndLogits(b, t, rng);
    }
    probes(b, first, rng);
}

// Hot loop (runs for every token and layer): the top-k set of each layer from the rules.
void SequenceMaker::route(RoutingBlock& b, size_t t, int32_t p, int32_t tokenId, Rng& rng)
{
    const SyntheticRouting& s = m_s;
    const int L = m_plan.L, E = m_plan.E, k = m_plan.k;
    const uint64_t chain = m_plan.chainBelow, stick = m_plan.stickBelow, token = m_plan.tokenBelow;
    const size_t LK = size_t(L) * size_t(k);
    ExpertId* row = b.topkIds.data() + t * LK;
    const ExpertId* previous = p > 0 ? row - LK : nullptr;
    for (int l = 0; l < L; ++l) {
        ExpertId* set = row + size_t(l) * size_t(k);
        const ExpertId* above = l > 0 ? set - k : nullptr;
        const ExpertId* before = previous ? previous + size_t(l) * size_t(k) : nullptr;
        const uint32_t* perm = m_plan.perm.data() + size_t(l) * size_t(E);
        m_set.start(set);
        if (s.slotwise) {
            // Every slot's candidates are computed and the rule picks one without a branch:
            // the rule is random, so branches on it mispredicted half the time.
            const uint64_t th = mix(uint64_t(uint32_t(tokenId)) * 131 + uint64_t(l));
            for (int j = 0; j < k; ++j) {
                const uint64_t u = rng.next() >> 11;
                const uint32_t fresh = m_plan.skewed(rng, l);
                const uint64_t tj = (th ^ (uint64_t(j) * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
                const uint32_t cands[4] = {above ? perm[above[j]] : fresh, before ? uint32_t(before[j]) : fresh,
                                           uint32_t(((tj >> 32) * uint64_t(E)) >> 32), fresh};
                const int rule = int(u >= chain) + int(u >= stick) + int(u >= token);
                if (!m_set.add(cands[rule]))
                    while (!m_set.add(m_plan.skewed(rng, l))) {
                    }
            }
        } else {
            // A rule without its source (no layer above, no previous token) leaves a fresh
            // draw; its share never passes to the next rule.
            const uint64_t u = rng.next() >> 11;
            if (u < chain) {
                if (above)
                    for (int j = 0; j < k; ++j)
                        m_set.add(perm[above[j]]);
            } else if (u < stick) {
                if (before)
                    for (int j = 0; j < k; ++j)
                        m_set.add(before[j]);
            } else if (u < token) {
                m_set.add(tokenExpert(tokenId, l, 0, E));
            }
            while (m_set.n < k)
                m_set.add(m_plan.skewed(rng, l));
        }
        m_set.finish();
    }
}

void SequenceMaker::weightsAndLogits(RoutingBlock& b, size_t t, Rng& rng)
{
    const TraceDims& d = b.dims;
    const int L = m_plan.L, E = m_plan.E, k = m_plan.k;
    const size_t LK = size_t(L) * size_t(k);
    if (d.hasWeights) {
        uint16_t* w = b.topkWeights.data() + t * LK;
        for (int l = 0; l < L; ++l, w += k) {
            const size_t level = size_t(rng.next() >> 54); // kWeightLevels = 2^10
            w[0] = m_plan.firstHalf[level];
            for (int j = 1; j < k; ++j)
                w[j] = m_plan.restHalf[level];
        }
    }
    if (!d.hasLogits)
        return;
    // Chosen experts on top, in rank order; the rest below.
    const ExpertId* ids = b.topkIds.data() + t * LK;
    uint16_t* out = b.logits.data() + t * size_t(L) * size_t(E);
    for (int l = 0; l < L; ++l) {
        const ExpertId* set = ids + size_t(l) * size_t(k);
        for (int e = 0; e < E; ++e) {
            const ExpertId* at = std::find(set, set + k, ExpertId(e));
            const double noise = rng.unit();
            const double logit = at != set + k ? 2.0 + double(k - (at - set)) + 0.5 * noise : 2.0 * noise - 1.0;
            out[size_t(l) * size_t(E) + size_t(e)] = floatToHalf(float(logit));
        }
    }
}

// Probes: the true set of layer l + d, each id wrong with chance 1 - probeAccuracy.
void SequenceMaker::probes(RoutingBlock& b, size_t first, Rng& rng)
{
    const TraceDims& d = b.dims;
    const int L = m_plan.L, E = m_plan.E, k = m_plan.k, D = int(d.lookahead.size());
    if (D == 0)
        return;
    const size_t LK = size_t(L) * size_t(k);
    for (size_t t = first; t < b.numTokens(); ++t)
        for (int l = 0; l < L; ++l)
            for (int di = 0; di < D; ++di)
                for (int j = 0; j < k; ++j) {
                    const int target = l + d.lookahead[size_t(di)];
                    if (target >= L) {
                        b.lookaheadIds.push_back(kNoExpert);
                        continue;
                    }
                    ExpertId e = b.topkIds[t * LK + size_t(target * k + j)];
                    if (rng.unit() >= m_s.probeAccuracy)
                        e = ExpertId(rng.below(uint32_t(E)));
                    b.lookaheadIds.push_back(e);
                }
}

int32_t lengthOf(const SyntheticRouting& s, int64_t seqId)
{
    const uint64_t span = uint64_t(s.maxLength - s.minLength) + 1;
    return s.minLength + int32_t(mix(s.seed ^ (uint64_t(seqId) * 0x2545f4914f6cdd1dULL)) % span);
}

TraceDims presetDims(int layers, int experts, int topk, int decoderLayers = 0, int firstMoe = 0, int shared = 0)
{
    TraceDims d;
    d.layers = layers;
    d.experts = experts;
    d.topk = topk;
    d.sharedExperts = shared;
    if (decoderLayers > 0) {
        d.decoderLayers = decoderLayers;
        for (int l = 0; l < layers; ++l)
            d.moeLayers.push_back(firstMoe + l);
    }
    return d;
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
    TraceDims d = presetDims(32, 8, 2);
    d.lookahead = std::move(lookahead);
    d.hasLogits = logits;
    return d;
}

const std::vector<SyntheticPreset>& syntheticPresets()
{
    static const std::vector<SyntheticPreset> presets = {
        {"mixtral-8x7b", "mixtral", "mistralai/Mixtral-8x7B-v0.1", "softmax_topk", presetDims(32, 8, 2)},
        {"mixtral-8x22b", "mixtral", "mistralai/Mixtral-8x22B-v0.1", "softmax_topk", presetDims(56, 8, 2)},
        {"qwen3-30b-a3b", "qwen3_moe", "Qwen/Qwen3-30B-A3B", "softmax_topk", presetDims(48, 128, 8)},
        // 3 dense decoder layers, then 58 MoE layers of 256 routed experts and 1 shared one.
        {"deepseek-v3", "deepseek_v3", "deepseek-ai/DeepSeek-V3", "sigmoid_group_topk", presetDims(58, 256, 8, 61, 3, 1)},
        {"olmoe", "olmoe", "allenai/OLMoE-1B-7B-0924", "softmax_topk", presetDims(16, 64, 8)},
        {"gpt-oss-120b", "gpt_oss", "openai/gpt-oss-120b", "topk_softmax", presetDims(36, 128, 4)},
    };
    return presets;
}

const SyntheticPreset& syntheticPreset(const std::string& name)
{
    std::string known;
    for (const SyntheticPreset& p : syntheticPresets()) {
        if (p.name == name)
            return p;
        known += (known.empty() ? "" : ", ") + p.name;
    }
    throw Error("synthetic routing: unknown preset '" + name + "' (known: " + known + ")");
}

SyntheticRouting presetRouting(const SyntheticPreset& preset, bool weights, double noise)
{
    if (!(noise >= 0.0 && noise <= 1.0))
        throw Error("synthetic routing: noise must lie in [0, 1]");
    SyntheticRouting s;
    s.dims = preset.dims;
    s.dims.hasWeights = weights;
    s.minLength = s.maxLength = 512;
    s.vocabulary = 151936;
    const double scale = (1.0 - noise) / 0.8; // the structured rules keep their 45:20:15 ratio
    s.chain = 0.45 * scale;
    s.stick = 0.2 * scale;
    s.token = 0.15 * scale;
    s.slotwise = true;
    s.skew = 0.8;
    s.seed = 1;
    return s;
}

RoutingBlock syntheticBlock(const SyntheticRouting& spec, int64_t firstSeqId)
{
    const Plan plan(spec);
    SequenceMaker maker(spec, plan);
    RoutingBlock b;
    b.dims = spec.dims;
    for (int64_t id = firstSeqId; id < firstSeqId + spec.sequences; ++id)
        maker.append(id, lengthOf(spec, id), b);
    return b;
}

std::vector<RoutingBlock> syntheticBlocks(const SyntheticRouting& spec, int blocks)
{
    std::vector<RoutingBlock> out;
    for (int i = 0; i < blocks; ++i)
        out.push_back(syntheticBlock(spec, int64_t(i) * spec.sequences));
    return out;
}

void syntheticStream(const SyntheticRouting& spec, int64_t tokens, int64_t maxBlockTokens, const BlockVisitor& visit)
{
    const Plan plan(spec);
    SequenceMaker maker(spec, plan);
    RoutingBlock block;
    block.dims = spec.dims;
    int64_t made = 0;
    for (int64_t id = 0; made < tokens; ++id) {
        const int32_t length = int32_t(std::min<int64_t>(lengthOf(spec, id), tokens - made));
        if (block.numTokens() > 0 && int64_t(block.numTokens()) + length > maxBlockTokens) {
            if (!visit(block))
                return;
            block.clear();
        }
        maker.append(id, length, block);
        made += length;
    }
    if (block.numTokens() > 0)
        visit(block);
}

std::vector<RoutingBlock> syntheticTokenBlocks(const SyntheticRouting& spec, int64_t tokens, int64_t maxBlockTokens)
{
    std::vector<RoutingBlock> blocks;
    syntheticStream(spec, tokens, maxBlockTokens, [&](const RoutingBlock& b) {
        blocks.push_back(b);
        return true;
    });
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
    const bool weights = !b.topkWeights.empty();
    Rng rng{mix(seed)};
    std::vector<size_t> order(n);
    std::vector<ExpertId> ids(n * k);
    std::vector<uint16_t> ws(weights ? n * k : 0), logits(b.dims.hasLogits ? n * E : 0);
    for (size_t l = 0; l < L; ++l) {
        std::iota(order.begin(), order.end(), size_t(0));
        for (size_t i = n; i > 1; --i)
            std::swap(order[i - 1], order[size_t(rng.next() % i)]);
        for (size_t t = 0; t < n; ++t) {
            const size_t from = (order[t] * L + l) * k;
            std::copy_n(b.topkIds.begin() + long(from), k, ids.begin() + long(t * k));
            if (weights)
                std::copy_n(b.topkWeights.begin() + long(from), k, ws.begin() + long(t * k));
            if (b.dims.hasLogits)
                std::copy_n(b.logits.begin() + long((order[t] * L + l) * E), E, logits.begin() + long(t * E));
        }
        for (size_t t = 0; t < n; ++t) {
            std::copy_n(ids.begin() + long(t * k), k, b.topkIds.begin() + long((t * L + l) * k));
            if (weights)
                std::copy_n(ws.begin() + long(t * k), k, b.topkWeights.begin() + long((t * L + l) * k));
            if (b.dims.hasLogits)
                std::copy_n(logits.begin() + long(t * E), E, b.logits.begin() + long((t * L + l) * E));
        }
    }
}

} // namespace specmoe
