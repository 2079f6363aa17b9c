#include "widgets/trace_set_views.h"

#include "core/analysis/analysis_result.h"
#include "widgets/export_dialog.h"
#include "widgets/routing_patterns_view.h"
#include "widgets/routing_text_view.h"
#include "widgets/usage_heatmap_view.h"

#include <QMenu>
#include <QToolButton>

namespace specmoe::widgets {

TraceSetViews::TraceSetViews(QWidget* parent)
    : QTabWidget(parent)
{
    m_heatmap = new UsageHeatmapView(this);
    m_journeys = new TokenJourneyView(this);
    m_text = new RoutingTextView(this);
    m_patterns = new RoutingPatternsView(this);
    addTab(m_heatmap, m_heatmap->viewTitle());
    addTab(m_journeys, m_journeys->viewTitle());
    addTab(m_text, m_text->viewTitle());
    addTab(m_patterns, m_patterns->viewTitle());
    setDocumentMode(true);

    auto* button = new QToolButton(this);
    button->setText(tr("Export"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    menu->addAction(tr("Current view as image..."), this, [this] { exportViewImage(currentView(), this); });
    menu->addAction(tr("Current view data as CSV..."), this, [this] { exportViewCsv(currentView(), this); });
    menu->addSeparator();
    menu->addAction(tr("Report of all views..."), this,
                    [this] { exportViewsReport(views(), m_title.isEmpty() ? tr("Routing analysis") : m_title, this); });
    button->setMenu(menu);
    setCornerWidget(button, Qt::TopRightCorner);
}

void TraceSetViews::setAnalysis(const AnalysisResult& r)
{
    m_heatmap->setModel(UsageHeatmapModel::fromAnalysis(r));
    m_patterns->setModel(RoutingPatternsModel::fromAnalysis(r));
    m_journeys->setModel(TokenJourneyModel::fromAnalysis(r));
    if (m_text->model().tokenCount() == 0 && !r.journeys.empty())
        m_text->setModel(RoutingTextModel::fromJourney(r.journeys.front(), r.layers, r.experts, r.topk));
}

void TraceSetViews::setRouting(std::shared_ptr<const RoutingBlock> block, const RoutingTextModel::TextFn& text)
{
    m_text->setModel(RoutingTextModel(std::move(block), 0, 0, text));
}

void TraceSetViews::setQueryProvider(TokenJourneyView::QueryFn fn)
{
    m_journeys->setQueryProvider(std::move(fn));
}

QList<ExportableView*> TraceSetViews::views() const
{
    return {m_heatmap, m_journeys, m_text, m_patterns};
}

ExportableView* TraceSetViews::currentView() const
{
    return dynamic_cast<ExportableView*>(currentWidget());
}

ReportResult TraceSetViews::exportReport(const QString& dir, ReportOptions options) const
{
    if (options.title.isEmpty())
        options.title = m_title.isEmpty() ? tr("Routing analysis") : m_title;
    return writeReport(dir, views(), options);
}

} // namespace specmoe::widgets
