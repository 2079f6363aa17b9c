#include "widgets/training_run_views.h"

#include "widgets/comparison_table_view.h"
#include "widgets/export_dialog.h"
#include "widgets/training_curves_view.h"
#include "widgets/training_metrics_model.h"

#include <QDir>
#include <QMenu>
#include <QToolButton>

namespace specmoe::widgets {

TrainingRunViews::TrainingRunViews(QWidget* parent)
    : QTabWidget(parent)
{
    m_metrics = new TrainingMetricsModel(this);
    m_curves = new TrainingCurvesView(this);
    m_table = new ComparisonTableView(this);
    m_curves->setModel(m_metrics);
    addTab(m_curves, m_curves->viewTitle());
    addTab(m_table, m_table->viewTitle());
    setDocumentMode(true);
    auto refreshTable = [this] {
        if (!m_finalReport)
            m_table->model()->setFromMetrics(*m_metrics);
    };
    connect(m_metrics, &TrainingMetricsModel::pointsAdded, this, refreshTable);
    connect(m_metrics, &TrainingMetricsModel::structureChanged, this, refreshTable);

    auto* button = new QToolButton(this);
    button->setText(tr("Export"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    menu->addAction(tr("Current view as image..."), this, [this] { exportViewImage(currentView(), this); });
    menu->addAction(tr("Current view data as CSV..."), this, [this] { exportViewCsv(currentView(), this); });
    menu->addSeparator();
    menu->addAction(tr("Report of all views..."), this,
                    [this] { exportViewsReport(views(), m_title.isEmpty() ? tr("Training run") : m_title, this); });
    button->setMenu(menu);
    setCornerWidget(button, Qt::TopRightCorner);
}

bool TrainingRunViews::followRun(const QString& runDir, int intervalMs)
{
    if (m_title.isEmpty())
        m_title = tr("Training run %1").arg(QDir(runDir).dirName());
    return m_metrics->follow(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")), intervalMs);
}

void TrainingRunViews::setFinalReport(const speculate::EvalReport& report)
{
    m_finalReport = true;
    m_table->model()->setFromReport(report);
}

QList<ExportableView*> TrainingRunViews::views() const
{
    return {m_curves, m_table};
}

ExportableView* TrainingRunViews::currentView() const
{
    return dynamic_cast<ExportableView*>(currentWidget());
}

ReportResult TrainingRunViews::exportReport(const QString& dir, ReportOptions options) const
{
    if (options.title.isEmpty())
        options.title = m_title.isEmpty() ? tr("Training run") : m_title;
    return writeReport(dir, views(), options);
}

} // namespace specmoe::widgets
