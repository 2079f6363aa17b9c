#include "widgets/routed_text.h"

#include "core/analysis/analysis_result.h"
#include "core/trace/token_id.h"
#include "core/util/half.h"
#include "core/util/piece_text.h"
#include "widgets/export.h"

#include <QObject>

#include <algorithm>
#include <unordered_map>

namespace specmoe::widgets {

RoutedText::RoutedText(std::shared_ptr<const RoutingBlock> block, size_t begin, size_t end,
                                   const TextFn& text)
    : m_block(std::move(block))
{
    if (!m_block)
        return;
    const size_t n = m_block->numTokens();
    if (end == 0 || end > n)
        end = n;
    m_begin = std::min(begin, end);
    m_count = end - m_begin;
    m_layers = m_block->dims.layers;
    m_experts = m_block->dims.experts;
    m_topk = m_block->dims.topk;
    m_hasWeights = m_block->dims.hasWeights && !m_block->topkWeights.empty();
    build(text);
    RoutingContext phases;
    phases.addSequences(m_block->sequences);
    setPhases(phases);
}

RoutedText RoutedText::fromJourney(const SequenceJourney& j, int layers, int experts, int topk, bool hasWeights)
{
    auto block = std::make_shared<RoutingBlock>();
    block->dims.layers = layers;
    block->dims.topk = topk;
    int maxExpert = 0;
    std::vector<std::string> texts;
    for (const TokenJourney& t : j.tokens) {
        block->tokenIds.push_back(t.tokenId);
        block->seqIds.push_back(t.seqId);
        block->positions.push_back(t.position);
        texts.push_back(t.text);
        for (int i = 0; i < layers * topk; ++i) {
            const ExpertId e = size_t(i) < t.experts.size() ? ExpertId(t.experts[size_t(i)]) : ExpertId(0);
            maxExpert = std::max<int>(maxExpert, e);
            block->topkIds.push_back(e);
            const float w = size_t(i) < t.weights.size() ? t.weights[size_t(i)] : 0.f;
            block->topkWeights.push_back(floatToHalf(w));
        }
    }
    block->dims.experts = std::max(experts, maxExpert + 1);
    block->dims.hasWeights = hasWeights;
    if (!hasWeights)
        block->topkWeights.clear();
    // Texts come with the journey: map by token row instead of by id.
    std::unordered_map<int32_t, std::string> byId;
    for (size_t i = 0; i < texts.size(); ++i)
        byId.emplace(block->tokenIds[i], texts[i]);
    TextFn fn;
    if (!byId.empty() && !byId.begin()->second.empty())
        fn = [byId](int32_t id) {
            auto it = byId.find(id);
            return it == byId.end() ? std::string() : it->second;
        };
    return RoutedText(std::move(block), 0, 0, fn);
}

void RoutedText::build(const TextFn& text)
{
    std::unordered_map<int32_t, uint32_t> pieceIds;
    m_pieceOf.resize(m_count);
    for (size_t i = 0; i < m_count; ++i) {
        const int32_t id = m_block->tokenIds[m_begin + i];
        auto [it, fresh] = pieceIds.emplace(id, uint32_t(m_pieces.size()));
        if (fresh) {
            // A token the trace has no id for (kUnknownToken) never reaches the text function.
            QString piece = id == kUnknownToken ? QObject::tr("#? ")
                            : text              ? QString::fromStdString(pieceDisplayText(text(id)))
                                                : QStringLiteral("#%1 ").arg(id);
            const bool newline = piece.contains(QLatin1Char('\n'));
            piece.remove(QLatin1Char('\n'));
            piece.replace(QLatin1Char('\t'), QLatin1String("    "));
            m_pieces << piece;
            m_newline.push_back(newline ? 1 : 0);
        }
        m_pieceOf[i] = it->second;
    }
    // Layer-major first choices and colour runs.
    m_first.resize(size_t(m_layers) * m_count);
    m_firstCounts.assign(size_t(m_layers) * size_t(m_experts), 0);
    m_runs.assign(size_t(m_layers), {});
    const size_t stride = size_t(m_layers) * size_t(m_topk);
    for (int l = 0; l < m_layers; ++l) {
        ExpertId* dst = m_first.data() + size_t(l) * m_count;
        const ExpertId* src = m_block->topkIds.data() + m_begin * stride + size_t(l) * size_t(m_topk);
        int64_t* counts = m_firstCounts.data() + size_t(l) * size_t(m_experts);
        for (size_t i = 0; i < m_count; ++i) {
            dst[i] = src[i * stride];
            if (int(dst[i]) < m_experts)
                ++counts[dst[i]];
        }
        auto& runs = m_runs[size_t(l)];
        for (size_t i = 0; i < m_count;) {
            size_t j = i + 1;
            while (j < m_count && dst[j] == dst[i])
                ++j;
            runs.push_back({uint32_t(i), uint32_t(j - i), dst[i]});
            i = j;
        }
    }
}

int64_t RoutedText::firstCount(int layer, int expert) const
{
    if (layer < 0 || layer >= m_layers || expert < 0 || expert >= m_experts)
        return 0;
    return m_firstCounts[size_t(layer) * size_t(m_experts) + size_t(expert)];
}

std::vector<int> RoutedText::topExperts(int layer, int n) const
{
    std::vector<int> order;
    if (layer < 0 || layer >= m_layers)
        return order;
    for (int e = 0; e < m_experts; ++e)
        if (firstCount(layer, e) > 0)
            order.push_back(e);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return firstCount(layer, a) > firstCount(layer, b); });
    if (int(order.size()) > n)
        order.resize(size_t(std::max(0, n)));
    return order;
}

