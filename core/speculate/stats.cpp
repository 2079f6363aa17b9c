#include "core/speculate/stats.h"

#include "core/util/error.h"
#include "core/util/half.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace specmoe::speculate {

template <class T>
static NamedArray makeArr(const std::string& name, const char* dt, std::vector<int64_t> shape,
                          const std::vector<T>& v)
{
    NamedArray a{name, dt, std::move(shape), {}};
    a.bytes.resize(v.size() * sizeof(T));
    if (!v.empty())
        std::memcpy(a.bytes.data(), v.data(), a.bytes.size());
    return a;
}
NamedArray makeF32(const std::string& n, std::vector<int64_t> s, const std::vector<float>& v) { return makeArr(n, "F32", std::move(s), v); }
NamedArray makeI32(const std::string& n, std::vector<int64_t> s, const std::vector<int32_t>& v) { return makeArr(n, "I32", std::move(s), v); }
NamedArray makeU8(const std::string& n, std::vector<int64_t> s, const std::vector<uint8_t>& v) { return makeArr(n, "U8", std::move(s), v); }

template <class T>
static std::vector<T> asArr(const NamedArray& a, const char* dt, const std::string& where)
{
    if (a.dtype != dt)
        throw Error(where + ": tensor '" + a.name + "' has dtype " + a.dtype + ", expected " + dt);
    std::vector<T> v(a.bytes.size() / sizeof(T));
    if (!v.empty())
        std::memcpy(v.data(), a.bytes.data(), v.size() * sizeof(T));
    return v;
}
std::vector<float> asF32(const NamedArray& a, const std::string& w) { return asArr<float>(a, "F32", w); }
std::vector<int32_t> asI32(const NamedArray& a, const std::string& w) { return asArr<int32_t>(a, "I32", w); }

// ---------------------------------------------------------------------------------------
void TokenTable::init(const TraceDims& d, bool weights, bool features, bool previous, bool previousFeatures)
{
    W = weights && d.hasWeights;
    P = previous;
    F = features ? d.featureDim : 0;
    PF = P && F > 0 && previousFeatures;
    L = d.layers;
    E = d.experts;
    k = d.topk;
    D = int(d.lookahead.size());
    clear();
}

TokenTable TokenTable::layoutOnly() const
{
    TokenTable t;
    t.L = L, t.E = E, t.k = k, t.D = D, t.F = F;
    t.W = W, t.P = P, t.PF = PF;
    return t;
}

void TokenTable::clear()
{
    tok.clear();
    seq.clear();
    pos.clear();
    ids.clear();
    w.clear();
    look.clear();
    feat.clear();
    prevIds.clear();
    prevW.clear();
    prevFeat.clear();
}

void TokenTable::reserve(size_t n)
{
    const size_t lk = size_t(L) * size_t(k);
    tok.reserve(n);
    seq.reserve(n);
    pos.reserve(n);
    ids.reserve(n * lk);
    w.reserve(W ? n * lk : 0);
    look.reserve(n * lk * size_t(D));
    feat.reserve(n * size_t(L) * size_t(F));
    prevIds.reserve(P ? n * lk : 0);
    prevW.reserve(P ? n * lk : 0);
    prevFeat.reserve(PF ? n * size_t(L) * size_t(F) : 0);
}

void TokenTable::appendPrevious(const RoutingBlock& b, size_t t)
{
    const size_t lk = size_t(L) * size_t(k);
    prevIds.resize(prevIds.size() + lk);
    prevW.resize(prevW.size() + lk);
    if (PF)
        prevFeat.resize(prevFeat.size() + size_t(L) * size_t(F));
    writePrevious(size() - 1, b, t);
}

