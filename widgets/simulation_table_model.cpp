#include "widgets/simulation_table_model.h"

#include "widgets/simulation_series.h"

#include <QColor>
#include <QFont>
#include <QLocale>

namespace specmoe::widgets {

SimulationTableModel::SimulationTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SimulationTableModel::setRows(const std::vector<const simulate::SimulationRow*>& rows)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(rows.size());
    for (const simulate::SimulationRow* r : rows)
        m_rows.push_back(*r);
    endResetModel();
}

int SimulationTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SimulationTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {
// A cell's text with the locale's decimal separator (the integer columns stay numbers).
QVariant cellText(const simulate::SimulationRow& r, int column, const QLocale& locale)
{
    using M = SimulationTableModel;
    const QString name = QString::fromStdString(r.predictor);
    switch (column) {
    case M::PredictorColumn: return SimulationSeries::predictorLabel(name);
    case M::PolicyColumn: return SimulationSeries::policyLabel(r.policy);
    case M::CacheColumn: return r.cacheExperts;
    case M::CacheGBColumn: return locale.toString(r.cacheGB, 'f', 1);
    case M::LinkColumn: return locale.toString(r.linkGBps, 'g', 4);
    case M::BudgetColumn: return r.budget > 0 ? QVariant(r.budget) : QVariant(QStringLiteral("–"));
    case M::HorizonColumn: return r.horizon > 0 ? QVariant(r.horizon) : QVariant(QStringLiteral("–"));
    case M::HitRateColumn: return QStringLiteral("%1%").arg(locale.toString(100.0 * r.hitRate, 'f', 1));
    case M::PrecisionColumn: return r.budget > 0 ? locale.toString(r.prefetchPrecision, 'f', 3) : QStringLiteral("–");
    case M::RecallColumn: return r.budget > 0 ? locale.toString(r.prefetchRecall, 'f', 3) : QStringLiteral("–");
    case M::MBPerTokenColumn: return locale.toString(r.bytesPerToken / 1e6, 'f', 1);
    case M::StallColumn: return locale.toString(r.stallMsPerToken, 'f', 3);
    case M::TokensPerSecondColumn: return locale.toString(r.tokensPerSecond, 'f', 2);
    default: return {};
    }
}
} // namespace

QVariant SimulationTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const simulate::SimulationRow& r = m_rows[size_t(index.row())];
    const bool bound = r.predictor == simulate::kNoPrefetch || r.predictor == simulate::kOracle;
    const QString name = QString::fromStdString(r.predictor);
    // On screen the user's decimal separator; the CSV export reads Qt::UserRole, which keeps
    // the C point so that the file parses the same everywhere.
    if (role == Qt::DisplayRole)
        return cellText(r, index.column(), QLocale());
    if (role == Qt::UserRole)
        return cellText(r, index.column(), QLocale::c());
    if (role == SortRole) {
        switch (index.column()) {
        case PredictorColumn: return SimulationSeries::predictorLabel(name);
        case PolicyColumn: return int(r.policy);
        case CacheColumn: return r.cacheExperts;
        case CacheGBColumn: return r.cacheGB;
        case LinkColumn: return r.linkGBps;
        case BudgetColumn: return r.budget;
        case HorizonColumn: return r.horizon;
        case HitRateColumn: return r.hitRate;
        case PrecisionColumn: return r.prefetchPrecision;
        case RecallColumn: return r.prefetchRecall;
        case MBPerTokenColumn: return r.bytesPerToken;
        case StallColumn: return r.stallMsPerToken;
        case TokensPerSecondColumn: return r.tokensPerSecond;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == PredictorColumn)
        return name;
    if (role == Qt::TextAlignmentRole)
        return index.column() <= PolicyColumn ? int(Qt::AlignLeft | Qt::AlignVCenter) : int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && bound) // the bounds are references, not contenders
        return QColor(105, 105, 105);
    if (role == Qt::FontRole && bound && index.column() == PredictorColumn) {
        QFont f;
        f.setItalic(true);
        return f;
    }
    return {};
}

QVariant SimulationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PredictorColumn: return tr("Predictor");
    case PolicyColumn: return tr("Policy");
    case CacheColumn: return tr("Cache (experts/layer)");
    case CacheGBColumn: return tr("Cache GB");
    case LinkColumn: return tr("Link GB/s");
    case BudgetColumn: return tr("m");
    case HorizonColumn: return tr("h");
    case HitRateColumn: return tr("Hit rate");
    case PrecisionColumn: return tr("Prefetch precision");
    case RecallColumn: return tr("Prefetch recall");
    case MBPerTokenColumn: return tr("MB/token");
    case StallColumn: return tr("Stall ms/token");
    case TokensPerSecondColumn: return tr("Tokens/s");
    default: return {};
    }
}

} // namespace specmoe::widgets
