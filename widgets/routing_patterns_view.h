#pragma once
// Routing patterns in one figure of four panels: the first-choice transition matrix from
// layer l to l+d, the co-activation matrix at a layer, routing entropy per layer (with the
// uniform maximum and the most balanced layer marked) and consecutive-token repetition per
// layer against random assignment.
#include "widgets/exportable_view.h"
#include "widgets/routing_context.h"
#include "widgets/routing_pattern_stats.h"

#include <QWidget>

class QComboBox;
class QCPAxisRect;
class QCPColorMap;
class QCPColorScale;
class QCPItemText;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QSpinBox;

namespace specmoe::widgets {

class LayerSpinBox;

class RoutingPatternsView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit RoutingPatternsView(QWidget* parent = nullptr);

    void setStats(RoutingPatternStats stats);
    // Layer labels (decoder index of each stored layer).
    void setContext(RoutingContext context);
    const RoutingPatternStats& stats() const { return m_stats; }
    void setGroup(int group);
    void setTransition(int distance, int fromLayer);
    void setCoactivationLayer(int layer);
    int distance() const { return m_distance; }
    int fromLayer() const { return m_fromLayer; }
    int coactivationLayer() const { return m_coactLayer; }

    QString hoverText(const QPoint& plotPos) const;
    QCustomPlot* plot() const { return m_plot; }
    QCPAxisRect* transitionRect() const { return m_transRect; }
    QCPAxisRect* coactivationRect() const { return m_coactRect; }
    QCPAxisRect* entropyRect() const { return m_entropyRect; }
    QCPAxisRect* repetitionRect() const { return m_repRect; }
    QCPLegend* repetitionLegend() const { return m_repLegend; }
    QCPItemText* peakLabel() const { return m_maxLabel; } // the most balanced layer's

    QString viewId() const override { return QStringLiteral("routing_patterns"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

private:
    void rebuildMatrices();
    void rebuildCurves();
    void onMouseMove(QMouseEvent* event);

    RoutingPatternStats m_stats;
    RoutingContext m_context;
    int m_group = 0;
    int m_distance = 1;
    int m_fromLayer = 0;
    int m_coactLayer = 0;

    QComboBox* m_groupBox = nullptr;
    QComboBox* m_distanceBox = nullptr;
    LayerSpinBox* m_fromBox = nullptr;
    LayerSpinBox* m_coactBox = nullptr;
    QLabel* m_hover = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_transRect = nullptr;
    QCPAxisRect* m_coactRect = nullptr;
    QCPAxisRect* m_entropyRect = nullptr;
    QCPAxisRect* m_repRect = nullptr;
    QCPColorMap* m_transMap = nullptr;
    QCPColorMap* m_coactMap = nullptr;
    QCPTextElement* m_transTitle = nullptr;
    QCPTextElement* m_coactTitle = nullptr;
    QCPItemText* m_maxLabel = nullptr;
    QCPLegend* m_repLegend = nullptr;
};

} // namespace specmoe::widgets