void TokenTable::writePrevious(size_t i, const RoutingBlock& b, size_t t)
{
    const size_t lk = size_t(L) * size_t(k);
    ExpertId* ids = prevIds.data() + i * lk;
    float* wr = prevW.data() + i * lk;
    const int64_t p = previousToken(b, t);
    const size_t lf = size_t(L) * size_t(F);
    if (p < 0) {
        std::fill(ids, ids + lk, ExpertId(0));
        std::fill(wr, wr + lk, 0.0f);
        if (PF)
            std::fill(prevFeat.data() + i * lf, prevFeat.data() + (i + 1) * lf, uint16_t(0));
        return;
    }
    if (PF)
        std::memcpy(prevFeat.data() + i * lf, b.features.data() + size_t(p) * lf, lf * sizeof(uint16_t));
    const size_t at = size_t(p) * lk;
    std::memcpy(ids, b.topkIds.data() + at, lk * sizeof(ExpertId));
    for (size_t j = 0; j < lk; ++j)
        wr[j] = W ? halfToFloat(b.topkWeights[at + j]) : 1.0f / float(k);
}

void TokenTable::append(const RoutingBlock& b, size_t t)
{
    const size_t lk = size_t(L) * size_t(k);
    tok.push_back(b.tokenIds[t]);
    seq.push_back(b.seqIds[t]);
    pos.push_back(b.positions[t]);
    ids.insert(ids.end(), b.topkIds.begin() + long(t * lk), b.topkIds.begin() + long((t + 1) * lk));
    if (W)
        for (size_t i = t * lk; i < (t + 1) * lk; ++i)
            w.push_back(halfToFloat(b.topkWeights[i]));
    if (D)
        look.insert(look.end(), b.lookaheadIds.begin() + long(t * lk * size_t(D)),
                    b.lookaheadIds.begin() + long((t + 1) * lk * size_t(D)));
    if (F) {
        const size_t lf = size_t(L) * size_t(F);
        feat.insert(feat.end(), b.features.begin() + long(t * lf), b.features.begin() + long((t + 1) * lf));
    }
    if (P)
        appendPrevious(b, t);
}

void TokenTable::append(const TokenTable& o, size_t i)
{
    const size_t lk = size_t(L) * size_t(k);
    tok.push_back(o.tok[i]);
    seq.push_back(o.seq[i]);
    pos.push_back(o.pos[i]);
    ids.insert(ids.end(), o.ids.begin() + long(i * lk), o.ids.begin() + long((i + 1) * lk));
    if (W)
        w.insert(w.end(), o.w.begin() + long(i * lk), o.w.begin() + long((i + 1) * lk));
    if (D)
        look.insert(look.end(), o.look.begin() + long(i * lk * size_t(D)),
                    o.look.begin() + long((i + 1) * lk * size_t(D)));
    if (F) {
        const size_t lf = size_t(L) * size_t(F);
        feat.insert(feat.end(), o.feat.begin() + long(i * lf), o.feat.begin() + long((i + 1) * lf));
    }
    if (P) {
        prevIds.insert(prevIds.end(), o.prevIds.begin() + long(i * lk), o.prevIds.begin() + long((i + 1) * lk));
        prevW.insert(prevW.end(), o.prevW.begin() + long(i * lk), o.prevW.begin() + long((i + 1) * lk));
    }
    if (PF) {
        const size_t lf = size_t(L) * size_t(F);
        prevFeat.insert(prevFeat.end(), o.prevFeat.begin() + long(i * lf), o.prevFeat.begin() + long((i + 1) * lf));
    }
}

void TokenTable::assign(size_t i, const RoutingBlock& b, size_t t)
{
    const size_t lk = size_t(L) * size_t(k);
    tok[i] = b.tokenIds[t];
    seq[i] = b.seqIds[t];
    pos[i] = b.positions[t];
    std::memcpy(ids.data() + i * lk, b.topkIds.data() + t * lk, lk * sizeof(ExpertId));
    if (W)
        for (size_t j = 0; j < lk; ++j)
            w[i * lk + j] = halfToFloat(b.topkWeights[t * lk + j]);
    if (D)
        std::memcpy(look.data() + i * lk * size_t(D), b.lookaheadIds.data() + t * lk * size_t(D),
                    lk * size_t(D) * sizeof(ExpertId));
    if (F) {
        const size_t lf = size_t(L) * size_t(F);
        std::memcpy(feat.data() + i * lf, b.features.data() + t * lf, lf * sizeof(uint16_t));
    }
    if (P)
        writePrevious(i, b, t);
}

