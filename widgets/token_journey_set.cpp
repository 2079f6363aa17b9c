#include "widgets/token_journey_set.h"

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_result.h"
#include "core/trace/token_id.h"
#include "widgets/export.h"

#include <QObject>

#include <algorithm>

namespace specmoe::widgets {

void TokenJourneySet::setDims(int layers, int experts, int topk)
{
    m_layers = std::max(0, layers);
    m_experts = std::max(0, experts);
    m_topk = std::max(1, topk);
    m_hasWeights = true;
    m_sequences.clear();
    m_queries.clear();
}

void TokenJourneySet::clear()
{
    setDims(0, 0, 1);
}

void TokenJourneySet::addSequence(JourneySequence s)
{
    const size_t n = size_t(m_layers) * size_t(m_topk);
    for (JourneyToken& t : s.tokens) {
        t.experts.resize(n, kNoExpert);
        t.weights.resize(n, 0.f);
    }
    if (s.length == 0)
        s.length = int32_t(s.tokens.size());
    m_sequences.push_back(std::move(s));
}

void TokenJourneySet::addQuery(JourneyQuery q)
{
    m_queries.push_back(std::move(q));
}

JourneyToken TokenJourneySet::convert(const TokenJourney& j)
{
    // Element-wise: core's journey ids may be narrower than ExpertId. A token the trace
    // has no id for shows as "#?" (the analysis gives it no text).
    const QString text = j.tokenId == kUnknownToken ? QObject::tr("#?") : QString::fromStdString(j.text);
    return {j.seqId, j.position, text,
            std::vector<ExpertId>(j.experts.begin(), j.experts.end()), j.weights};
}

TokenJourneySet TokenJourneySet::fromAnalysis(const AnalysisResult& r)
{
    TokenJourneySet m;
    m.setDims(r.layers, r.experts, r.topk);
    for (const SequenceJourney& sj : r.journeys) {
        JourneySequence s;
        s.seqId = sj.seqId;
        s.source = QString::fromStdString(sj.source);
        s.docId = QString::fromStdString(sj.docId);
        s.length = sj.length;
        for (const TokenJourney& t : sj.tokens)
            s.tokens.push_back(convert(t));
        m.addSequence(std::move(s));
    }
    for (const TokenQueryResult& q : r.queries) {
        JourneyQuery jq;
        jq.query = QString::fromStdString(q.query);
        jq.matches = q.matches;
        for (const TokenJourney& t : q.journeys)
            jq.journeys.push_back(convert(t));
        m.addQuery(std::move(jq));
    }
    m.setHasWeights(r.hasWeights);
    return m;
}

TokenJourneySet TokenJourneySet::fromBlock(const RoutingBlock& b, const TextFn& text, int maxTokens)
{
    TokenJourneySet m;
    m.setDims(b.dims.layers, b.dims.experts, b.dims.topk);
    m.setHasWeights(b.dims.hasWeights && !b.topkWeights.empty());
    const int L = b.dims.layers, k = b.dims.topk;
    for (const SequenceRecord& rec : b.sequences) {
        JourneySequence s;
        s.seqId = rec.seqId;
        s.source = QString::fromStdString(rec.source);
        s.docId = QString::fromStdString(rec.docId);
        s.length = rec.length;
        s.generatedTokens = rec.generatedTokens;
        const int n = std::min<int>(rec.length, maxTokens);
        s.tokens.reserve(size_t(n));
        for (int i = 0; i < n; ++i) {
            const size_t row = size_t(rec.tokenOffset) + size_t(i);
            if (row >= b.numTokens())
                break;
            JourneyToken t;
            t.seqId = rec.seqId;
            t.position = b.positions.empty() ? i : b.positions[row];
            const int32_t id = b.tokenIds[row];
            t.text = id == kUnknownToken ? QObject::tr("#?")
                     : text              ? QString::fromStdString(text(id))
                                         : QStringLiteral("#%1").arg(id);
            t.experts.resize(size_t(L * k));
            t.weights.resize(size_t(L * k));
            for (int l = 0; l < L; ++l)
                for (int j = 0; j < k; ++j) {
                    t.experts[size_t(l * k + j)] = b.expert(row, l, j);
                    t.weights[size_t(l * k + j)] = b.topkWeights.empty() ? 0.f : b.weight(row, l, j);
                }
            s.tokens.push_back(std::move(t));
        }
        m.addSequence(std::move(s));
    }
    return m;
}

QStringList TokenJourneySet::sequenceNames() const
{
    QStringList names;
    for (const JourneySequence& s : m_sequences) {
        QString name = s.source.isEmpty() ? QObject::tr("Sequence %1 (%n token(s))", nullptr, s.length).arg(qlonglong(s.seqId))
                                          : QObject::tr("Sequence %1, %2 (%n token(s))", nullptr, s.length)
                                                .arg(qlonglong(s.seqId))
                                                .arg(s.source);
        if (s.generatedTokens > 0)
            name += QObject::tr(": prompt %1 + generated %2").arg(s.length - s.generatedTokens).arg(s.generatedTokens);
        names << name;
    }
    return names;
}

bool TokenJourneySet::textMatches(const QString& piece, const QString& query)
{
    if (query.isEmpty())
        return false;
    return tokenTextMatches(piece.toStdString(), query.toStdString(), true); // core's rule
}

const JourneyQuery* TokenJourneySet::cachedQuery(const QString& query) const
{
    for (const JourneyQuery& q : m_queries)
        if (textMatches(q.query, query))
            return &q;
    return nullptr;
}

JourneyQuery TokenJourneySet::searchLoaded(const QString& query, int limit) const
{
    JourneyQuery out;
    out.query = query;
    for (const JourneySequence& s : m_sequences)
        for (const JourneyToken& t : s.tokens)
            if (textMatches(t.text, query)) {
                ++out.matches;
                if (int(out.journeys.size()) < limit)
                    out.journeys.push_back(t);
            }
    return out;
}

bool TokenJourneySet::writeCsv(const QString& path, const std::vector<const JourneyToken*>& range,
                                 const std::vector<const JourneyToken*>& overlay, int layers, int topk,
                                 QString* error, bool weights)
{
    QStringList header{QStringLiteral("kind"), QStringLiteral("seq_id"), QStringLiteral("position"),
                       QStringLiteral("token"), QStringLiteral("layer")};
    for (int j = 0; j < topk; ++j)
        header << QStringLiteral("expert%1").arg(j + 1) << QStringLiteral("weight%1").arg(j + 1);
    QString out = csvLine(header);
    auto rows = [&](const std::vector<const JourneyToken*>& list, const QString& kind) {
        for (const JourneyToken* t : list)
            for (int l = 0; l < layers; ++l) {
                QStringList row{kind, QString::number(t->seqId), QString::number(t->position), t->text,
                                QString::number(l)};
                for (int j = 0; j < topk; ++j) {
                    const size_t i = size_t(l * topk + j);
                    row << (i < t->experts.size() ? QString::number(t->experts[i]) : QString())
                        << (weights && i < t->weights.size() ? QString::number(double(t->weights[i]), 'g', 4) : QString());
                }
                out += csvLine(row);
            }
    };
    rows(range, QStringLiteral("range"));
    rows(overlay, QStringLiteral("search"));
    return writeTextFile(path, out, error);
}

} // namespace specmoe::widgets
