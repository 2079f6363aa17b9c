#pragma once
// All routing views of one trace set in tabs (heatmap, journeys, text, patterns), with an
// Export menu (current view as image / CSV, whole report). The integration point for the
// main window: create it, feed it an AnalysisResult (and optionally routing for the text
// view), add it as a tab.
#include "widgets/routed_text.h"
#include "widgets/routing_context.h"
#include "widgets/token_journey_view.h"
#include "widgets/view_tabs.h"

#include <memory>

namespace specmoe {
struct AnalysisResult;
struct RoutingBlock;
}

namespace specmoe::widgets {

class RoutingPatternsView;
class RoutingTextView;
class UsageHeatmapView;

class TraceSetViews : public ViewTabs {
    Q_OBJECT
public:
    explicit TraceSetViews(QWidget* parent = nullptr);

    // Heatmap, patterns and journeys (and the routing text of the first recorded journey
    // unless setRouting provides more) from the analysis result.
    void setAnalysis(const AnalysisResult& result);
    // The trace's layer map, weights flag and token phases (RoutingContext::fromDims and
    // the sequence table), for every view; kept for later setAnalysis / setRouting calls.
    void setContext(RoutingContext context);
    const RoutingContext& context() const { return m_context; }
    // Routing tokens for the text view (e.g. TraceSet::readSequences or readShard).
    void setRouting(std::shared_ptr<const RoutingBlock> block, const RoutedText::TextFn& text = {});
    // Token search across the whole trace set (e.g. wrapping findTokenJourneys).
    void setQueryProvider(TokenJourneyView::QueryFn fn);

    UsageHeatmapView* heatmapView() const { return m_heatmap; }
    TokenJourneyView* journeyView() const { return m_journeys; }
    RoutingTextView* textView() const { return m_text; }
    RoutingPatternsView* patternsView() const { return m_patterns; }

private:
    RoutingContext m_context;
    UsageHeatmapView* m_heatmap = nullptr;
    TokenJourneyView* m_journeys = nullptr;
    RoutingTextView* m_text = nullptr;
    RoutingPatternsView* m_patterns = nullptr;
};

} // namespace specmoe::widgets