// ---------------------------------------------------------------------------------------
ShuffleBuffer::ShuffleBuffer(const TraceDims& d, size_t capacity, uint64_t seed, bool weights, bool features,
                             bool previous, bool previousFeatures)
    : m_capacity(std::max<size_t>(1, capacity)), m_rng(seed)
{
    m_buf.init(d, weights, features, previous, previousFeatures);
    m_buf.reserve(m_capacity);
}

void ShuffleBuffer::push(const RoutingBlock& b, size_t t, TokenTable& out)
{
    if (m_buf.size() < m_capacity) {
        m_buf.append(b, t);
        return;
    }
    const size_t r = size_t(m_rng() % m_buf.size());
    out.append(m_buf, r);
    m_buf.assign(r, b, t);
}

bool ShuffleBuffer::pop(TokenTable& out)
{
    const size_t n = m_buf.size();
    if (n == 0)
        return false;
    const size_t r = size_t(m_rng() % n);
    out.append(m_buf, r);
    // move the last row into r, then drop the last row
    const size_t lk = size_t(m_buf.L) * size_t(m_buf.k), lkd = lk * size_t(m_buf.D);
    const size_t lf = size_t(m_buf.L) * size_t(m_buf.F);
    if (r != n - 1) {
        m_buf.tok[r] = m_buf.tok[n - 1];
        m_buf.seq[r] = m_buf.seq[n - 1];
        m_buf.pos[r] = m_buf.pos[n - 1];
        std::memcpy(m_buf.ids.data() + r * lk, m_buf.ids.data() + (n - 1) * lk, lk * sizeof(ExpertId));
        if (m_buf.W)
            std::memcpy(m_buf.w.data() + r * lk, m_buf.w.data() + (n - 1) * lk, lk * sizeof(float));
        if (lkd)
            std::memcpy(m_buf.look.data() + r * lkd, m_buf.look.data() + (n - 1) * lkd, lkd * sizeof(ExpertId));
        if (lf)
            std::memcpy(m_buf.feat.data() + r * lf, m_buf.feat.data() + (n - 1) * lf, lf * sizeof(uint16_t));
        if (m_buf.P) {
            std::memcpy(m_buf.prevIds.data() + r * lk, m_buf.prevIds.data() + (n - 1) * lk, lk * sizeof(ExpertId));
            std::memcpy(m_buf.prevW.data() + r * lk, m_buf.prevW.data() + (n - 1) * lk, lk * sizeof(float));
        }
        if (m_buf.PF)
            std::memcpy(m_buf.prevFeat.data() + r * lf, m_buf.prevFeat.data() + (n - 1) * lf, lf * sizeof(uint16_t));
    }
    m_buf.tok.pop_back();
    m_buf.seq.pop_back();
    m_buf.pos.pop_back();
    m_buf.ids.resize((n - 1) * lk);
    m_buf.w.resize(m_buf.W ? (n - 1) * lk : 0);
    m_buf.look.resize((n - 1) * lkd);
    m_buf.feat.resize((n - 1) * lf);
    m_buf.prevIds.resize(m_buf.P ? (n - 1) * lk : 0);
    m_buf.prevW.resize(m_buf.P ? (n - 1) * lk : 0);
    m_buf.prevFeat.resize(m_buf.PF ? (n - 1) * lf : 0);
    return true;
}

