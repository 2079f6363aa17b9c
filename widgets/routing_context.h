#pragma once
// What the routing views know about a trace beyond the analysis figures: the decoder layer
// of each stored (MoE) layer, for labels; whether router weights were stored; and which
// tokens were generated (decode) rather than read from the prompt (prefill). Built from a
// trace's dims and sequence table (TraceDims::moeLayers, hasWeights,
// SequenceRecord::generatedTokens); a default context is Mixtral-like: every decoder layer
// an MoE layer, weights present, no phases known.
#include "core/trace/routing.h"

#include <QString>

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace specmoe::widgets {

enum class TokenPhase { Unknown, Prefill, Decode };

class RoutingContext {
public:
    static RoutingContext fromDims(const TraceDims& dims);

    void setMoeLayers(std::vector<int> decoderIndex);
    void setHasWeights(bool hasWeights) { m_hasWeights = hasWeights; }
    void setSharedExperts(int shared) { m_sharedExperts = shared; }
    // Records the phase of a sequence's tokens (only sequences with generated tokens are
    // kept: the others are all prompt).
    void addSequence(const SequenceRecord& sequence);
    void addSequences(const std::vector<SequenceRecord>& sequences);

    // Decoder-layer index of stored layer l (l itself without a layer map).
    int decoderLayer(int stored) const;
    // True when some stored layer is not the decoder layer of the same index (dense layers
    // are not stored): labels then name the decoder layer.
    bool layerMapped() const { return m_mapped; }
    // "12" (the decoder layer, what tick labels show).
    QString layerLabel(int stored) const;
    // "layer 12" or, with a layer map, "layer 12 (MoE layer 9)": hover texts.
    QString layerText(int stored) const;
    // Axis title for the layer axis.
    QString layerAxisTitle() const;

    bool hasWeights() const { return m_hasWeights; }
    int sharedExperts() const { return m_sharedExperts; }
    // True when some sequence has generated tokens: phases are shown.
    bool hasPhases() const { return !m_decode.empty(); }
    // Unknown unless hasPhases().
    TokenPhase phase(int64_t seqId, int32_t position) const;
    // Generated tokens of a sequence (0: none or unknown).
    int32_t generatedTokens(int64_t seqId) const;
    static QString phaseText(TokenPhase phase); // "prefill", "decode", ""

private:
    std::vector<int> m_moeLayers;
    bool m_mapped = false;
    bool m_hasWeights = true;
    int m_sharedExperts = 0;
    std::unordered_map<int64_t, std::pair<int32_t, int32_t>> m_decode; // seqId -> (length, generated)
};

} // namespace specmoe::widgets
