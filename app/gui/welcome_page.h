#pragma once
// The start page: what to do next. Without a workspace: create, open, a recent one, or the
// demo. With one: its counts and the next steps (collect, train).
#include "widgets/workspace_model.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace specmoe::gui {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);

    void setRecent(const QStringList& dirs);
    // nullptr: no workspace open.
    void setWorkspace(const widgets::WorkspaceContents* contents);

Q_SIGNALS:
    void newWorkspaceRequested();
    void openWorkspaceRequested();
    void demoRequested();
    void recentRequested(const QString& dir);
    void collectRequested();
    void trainRequested();

private:
    QLabel* m_heading = nullptr;
    QLabel* m_text = nullptr;
    QPushButton* m_new = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_demo = nullptr;
    QPushButton* m_collect = nullptr;
    QPushButton* m_train = nullptr;
    QLabel* m_recentLabel = nullptr;
    QListWidget* m_recent = nullptr;
};

} // namespace specmoe::gui
