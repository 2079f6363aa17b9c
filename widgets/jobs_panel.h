#pragma once
// The jobs panel: the jobs table with a progress bar per job and buttons to cancel,
// resume, open the result and clear finished jobs. It only asks (signals); the job runner
// decides.
#include <QWidget>

class QTreeView;
class QToolButton;
class QLabel;

namespace specmoe::widgets {

class JobsModel;

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(QWidget* parent = nullptr);

    void setModel(JobsModel* model);
    JobsModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    qint64 currentJobId() const; // 0 when none is selected
    void selectJob(qint64 id);

    QToolButton* cancelButton() const { return m_cancel; }
    QToolButton* resumeButton() const { return m_resume; }
    QToolButton* openButton() const { return m_open; }
    QToolButton* clearButton() const { return m_clear; }

Q_SIGNALS:
    void cancelRequested(qint64 id);
    void resumeRequested(qint64 id);
    void openRequested(qint64 id);
    void clearFinishedRequested();

private:
    void updateButtons();

    JobsModel* m_model = nullptr;
    QTreeView* m_view = nullptr;
    QToolButton* m_cancel = nullptr;
    QToolButton* m_resume = nullptr;
    QToolButton* m_open = nullptr;
    QToolButton* m_clear = nullptr;
    QLabel* m_summary = nullptr;
};

} // namespace specmoe::widgets
