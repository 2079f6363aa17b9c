#include "widgets/routing_context.h"

#include <QObject>

namespace specmoe::widgets {

RoutingContext RoutingContext::fromDims(const TraceDims& dims)
{
    RoutingContext c;
    c.setMoeLayers(dims.moeLayers);
    c.setHasWeights(dims.hasWeights);
    c.setSharedExperts(dims.sharedExperts);
    return c;
}

void RoutingContext::setMoeLayers(std::vector<int> decoderIndex)
{
    m_moeLayers = std::move(decoderIndex);
    m_mapped = false;
    for (size_t l = 0; l < m_moeLayers.size(); ++l)
        m_mapped = m_mapped || m_moeLayers[l] != int(l);
}

void RoutingContext::addSequence(const SequenceRecord& s)
{
    if (s.generatedTokens > 0)
        m_decode[s.seqId] = {s.length, s.generatedTokens};
}

void RoutingContext::addSequences(const std::vector<SequenceRecord>& sequences)
{
    for (const SequenceRecord& s : sequences)
        addSequence(s);
}

int RoutingContext::decoderLayer(int stored) const
{
    return stored >= 0 && size_t(stored) < m_moeLayers.size() ? m_moeLayers[size_t(stored)] : stored;
}

QString RoutingContext::layerLabel(int stored) const
{
    return QString::number(decoderLayer(stored));
}

QString RoutingContext::layerText(int stored) const
{
    if (!m_mapped)
        return QObject::tr("layer %1").arg(stored);
    return QObject::tr("layer %1 (MoE layer %2)").arg(decoderLayer(stored)).arg(stored);
}

QString RoutingContext::layerAxisTitle() const
{
    return m_mapped ? QObject::tr("Decoder layer (MoE layers only)") : QObject::tr("Layer");
}

TokenPhase RoutingContext::phase(int64_t seqId, int32_t position) const
{
    if (m_decode.empty())
        return TokenPhase::Unknown;
    const auto it = m_decode.find(seqId);
    if (it == m_decode.end())
        return TokenPhase::Prefill;
    return position >= it->second.first - it->second.second ? TokenPhase::Decode : TokenPhase::Prefill;
}

int32_t RoutingContext::generatedTokens(int64_t seqId) const
{
    const auto it = m_decode.find(seqId);
    return it == m_decode.end() ? 0 : it->second.second;
}

QString RoutingContext::phaseText(TokenPhase phase)
{
    switch (phase) {
    case TokenPhase::Prefill:
        return QObject::tr("prefill");
    case TokenPhase::Decode:
        return QObject::tr("decode");
    case TokenPhase::Unknown:
        break;
    }
    return {};
}

} // namespace specmoe::widgets
