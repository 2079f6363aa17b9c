#pragma once
// Expert-usage heatmap: layers x experts, colour = share of tokens (viridis, with a colour
// scale). Filter by source and by choice (first / any of top-k); rows by expert id or by
// load (busiest first); wheel zoom and drag pan inside the data (256 experts x 61 layers
// stay legible: tick labels thin out, a double click fits all); hovering shows layer,
// expert and value, clicking a cell lists sampled tokens routed there (with their phase
// when the trace has generated tokens).
#include "widgets/exportable_view.h"
#include "widgets/expert_usage_stats.h"
#include "widgets/routing_context.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
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

    // Layer labels (decoder index) and token phases.
    void setContext(RoutingContext context);
    const RoutingContext& context() const { return m_context; }

    // ByLoad: share summed over the layers; ByLayerLoad: share at the selected (last
    // clicked) layer, the busiest expert on top (the summed load until a cell is clicked).
    enum class RowOrder { ById = 0, ByLoad = 1, ByLayerLoad = 2 };
    void setRowOrder(RowOrder order);
    RowOrder rowOrder() const { return m_rowOrder; }
    // The expert shown in row r (r itself when ordered by id).
    int expertAtRow(int row) const;
    int rowOfExpert(int expert) const;
    // Shows every cell again (after zooming).
    void fitAll();

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
    void onMouseRelease(QMouseEvent* event);
    void updateOrder();
    void updateTicks();

    ExpertUsageStats m_stats;
    RoutingContext m_context;
    RowOrder m_rowOrder = RowOrder::ById;
    std::vector<int> m_order;  // row -> expert
    std::vector<int> m_rowOf;  // expert -> row
    QPoint m_pressPos;
    int m_group = 0;
    ExpertChoice m_choice = ExpertChoice::First;
    int m_selLayer = -1, m_selExpert = -1;

    QComboBox* m_groupBox = nullptr;
    QComboBox* m_choiceBox = nullptr;
    QComboBox* m_orderBox = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPItemRect* m_selection = nullptr; // outline of the listed cell
    QCPColorScale* m_scale = nullptr;
    QCPTextElement* m_title = nullptr;
    QLabel* m_hover = nullptr;
    QLabel* m_listTitle = nullptr;
    QListWidget* m_list = nullptr;
};

} // namespace specmoe::widgets
