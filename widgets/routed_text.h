#pragma once
// Data of the routing text view: a run of tokens (one sequence or any token range of a
// routing block) with each token's experts at every layer. The constructor precomputes
// layer-major first-choice arrays and per-layer colour runs (consecutive tokens sharing an
// expert), so switching the layer is a lookup.
#include "core/trace/routing.h"
#include "widgets/routing_context.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {
struct SequenceJourney;
}

namespace specmoe::widgets {

struct ColorRun {
    uint32_t begin = 0; // first token (model index)
    uint32_t length = 0;
    ExpertId expert = 0;
};

class RoutedText {
public:
    using TextFn = std::function<std::string(int32_t tokenId)>;

    RoutedText() = default;
    // Tokens [begin, end) of the block (end = 0: to the block's end). text maps token ids to
    // pieces (SentencePiece "▁" becomes a space, "<0x0A>" a line break); without it tokens
    // show as "#id".
    RoutedText(std::shared_ptr<const RoutingBlock> block, size_t begin = 0, size_t end = 0,
                     const TextFn& text = {});
    // One recorded sequence of an AnalysisResult; hasWeights is the result's (id-only traces'
    // journeys carry zeros for weights, which must not be shown as weights).
    static RoutedText fromJourney(const SequenceJourney& journey, int layers, int experts, int topk, bool hasWeights);

    size_t tokenCount() const { return m_count; }
    int layers() const { return m_layers; }
    int experts() const { return m_experts; }
    int topk() const { return m_topk; }

    // Display text of token i (pieces are shared: pieceIndex(i) indexes pieces()).
    const QString& text(size_t i) const { return m_pieces[m_pieceOf[i]]; }
    uint32_t pieceIndex(size_t i) const { return m_pieceOf[i]; }
    const QStringList& pieces() const { return m_pieces; }
    bool breaksLine(size_t i) const { return m_newline[m_pieceOf[i]] != 0; }

    ExpertId firstExpert(int layer, size_t i) const { return m_first[size_t(layer) * m_count + i]; }
    const ExpertId* firstExperts(int layer) const { return m_first.data() + size_t(layer) * m_count; }
    ExpertId expert(int layer, size_t i, int rank) const;
    float weight(int layer, size_t i, int rank) const;
    bool hasWeights() const { return m_hasWeights; }
    // Tokens of the text with expert e as first choice at the layer.
    int64_t firstCount(int layer, int expert) const;
    // The n experts most often first choice at the layer in this text, busiest first.
    std::vector<int> topExperts(int layer, int n) const;
    // Phase of token i: from the block's sequence records (generatedTokens), or from the
    // context given to setPhases; Unknown when no sequence has generated tokens.
    TokenPhase phase(size_t i) const;
    bool hasPhases() const { return !m_decode.empty(); }
    void setPhases(const RoutingContext& context);
    int64_t seqId(size_t i) const;
    int32_t position(size_t i) const;
    const std::vector<ColorRun>& runs(int layer) const { return m_runs[size_t(layer)]; }

    // token, seq_id, position, then first and second expert (and weights) at the layer.
    bool writeCsv(const QString& path, int layer, QString* error = nullptr) const;

private:
    void build(const TextFn& text);

    std::shared_ptr<const RoutingBlock> m_block;
    size_t m_begin = 0, m_count = 0;
    int m_layers = 0, m_experts = 0, m_topk = 0;
    bool m_hasWeights = true;
    QStringList m_pieces;
    std::vector<uint8_t> m_newline;      // per piece
    std::vector<uint32_t> m_pieceOf;     // per token
    std::vector<ExpertId> m_first;       // [L][N] layer-major first choice
    std::vector<int64_t> m_firstCounts;  // [L][E]
    std::vector<uint8_t> m_decode;       // per token, 1 = generated; empty = no phases
    std::vector<std::vector<ColorRun>> m_runs; // [L]
};

} // namespace specmoe::widgets
