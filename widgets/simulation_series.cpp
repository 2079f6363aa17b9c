#include "widgets/simulation_series.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace specmoe::widgets {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(SimulationSeries)
};

bool sameLink(double a, double b) { return std::fabs(a - b) < 1e-9; }

template <typename T>
QVector<T> sortedUnique(QVector<T> v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

} // namespace

SimulationSeries::SimulationSeries(simulate::SimulationResult result)
    : m_result(std::move(result)), m_gaps(m_result.gaps())
{
}

QVector<simulate::Policy> SimulationSeries::policies() const
{
    QVector<simulate::Policy> out;
    for (const simulate::SimulationRow& r : m_result.rows)
        if (!out.contains(r.policy))
            out << r.policy;
    return out;
}

QVector<int> SimulationSeries::budgets() const
{
    QVector<int> out;
    for (const simulate::SimulationRow& r : m_result.rows)
        if (r.budget > 0)
            out << r.budget;
    return sortedUnique(out);
}

QVector<int> SimulationSeries::horizons() const
{
    QVector<int> out;
    for (const simulate::SimulationRow& r : m_result.rows)
        if (r.horizon > 0)
            out << r.horizon;
    return sortedUnique(out);
}

QVector<double> SimulationSeries::links() const
{
    QVector<double> out;
    for (const simulate::SimulationRow& r : m_result.rows)
        if (std::none_of(out.begin(), out.end(), [&](double v) { return sameLink(v, r.linkGBps); }))
            out << r.linkGBps;
    std::sort(out.begin(), out.end());
    return out;
}

QVector<int> SimulationSeries::caches() const
{
    QVector<int> out;
    for (const simulate::SimulationRow& r : m_result.rows)
        out << r.cacheExperts;
    return sortedUnique(out);
}

QStringList SimulationSeries::predictors() const
{
    QStringList out;
    for (const simulate::SimulationRow& r : m_result.rows) {
        const QString name = QString::fromStdString(r.predictor);
        if (!out.contains(name))
            out << name;
    }
    return out;
}

SimulationSelection SimulationSeries::defaultSelection() const
{
    SimulationSelection s;
    const QVector<simulate::Policy> pol = policies();
    if (!pol.isEmpty())
        s.policy = pol.front();
    const QVector<int> m = budgets(), h = horizons(), c = caches();
    const QVector<double> l = links();
    s.budget = m.isEmpty() ? 0 : m.front();
    s.horizon = h.isEmpty() ? 0 : h.front();
    s.cacheExperts = c.isEmpty() ? 0 : c[c.size() / 2];
    if (!l.isEmpty()) {
        const double want = m_result.hardware.linkGBps;
        s.linkGBps = *std::min_element(l.begin(), l.end(), [&](double a, double b) {
            return std::fabs(a - want) < std::fabs(b - want);
        });
    }
    return s;
}

bool SimulationSeries::selected(const simulate::SimulationRow& r, const SimulationSelection& s) const
{
    if (r.policy != s.policy)
        return false;
    if (r.predictor == simulate::kNoPrefetch)
        return true; // the lower bound of every (m, h)
    return r.budget == s.budget && r.horizon == s.horizon;
}

QVector<SimulationCurve> SimulationSeries::curves(const SimulationSelection& s, bool byCache) const
{
    QVector<SimulationCurve> out;
    for (const QString& name : predictors()) {
        SimulationCurve c;
        c.predictor = name;
        c.label = predictorLabel(name);
        c.kind = name == QLatin1String(simulate::kNoPrefetch) ? SimulationCurve::NoPrefetch
                 : name == QLatin1String(simulate::kOracle)   ? SimulationCurve::Oracle
                                                              : SimulationCurve::Predictor;
        const std::string key = name.toStdString();
        for (const simulate::SimulationRow& r : m_result.rows) {
            if (r.predictor != key || !selected(r, s))
                continue;
            if (byCache ? !sameLink(r.linkGBps, s.linkGBps) : r.cacheExperts != s.cacheExperts)
                continue;
            c.rows.push_back(&r);
        }
        if (c.rows.empty())
            continue;
        std::stable_sort(c.rows.begin(), c.rows.end(), [byCache](const auto* a, const auto* b) {
            return byCache ? a->cacheExperts < b->cacheExperts : a->linkGBps < b->linkGBps;
        });
        for (const simulate::SimulationRow* r : c.rows) {
            c.x << (byCache ? double(r->cacheExperts) : r->linkGBps);
            c.y << (byCache ? r->hitRate : r->tokensPerSecond);
        }
        out << c;
    }
    return out;
}

QVector<SimulationCurve> SimulationSeries::hitRateByCache(const SimulationSelection& s) const
{
    return curves(s, true);
}

QVector<SimulationCurve> SimulationSeries::tokensPerSecondByLink(const SimulationSelection& s) const
{
    return curves(s, false);
}

std::vector<const simulate::SimulationRow*> SimulationSeries::rows(const SimulationSelection& s) const
{
    std::vector<const simulate::SimulationRow*> out;
    for (const simulate::SimulationRow& r : m_result.rows)
        if (selected(r, s))
            out.push_back(&r);
    return out;
}

const simulate::GapSummary* SimulationSeries::gap(const SimulationSelection& s, int cacheExperts, double linkGBps) const
{
    for (const simulate::GapSummary& g : m_gaps)
        if (g.policy == s.policy && g.budget == s.budget && g.horizon == s.horizon && g.cacheExperts == cacheExperts &&
            sameLink(g.linkGBps, linkGBps))
            return &g;
    return nullptr;
}

QString SimulationSeries::predictorLabel(const QString& predictor)
{
    if (predictor == QLatin1String(simulate::kNoPrefetch))
        return Tr::tr("no prefetch");
    if (predictor == QLatin1String(simulate::kOracle))
        return Tr::tr("oracle (true routing)");
    if (!predictor.contains(QLatin1Char('/')))
        return predictor; // a baseline
    // "DIR" or "DIR:MODEL": the folder's name says which run or export it is.
    const int colon = predictor.lastIndexOf(QLatin1Char(':'));
    const bool model = colon > predictor.lastIndexOf(QLatin1Char('/'));
    const QString dir = model ? predictor.left(colon) : predictor;
    QString name = QFileInfo(dir).fileName();
    if (name == QLatin1String("best") || name.isEmpty()) // a run's best/ folder: name the run
        name = QFileInfo(QFileInfo(dir).path()).fileName();
    return model ? name + predictor.mid(colon) : name;
}

QString SimulationSeries::policyLabel(simulate::Policy p)
{
    switch (p) {
    case simulate::Policy::Lru: return Tr::tr("LRU");
    case simulate::Policy::Lfu: return Tr::tr("LFU");
    case simulate::Policy::Static: return Tr::tr("static hot set");
    case simulate::Policy::Belady: return Tr::tr("Belady (optimal)");
    }
    return QString();
}

} // namespace specmoe::widgets
