#pragma once
// The rows of a simulation as a table (one row per predictor and setting): what the CLI
// prints, sortable (SortRole holds the numbers), exported as the view's CSV (Qt::UserRole:
// the cells' text with a C decimal point; DisplayRole uses the default locale's).
#include "core/simulate/simulate.h"

#include <QAbstractTableModel>

#include <vector>

namespace specmoe::widgets {

class SimulationTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        PredictorColumn,
        PolicyColumn,
        CacheColumn,
        CacheGBColumn,
        LinkColumn,
        BudgetColumn,
        HorizonColumn,
        HitRateColumn,
        PrecisionColumn,
        RecallColumn,
        MBPerTokenColumn,
        StallColumn,
        TokensPerSecondColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit SimulationTableModel(QObject* parent = nullptr);

    // The rows shown (copied).
    void setRows(const std::vector<const simulate::SimulationRow*>& rows);
    const simulate::SimulationRow& row(int r) const { return m_rows[size_t(r)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<simulate::SimulationRow> m_rows;
};

} // namespace specmoe::widgets
