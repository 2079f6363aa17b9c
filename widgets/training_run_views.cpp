#include "widgets/training_run_views.h"

#include "widgets/comparison_table_view.h"
#include "widgets/training_curves_view.h"
#include "widgets/training_metrics_series.h"

#include "core/speculate/run_folder.h"
#include "core/speculate/train.h"

#include <QDir>
#include <QLocale>

namespace specmoe::widgets {

TrainingRunViews::TrainingRunViews(QWidget* parent)
    : ViewTabs(tr("Training run"), parent)
{
    m_metrics = new TrainingMetricsSeries(this);
    m_curves = addView(new TrainingCurvesView(this));
    m_table = addView(new ComparisonTableView(this));
    m_curves->setMetrics(m_metrics);
    auto refreshTable = [this] {
        if (!m_finalReport)
            m_table->model()->setFromMetrics(*m_metrics);
    };
    connect(m_metrics, &TrainingMetricsSeries::pointsAdded, this, refreshTable);
    connect(m_metrics, &TrainingMetricsSeries::structureChanged, this, refreshTable);
}

bool TrainingRunViews::followRun(const QString& runDir, int intervalMs)
{
    if (!hasTitle())
        setTitle(tr("Training run %1").arg(QDir(runDir).dirName()));
    const std::string saved = speculate::latestEvaluationFile(runDir.toStdString());
    if (!saved.empty()) {
        try {
            setFinalReport(speculate::EvalReport::load(saved));
        } catch (const std::exception& e) {
            // A damaged report file: the table keeps following the validation lines.
            qWarning("%s", e.what());
        }
    }
    return m_metrics->follow(QString::fromStdString(speculate::RunFolder::metricsFile(runDir.toStdString())), intervalMs);
}

void TrainingRunViews::setFinalReport(const speculate::EvalReport& report)
{
    m_finalReport = true;
    m_table->setReport(report);
    const QString name = splitName(QString::fromStdString(report.split));
    m_table->setCaption(tr("Evaluation of the best checkpoint on the %1 split (%2 tokens). Bold: best at that "
                           "horizon (lowest for log-loss and ECE).")
                            .arg(name, QLocale().toString(qlonglong(report.tokens))),
                        tr("Model comparison: %1 split").arg(name));
}

QString TrainingRunViews::splitName(const QString& split)
{
    if (split == QLatin1String("test"))
        return tr("test");
    if (split == QLatin1String("validation"))
        return tr("validation");
    if (split == QLatin1String("train"))
        return tr("training");
    if (split == QLatin1String("all"))
        return tr("whole");
    return split;
}

void TrainingRunViews::showComparison()
{
    setCurrentWidget(m_table);
}

} // namespace specmoe::widgets
