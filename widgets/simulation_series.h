#pragma once
// What the simulation view draws, shaped from a SimulationResult (core/simulate) without a
// display: the sweep's choices (policies, budgets m, horizons h, links, cache sizes), and
// for a selection of them the curves per predictor of hit rate against cache size and of
// modeled decode tokens/s against link bandwidth, the no-prefetch and oracle bounds
// marked as such, plus the rows a table shows.
#include "core/simulate/simulate.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace specmoe::widgets {

// One line of a panel: a predictor, or one of the bounds.
struct SimulationCurve {
    enum Kind { Predictor, NoPrefetch, Oracle };
    QString predictor; // the rows' name ("none", "oracle", "markov", a predictor folder)
    QString label;     // the legend's
    Kind kind = Predictor;
    QVector<double> x, y;
    std::vector<const simulate::SimulationRow*> rows; // the row of each point
};

// Which slice of the sweep the panels show.
struct SimulationSelection {
    simulate::Policy policy = simulate::Policy::Lru;
    int budget = 0, horizon = 0; // m and h of the prefetching rows (no-prefetch rows have 0, 0)
    double linkGBps = 0;         // the link of the hit-rate-vs-cache panel
    int cacheExperts = 0;        // the cache of the tokens/s-vs-link panel
};

class SimulationSeries {
public:
    SimulationSeries() = default;
    explicit SimulationSeries(simulate::SimulationResult result);

    const simulate::SimulationResult& result() const { return m_result; }
    bool isEmpty() const { return m_result.rows.empty(); }

    // The sweep's values, ascending (policies in the order the rows name them first).
    QVector<simulate::Policy> policies() const;
    QVector<int> budgets() const;  // of the prefetching rows (m > 0)
    QVector<int> horizons() const; // of the prefetching rows (h > 0)
    QVector<double> links() const;
    QVector<int> caches() const;
    // Every predictor, in the order of the rows (none and the oracle first, as core writes them).
    QStringList predictors() const;

    // The first policy, m and h; the link closest to the hardware profile's; the middle
    // cache size (at the extremes prefetching matters least).
    SimulationSelection defaultSelection() const;

    // Hit rate (0..1) against cache size in experts per layer, at the selection's policy,
    // m, h and link: one curve per predictor with at least one point.
    QVector<SimulationCurve> hitRateByCache(const SimulationSelection& s) const;
    // Modeled decode tokens/s against link GB/s, at the selection's policy, m, h and cache.
    QVector<SimulationCurve> tokensPerSecondByLink(const SimulationSelection& s) const;
    // The rows of the selection's policy, m and h (no-prefetch rows included), in file order.
    std::vector<const simulate::SimulationRow*> rows(const SimulationSelection& s) const;
    // The gap summary at the selection's (policy, m, h) for a cache and link; nullptr if absent.
    const simulate::GapSummary* gap(const SimulationSelection& s, int cacheExperts, double linkGBps) const;

    // "none" -> "no prefetch", "oracle" -> "oracle (true routing)", a folder -> its name
    // (with ":MODEL" kept), baselines as they are.
    static QString predictorLabel(const QString& predictor);
    static QString policyLabel(simulate::Policy p);

private:
    bool selected(const simulate::SimulationRow& r, const SimulationSelection& s) const;
    QVector<SimulationCurve> curves(const SimulationSelection& s, bool byCache) const;

    simulate::SimulationResult m_result;
    std::vector<simulate::GapSummary> m_gaps;
};

} // namespace specmoe::widgets
