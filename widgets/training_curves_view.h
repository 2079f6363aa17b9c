#pragma once
// Live accuracy curves: validation top-1 / recall@m / ... of the trained predictors against
// step or epoch, baselines as dashed reference lines, and the loss curves below. Updates
// while training runs: new points are appended to the graphs and a queued replot follows.
#include "widgets/exportable_view.h"
#include "widgets/training_metrics_series.h"

#include <QPointer>
#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace specmoe::widgets {

class TrainingCurvesView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit TrainingCurvesView(QWidget* parent = nullptr);

    // The series are not owned (they outlive the view or are parented to it).
    void setMetrics(TrainingMetricsSeries* metrics);
    TrainingMetricsSeries* metrics() const { return m_metrics; }

    void setMetric(const QString& metric);
    void setHorizon(int horizon);
    void setLayer(int layer); // -1 = over all layers
    void setXAxisEpoch(bool epoch);
    QString metric() const { return m_metric; }
    int horizon() const { return m_horizon; }

    // Graphs shown for the models (without baselines) and their point counts.
    int modelGraphCount() const;
    int plottedPoints(const QString& model) const;
    int baselineLineCount() const;
    QString hoverText(const QPoint& plotPos) const;
    QCustomPlot* plot() const { return m_plot; }

    QString viewId() const override { return QStringLiteral("training_curves"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

private:
    void refreshChoices();
    void rebuild();
    void appendNew();
    void rescale();
    void onMouseMove(QMouseEvent* event);
    MetricKey keyFor(const QString& model) const;

    QPointer<TrainingMetricsSeries> m_metrics;
    QString m_metric = QStringLiteral("top1");
    int m_horizon = 1;
    int m_layer = -1;
    bool m_epochAxis = false;

    struct Curve {
        QCPGraph* graph = nullptr;
        MetricKey key;
        size_t plotted = 0;
    };
    std::vector<Curve> m_curves;      // models (accuracy panel) and losses (loss panel)
    std::vector<QCPItemStraightLine*> m_baselineLines;
    std::vector<QCPItemText*> m_baselineLabels;

    QComboBox* m_metricBox = nullptr;
    QComboBox* m_horizonBox = nullptr;
    QComboBox* m_layerBox = nullptr;
    QComboBox* m_xBox = nullptr;
    QLabel* m_hover = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_accRect = nullptr;
    QCPAxisRect* m_lossRect = nullptr;
    QCPLegend* m_lossLegend = nullptr;
    QCPTextElement* m_title = nullptr;
};

} // namespace specmoe::widgets
