#pragma once
// The routing of whole sequences, as the collector produces it, shards store it, and the
// analysis and speculation code consume it. Plain arrays, no torch, no HDF5: this is the
// contract between core's concerns (docs/trace-format.md describes the on-disk form).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe {

// An expert id in memory. Schema 2 stores ids in the narrowest unsigned type that holds
// E plus the sentinel (uint8 for E <= 255, uint16 beyond); in memory ids are one type.
using ExpertId = uint16_t;
constexpr ExpertId kNoExpert = 0xFFFF; // lookahead slot with no layer l+d
constexpr int kMaxTopk = 16;

struct TraceDims {
    int layers = 0;  // stored (MoE) layers, L
    int experts = 0; // routed experts, E
    int topk = 0;
    std::vector<int> lookahead; // probe distances d (e.g. {1, 2}); empty = no probes
    bool hasLogits = false;
    bool hasWeights = true; // router weights stored; imported id-only traces have none
    // Decoder-layer index of each stored layer (size L, ascending); empty = 0..L-1 (every
    // decoder layer is an MoE layer). Dense layers are not stored.
    std::vector<int> moeLayers;
    int decoderLayers = 0; // decoder layers of the model, dense ones included; 0 = layers
    int sharedExperts = 0; // always-on experts beside the routed ones (not stored per token)
    // Hidden-state features per token and stored layer (F floats, f_l = P_l (hr_l - mu_l) of
    // layer l's router input; the basis is core/trace/feature_basis.h); 0 = none.
    int featureDim = 0;
};

// Every field, the logits flag and featureDim included: what a shard and the manifest must agree on. The
// layer map compares resolved (an empty moeLayers equals the identity; decoderLayers 0
// equals decoderLayerCount()).
bool operator==(const TraceDims& a, const TraceDims& b);
inline bool operator!=(const TraceDims& a, const TraceDims& b) { return !(a == b); }
// The routing shape only (layers, experts, top-k, probe distances): traces of one model
// with and without logits or features mix in analysis and speculation of the routing.
bool sameRouting(const TraceDims& a, const TraceDims& b);
// "32 layers, 8 experts, top-2, lookahead {1,2}, logits no", for messages; weights, shared
// experts, the layer map and features are added where they are not the defaults.
std::string describeDims(const TraceDims& d);

// What is wrong with dims (empty: nothing): L >= 1, 1 <= E < kNoExpert, 1 <= k <= kMaxTopk,
// k <= E, lookahead distances >= 1, moeLayers empty or L strictly ascending entries >= 0 and
// below decoderLayers when that is > 0, decoderLayers >= 0, sharedExperts >= 0, featureDim >= 0.
std::string dimsProblem(const TraceDims& d);
// Decoder layers of the model: decoderLayers, or when 0 the layers the map implies.
int decoderLayerCount(const TraceDims& d);
// Decoder-layer index of stored layer l.
int decoderLayerOf(const TraceDims& d, int layer);
// Whether stored layer l is decoder layer l for every l (dense layers none, or only after
// the last MoE layer).
bool identityLayerMap(const TraceDims& d);
// "32 MoE layers (every decoder layer)" or "58 MoE of 61 decoder layers (3-60)".
std::string describeLayerMap(const TraceDims& d);
// Bytes of one stored expert id: 1 (uint8, sentinel 255) when E <= 255, else 2 (uint16).
int expertIdBytes(const TraceDims& d);

struct SequenceRecord {
    int64_t seqId = 0;        // deterministic global id (same on resume)
    std::string source;       // domain label of the corpus source
    std::string docId;        // document id inside the source
    int64_t tokenOffset = 0;  // first token's row in the block / shard
    int32_t length = 0;       // tokens stored (pads never are)
    // Phase: the last `generatedTokens` tokens were generated (decode); the ones before
    // are the prompt (prefill). Collected corpus traces are all prompt (0).
    int32_t generatedTokens = 0;
    std::string requestId;    // the serving engine's request id; empty when none
};

// Tokens of several sequences, concatenated in sequence order.
struct RoutingBlock {
    TraceDims dims;
    std::vector<SequenceRecord> sequences;
    std::vector<int32_t> tokenIds;     // [N]
    std::vector<int64_t> seqIds;       // [N] owning sequence's seqId
    std::vector<int32_t> positions;    // [N] position inside the sequence
    std::vector<ExpertId> topkIds;     // [N, L, k] descending probability
    std::vector<uint16_t> topkWeights; // [N, L, k] IEEE half bits, renormalized over k;
                                       // empty unless dims.hasWeights
    std::vector<uint16_t> logits;      // [N, L, E] IEEE half bits; empty unless hasLogits
    std::vector<ExpertId> lookaheadIds; // [N, L, D, k]; kNoExpert where l+d >= L
    std::vector<uint16_t> features;     // [N, L, F] IEEE half bits; empty unless dims.featureDim > 0

    size_t numTokens() const { return tokenIds.size(); }
    size_t idx(size_t token, int layer, int j) const
    {
        return (token * size_t(dims.layers) + size_t(layer)) * size_t(dims.topk) + size_t(j);
    }
    ExpertId expert(size_t token, int layer, int j = 0) const { return topkIds[idx(token, layer, j)]; }
    float weight(size_t token, int layer, int j) const;

    // Appends another block with the same dims (token offsets are rebased).
    void append(const RoutingBlock& other);
    // Throws specmoe::Error when the dims are invalid (dimsProblem()), array sizes disagree
    // with them (weights present exactly when hasWeights, features exactly N*L*F when
    // featureDim > 0, else none), ids are out of range (kNoExpert
    // only in lookahead slots), or a sequence's generatedTokens is not within 0..length.
    void validate() const;
    void clear();
};

// A block stream calls its visitor with every block, in order; the visitor returns true to
// go on, false to stop the stream there (TraceSet::forEachBlock, the analysis's and the
// speculation's block sources).
using BlockVisitor = std::function<bool(const RoutingBlock&)>;

} // namespace specmoe
