#include "widgets/routing_pattern_stats.h"

#include "core/analysis/analysis_result.h"
#include "widgets/export.h"

#include <QObject>

#include <algorithm>
#include <cmath>

namespace specmoe::widgets {

void RoutingPatternStats::setDims(int layers, int experts, int topk)
{
    m_layers = std::max(0, layers);
    m_experts = std::max(0, experts);
    m_topk = std::max(1, topk);
    m_groups.clear();
    m_transitions.clear();
    m_randomSameFirst = m_experts > 0 ? 1.0 / m_experts : 0.0;
    m_randomOverlap = 0.0;
}

void RoutingPatternStats::setRandomRates(double sameFirst, double overlap)
{
    m_randomSameFirst = sameFirst;
    m_randomOverlap = overlap;
}

void RoutingPatternStats::addGroup(PatternGroup g)
{
    const size_t L = size_t(m_layers);
    g.entropyFirstBits.resize(L, 0.0);
    g.entropyAnyBits.resize(L, 0.0);
    g.sameFirstRate.resize(L, 0.0);
    g.overlapRate.resize(L, 0.0);
    g.expectedFromLoad.resize(L, 0.0);
    g.coactivation.resize(L);
    for (auto& m : g.coactivation)
        m.resize(size_t(m_experts) * size_t(m_experts), 0.0);
    m_groups.push_back(std::move(g));
}

void RoutingPatternStats::setTransition(int distance, int fromLayer, std::vector<double> firstProb)
{
    firstProb.resize(size_t(m_experts) * size_t(m_experts), 0.0);
    m_transitions[{distance, fromLayer}] = std::move(firstProb);
}

RoutingPatternStats RoutingPatternStats::fromAnalysis(const AnalysisResult& r)
{
    RoutingPatternStats m;
    m.setDims(r.layers, r.experts, r.topk);
    m.setRandomRates(r.randomSameFirstRate, r.randomOverlapRate);
    const int E = r.experts;
    auto convert = [&](const GroupStats& gs) {
        PatternGroup g;
        g.source = QString::fromStdString(gs.source);
        for (int l = 0; l < r.layers; ++l) {
            const LayerLoad* load = size_t(l) < gs.layers.size() ? &gs.layers[size_t(l)] : nullptr;
            const LayerRepetition* rep = size_t(l) < gs.repetition.size() ? &gs.repetition[size_t(l)] : nullptr;
            g.entropyFirstBits.push_back(load ? load->entropyFirstBits : 0.0);
            g.entropyAnyBits.push_back(load ? load->entropyAnyBits : 0.0);
            g.sameFirstRate.push_back(rep ? rep->sameFirstRate : 0.0);
            g.overlapRate.push_back(rep ? rep->overlapRate : 0.0);
            g.expectedFromLoad.push_back(rep ? rep->sameFirstExpectedFromLoad : 0.0);
            std::vector<double> co(size_t(E) * size_t(E), 0.0);
            if (load && load->tokens > 0 && load->coactivation.size() == co.size())
                for (int i = 0; i < E; ++i)
                    for (int j = 0; j < E; ++j)
                        co[size_t(i * E + j)] = i == j ? std::nan("")
                                                       : double(load->coactivation[size_t(i * E + j)]) / double(load->tokens);
            g.coactivation.push_back(std::move(co));
        }
        m.addGroup(std::move(g));
    };
    convert(r.overall);
    for (const GroupStats& gs : r.sources)
        convert(gs);
    for (const LayerTransition& t : r.transitions)
        m.setTransition(t.distance, t.fromLayer, t.firstProb);
    return m;
}

double RoutingPatternStats::maxEntropyBits() const
{
    return m_experts > 1 ? std::log2(double(m_experts)) : 0.0;
}

QStringList RoutingPatternStats::groupNames() const
{
    QStringList names;
    for (const PatternGroup& g : m_groups)
        names << (g.source.isEmpty() ? QObject::tr("All sources") : g.source);
    return names;
}

std::vector<int> RoutingPatternStats::distances() const
{
    std::vector<int> d;
    for (const auto& [key, value] : m_transitions)
        if (d.empty() || d.back() != key.first)
            d.push_back(key.first);
    return d;
}

const std::vector<double>* RoutingPatternStats::transition(int distance, int fromLayer) const
{
    const auto it = m_transitions.find({distance, fromLayer});
    return it == m_transitions.end() ? nullptr : &it->second;
}

int RoutingPatternStats::maxEntropyLayer(int g) const
{
    if (g < 0 || g >= groupCount() || m_layers == 0)
        return -1;
    const auto& h = m_groups[size_t(g)].entropyFirstBits;
    return int(std::max_element(h.begin(), h.end()) - h.begin());
}

bool RoutingPatternStats::writeCsv(const QString& path, int g, int distance, int fromLayer, int coactLayer,
                                    QString* error) const
{
    QString out = csvLine({QStringLiteral("section"), QStringLiteral("layer"), QStringLiteral("row"),
                           QStringLiteral("col"), QStringLiteral("value"), QStringLiteral("reference")});
    if (g >= 0 && g < groupCount()) {
        const PatternGroup& grp = m_groups[size_t(g)];
        auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 8) : QString(); };
        for (int l = 0; l < m_layers; ++l) {
            out += csvLine({QStringLiteral("entropy_first_bits"), QString::number(l), {}, {},
                            num(grp.entropyFirstBits[size_t(l)]), num(maxEntropyBits())});
            out += csvLine({QStringLiteral("entropy_any_bits"), QString::number(l), {}, {},
                            num(grp.entropyAnyBits[size_t(l)]), num(maxEntropyBits())});
            out += csvLine({QStringLiteral("repetition_same_first"), QString::number(l), {}, {},
                            num(grp.sameFirstRate[size_t(l)]), num(m_randomSameFirst)});
            out += csvLine({QStringLiteral("repetition_overlap"), QString::number(l), {}, {},
                            num(grp.overlapRate[size_t(l)]), num(m_randomOverlap)});
        }
        if (const auto* t = transition(distance, fromLayer))
            for (int a = 0; a < m_experts; ++a)
                for (int b = 0; b < m_experts; ++b)
                    out += csvLine({QStringLiteral("transition_d%1").arg(distance), QString::number(fromLayer),
                                    QString::number(a), QString::number(b), num((*t)[size_t(a * m_experts + b)]), {}});
        if (coactLayer >= 0 && coactLayer < m_layers)
            for (int a = 0; a < m_experts; ++a)
                for (int b = 0; b < m_experts; ++b)
                    out += csvLine({QStringLiteral("coactivation"), QString::number(coactLayer), QString::number(a),
                                    QString::number(b), num(grp.coactivation[size_t(coactLayer)][size_t(a * m_experts + b)]), {}});
    }
    return writeTextFile(path, out, error);
}

} // namespace specmoe::widgets
