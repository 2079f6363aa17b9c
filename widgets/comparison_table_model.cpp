#include "widgets/comparison_table_model.h"

#include "core/speculate/train.h"
#include "widgets/training_metrics_series.h"

#include <QFont>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace specmoe::widgets {

ComparisonTableModel::ComparisonTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

namespace {

// Columns in one order whatever the source: the headline figures first (top-1, exact set,
// log-loss, ECE: visible without scrolling), then recall@1..@E, then anything else.
int columnRank(const QString& metric)
{
    static const QStringList first{QStringLiteral("top1"), QStringLiteral("exact"), QStringLiteral("logloss"),
                                   QStringLiteral("ece")};
    if (first.contains(metric))
        return int(first.indexOf(metric));
    if (metric.startsWith(QLatin1String("recall@")))
        return 100 + metric.mid(7).toInt();
    return 100000;
}

} // namespace

void ComparisonTableModel::setRows(QStringList metrics, std::vector<ComparisonRow> rows)
{
    std::vector<int> order(size_t(metrics.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return columnRank(metrics[a]) < columnRank(metrics[b]); });
    beginResetModel();
    m_metrics.clear();
    for (int i : order)
        m_metrics << metrics[i];
    m_rows = std::move(rows);
    for (ComparisonRow& r : m_rows) {
        r.values.resize(size_t(metrics.size()));
        std::vector<std::optional<double>> sorted;
        for (int i : order)
            sorted.push_back(r.values[size_t(i)]);
        r.values = std::move(sorted);
    }
    endResetModel();
}

void ComparisonTableModel::setFromMetrics(const TrainingMetricsSeries& tm)
{
    QStringList metrics = tm.metrics();
    std::vector<ComparisonRow> rows;
    for (int h : tm.horizons())
        for (const QString& model : tm.models()) {
            ComparisonRow row{model, tm.isBaseline(model), h, {}};
            bool any = false;
            for (const QString& m : metrics) {
                row.values.push_back(tm.finalValue({model, m, h, -1}));
                any = any || row.values.back().has_value();
            }
            if (any)
                rows.push_back(std::move(row));
        }
    setRows(std::move(metrics), std::move(rows));
}

void ComparisonTableModel::setFromReport(const speculate::EvalReport& report, int predictedLayer)
{
    auto metricsOf = [predictedLayer](const speculate::HorizonMetrics& h) -> const speculate::Metrics* {
        if (predictedLayer < 0)
            return &h.overall;
        return predictedLayer < int(h.perLayer.size()) ? &h.perLayer[size_t(predictedLayer)] : nullptr;
    };
    int maxRecall = 0;
    for (const auto& p : report.predictors)
        for (const auto& h : p.horizons)
            maxRecall = std::max(maxRecall, int(h.overall.recall.size()));
    QStringList metrics{QStringLiteral("top1"), QStringLiteral("exact")};
    for (int m = 1; m <= maxRecall; ++m)
        metrics << QStringLiteral("recall@%1").arg(m);
    metrics << QStringLiteral("logloss") << QStringLiteral("ece");
    std::vector<ComparisonRow> rows;
    int maxH = 0;
    for (const auto& p : report.predictors)
        maxH = std::max(maxH, int(p.horizons.size()));
    for (int hi = 0; hi < maxH; ++hi)
        for (const auto& p : report.predictors) {
            if (hi >= int(p.horizons.size()))
                continue;
            const auto& h = p.horizons[size_t(hi)];
            const speculate::Metrics* mp = metricsOf(h);
            if (!mp || mp->samples == 0)
                continue;
            const speculate::Metrics& m = *mp;
            ComparisonRow row{QString::fromStdString(p.name), p.baseline, h.horizon, {}};
            row.values.push_back(m.top1);
            row.values.push_back(m.exact);
            for (int r = 1; r <= maxRecall; ++r)
                row.values.push_back(r <= int(m.recall.size()) ? std::optional<double>(m.recallAt(r)) : std::nullopt);
            row.values.push_back(m.logloss);
            row.values.push_back(m.ece);
            rows.push_back(std::move(row));
        }
    setRows(std::move(metrics), std::move(rows));
}

bool ComparisonTableModel::lowerIsBetter(const QString& metric)
{
    return metric == QLatin1String("logloss") || metric == QLatin1String("ece") || metric.startsWith(QLatin1String("loss"));
}

QString ComparisonTableModel::metricTitle(const QString& metric)
{
    if (metric == QLatin1String("top1"))
        return tr("Top-1");
    if (metric == QLatin1String("exact"))
        return tr("Exact set");
    if (metric.startsWith(QLatin1String("recall@")))
        return tr("Recall@%1").arg(metric.mid(7));
    if (metric == QLatin1String("logloss"))
        return tr("Log-loss");
    if (metric == QLatin1String("ece"))
        return tr("ECE");
    return metric;
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstMetricColumn + int(m_metrics.size());
}

bool ComparisonTableModel::isBest(int row, int metric) const
{
    const auto& v = m_rows[size_t(row)].values[size_t(metric)];
    if (!v)
        return false;
    const bool lower = lowerIsBetter(m_metrics[metric]);
    for (const ComparisonRow& r : m_rows) {
        if (r.horizon != m_rows[size_t(row)].horizon || !r.values[size_t(metric)])
            continue;
        const double o = *r.values[size_t(metric)];
        if (lower ? o < *v - 1e-12 : o > *v + 1e-12)
            return false;
    }
    return true;
}

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ComparisonRow& r = m_rows[size_t(index.row())];
    const int col = index.column();
    const int metric = col - FirstMetricColumn;
    switch (role) {
    case Qt::DisplayRole:
        if (col == ModelColumn)
            return r.model;
        if (col == KindColumn)
            return r.baseline ? tr("baseline") : tr("trained");
        if (col == HorizonColumn)
            return QStringLiteral("+%1").arg(r.horizon);
        if (r.values[size_t(metric)])
            return QLocale().toString(*r.values[size_t(metric)], 'f', 4);
        return QStringLiteral("-");
    case Qt::UserRole: // raw value (CSV, sorting)
        if (col == ModelColumn)
            return r.model;
        if (col == KindColumn)
            return r.baseline ? QStringLiteral("baseline") : QStringLiteral("trained");
        if (col == HorizonColumn)
            return r.horizon;
        if (r.values[size_t(metric)])
            return *r.values[size_t(metric)];
        return {};
    case Qt::TextAlignmentRole:
        return int(col >= HorizonColumn ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::FontRole:
        if (col >= FirstMetricColumn && isBest(index.row(), metric)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (col >= FirstMetricColumn && isBest(index.row(), metric))
            return tr("Best at horizon +%1").arg(r.horizon);
        return {};
    default:
        return {};
    }
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == ModelColumn)
        return tr("Model");
    if (section == KindColumn)
        return tr("Kind");
    if (section == HorizonColumn)
        return tr("Horizon");
    return metricTitle(m_metrics[section - FirstMetricColumn]);
}

} // namespace specmoe::widgets
