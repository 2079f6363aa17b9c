#pragma once
// The workbench's main window: the workspace tree (left), the tabbed views (centre), the
// jobs, log and memory panels (docks), the status bar with the compute device. It owns the
// job runner and the open workspace, starts jobs from the dialogs, refreshes the tree when
// they finish and persists window state and recent workspaces in QSettings.
#include "app/gui/job_params.h"
#include "app/gui/jobs.h"
#include "app/gui/workspace.h"
#include "core/speculate/train.h"

#include <QMainWindow>
#include <QModelIndex>
#include <QPoint>

#include <functional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;
class QTreeView;

namespace specmoe::widgets {
class JobsPanel;
class LogPanel;
class MemoryPanel;
class WorkspaceModel;
struct WorkspaceEntry;
} // namespace specmoe::widgets

namespace specmoe::gui {

class JobRunner;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Workspaces
    bool createWorkspace(const QString& dir, const QString& name, QString* error = nullptr);
    bool openWorkspace(const QString& dir, QString* error = nullptr);
    // Opens `dir` as a workspace; a folder written by `specmoe demo --out` (demo.json, no
    // workspace file yet) becomes one holding the demo's model, traces and run.
    bool openWorkspaceOrDemo(const QString& dir, QString* error = nullptr);
    void closeWorkspace();
    const Workspace& workspace() const { return m_workspace; }
    QStringList recentWorkspaces() const;
    void refreshWorkspace();
    // Adds a model folder to the workspace; a folder that is not one (no readable config.json,
    // no *.safetensors) is refused with the reason in `error`.
    bool addModel(const QString& dir, QString* error = nullptr);

    // Jobs (what the dialogs start; tests call them directly). Return the job id or 0.
    qint64 startCollection(const CollectParams& params);
    qint64 startReshard(const ReshardSettings& settings);
    qint64 startImport(const import::ImportParams& params);
    qint64 startTraining(const speculate::TrainParams& params);
    // Scores a run's best checkpoint on a split (report saved in the run, shown in its model
    // comparison when done) / writes it in the export layout.
    qint64 startEvaluation(const speculate::EvalParams& params);
    qint64 startExport(const speculate::ExportParams& params);
    // Replays traces through the expert-cache model (core/simulate); the result folder joins
    // the workspace's simulations and opens in the simulation view when done.
    qint64 startSimulation(const SimulationSettings& settings);
    bool resumeJob(qint64 id);
    // Runs core's demo (specmoe::demo::runDemo) into ROOT/demo as a job, in a workspace at
    // ROOT (created when needed); its model, traces and run join the workspace when done.
    qint64 startDemo(const QString& root, bool quick);
    // Runs the routing analysis of a trace set as a job and hands the result to `view`
    // (a widgets::TraceSetViews) when it arrives.
    qint64 startAnalysis(const QString& traceDir, QWidget* view);

    // Views: opens (or focuses) the tab of a view of an entry; viewId empty = the default.
    QWidget* openEntry(const widgets::WorkspaceEntry& entry, const QString& viewId = QString());

    // Parts, for tests and for the views' integration.
    JobRunner* jobRunner() const { return m_runner; }
    widgets::WorkspaceModel* workspaceModel() const { return m_model; }
    QTreeView* workspaceView() const { return m_tree; }
    QTabWidget* tabs() const { return m_tabs; }
    widgets::JobsPanel* jobsPanel() const { return m_jobsPanel; }
    widgets::LogPanel* logPanel() const { return m_log; }
    widgets::MemoryPanel* memoryPanel() const { return m_memory; }
    QString deviceText() const;

    // Asked on close while jobs run; returns true to cancel them and close. The default
    // shows a message box; tests replace it.
    void setCloseConfirmation(std::function<bool(int activeJobs)> ask) { m_confirmClose = std::move(ask); }

public Q_SLOTS:
    void newWorkspaceDialog();
    void openWorkspaceDialog();
    void openDemoWorkspace();
    void newCollectionDialog();
    void reshardDialog(const QString& traceSetDir = QString());
    void importDialog();
    void newTrainingDialog(const QString& traceSetDir = QString());
    // For a training run (empty: the run selected in the workspace tree).
    void evaluateDialog(const QString& runDir = QString());
    void exportPredictorDialog(const QString& runDir = QString());
    // Preselects a trace set or a run's predictor (empty: neither).
    void simulationDialog(const QString& traceSetDir = QString(), const QString& runDir = QString());
    void settingsDialog();
    void addModelDialog();
    void about();

    // Whether a job's output holds something to continue (a trace folder for collections,
    // imports and re-shards); a failed or cancelled job without it offers no Resume.
    static bool holdsWorkToResume(const JobSpec& spec);

protected:
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void registerBuiltinViews();
    void createActions();
    void createMenus();
    void createDocks();
    void createStatusBar();
    void updateActions();
    void updateStatus();
    void updateTitle();
    void addRecent(const QString& dir);
    void rebuildRecentMenu();
    void restoreInterruptedJobs();
    qint64 submitJob(const JobSpec& spec, JobFn fn);
    // Asks before a training starts in a folder holding a run (existingRunQuestion): sets
    // params->resume to continue, or clears the run to start over; false: cancelled.
    bool confirmRunFolder(speculate::TrainParams* params);
    void onJobStateChanged(qint64 id);
    void onTreeActivated(const QModelIndex& index);
    void onTreeContextMenu(const QPoint& pos);
    void showFolder(const QString& dir);
    void closeTab(int index);
    void showWelcome();
    void saveWorkspace();
    void onMetricsLine(const QString& runDir, const QString& line);
    QString selectedRunDir() const;
    void showEvaluation(const QString& runDir, const speculate::EvalReport& report);
    std::function<void(const QString&)> metricsForwarder(const QString& runDir);

    Workspace m_workspace;
    JobRunner* m_runner = nullptr;
    widgets::WorkspaceModel* m_model = nullptr;
    QTreeView* m_tree = nullptr;
    QTabWidget* m_tabs = nullptr;
    widgets::JobsPanel* m_jobsPanel = nullptr;
    widgets::LogPanel* m_log = nullptr;
    widgets::MemoryPanel* m_memory = nullptr;
    QDockWidget* m_treeDock = nullptr;
    QDockWidget* m_jobsDock = nullptr;
    QDockWidget* m_logDock = nullptr;
    QDockWidget* m_memoryDock = nullptr;
    QLabel* m_deviceLabel = nullptr;
    QLabel* m_jobsLabel = nullptr;
    QLabel* m_workspaceLabel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QWidget* m_welcome = nullptr;

    QAction* m_newWorkspaceAct = nullptr;
    QAction* m_openWorkspaceAct = nullptr;
    QAction* m_demoAct = nullptr;
    QAction* m_closeWorkspaceAct = nullptr;
    QAction* m_addModelAct = nullptr;
    QAction* m_refreshAct = nullptr;
    QAction* m_quitAct = nullptr;
    QAction* m_collectAct = nullptr;
    QAction* m_reshardAct = nullptr;
    QAction* m_importAct = nullptr;
    QAction* m_trainAct = nullptr;
    QAction* m_evaluateAct = nullptr;
    QAction* m_exportAct = nullptr;
    QAction* m_simulateAct = nullptr;
    QAction* m_settingsAct = nullptr;
    QAction* m_aboutAct = nullptr;

    std::function<bool(int)> m_confirmClose;
    qint64 m_lastMetricsRefresh = 0;
};

} // namespace specmoe::gui
