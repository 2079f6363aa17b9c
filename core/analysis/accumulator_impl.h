#pragma once
// Internal to core/analysis: the state of AnalysisAccumulator, shared by the files of its
// pass (analysis_accumulator.cpp: the per-token hot loop; accumulator_chunk.cpp: the
// layer-major tables counted per chunk; accumulator_finish.cpp and
// accumulator_predictability.cpp: the statistics made from the totals). Flat counter arrays
// only: the hot loop touches contiguous memory (no maps); maps are consulted once per
// sequence (source label, journeys).
#include "core/analysis/analysis.h"

#include "core/util/half.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace specmoe::analysis_detail {

using u64 = uint64_t;

inline u64 splitmix64(u64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Half bits -> float for all 65536 values, built once (inline: one table for all files).
inline const float* halfTable()
{
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i)
            t[i] = halfToFloat(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

// One recorded occurrence (converted to TokenSample in finish()).
struct RawSample {
    int64_t seqId;
    int32_t position;
    int32_t tokenId;
    uint8_t rank;
    uint16_t weight; // half bits (0 without router weights)
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
// The totals are allocated at the first spill (after ~4 G tokens), so a pass holds 4 bytes a
// counter (the tables of 256 experts run to hundreds of MiB); finish() reads hot + cold.
struct Counter {
    std::vector<uint32_t> hot;
    std::vector<u64> cold; // empty until the first spill
    void assign(size_t n)
    {
        hot.assign(n, 0);
        cold.clear();
    }
    void spill()
    {
        if (hot.empty())
            return;
        if (cold.empty())
            cold.assign(hot.size(), 0);
        for (size_t i = 0; i < hot.size(); ++i)
            cold[i] += hot[i];
        std::fill(hot.begin(), hot.end(), 0u);
    }
    bool empty() const { return hot.empty(); }
    uint32_t* data() { return hot.data(); }
    u64 at(size_t i) const { return u64(hot[i]) + (cold.empty() ? 0 : cold[i]); }
    std::vector<u64> slice(size_t from, size_t n) const
    {
        std::vector<u64> out(hot.begin() + long(from), hot.begin() + long(from + n));
        if (!cold.empty())
            for (size_t i = 0; i < n; ++i)
                out[i] += cold[from + i];
        return out;
    }
};

struct Rng {
    u64 s;
    u64 next() { return s = splitmix64(s); }
    double uniform() // (0, 1)
    {
        return (double((next() >> 11)) + 0.5) * (1.0 / 9007199254740992.0);
    }
};

} // namespace specmoe::analysis_detail

namespace specmoe {

struct AnalysisAccumulator::Impl {
    using u64 = analysis_detail::u64;
    using Counter = analysis_detail::Counter;
    using Reservoir = analysis_detail::Reservoir;
    using RawSample = analysis_detail::RawSample;
    using Rng = analysis_detail::Rng;

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
    bool layerPairSkipped = false;    // over opt.maxLayerPairEntries

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
    std::vector<ExpertId> prevIds; // [L*K]

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
    std::vector<ExpertId> idsT; // [L][K][kChunk] top-k ids, layer-major (j = 0: first choice)
    std::vector<uint8_t> splitBuf; // [kChunk] 1 = test
    std::vector<int32_t> groupBuf; // [kChunk] the token's group (co-activation tables)
    size_t chunkN = 0;
    u64 sinceSpill = 0;         // tokens counted in the 32-bit tables since the last spill

    explicit Impl(AnalysisOptions o) : opt(std::move(o)) {}

    void init(const TraceDims& d);
    int groupFor(const std::string& source);
    void addToken(Group& g, const RoutingBlock& b, size_t t, const ExpertId* prev, bool test,
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

} // namespace specmoe
