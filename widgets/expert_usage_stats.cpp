#include "widgets/expert_usage_stats.h"

#include "core/analysis/analysis_result.h"
#include "widgets/export.h"

#include <QObject>

#include <algorithm>

namespace specmoe::widgets {

void ExpertUsageStats::setDims(int layers, int experts, int topk)
{
    m_layers = std::max(0, layers);
    m_experts = std::max(0, experts);
    m_topk = std::max(1, topk);
    m_groups.clear();
    for (auto& s : m_samples)
        s.assign(size_t(m_layers) * size_t(m_experts), {});
}

void ExpertUsageStats::clear()
{
    setDims(0, 0, 1);
}

void ExpertUsageStats::addGroup(UsageGroup g)
{
    const size_t n = size_t(m_layers) * size_t(m_experts);
    g.firstCounts.resize(n, 0);
    g.anyCounts.resize(n, 0);
    auto derive = [&](std::vector<double>& share, const std::vector<int64_t>& counts) {
        if (share.size() == n)
            return;
        share.assign(n, 0.0);
        for (int l = 0; l < m_layers; ++l) {
            int64_t sum = 0;
            for (int e = 0; e < m_experts; ++e)
                sum += counts[size_t(l * m_experts + e)];
            for (int e = 0; e < m_experts; ++e)
                share[size_t(l * m_experts + e)] = sum > 0 ? double(counts[size_t(l * m_experts + e)]) / double(sum) : 0.0;
        }
    };
    derive(g.firstShare, g.firstCounts);
    derive(g.anyShare, g.anyCounts);
    if (g.tokens == 0 && m_layers > 0)
        for (int e = 0; e < m_experts; ++e)
            g.tokens += g.firstCounts[size_t(e)];
    m_groups.push_back(std::move(g));
}

void ExpertUsageStats::setSamples(int layer, int expert, ExpertChoice choice, std::vector<CellToken> tokens)
{
    if (layer < 0 || layer >= m_layers || expert < 0 || expert >= m_experts)
        return;
    m_samples[int(choice)][size_t(layer * m_experts + expert)] = std::move(tokens);
}

ExpertUsageStats ExpertUsageStats::fromAnalysis(const AnalysisResult& r)
{
    ExpertUsageStats m;
    m.setDims(r.layers, r.experts, r.topk);
    auto convert = [&](const GroupStats& gs) {
        UsageGroup g;
        g.source = QString::fromStdString(gs.source);
        g.tokens = gs.tokens;
        const size_t n = size_t(r.layers) * size_t(r.experts);
        g.firstShare.assign(n, 0.0);
        g.anyShare.assign(n, 0.0);
        g.firstCounts.assign(n, 0);
        g.anyCounts.assign(n, 0);
        for (int l = 0; l < r.layers && l < int(gs.layers.size()); ++l) {
            const LayerLoad& load = gs.layers[size_t(l)];
            for (int e = 0; e < r.experts; ++e) {
                const size_t i = size_t(l * r.experts + e);
                auto at = [e](const auto& v) { return size_t(e) < v.size() ? v[size_t(e)] : 0; };
                g.firstShare[i] = at(load.firstShare);
                g.anyShare[i] = at(load.anyShare);
                g.firstCounts[i] = at(load.firstCounts);
                g.anyCounts[i] = at(load.anyCounts);
            }
        }
        m.addGroup(std::move(g));
    };
    convert(r.overall);
    for (const GroupStats& gs : r.sources)
        convert(gs);
    for (int l = 0; l < r.layers; ++l)
        for (int e = 0; e < r.experts; ++e)
            for (int c = 0; c < 2; ++c) {
                const auto& cells = c == 0 ? r.samples.firstChoice : r.samples.anyChoice;
                const size_t at = size_t(l * r.experts + e);
                if (at >= cells.size())
                    continue;
                const auto& src = cells[at];
                std::vector<CellToken> tokens;
                tokens.reserve(src.size());
                for (const TokenSample& s : src)
                    tokens.push_back({QString::fromStdString(s.text), s.seqId, s.position, int(s.rank), s.weight});
                m.setSamples(l, e, ExpertChoice(c), std::move(tokens));
            }
    return m;
}

QStringList ExpertUsageStats::groupNames() const
{
    QStringList names;
    for (const UsageGroup& g : m_groups)
        names << (g.source.isEmpty() ? QObject::tr("All sources") : g.source);
    return names;
}

bool ExpertUsageStats::valid(int g, int layer, int expert) const
{
    return g >= 0 && g < int(m_groups.size()) && layer >= 0 && layer < m_layers && expert >= 0 && expert < m_experts;
}

double ExpertUsageStats::share(int g, ExpertChoice choice, int layer, int expert) const
{
    if (!valid(g, layer, expert))
        return 0.0;
    const UsageGroup& grp = m_groups[size_t(g)];
    const size_t i = size_t(layer * m_experts + expert);
    return choice == ExpertChoice::First ? grp.firstShare[i] : grp.anyShare[i];
}

int64_t ExpertUsageStats::count(int g, ExpertChoice choice, int layer, int expert) const
{
    if (!valid(g, layer, expert))
        return 0;
    const UsageGroup& grp = m_groups[size_t(g)];
    const size_t i = size_t(layer * m_experts + expert);
    return choice == ExpertChoice::First ? grp.firstCounts[i] : grp.anyCounts[i];
}

double ExpertUsageStats::tokenRate(int g, ExpertChoice choice, int layer, int expert) const
{
    if (!valid(g, layer, expert) || m_groups[size_t(g)].tokens <= 0)
        return 0.0;
    return double(count(g, choice, layer, expert)) / double(m_groups[size_t(g)].tokens);
}

double ExpertUsageStats::maxShare(int g, ExpertChoice choice) const
{
    return hottest(g, choice).value;
}

CellRef ExpertUsageStats::hottest(int g, ExpertChoice choice) const
{
    CellRef best;
    for (int l = 0; l < m_layers; ++l)
        for (int e = 0; e < m_experts; ++e) {
            const double v = share(g, choice, l, e);
            if (best.layer < 0 || v > best.value)
                best = {l, e, v};
        }
    return best;
}

std::vector<int> ExpertUsageStats::expertsByLoad(int g, ExpertChoice choice, int layer) const
{
    std::vector<double> load(size_t(m_experts), 0.0);
    for (int l = 0; l < m_layers; ++l)
        for (int e = 0; e < m_experts && (layer < 0 || l == layer); ++e)
            load[size_t(e)] += share(g, choice, l, e);
    std::vector<int> order(static_cast<size_t>(m_experts));
    for (int e = 0; e < m_experts; ++e)
        order[size_t(e)] = e;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return load[size_t(a)] > load[size_t(b)]; });
    return order;
}

