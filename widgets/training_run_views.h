#pragma once
// The views of one training run in tabs: live accuracy and loss curves, and the model
// comparison table (kept in step with the metrics). Integration point for the main window:
// create it, call followRun(runDir) (or feed metrics() directly), add it as a tab.
#include "widgets/view_tabs.h"

namespace specmoe::speculate {
struct EvalReport;
}

namespace specmoe::widgets {

class ComparisonTableView;
class TrainingCurvesView;
class TrainingMetricsSeries;

class TrainingRunViews : public ViewTabs {
    Q_OBJECT
public:
    explicit TrainingRunViews(QWidget* parent = nullptr);

    TrainingMetricsSeries* metrics() const { return m_metrics; }
    // Follows runDir/metrics.jsonl (reads what is there, then polls for new lines), and shows
    // the run's newest saved evaluation (speculate::latestEvaluationFile) in the table.
    bool followRun(const QString& runDir, int intervalMs = 500);
    // An evaluation report replaces the table rows (they stop following the validation
    // lines); the caption names its split and size.
    void setFinalReport(const speculate::EvalReport& report);
    bool hasFinalReport() const { return m_finalReport; }
    // A report's split ("test", "validation", "train", "all") as shown to the user.
    static QString splitName(const QString& split);
    void showComparison();

    TrainingCurvesView* curvesView() const { return m_curves; }
    ComparisonTableView* tableView() const { return m_table; }

private:
    TrainingMetricsSeries* m_metrics = nullptr;
    TrainingCurvesView* m_curves = nullptr;
    ComparisonTableView* m_table = nullptr;
    bool m_finalReport = false;
};

} // namespace specmoe::widgets
