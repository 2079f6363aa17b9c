#pragma once
// Data of the token-journey view: recorded sequences (each token's top-k experts and weights
// at every layer) and the journeys of searched token texts across the trace set. Filled from
// an AnalysisResult (journeys, queries), from routing blocks, or by hand.
#include "core/trace/routing.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe {
struct AnalysisResult;
struct TokenJourney;
}

namespace specmoe::widgets {

struct JourneyToken {
    int64_t seqId = 0;
    int32_t position = 0;
    QString text;
    std::vector<ExpertId> experts; // [L*k] descending probability
    std::vector<float> weights;    // [L*k]; zeros when the trace has no router weights
};

struct JourneySequence {
    int64_t seqId = 0;
    QString source;
    QString docId;
    int32_t length = 0;
    int32_t generatedTokens = 0; // the last ones were decoded (SequenceRecord::generatedTokens)
    std::vector<JourneyToken> tokens;
};

struct JourneyQuery {
    QString query;
    int64_t matches = 0; // occurrences in the trace set (may exceed journeys.size())
    std::vector<JourneyToken> journeys;
};

class TokenJourneySet {
public:
    using TextFn = std::function<std::string(int32_t tokenId)>;

    void setDims(int layers, int experts, int topk);
    void addSequence(JourneySequence sequence);
    void addQuery(JourneyQuery query); // precomputed (analysis) query results
    void clear();

    static JourneyToken convert(const TokenJourney& journey);
    static TokenJourneySet fromAnalysis(const AnalysisResult& result);
    // Every sequence of the block (at most maxTokens tokens each).
    static TokenJourneySet fromBlock(const RoutingBlock& block, const TextFn& text = {},
                                       int maxTokens = 2048);

    int layers() const { return m_layers; }
    int experts() const { return m_experts; }
    int topk() const { return m_topk; }
    // False for id-only traces (imported from serving engines): markers then show the rank,
    // not the weight. fromBlock takes it from the dims, fromAnalysis from the values.
    bool hasWeights() const { return m_hasWeights; }
    void setHasWeights(bool hasWeights) { m_hasWeights = hasWeights; }
    int sequenceCount() const { return int(m_sequences.size()); }
    const JourneySequence& sequence(int i) const { return m_sequences[size_t(i)]; }
    // Sets a sequence's generated tokens (what the analysis journeys do not carry).
    void setGeneratedTokens(int i, int32_t generated) { m_sequences[size_t(i)].generatedTokens = generated; }
    QStringList sequenceNames() const;

    // A precomputed query (ignoring a leading "▁"); nullptr when absent.
    const JourneyQuery* cachedQuery(const QString& query) const;
    // Occurrences among the loaded sequences.
    JourneyQuery searchLoaded(const QString& query, int limit = 200) const;

    static bool textMatches(const QString& piece, const QString& query);
    // Rows: kind (range/overlay), seq_id, position, token, layer, expert/weight per rank
    // (weights left empty without router weights).
    static bool writeCsv(const QString& path, const std::vector<const JourneyToken*>& range,
                         const std::vector<const JourneyToken*>& overlay, int layers, int topk,
                         QString* error = nullptr, bool weights = true);

private:
    int m_layers = 0, m_experts = 0, m_topk = 0;
    bool m_hasWeights = true;
    std::vector<JourneySequence> m_sequences;
    std::vector<JourneyQuery> m_queries;
};

} // namespace specmoe::widgets