const std::vector<CellToken>& ExpertUsageStats::samples(int layer, int expert, ExpertChoice choice) const
{
    static const std::vector<CellToken> empty;
    if (layer < 0 || layer >= m_layers || expert < 0 || expert >= m_experts)
        return empty;
    return m_samples[int(choice)][size_t(layer * m_experts + expert)];
}

bool ExpertUsageStats::writeCsv(const QString& path, int g, QString* error) const
{
    QString out = csvLine({QStringLiteral("source"), QStringLiteral("layer"), QStringLiteral("expert"),
                           QStringLiteral("first_share"), QStringLiteral("any_share"),
                           QStringLiteral("first_count"), QStringLiteral("any_count"),
                           QStringLiteral("first_rate"), QStringLiteral("any_rate")});
    if (g >= 0 && g < groupCount()) {
        const QString name = m_groups[size_t(g)].source;
        for (int l = 0; l < m_layers; ++l)
            for (int e = 0; e < m_experts; ++e)
                out += csvLine({name, QString::number(l), QString::number(e),
                                QString::number(share(g, ExpertChoice::First, l, e), 'g', 8),
                                QString::number(share(g, ExpertChoice::Any, l, e), 'g', 8),
                                QString::number(count(g, ExpertChoice::First, l, e)),
                                QString::number(count(g, ExpertChoice::Any, l, e)),
                                QString::number(tokenRate(g, ExpertChoice::First, l, e), 'g', 8),
                                QString::number(tokenRate(g, ExpertChoice::Any, l, e), 'g', 8)});
    }
    return writeTextFile(path, out, error);
}

} // namespace specmoe::widgets
