#pragma once
// Internal to core/speculate (no torch): compact token rows for streaming and shuffling,
// the layer-wise statistics counted on the training split, and the baselines built on them.
#include "core/trace/routing.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace specmoe::speculate {

// Plain named array as stored in safetensors (little-endian bytes).
struct NamedArray {
    std::string name;
    std::string dtype; // "F32", "I32", "U8", "I64"
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
};
NamedArray makeF32(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& v);
NamedArray makeI32(const std::string& name, std::vector<int64_t> shape, const std::vector<int32_t>& v);
NamedArray makeU8(const std::string& name, std::vector<int64_t> shape, const std::vector<uint8_t>& v);
std::vector<float> asF32(const NamedArray& a, const std::string& where);
std::vector<int32_t> asI32(const NamedArray& a, const std::string& where);

// Tokens as fixed-stride rows (structure of arrays): the unit of shuffling and batching.
struct TokenTable {
    int L = 0, E = 0, k = 0, D = 0;
    int F = 0;     // hidden-state features per layer kept (0: none, or the predictor reads none)
    bool W = true; // router weights kept (the traces have them and the predictor uses them)
    bool P = false; // the previous token's routing kept (decode context)
    bool PF = false; // and its features (P and F only)
    std::vector<int32_t> tok;
    std::vector<int64_t> seq;
    std::vector<int32_t> pos;
    std::vector<ExpertId> ids;  // [n, L, k]
    std::vector<float> w;       // [n, L, k]; empty unless W
    std::vector<ExpertId> look; // [n, L, D, k]
    // [n, L, F] IEEE half bits as the traces store them (half the memory of floats in the
    // shuffle buffer; the batch converts them).
    std::vector<uint16_t> feat;
    // The routing of the token before it in its sequence (P only): ids [n, L, k] and router
    // weights [n, L, k] (1/k each without weights); all weights 0 where there is none (the
    // first token of a sequence, or a predecessor outside the block).
    std::vector<ExpertId> prevIds;
    std::vector<float> prevW;
    // Its features [n, L, F] as half bits (PF only; zeros where there is no previous token).
    std::vector<uint16_t> prevFeat;

    // weights: whether the reader wants the router weights (kept only when d has them);
    // features: whether it wants the hidden-state features (kept only when d has them);
    // previous: whether it wants the previous token's routing; previousFeatures: and its
    // features (kept only with previous and features).
    void init(const TraceDims& d, bool weights = true, bool features = false, bool previous = false,
              bool previousFeatures = false);
    size_t size() const { return tok.size(); }
    TokenTable layoutOnly() const; // the same layout, no rows
    void clear();
    void reserve(size_t n);
    void append(const RoutingBlock& b, size_t t);
    void append(const TokenTable& o, size_t i);
    void assign(size_t i, const RoutingBlock& b, size_t t);
    const ExpertId* idsRow(size_t i) const { return ids.data() + i * size_t(L) * size_t(k); }
    const ExpertId* lookRow(size_t i) const { return D ? look.data() + i * size_t(L) * size_t(D) * size_t(k) : nullptr; }
    const uint16_t* featRow(size_t i) const { return F ? feat.data() + i * size_t(L) * size_t(F) : nullptr; }

private:
    void appendPrevious(const RoutingBlock& b, size_t t);
    void writePrevious(size_t i, const RoutingBlock& b, size_t t);
};

// The row of the token before token t in its sequence (same sequence, position - 1), or -1.
inline int64_t previousToken(const RoutingBlock& b, size_t t)
{
    if (t == 0 || b.seqIds[t - 1] != b.seqIds[t] || b.positions[t - 1] + 1 != b.positions[t])
        return -1;
    return int64_t(t) - 1;
}

// A bounded shuffle buffer: push tokens, get them back in a seeded random order.
class ShuffleBuffer {
public:
    ShuffleBuffer(const TraceDims& d, size_t capacity, uint64_t seed, bool weights = true, bool features = false,
                  bool previous = false, bool previousFeatures = false);
    // Adds a token; when full, moves a random held token to out first.
    void push(const RoutingBlock& b, size_t t, TokenTable& out);
    // Moves one random held token to out; false when empty.
    bool pop(TokenTable& out);
    size_t size() const { return m_buf.size(); }

private:
    TokenTable m_buf;
    size_t m_capacity;
    std::mt19937_64 m_rng;
};

constexpr float kMarkovSmoothing = 1.0f;
// The set-conditional Markov table keeps the first sets seen up to this many counters
// (rows x E; 16 MiB of floats): top-8 sets of 128 experts hardly repeat, and an unbounded
// table held a row per training sample. Sets beyond it use the pairwise back-off.
constexpr int64_t kMaxMarkovCounters = int64_t(1) << 22;

class LayerStats {
public:
    void init(const TraceDims& d, int horizon);
    // Counts one token (ids [L, k], look [L, D, k] or nullptr).
    void count(const ExpertId* ids, const ExpertId* look);
    void finalize(); // derives the probability tables from the counts

    int64_t tokens() const { return m_tokens; }
    int layers() const { return m_L; }
    int experts() const { return m_E; }
    int horizon() const { return m_H; }
    bool hasLookahead(int h) const { return m_distIndex[size_t(h - 1)] >= 0; }
    int lookaheadIndex(int h) const { return m_distIndex[size_t(h - 1)]; }

    // P(e in top-k of layer) over the training tokens: [E].
    const float* frequency(int layer) const { return m_freq.data() + size_t(layer) * size_t(m_E); }
    // Entropy of the layer's usage distribution, divided by log(E): [0, 1].
    float entropy(int layer) const { return m_entropy[size_t(layer)]; }
    // P(e in top-k of l+h | top-k set at l = set), smoothed towards the pairwise rows.
    void markov(const ExpertId* set, int l, int h, float* out) const;
    // P(e in top-k of l+h | lookahead probes of layer l for distance h); frequency when the
    // traces have no probe at that distance.
    void lookahead(const ExpertId* lookRow, int l, int h, float* out) const;

    std::vector<NamedArray> toArrays() const;       // names "stats.*"
    void fromArrays(const TraceDims& d, int horizon, const std::vector<NamedArray>& arrays,
                    const std::string& where);

private:
    // h, l and the sorted ids (two bytes each: ids may exceed 255).
    std::string key(const ExpertId* set, int l, int h) const;
    size_t maxSets() const { return size_t(std::max<int64_t>(1, kMaxMarkovCounters / std::max(1, m_E))); }
    struct Row {
        uint32_t n = 0;
        std::vector<float> c;
    };

    int m_L = 0, m_E = 0, m_k = 0, m_D = 0, m_H = 0;
    int64_t m_tokens = 0;
    std::vector<int> m_distIndex;               // [H] probe index for distance h, -1 none
    std::vector<double> m_usage;                // [L, E]
    std::vector<double> m_pairCount;            // [H, L, E, E]
    std::vector<double> m_laHit, m_laTot;       // [H, L, k]
    std::vector<double> m_laOtherHit, m_laOtherTot; // [H, L]
    std::unordered_map<std::string, Row> m_sets;
    // derived
    std::vector<float> m_freq, m_entropy, m_pair, m_laProbe, m_laOther;
};

} // namespace specmoe::speculate