// ---------------------------------------------------------------------------------------
void LayerStats::init(const TraceDims& d, int horizon)
{
    m_L = d.layers;
    m_E = d.experts;
    m_k = d.topk;
    m_D = int(d.lookahead.size());
    m_H = horizon;
    m_tokens = 0;
    m_distIndex.assign(size_t(m_H), -1);
    for (int h = 1; h <= m_H; ++h)
        for (int i = 0; i < m_D; ++i)
            if (d.lookahead[size_t(i)] == h)
                m_distIndex[size_t(h - 1)] = i;
    const size_t L = size_t(m_L), E = size_t(m_E), H = size_t(m_H), k = size_t(m_k);
    m_usage.assign(L * E, 0.0);
    m_pairCount.assign(H * L * E * E, 0.0);
    m_laHit.assign(H * L * k, 0.0);
    m_laTot.assign(H * L * k, 0.0);
    m_laOtherHit.assign(H * L, 0.0);
    m_laOtherTot.assign(H * L, 0.0);
    m_sets.clear();
}

std::string LayerStats::key(const ExpertId* set, int l, int h) const
{
    ExpertId sorted[kMaxTopk];
    std::copy(set, set + m_k, sorted);
    std::sort(sorted, sorted + m_k);
    std::string s(size_t(3 + 2 * m_k), '\0');
    s[0] = char(h);
    s[1] = char(l & 0xff);
    s[2] = char((l >> 8) & 0xff);
    for (int j = 0; j < m_k; ++j) {
        s[size_t(3 + 2 * j)] = char(unsigned(sorted[j]) & 0xff);
        s[size_t(4 + 2 * j)] = char((unsigned(sorted[j]) >> 8) & 0xff);
    }
    return s;
}

void LayerStats::count(const ExpertId* ids, const ExpertId* look)
{
    const int L = m_L, E = m_E, k = m_k;
    ++m_tokens;
    for (int l = 0; l < L; ++l)
        for (int j = 0; j < k; ++j)
            m_usage[size_t(l * E + ids[l * k + j])] += 1.0;
    for (int h = 1; h <= m_H; ++h) {
        for (int l = 0; l + h < L; ++l) {
            const ExpertId* src = ids + l * k;
            const ExpertId* dst = ids + (l + h) * k;
            for (int a = 0; a < k; ++a)
                for (int b = 0; b < k; ++b)
                    m_pairCount[((size_t(h - 1) * size_t(L) + size_t(l)) * size_t(E) + src[a]) * size_t(E) + dst[b]] += 1.0;
            std::string setKey = key(src, l, h);
            auto it = m_sets.find(setKey);
            if (it == m_sets.end() && m_sets.size() < maxSets())
                it = m_sets.emplace(std::move(setKey), Row{0, std::vector<float>(size_t(E), 0.0f)}).first;
            if (it != m_sets.end()) {
                ++it->second.n;
                for (int b = 0; b < k; ++b)
                    it->second.c[dst[b]] += 1.0f;
            }
            const int di = m_distIndex[size_t(h - 1)];
            if (di >= 0 && look) {
                const ExpertId* probe = look + (size_t(l) * size_t(m_D) + size_t(di)) * size_t(k);
                if (probe[0] == kNoExpert)
                    continue;
                int hits = 0;
                for (int j = 0; j < k; ++j) {
                    bool hit = false;
                    for (int b = 0; b < k; ++b)
                        hit = hit || probe[j] == dst[b];
                    const size_t at = (size_t(h - 1) * size_t(L) + size_t(l)) * size_t(k) + size_t(j);
                    m_laTot[at] += 1.0;
                    m_laHit[at] += hit ? 1.0 : 0.0;
                    hits += hit ? 1 : 0;
                }
                const size_t at = size_t(h - 1) * size_t(L) + size_t(l);
                m_laOtherTot[at] += double(E - k);
                m_laOtherHit[at] += double(k - hits);
            }
        }
    }
}

