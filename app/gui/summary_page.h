#pragma once
// The page the workbench opens for a workspace entry when no visualization view is
// registered for it (and as the "Summary" tab beside them): its facts, and for a training
// run the lines of metrics.jsonl as a table. Buttons ask the main window to act.
#include "widgets/workspace_model.h"

#include <QWidget>

class QLabel;
class QTableWidget;
class QTreeWidget;
class QHBoxLayout;

namespace specmoe::gui {

class SummaryPage : public QWidget {
    Q_OBJECT
public:
    explicit SummaryPage(const widgets::WorkspaceEntry& entry, QWidget* parent = nullptr);

    const widgets::WorkspaceEntry& entry() const { return m_entry; }
    void setEntry(const widgets::WorkspaceEntry& entry);
    int metricsRows() const;

Q_SIGNALS:
    void trainRequested(const QString& traceSetDir);
    void reshardRequested(const QString& traceSetDir);
    void collectLikeRequested(const QString& traceSetDir);
    void showFolderRequested(const QString& dir);
    void evaluateRequested(const QString& runDir);
    void exportRequested(const QString& runDir);

private:
    void fill();
    void loadMetrics();

    widgets::WorkspaceEntry m_entry;
    QLabel* m_icon = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_subtitle = nullptr;
    QTreeWidget* m_details = nullptr;
    QTableWidget* m_metrics = nullptr;
    QLabel* m_metricsTitle = nullptr;
    QHBoxLayout* m_actions = nullptr;
};

} // namespace specmoe::gui