TokenPhase RoutedText::phase(size_t i) const
{
    if (m_decode.empty() || i >= m_count)
        return TokenPhase::Unknown;
    return m_decode[i] ? TokenPhase::Decode : TokenPhase::Prefill;
}

void RoutedText::setPhases(const RoutingContext& context)
{
    m_decode.clear();
    if (!context.hasPhases())
        return;
    m_decode.resize(m_count);
    for (size_t i = 0; i < m_count; ++i)
        m_decode[i] = context.phase(seqId(i), position(i)) == TokenPhase::Decode ? 1 : 0;
}

ExpertId RoutedText::expert(int layer, size_t i, int rank) const
{
    if (!m_block || layer < 0 || layer >= m_layers || rank < 0 || rank >= m_topk || i >= m_count)
        return kNoExpert;
    return m_block->expert(m_begin + i, layer, rank);
}

float RoutedText::weight(int layer, size_t i, int rank) const
{
    if (!m_block || layer < 0 || layer >= m_layers || rank < 0 || rank >= m_topk || i >= m_count || !m_hasWeights)
        return 0.f;
    return m_block->weight(m_begin + i, layer, rank);
}

int64_t RoutedText::seqId(size_t i) const
{
    return m_block && m_begin + i < m_block->seqIds.size() ? m_block->seqIds[m_begin + i] : 0;
}

int32_t RoutedText::position(size_t i) const
{
    return m_block && m_begin + i < m_block->positions.size() ? m_block->positions[m_begin + i] : int32_t(i);
}

bool RoutedText::writeCsv(const QString& path, int layer, QString* error) const
{
    QString out = csvLine({QStringLiteral("index"), QStringLiteral("seq_id"), QStringLiteral("position"),
                           QStringLiteral("token"), QStringLiteral("layer"), QStringLiteral("expert1"),
                           QStringLiteral("weight1"), QStringLiteral("expert2"), QStringLiteral("weight2")});
    if (layer >= 0 && layer < m_layers) {
        out.reserve(int(m_count) * 40);
        for (size_t i = 0; i < m_count; ++i) {
            const int e2 = m_topk > 1 ? int(expert(layer, i, 1)) : -1;
            out += csvLine({QString::number(i), QString::number(seqId(i)), QString::number(position(i)),
                            (breaksLine(i) ? text(i) + QLatin1Char('\n') : text(i)), QString::number(layer),
                            QString::number(firstExpert(layer, i)),
                            m_hasWeights ? QString::number(double(weight(layer, i, 0)), 'g', 4) : QString(),
                            e2 >= 0 ? QString::number(e2) : QString(),
                            e2 >= 0 && m_hasWeights ? QString::number(double(weight(layer, i, 1)), 'g', 4) : QString()});
        }
    }
    return writeTextFile(path, out, error);
}

} // namespace specmoe::widgets