void LayerStats::finalize()
{
    const size_t L = size_t(m_L), E = size_t(m_E), H = size_t(m_H), k = size_t(m_k);
    const double n = std::max<double>(1.0, double(m_tokens));
    m_freq.assign(L * E, 0.0f);
    m_entropy.assign(L, 0.0f);
    for (size_t l = 0; l < L; ++l) {
        double ent = 0.0;
        for (size_t e = 0; e < E; ++e) {
            const double u = m_usage[l * E + e];
            m_freq[l * E + e] = m_tokens ? float(u / n) : float(double(k) / double(E));
            const double q = m_tokens ? u / (n * double(k)) : 1.0 / double(E);
            if (q > 0)
                ent -= q * std::log(q);
        }
        m_entropy[l] = E > 1 ? float(ent / std::log(double(E))) : 0.0f;
    }
    m_pair.assign(H * L * E * E, 0.0f);
    for (size_t h = 0; h < H; ++h)
        for (size_t l = 0; l + h + 1 < L; ++l)
            for (size_t a = 0; a < E; ++a) {
                const double u = m_usage[l * E + a];
                for (size_t b = 0; b < E; ++b)
                    m_pair[((h * L + l) * E + a) * E + b] =
                        u > 0 ? float(m_pairCount[((h * L + l) * E + a) * E + b] / u)
                              : m_freq[(l + h + 1) * E + b];
            }
    m_laProbe.assign(H * L * k, 0.0f);
    m_laOther.assign(H * L, 0.0f);
    for (size_t h = 0; h < H; ++h)
        for (size_t l = 0; l < L; ++l) {
            for (size_t j = 0; j < k; ++j) {
                const size_t at = (h * L + l) * k + j;
                m_laProbe[at] = float((m_laHit[at] + 0.5) / (m_laTot[at] + 1.0));
            }
            const size_t at = h * L + l;
            m_laOther[at] = float((m_laOtherHit[at] + 0.5) / (m_laOtherTot[at] + 1.0));
        }
}

void LayerStats::markov(const ExpertId* set, int l, int h, float* out) const
{
    const size_t L = size_t(m_L), E = size_t(m_E);
    const float* pair = m_pair.data() + (size_t(h - 1) * L + size_t(l)) * E * E;
    for (size_t e = 0; e < E; ++e) {
        float b = 0.0f;
        for (int j = 0; j < m_k; ++j)
            b += pair[size_t(set[j]) * E + e];
        out[e] = b / float(m_k);
    }
    auto it = m_sets.find(key(set, l, h));
    if (it == m_sets.end())
        return;
    const float n = float(it->second.n);
    for (size_t e = 0; e < E; ++e)
        out[e] = (it->second.c[e] + kMarkovSmoothing * out[e]) / (n + kMarkovSmoothing);
}

void LayerStats::lookahead(const ExpertId* look, int l, int h, float* out) const
{
    const size_t L = size_t(m_L), E = size_t(m_E), k = size_t(m_k);
    const int di = m_distIndex[size_t(h - 1)];
    const ExpertId* probe = (di >= 0 && look) ? look + (size_t(l) * size_t(m_D) + size_t(di)) * k : nullptr;
    if (!probe || probe[0] == kNoExpert) {
        std::memcpy(out, frequency(l + h), E * sizeof(float));
        return;
    }
    const float other = m_laOther[size_t(h - 1) * L + size_t(l)];
    for (size_t e = 0; e < E; ++e)
        out[e] = other;
    for (size_t j = 0; j < k; ++j)
        if (probe[j] < E)
            out[probe[j]] = m_laProbe[(size_t(h - 1) * L + size_t(l)) * k + j];
}

