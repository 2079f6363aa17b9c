#pragma once
// Data of the live training curves: time series of validation metrics per (model, metric,
// horizon, layer) and loss curves, appended while training runs (from the trainer's
// metrics.jsonl lines or by hand). Emits pointsAdded so views append and replot; never
// recomputes anything.
#include <QObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

class QTimer;

namespace specmoe::speculate {
struct Metrics;
struct MetricsRecord;
struct LoggedScores;
} // namespace specmoe::speculate

namespace specmoe::widgets {

struct MetricKey {
    QString model;   // "interlayer", "frequency", ...
    QString metric;  // "top1", "exact", "recall@2", "logloss", "ece", "loss/train", ...
    int horizon = 0; // 0 for losses
    int layer = -1;  // predicted layer, -1 = over all layers
    bool operator<(const MetricKey& o) const
    {
        return std::tie(model, metric, horizon, layer) < std::tie(o.model, o.metric, o.horizon, o.layer);
    }
    bool operator==(const MetricKey& o) const
    {
        return model == o.model && metric == o.metric && horizon == o.horizon && layer == o.layer;
    }
};

struct MetricPoint {
    double step = 0;
    double epoch = 0;
    double value = 0;
};

class TrainingMetricsSeries : public QObject {
    Q_OBJECT
public:
    explicit TrainingMetricsSeries(QObject* parent = nullptr);

    void setBaseline(const QString& model, bool baseline);
    bool isBaseline(const QString& model) const;
    // Appends one point; views hear about it through pointsAdded (coalesced per event loop
    // turn) or structureChanged when the key is new.
    void append(const MetricKey& key, const MetricPoint& point);
    // One metrics.jsonl line, parsed by speculate::parseMetricsLine; returns the points added
    // (0 for lines without figures and for broken lines). docs/views.md lists what is used.
    int appendJsonLine(const QByteArray& line);
    // One parsed line (what appendJsonLine adds).
    int appendRecord(const speculate::MetricsRecord& record);
    // Per-layer validation metrics of an EvalReport JSON (the run's report.json, written at
    // the end of training): added at the step of the best validation line. Returns points.
    int appendReportFile(const QString& path);
    void clear();

    // Reads a whole metrics.jsonl, then follows it: new lines are read every intervalMs.
    bool follow(const QString& path, int intervalMs = 500);
    void stopFollowing();
    // Reads what was appended to the followed file since the last read.
    int poll();

    QStringList models() const;    // non-baselines first, then baselines, sorted
    QStringList metrics() const;   // validation metrics (no losses)
    QStringList lossMetrics() const;
    std::vector<int> horizons() const;
    std::vector<int> layers() const; // predicted layers with per-layer series (without -1)
    const std::vector<MetricPoint>* series(const MetricKey& key) const;
    std::optional<double> finalValue(const MetricKey& key) const;
    const std::map<MetricKey, std::vector<MetricPoint>>& allSeries() const { return m_series; }
    size_t pointCount() const { return m_points; }

    bool writeCsv(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    void pointsAdded();
    void structureChanged();

private:
    void notify(bool structural);
    int addScores(const speculate::LoggedScores& scores, double step, double epoch);
    int addMetrics(const QString& model, int horizon, int layer, const speculate::Metrics& m, double step, double epoch);
    void restart();

    std::map<MetricKey, std::vector<MetricPoint>> m_series;
    std::map<QString, bool> m_baseline;
    std::set<QString> m_modelNames; // models with series (kept on append: models() is cheap)
    size_t m_points = 0;
    double m_stepsPerEpoch = 0; // from the trainer's start line: epoch axis = step / this
    double m_bestStep = -1, m_bestEpoch = 0; // latest validation line marked best
    bool m_pendingPoints = false, m_pendingStructure = false;
    QString m_followPath;
    qint64 m_followOffset = 0;
    QByteArray m_partial;
    QTimer* m_timer = nullptr;
};

} // namespace specmoe::widgets
