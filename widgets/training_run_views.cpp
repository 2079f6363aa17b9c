#include "widgets/training_run_views.h"

#include "widgets/comparison_table_view.h"
#include "widgets/training_curves_view.h"
#include "widgets/training_metrics_model.h"

#include <QDir>

namespace specmoe::widgets {

TrainingRunViews::TrainingRunViews(QWidget* parent)
    : ViewTabs(tr("Training run"), parent)
{
    m_metrics = new TrainingMetricsModel(this);
    m_curves = addView(new TrainingCurvesView(this));
    m_table = addView(new ComparisonTableView(this));
    m_curves->setModel(m_metrics);
    auto refreshTable = [this] {
        if (!m_finalReport)
            m_table->model()->setFromMetrics(*m_metrics);
    };
    connect(m_metrics, &TrainingMetricsModel::pointsAdded, this, refreshTable);
    connect(m_metrics, &TrainingMetricsModel::structureChanged, this, refreshTable);
}

bool TrainingRunViews::followRun(const QString& runDir, int intervalMs)
{
    if (!hasTitle())
        setTitle(tr("Training run %1").arg(QDir(runDir).dirName()));
    return m_metrics->follow(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")), intervalMs);
}

void TrainingRunViews::setFinalReport(const speculate::EvalReport& report)
{
    m_finalReport = true;
    m_table->model()->setFromReport(report);
}

} // namespace specmoe::widgets