std::vector<NamedArray> LayerStats::toArrays() const
{
    const int64_t L = m_L, E = m_E, H = m_H, k = m_k;
    std::vector<NamedArray> out;
    out.push_back(makeF32("stats.frequency", {L, E}, m_freq));
    out.push_back(makeF32("stats.entropy", {L}, m_entropy));
    out.push_back(makeF32("stats.pair", {H, L, E, E}, m_pair));
    out.push_back(makeF32("stats.lookahead_probe", {H, L, k}, m_laProbe));
    out.push_back(makeF32("stats.lookahead_other", {H, L}, m_laOther));
    std::map<std::string, const Row*> sorted;
    for (const auto& kv : m_sets)
        sorted.emplace(kv.first, &kv.second);
    const int64_t M = int64_t(sorted.size());
    std::vector<int32_t> keys, sets;
    std::vector<float> counts, totals;
    for (const auto& kv : sorted) {
        const std::string& s = kv.first;
        keys.push_back(int32_t(uint8_t(s[0])) - 1);
        keys.push_back(int32_t(uint8_t(s[1])) | (int32_t(uint8_t(s[2])) << 8));
        for (int j = 0; j < m_k; ++j)
            sets.push_back(int32_t(uint8_t(s[size_t(3 + 2 * j)])) | (int32_t(uint8_t(s[size_t(4 + 2 * j)])) << 8));
        counts.insert(counts.end(), kv.second->c.begin(), kv.second->c.end());
        totals.push_back(float(kv.second->n));
    }
    out.push_back(makeI32("stats.markov_key", {M, 2}, keys));
    // U8 while ids fit (the layout of predictors of up to 255 experts), else I32.
    if (m_E <= 255)
        out.push_back(makeU8("stats.markov_set", {M, k}, std::vector<uint8_t>(sets.begin(), sets.end())));
    else
        out.push_back(makeI32("stats.markov_set", {M, k}, sets));
    out.push_back(makeF32("stats.markov_count", {M, E}, counts));
    out.push_back(makeF32("stats.markov_total", {M}, totals));
    return out;
}

void LayerStats::fromArrays(const TraceDims& d, int horizon, const std::vector<NamedArray>& arrays,
                            const std::string& where)
{
    init(d, horizon);
    auto get = [&](const std::string& name, size_t numel) -> const NamedArray& {
        for (const auto& a : arrays)
            if (a.name == name) {
                size_t n = 1;
                for (int64_t s : a.shape)
                    n *= size_t(s);
                if (n != numel && numel != size_t(-1))
                    throw Error(where + ": tensor '" + name + "' has " + std::to_string(n) +
                                " elements, expected " + std::to_string(numel));
                return a;
            }
        throw Error(where + ": tensor '" + name + "' is missing");
    };
    const size_t L = size_t(m_L), E = size_t(m_E), H = size_t(m_H), k = size_t(m_k);
    m_freq = asF32(get("stats.frequency", L * E), where);
    m_entropy = asF32(get("stats.entropy", L), where);
    m_pair = asF32(get("stats.pair", H * L * E * E), where);
    m_laProbe = asF32(get("stats.lookahead_probe", H * L * k), where);
    m_laOther = asF32(get("stats.lookahead_other", H * L), where);
    const auto keys = asI32(get("stats.markov_key", size_t(-1)), where);
    const NamedArray& setsA = get("stats.markov_set", size_t(-1));
    std::vector<ExpertId> sets;
    if (setsA.dtype == "U8")
        sets.assign(setsA.bytes.begin(), setsA.bytes.end());
    else if (setsA.dtype == "I32")
        for (int32_t e : asI32(setsA, where))
            sets.push_back(e >= 0 && e < m_E ? ExpertId(e) : ExpertId(0));
    else
        throw Error(where + ": tensor 'stats.markov_set' must be U8 or I32, not " + setsA.dtype);
    const auto counts = asF32(get("stats.markov_count", size_t(-1)), where);
    const auto totals = asF32(get("stats.markov_total", size_t(-1)), where);
    const size_t M = totals.size();
    if (keys.size() != 2 * M || sets.size() != M * k || counts.size() != M * E)
        throw Error(where + ": markov tables disagree in size");
    for (size_t i = 0; i < M; ++i) {
        const int h = keys[2 * i] + 1, l = keys[2 * i + 1];
        if (h < 1 || h > m_H || l < 0 || l >= m_L)
            throw Error(where + ": markov key " + std::to_string(i) + " out of range");
        Row r;
        r.n = uint32_t(totals[i]);
        r.c.assign(counts.begin() + long(i * E), counts.begin() + long((i + 1) * E));
        m_sets[key(sets.data() + i * k, l, h)] = std::move(r);
    }
}

} // namespace specmoe::speculate
