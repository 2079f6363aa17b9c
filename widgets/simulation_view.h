#pragma once
// What a prediction buys, drawn from a simulation (core/simulate): hit rate against cache
// size and modeled decode tokens/s against link bandwidth, one line per predictor, the
// no-prefetch and oracle bounds dashed with the gap between them shaded; selectors for
// policy, budget m and horizon h (and the link / cache the other axis is held at) where the
// sweep has several; the selected rows as a sortable table below. Hover names a point's row.
#include "widgets/exportable_view.h"
#include "widgets/simulation_series.h"

#include <QWidget>

class QComboBox;
class QCPAxisRect;
class QCPGraph;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QSortFilterProxyModel;
class QTableView;

namespace specmoe::widgets {

class SimulationTableModel;

class SimulationView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    enum Panel { HitRatePanel, TokensPerSecondPanel };

    explicit SimulationView(QWidget* parent = nullptr);

    void setResult(simulate::SimulationResult result);
    const SimulationSeries& series() const { return m_series; }
    SimulationSelection selection() const { return m_selection; }
    void setSelection(const SimulationSelection& s);

    // The graph of a predictor ("none", "oracle", a baseline, a folder) in a panel; nullptr
    // when the selection gives it no point.
    QCPGraph* graph(Panel panel, const QString& predictor) const;
    QStringList plottedPredictors(Panel panel) const;
    QString hoverText(const QPoint& plotPos) const;
    QString caption() const;
    QCustomPlot* plot() const { return m_plot; }
    QCPAxisRect* panelRect(Panel panel) const;
    SimulationTableModel* tableModel() const { return m_table; }
    // The selectors (hidden while the sweep has one value): policy, m, h, link, cache.
    QComboBox* policyBox() const { return m_policyBox; }
    QComboBox* budgetBox() const { return m_budgetBox; }
    QComboBox* horizonBox() const { return m_horizonBox; }
    QComboBox* linkBox() const { return m_linkBox; }
    QComboBox* cacheBox() const { return m_cacheBox; }

    QString viewId() const override { return QStringLiteral("simulation"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0, QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

private:
    void fillChoices();
    void readChoices();
    void rebuild();
    void drawPanel(Panel panel, const QVector<SimulationCurve>& curves);
    void onMouseMove(QMouseEvent* event);
    QString pointText(const simulate::SimulationRow& r) const;

    SimulationSeries m_series;
    SimulationSelection m_selection;
    struct Plotted {
        Panel panel;
        QString predictor;
        QCPGraph* graph = nullptr;
        std::vector<const simulate::SimulationRow*> rows;
    };
    std::vector<Plotted> m_plotted;

    QComboBox* m_policyBox = nullptr;
    QComboBox* m_budgetBox = nullptr;
    QComboBox* m_horizonBox = nullptr;
    QComboBox* m_linkBox = nullptr;
    QComboBox* m_cacheBox = nullptr;
    QList<QWidget*> m_policyParts, m_budgetParts, m_horizonParts, m_linkParts, m_cacheParts;
    QLabel* m_caption = nullptr;
    QLabel* m_hover = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_hitRect = nullptr;
    QCPAxisRect* m_tpsRect = nullptr;
    QCPTextElement* m_hitTitle = nullptr;
    QCPTextElement* m_tpsTitle = nullptr;
    SimulationTableModel* m_table = nullptr;
    QSortFilterProxyModel* m_sorted = nullptr;
    QTableView* m_tableView = nullptr;
};

} // namespace specmoe::widgets
