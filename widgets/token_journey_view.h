#pragma once
// Token journeys: for a chosen sequence and token range, each token's path across the layers
// (x = layer, y = expert; the line follows the first choice, hollow markers show the second
// choice, marker size grows with the router weight, or marks the rank when the trace has no
// weights). Hover shows the token, its phase (prefill / decode) and all its top-k experts at
// the layer; searching a token text overlays its journeys across the trace set. With many
// experts colour cannot name an expert: rows are labelled by id, and "experts on these
// paths" keeps only the rows the shown journeys visit (256 rows become a few dozen).
#include "widgets/exportable_view.h"
#include "widgets/routing_context.h"
#include "widgets/token_journey_set.h"

#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QMouseEvent;
class QSpinBox;

namespace specmoe::widgets {

class JourneyPlottable;

class TokenJourneyView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    // Searches the whole trace set for a token text (runs on a worker thread).
    using QueryFn = std::function<JourneyQuery(const QString& query)>;

    explicit TokenJourneyView(QWidget* parent = nullptr);
    ~TokenJourneyView() override;

    void setJourneySet(TokenJourneySet journeys);
    const TokenJourneySet& journeySet() const { return m_journeySet; }
    void setQueryProvider(QueryFn fn) { m_queryFn = std::move(fn); }
    // Layer labels and token phases (the journey set's own sequences add theirs).
    void setContext(RoutingContext context);
    const RoutingContext& context() const { return m_context; }

    enum class Rows { AllExperts = 0, PathExperts = 1 };
    void setRows(Rows rows);
    Rows rows() const { return m_rows; }
    // Rows on the expert axis, and the expert a row shows.
    int rowCount() const;
    int expertAtRow(int row) const;

    void setSequence(int index);
    void setRange(int first, int count);
    int rangeFirst() const;
    int rangeCount() const;
    // Searches: a precomputed query, else the provider (async), else the loaded sequences.
    void search(const QString& text);
    void setOverlay(JourneyQuery query);
    void clearOverlay();
    int overlayCount() const { return int(m_overlay.journeys.size()); }
    int visibleJourneys() const { return int(m_range.size()); }

    // What hovering shows at a plot position ("" when no node is near).
    QString hoverText(const QPoint& plotPos) const;
    QCustomPlot* plot() const { return m_plot; }

    QString viewId() const override { return QStringLiteral("token_journeys"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

Q_SIGNALS:
    void searchFinished(int journeys);

private:
    void rebuild();
    void fitRows();
    void onMouseMove(QMouseEvent* event);

    TokenJourneySet m_journeySet;
    RoutingContext m_context;
    Rows m_rows = Rows::AllExperts;
    std::vector<int> m_rowExperts; // PathExperts: the experts shown, ascending
    QueryFn m_queryFn;
    int m_sequence = -1;
    std::vector<const JourneyToken*> m_range;
    JourneyQuery m_overlay;
    int m_searchJob = 0;

    QComboBox* m_seqBox = nullptr;
    QComboBox* m_rowsBox = nullptr;
    QSpinBox* m_first = nullptr;
    QSpinBox* m_count = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_searchStatus = nullptr;
    QLabel* m_hover = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPTextElement* m_title = nullptr;
    JourneyPlottable* m_journeys = nullptr;
};

} // namespace specmoe::widgets
