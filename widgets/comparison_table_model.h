#pragma once
// Final metrics per model and baseline, per horizon: one row per (model, horizon), one
// column per metric. The best value of each metric at each horizon is bold.
#include <QAbstractTableModel>
#include <QStringList>

#include <optional>
#include <vector>

namespace specmoe::speculate {
struct EvalReport;
}

namespace specmoe::widgets {

class TrainingMetricsSeries;

struct ComparisonRow {
    QString model;
    bool baseline = false;
    int horizon = 1;
    std::vector<std::optional<double>> values; // one per metric column
};

class ComparisonTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ModelColumn = 0, KindColumn = 1, HorizonColumn = 2, FirstMetricColumn = 3 };

    explicit ComparisonTableModel(QObject* parent = nullptr);

    // metrics: keys such as "top1", "recall@2", "exact", "logloss", "ece".
    void setRows(QStringList metrics, std::vector<ComparisonRow> rows);
    // The last value of every (model, metric, horizon) over all layers.
    void setFromMetrics(const TrainingMetricsSeries& metrics);
    // predictedLayer < 0: over all predicted layers; else the rows of that layer l+h (a
    // predictor without samples there, e.g. layer 0, has no row).
    void setFromReport(const speculate::EvalReport& report, int predictedLayer = -1);

    const QStringList& metricKeys() const { return m_metrics; }
    // Lower is better for losses and calibration error.
    static bool lowerIsBetter(const QString& metric);
    static QString metricTitle(const QString& metric);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool isBest(int row, int metric) const;

    QStringList m_metrics;
    std::vector<ComparisonRow> m_rows;
};

} // namespace specmoe::widgets
