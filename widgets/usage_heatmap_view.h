#pragma once
// Expert-usage heatmap: layers x experts, colour = share of tokens (viridis, with a colour
// scale). Filter by source and by choice (first / any of top-k); hovering shows the exact
// value, clicking a cell lists sampled tokens routed there.
#include "widgets/exportable_view.h"
#include "widgets/expert_usage_stats.h"

#include <QWidget>

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QListWidget;
class QMouseEvent;

namespace specmoe::widgets {

class UsageHeatmapView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit UsageHeatmapView(QWidget* parent = nullptr);

    void setStats(ExpertUsageStats stats);
    const ExpertUsageStats& stats() const { return m_stats; }

    void setGroup(int group);
    void setChoice(ExpertChoice choice);
    int group() const { return m_group; }
    ExpertChoice choice() const { return m_choice; }

    // The cell under a widget position of the plot (layer -1 when outside).
    CellRef cellAt(const QPoint& plotPos) const;
    // What hovering shows at a plot position ("" outside the cells).
    QString hoverText(const QPoint& plotPos) const;
    // Lists the sampled tokens of a cell (what a click does).
    void showCell(int layer, int expert);
    QStringList listedTokens() const;

    QCustomPlot* plot() const { return m_plot; }

    QString viewId() const override { return QStringLiteral("usage_heatmap"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

Q_SIGNALS:
    void cellClicked(int layer, int expert);

private:
    void rebuild();
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);

    ExpertUsageStats m_stats;
    int m_group = 0;
    ExpertChoice m_choice = ExpertChoice::First;
    int m_selLayer = -1, m_selExpert = -1;

    QComboBox* m_groupBox = nullptr;
    QComboBox* m_choiceBox = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPTextElement* m_title = nullptr;
    QLabel* m_hover = nullptr;
    QLabel* m_listTitle = nullptr;
    QListWidget* m_list = nullptr;
};

} // namespace specmoe::widgets
