#include "widgets/trace_set_views.h"

#include "core/analysis/analysis_result.h"
#include "widgets/routing_patterns_view.h"
#include "widgets/routing_text_view.h"
#include "widgets/usage_heatmap_view.h"

namespace specmoe::widgets {

TraceSetViews::TraceSetViews(QWidget* parent)
    : ViewTabs(tr("Routing analysis"), parent)
{
    m_heatmap = addView(new UsageHeatmapView(this));
    m_journeys = addView(new TokenJourneyView(this));
    m_text = addView(new RoutingTextView(this));
    m_patterns = addView(new RoutingPatternsView(this));
}

void TraceSetViews::setAnalysis(const AnalysisResult& r)
{
    m_heatmap->setStats(ExpertUsageStats::fromAnalysis(r));
    m_patterns->setStats(RoutingPatternStats::fromAnalysis(r));
    TokenJourneySet journeys = TokenJourneySet::fromAnalysis(r);
    if (!m_context.hasWeights())
        journeys.setHasWeights(false);
    m_journeys->setJourneySet(std::move(journeys));
    if (m_text->routedText().tokenCount() == 0 && !r.journeys.empty()) {
        m_text->setRoutedText(RoutedText::fromJourney(r.journeys.front(), r.layers, r.experts, r.topk,
                                                        r.hasWeights && m_context.hasWeights()));
        m_text->setContext(m_context);
    }
}

void TraceSetViews::setContext(RoutingContext context)
{
    m_context = std::move(context);
    m_heatmap->setContext(m_context);
    m_patterns->setContext(m_context);
    m_journeys->setContext(m_context);
    m_text->setContext(m_context);
}

void TraceSetViews::setRouting(std::shared_ptr<const RoutingBlock> block, const RoutedText::TextFn& text)
{
    m_text->setRoutedText(RoutedText(std::move(block), 0, 0, text));
    m_text->setContext(m_context);
}

void TraceSetViews::setQueryProvider(TokenJourneyView::QueryFn fn)
{
    m_journeys->setQueryProvider(std::move(fn));
}

} // namespace specmoe::widgets
