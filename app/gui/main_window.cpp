#include "app/gui/main_window.h"

#include "app/gui/collection_dialog.h"
#include "app/gui/evaluate_dialog.h"
#include "app/gui/job_runner.h"
#include "app/gui/jobs.h"
#include "app/gui/import_dialog.h"
#include "app/gui/reshard_dialog.h"
#include "app/gui/settings_dialog.h"
#include "app/gui/simulation_dialog.h"
#include "app/gui/summary_page.h"
#include "app/gui/training_dialog.h"
#include "app/gui/view_registry.h"
#include "app/gui/welcome_page.h"
#include "core/model/model_summary.h"
#include "core/simulate/simulation_file.h"
#include "core/specmoe_core.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/run_start.h"
#include "core/tensor/device_memory.h"
#include "core/trace/trace_set.h"
#include "widgets/jobs_panel.h"
#include "widgets/log_panel.h"
#include "widgets/memory_gauge.h"
#include "widgets/simulation_view.h"
#include "widgets/trace_set_views.h"
#include "widgets/training_run_views.h"
#include "widgets/workspace_model.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStandardPaths>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>

#include "core/demo/demo.h"

Q_DECLARE_METATYPE(specmoe::demo::DemoResult)

namespace specmoe::gui {

using widgets::JobState;
using widgets::LogLevel;
using widgets::WorkspaceEntry;
using widgets::WorkspaceModel;

namespace {

constexpr int kMaxRecent = 8;
const char* const kTabPathProperty = "specmoePath";
const char* const kTabViewProperty = "specmoeView";
const char* const kTabKindProperty = "specmoeKind";

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    registerJobTypes();
    registerBuiltinViews();
    setObjectName(QStringLiteral("mainWindow"));
    m_runner = new JobRunner(this);
    const AppSettings settings = AppSettings::load();
    m_runner->setMaxConcurrent(settings.maxConcurrentJobs);
    specmoe::setThreads(settings.threads);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("views"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closeTab);
    setCentralWidget(m_tabs);

    createActions();
    createDocks();
    createMenus();
    createStatusBar();

    connect(m_runner, &JobRunner::logMessage, m_log, &widgets::LogPanel::append);
    connect(m_runner, &JobRunner::jobStateChanged, this, [this](qint64 id, JobState) { onJobStateChanged(id); });
    connect(m_runner->model(), &QAbstractItemModel::dataChanged, this, &MainWindow::updateStatus);
    connect(m_runner->model(), &QAbstractItemModel::rowsInserted, this, &MainWindow::updateStatus);
    connect(m_runner->model(), &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateStatus);

    QSettings s;
    resize(1440, 900);
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    rebuildRecentMenu();
    showWelcome();
    updateActions();
    updateTitle();
    updateStatus();
    m_log->info(QStringLiteral("workbench"), QStringLiteral("SpecMoE Workbench %1; %2")
                                                  .arg(QString::fromStdString(specmoe::version()), deviceText()));
}

MainWindow::~MainWindow() = default;

void MainWindow::registerBuiltinViews()
{
    // The visualization views of widgets/ (issue 8): routing views for trace sets (fed by an
    // analysis job), curves and comparison table for training runs (following metrics.jsonl).
    QPointer<MainWindow> self(this);
    registerView({WorkspaceEntry::TraceSet, QStringLiteral("routing"), tr("Routing"),
                  [self](const WorkspaceEntry& e, QWidget* parent) -> QWidget* {
                      if (!self || e.health != WorkspaceEntry::Ok)
                          return nullptr; // incomplete: the summary page instead
                      auto* views = new widgets::TraceSetViews(parent);
                      views->setTitle(e.name);
                      self->startAnalysis(e.path, views);
                      return views;
                  }});
    registerView({WorkspaceEntry::Run, QStringLiteral("curves"), tr("Training"),
                  [](const WorkspaceEntry& e, QWidget* parent) -> QWidget* {
                      auto* views = new widgets::TrainingRunViews(parent);
                      views->setTitle(e.name);
                      views->followRun(e.path);
                      return views;
                  }});
    // A simulation's result (simulation.json, read by core); without one the summary page.
    registerView({WorkspaceEntry::Simulation, QStringLiteral("simulation"), tr("Simulation"),
                  [self](const WorkspaceEntry& e, QWidget* parent) -> QWidget* {
                      if (!simulate::isSimulationFolder(e.path.toStdString()))
                          return nullptr;
                      try {
                          auto* view = new widgets::SimulationView(parent);
                          view->setResult(simulate::readSimulation(e.path.toStdString()));
                          return view;
                      } catch (const std::exception& ex) {
                          if (self)
                              self->m_log->error(e.name, QString::fromStdString(ex.what()));
                          return nullptr;
                      }
                  }});
}

qint64 MainWindow::startAnalysis(const QString& traceDir, QWidget* view)
{
    const qint64 id = m_runner->submit(analyzeSpec(traceDir), makeAnalyzeJob(traceDir));
    QPointer<widgets::TraceSetViews> target(qobject_cast<widgets::TraceSetViews*>(view));
    // Until the analysis arrives the views are empty: say why there, not only in the log.
    if (target)
        target->setNotice(tr("Analysing the routing of this trace set…"));
    auto* context = new QObject(this);
    connect(m_runner, &JobRunner::jobFailed, context, [id, target](qint64 jobId, const QString& error) {
        if (jobId == id && target)
            target->setNotice(tr("The routing analysis of this trace set failed:\n%1").arg(error), true);
    });
    connect(m_runner, &JobRunner::jobStateChanged, context, [this, id, target, context](qint64 jobId, JobState state) {
        if (jobId != id || !widgets::isTerminal(state))
            return;
        if (state == JobState::Finished && target) {
            const TraceAnalysis analysis = m_runner->result(id).value<TraceAnalysis>();
            if (analysis.result) {
                target->setNotice({});
                target->setContext(analysis.context);
                target->setAnalysis(*analysis.result);
            }
        } else if (state != JobState::Failed && target) { // failures: jobFailed, emitted next
            target->setNotice(tr("The routing analysis was cancelled: close this tab and open the trace set "
                                 "again to rerun it."));
        }
        // After jobFailed (emitted right after this state change) has been delivered.
        QTimer::singleShot(0, context, &QObject::deleteLater);
    });
    return id;
}

void MainWindow::createActions()
{
    QStyle* st = style();
    m_newWorkspaceAct = new QAction(st->standardIcon(QStyle::SP_FileDialogNewFolder), tr("&New Workspace…"), this);
    m_newWorkspaceAct->setShortcut(QKeySequence::New);
    connect(m_newWorkspaceAct, &QAction::triggered, this, &MainWindow::newWorkspaceDialog);
    m_openWorkspaceAct = new QAction(st->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Workspace…"), this);
    m_openWorkspaceAct->setShortcut(QKeySequence::Open);
    connect(m_openWorkspaceAct, &QAction::triggered, this, &MainWindow::openWorkspaceDialog);
    m_demoAct = new QAction(QIcon(QStringLiteral(":/icons/demo.svg")), tr("Open &Demo Workspace"), this);
    m_demoAct->setObjectName(QStringLiteral("openDemo"));
    connect(m_demoAct, &QAction::triggered, this, &MainWindow::openDemoWorkspace);
    m_closeWorkspaceAct = new QAction(st->standardIcon(QStyle::SP_DialogCloseButton), tr("&Close Workspace"), this);
    connect(m_closeWorkspaceAct, &QAction::triggered, this, &MainWindow::closeWorkspace);
    m_addModelAct = new QAction(QIcon(QStringLiteral(":/icons/model.svg")), tr("Add &Model…"), this);
    connect(m_addModelAct, &QAction::triggered, this, &MainWindow::addModelDialog);
    m_refreshAct = new QAction(st->standardIcon(QStyle::SP_BrowserReload), tr("&Refresh"), this);
    m_refreshAct->setShortcut(QKeySequence::Refresh);
    connect(m_refreshAct, &QAction::triggered, this, &MainWindow::refreshWorkspace);
    m_quitAct = new QAction(tr("&Quit"), this);
    m_quitAct->setShortcut(QKeySequence::Quit);
    m_quitAct->setMenuRole(QAction::QuitRole);
    connect(m_quitAct, &QAction::triggered, this, &QWidget::close);

    m_collectAct = new QAction(QIcon(QStringLiteral(":/icons/collect.svg")), tr("New &Collection…"), this);
    m_collectAct->setObjectName(QStringLiteral("newCollection"));
    m_collectAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_collectAct->setToolTip(tr("Collect routing traces of a model on a corpus"));
    connect(m_collectAct, &QAction::triggered, this, &MainWindow::newCollectionDialog);
    m_reshardAct = new QAction(QIcon(QStringLiteral(":/icons/reshard.svg")), tr("&Re-shard Trace Set…"), this);
    m_reshardAct->setObjectName(QStringLiteral("reshard"));
    m_reshardAct->setToolTip(tr("Rewrite a trace set with another shard size"));
    connect(m_reshardAct, &QAction::triggered, this, [this] { reshardDialog(); });
    m_importAct = new QAction(QIcon(QStringLiteral(":/icons/import.svg")), tr("&Import Traces…"), this);
    m_importAct->setObjectName(QStringLiteral("importTraces"));
    m_importAct->setToolTip(tr("Import routing traces from vLLM, SGLang, Megatron-Core or NumPy arrays"));
    connect(m_importAct, &QAction::triggered, this, &MainWindow::importDialog);
    m_trainAct = new QAction(QIcon(QStringLiteral(":/icons/train.svg")), tr("New &Training…"), this);
    m_trainAct->setObjectName(QStringLiteral("newTraining"));
    m_trainAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_trainAct->setToolTip(tr("Train expert predictors on trace sets"));
    connect(m_trainAct, &QAction::triggered, this, [this] { newTrainingDialog(); });
    m_evaluateAct = new QAction(st->standardIcon(QStyle::SP_FileDialogDetailedView), tr("&Evaluate Predictor…"), this);
    m_evaluateAct->setObjectName(QStringLiteral("evaluatePredictor"));
    m_evaluateAct->setToolTip(tr("Score the selected run's best predictor and the baselines on the test split"));
    connect(m_evaluateAct, &QAction::triggered, this, [this] { evaluateDialog(); });
    m_exportAct = new QAction(st->standardIcon(QStyle::SP_DialogSaveButton), tr("E&xport Predictor…"), this);
    m_exportAct->setObjectName(QStringLiteral("exportPredictor"));
    m_exportAct->setToolTip(tr("Write the selected run's best predictor for an inference engine"));
    connect(m_exportAct, &QAction::triggered, this, [this] { exportPredictorDialog(); });

    m_simulateAct = new QAction(QIcon(QStringLiteral(":/icons/simulation.svg")), tr("&Simulate Expert Cache…"), this);
    m_simulateAct->setObjectName(QStringLiteral("simulate"));
    m_simulateAct->setToolTip(tr("Replay trace sets through an offloading engine's expert cache: what a predictor's "
                                 "prefetching buys in hit rate and tokens/s"));
    connect(m_simulateAct, &QAction::triggered, this, [this] { simulationDialog(QString(), selectedRunDir()); });

    m_settingsAct = new QAction(st->standardIcon(QStyle::SP_FileDialogListView), tr("&Settings…"), this);
    m_settingsAct->setMenuRole(QAction::PreferencesRole);
    m_settingsAct->setShortcut(QKeySequence::Preferences);
    connect(m_settingsAct, &QAction::triggered, this, &MainWindow::settingsDialog);
    m_aboutAct = new QAction(tr("&About SpecMoE Workbench"), this);
    connect(m_aboutAct, &QAction::triggered, this, &MainWindow::about);
}

void MainWindow::createDocks()
{
    m_model = new WorkspaceModel(this);
    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("workspaceTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->header()->setSectionResizeMode(WorkspaceModel::NameColumn, QHeaderView::Interactive);
    m_tree->header()->resizeSection(WorkspaceModel::NameColumn, 190);
    m_tree->header()->setStretchLastSection(true);
    connect(m_tree, &QTreeView::activated, this, &MainWindow::onTreeActivated);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &MainWindow::onTreeContextMenu);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { m_tree->expandToDepth(0); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::updateActions);

    m_treeDock = new QDockWidget(tr("Workspace"), this);
    m_treeDock->setObjectName(QStringLiteral("workspaceDock"));
    m_treeDock->setWidget(m_tree);
    addDockWidget(Qt::LeftDockWidgetArea, m_treeDock);

    m_jobsPanel = new widgets::JobsPanel(this);
    m_jobsPanel->setModel(m_runner->model());
    connect(m_jobsPanel, &widgets::JobsPanel::cancelRequested, m_runner, &JobRunner::cancel);
    connect(m_jobsPanel, &widgets::JobsPanel::resumeRequested, this, &MainWindow::resumeJob);
    connect(m_jobsPanel, &widgets::JobsPanel::clearFinishedRequested, m_runner, &JobRunner::clearFinished);
    connect(m_jobsPanel, &widgets::JobsPanel::openRequested, this, [this](qint64 id) {
        const JobSpec* spec = m_runner->spec(id);
        if (!spec)
            return;
        if (spec->kind == QLatin1String("simulate")) {
            openEntry(Workspace::describeSimulation(spec->outputPath));
            return;
        }
        const WorkspaceEntry::Kind kind = spec->kind == QLatin1String("train") ? WorkspaceEntry::Run : WorkspaceEntry::TraceSet;
        const QModelIndex i = m_model->indexOf(kind, spec->outputPath);
        if (const WorkspaceEntry* e = m_model->entry(i))
            openEntry(*e);
        else
            openEntry(kind == WorkspaceEntry::Run ? Workspace::describeRun(spec->outputPath)
                                                  : Workspace::describeTraceSet(spec->outputPath));
    });
    m_jobsDock = new QDockWidget(tr("Jobs"), this);
    m_jobsDock->setObjectName(QStringLiteral("jobsDock"));
    m_jobsDock->setWidget(m_jobsPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);

    m_log = new widgets::LogPanel(this);
    m_logDock = new QDockWidget(tr("Log"), this);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    tabifyDockWidget(m_jobsDock, m_logDock);
    m_jobsDock->raise();

    m_memory = new widgets::MemoryPanel(this);
    m_memoryDock = new QDockWidget(tr("Memory"), this);
    m_memoryDock->setObjectName(QStringLiteral("memoryDock"));
    m_memoryDock->setWidget(m_memory);
    addDockWidget(Qt::LeftDockWidgetArea, m_memoryDock);
    splitDockWidget(m_treeDock, m_memoryDock, Qt::Vertical);
    resizeDocks({m_treeDock, m_memoryDock}, {640, 200}, Qt::Vertical);
    resizeDocks({m_treeDock}, {380}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {230}, Qt::Vertical);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newWorkspaceAct);
    file->addAction(m_openWorkspaceAct);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(m_demoAct);
    file->addSeparator();
    file->addAction(m_addModelAct);
    file->addAction(m_refreshAct);
    file->addAction(m_closeWorkspaceAct);
    file->addSeparator();
    file->addAction(m_settingsAct);
    file->addSeparator();
    file->addAction(m_quitAct);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_collectAct);
    run->addAction(m_reshardAct);
    run->addAction(m_importAct);
    run->addAction(m_trainAct);
    run->addSeparator();
    run->addAction(m_evaluateAct);
    run->addAction(m_exportAct);
    run->addSeparator();
    run->addAction(m_simulateAct);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_treeDock->toggleViewAction());
    view->addAction(m_jobsDock->toggleViewAction());
    view->addAction(m_logDock->toggleViewAction());
    view->addAction(m_memoryDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAct);

    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tb->setIconSize(QSize(20, 20));
    tb->addAction(m_openWorkspaceAct);
    tb->addSeparator();
    tb->addAction(m_collectAct);
    tb->addAction(m_reshardAct);
    tb->addAction(m_trainAct);
    tb->addSeparator();
    tb->addAction(m_refreshAct);
}

void MainWindow::createStatusBar()
{
    m_workspaceLabel = new QLabel(this);
    m_jobsLabel = new QLabel(this);
    m_jobsLabel->setObjectName(QStringLiteral("jobsStatus"));
    m_deviceLabel = new QLabel(this);
    m_deviceLabel->setObjectName(QStringLiteral("deviceStatus"));
    statusBar()->addWidget(m_workspaceLabel, 1);
    statusBar()->addPermanentWidget(m_jobsLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);
    m_deviceLabel->setText(deviceText());
}

QString MainWindow::deviceText() const
{
    const std::vector<GpuMemory> gpus = gpuMemory();
    const AppSettings s = AppSettings::load();
    const int threads = s.threads > 0 ? s.threads : QThread::idealThreadCount();
    if (gpus.empty())
        return tr("Device: CPU, %n threads", nullptr, threads);
    const GpuMemory& g = gpus.front();
    const QString mem = QLocale().formattedDataSize(g.totalBytes, 0, QLocale::DataSizeIecFormat);
    if (gpus.size() == 1)
        return tr("Device: %1 (%2)").arg(QString::fromStdString(g.name), mem);
    return tr("Devices: %n GPUs (%1, %2 each)", nullptr, int(gpus.size())).arg(QString::fromStdString(g.name), mem);
}

void MainWindow::updateActions()
{
    const bool open = m_workspace.isOpen();
    m_closeWorkspaceAct->setEnabled(open);
    m_addModelAct->setEnabled(open);
    m_refreshAct->setEnabled(open);
    m_collectAct->setEnabled(open);
    m_reshardAct->setEnabled(open && !m_workspace.traceSetDirs().isEmpty());
    m_importAct->setEnabled(open);
    m_trainAct->setEnabled(open && !m_workspace.traceSetDirs().isEmpty());
    const bool run = open && !selectedRunDir().isEmpty();
    m_evaluateAct->setEnabled(run);
    m_exportAct->setEnabled(run);
    m_simulateAct->setEnabled(open && !m_workspace.traceSetDirs().isEmpty());
}

QString MainWindow::selectedRunDir() const
{
    const WorkspaceEntry* e = m_model->entry(m_tree->currentIndex());
    return e && e->kind == WorkspaceEntry::Run ? e->path : QString();
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_workspace.isOpen() ? tr("%1 — SpecMoE Workbench").arg(m_workspace.name())
                                        : tr("SpecMoE Workbench"));
    m_workspaceLabel->setText(m_workspace.isOpen() ? QDir::toNativeSeparators(m_workspace.root())
                                                   : tr("No workspace open"));
}

void MainWindow::updateStatus()
{
    const widgets::JobsModel* jm = m_runner->model();
    const int running = jm->count(JobState::Running) + jm->count(JobState::Cancelling);
    const int queued = jm->count(JobState::Queued);
    if (running == 0 && queued == 0) {
        m_jobsLabel->setText(tr("No jobs running"));
        return;
    }
    QString text = tr("%n job(s) running", nullptr, running);
    if (queued > 0)
        text += QStringLiteral(", ") + tr("%n queued", nullptr, queued);
    for (int r = 0; r < jm->rowCount(); ++r) {
        const widgets::JobInfo& j = jm->at(r);
        if (j.state == JobState::Running && j.total > 0) {
            text += QStringLiteral(" — %1 %2%").arg(j.title).arg(int(j.fraction() * 100));
            break;
        }
    }
    m_jobsLabel->setText(text);
}

// ---- workspaces ----

bool MainWindow::createWorkspace(const QString& dir, const QString& name, QString* error)
{
    Workspace w;
    QString err;
    if (!Workspace::create(dir, name, &w, &err)) {
        m_log->error(QStringLiteral("workspace"), err);
        if (error)
            *error = err;
        return false;
    }
    return openWorkspace(dir, error);
}

bool MainWindow::openWorkspaceOrDemo(const QString& dir, QString* error)
{
    if (Workspace::isWorkspace(dir))
        return openWorkspace(dir, error);
    const QDir d(dir);
    if (!QFileInfo::exists(d.filePath(QStringLiteral("demo.json")))) {
        if (error)
            *error = tr("%1 is neither a workspace nor a demo folder.").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    if (!createWorkspace(dir, tr("Demo"), error))
        return false;
    // The demo's layout (core/demo/demo.cpp): model/, traces/, speculation/.
    if (isModelFolder(d.filePath(QStringLiteral("model")).toStdString()))
        m_workspace.addModel(d.filePath(QStringLiteral("model")));
    if (TraceSet::isTraceFolder(d.filePath(QStringLiteral("traces")).toStdString()))
        m_workspace.addTraceSet(d.filePath(QStringLiteral("traces")));
    if (speculate::RunFolder::isRunFolder(d.filePath(QStringLiteral("speculation")).toStdString()))
        m_workspace.addRun(d.filePath(QStringLiteral("speculation")));
    saveWorkspace();
    refreshWorkspace();
    return true;
}

bool MainWindow::openWorkspace(const QString& dir, QString* error)
{
    Workspace w;
    QString err;
    if (!Workspace::open(dir, &w, &err)) {
        m_log->error(QStringLiteral("workspace"), err);
        if (error)
            *error = err;
        return false;
    }
    if (m_workspace.isOpen())
        closeWorkspace();
    m_workspace = w;
    m_log->info(QStringLiteral("workspace"), QStringLiteral("opened %1").arg(w.root()));
    addRecent(w.root());
    QSettings().setValue(QStringLiteral("workspaces/last"), w.root());
    refreshWorkspace();
    restoreInterruptedJobs();
    updateTitle();
    showWelcome();
    for (const Workspace::OpenView& v : m_workspace.openViews())
        if (const WorkspaceEntry* e = m_model->entry(m_model->indexOf(v.kind, v.path)))
            openEntry(*e, v.view);
    return true;
}

void MainWindow::closeWorkspace()
{
    if (!m_workspace.isOpen())
        return;
    saveWorkspace();
    while (m_tabs->count() > 0) {
        QWidget* w = m_tabs->widget(0);
        m_tabs->removeTab(0);
        if (w != m_welcome)
            w->deleteLater();
    }
    // Interrupted rows of this workspace go; running jobs keep running (their results
    // land in folders of the closed workspace).
    const widgets::JobsModel* jm = m_runner->model();
    for (int r = jm->rowCount() - 1; r >= 0; --r)
        if (jm->at(r).state == JobState::Interrupted)
            m_runner->remove(jm->at(r).id);
    m_workspace = Workspace();
    m_model->clear();
    updateTitle();
    updateActions();
    showWelcome();
}

void MainWindow::saveWorkspace()
{
    if (!m_workspace.isOpen())
        return;
    QVector<Workspace::OpenView> views;
    for (int t = 0; t < m_tabs->count(); ++t) {
        const QWidget* w = m_tabs->widget(t);
        const QString path = w->property(kTabPathProperty).toString();
        if (path.isEmpty())
            continue;
        views.push_back({WorkspaceEntry::Kind(w->property(kTabKindProperty).toInt()), path,
                         w->property(kTabViewProperty).toString()});
    }
    m_workspace.setOpenViews(views);
    QString err;
    if (!m_workspace.save(&err))
        m_log->error(QStringLiteral("workspace"), err);
}

void MainWindow::refreshWorkspace()
{
    if (!m_workspace.isOpen()) {
        m_model->clear();
        return;
    }
    const QModelIndex current = m_tree->currentIndex();
    const QString currentPath = current.data(WorkspaceModel::PathRole).toString();
    const int currentKind = current.data(WorkspaceModel::NodeKindRole).toInt();
    m_model->setContents(m_workspace.scan());
    m_tree->expandToDepth(0);
    if (!currentPath.isEmpty()) {
        const WorkspaceEntry::Kind kind = currentKind == WorkspaceModel::RunNode       ? WorkspaceEntry::Run
                                          : currentKind == WorkspaceModel::ModelNode ? WorkspaceEntry::Model
                                                                                     : WorkspaceEntry::TraceSet;
        const QModelIndex i = m_model->indexOf(kind, currentPath);
        if (i.isValid())
            m_tree->setCurrentIndex(i);
    }
    // Refresh the summary pages of entries that changed.
    for (int t = 0; t < m_tabs->count(); ++t) {
        auto* page = qobject_cast<SummaryPage*>(m_tabs->widget(t));
        if (!page)
            continue;
        const WorkspaceEntry& old = page->entry();
        const QModelIndex i = m_model->indexOf(old.kind, old.path);
        if (const WorkspaceEntry* e = m_model->entry(i))
            page->setEntry(*e);
    }
    updateActions();
    if (auto* welcome = qobject_cast<WelcomePage*>(m_welcome))
        welcome->setWorkspace(m_workspace.isOpen() ? &m_model->contents() : nullptr);
}

bool MainWindow::addModel(const QString& dir, QString* error)
{
    if (!m_workspace.isOpen())
        return false;
    QString problem;
    try {
        if (summarizeModel(dir.toStdString()).weightFiles == 0)
            problem = tr("%1 holds no *.safetensors weight files.").arg(QDir::toNativeSeparators(dir));
    } catch (const std::exception& e) {
        problem = QString::fromStdString(e.what());
    }
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    m_workspace.addModel(dir);
    saveWorkspace();
    refreshWorkspace();
    return true;
}

QStringList MainWindow::recentWorkspaces() const
{
    return QSettings().value(QStringLiteral("workspaces/recent")).toStringList();
}

void MainWindow::addRecent(const QString& dir)
{
    QStringList recent = recentWorkspaces();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(QStringLiteral("workspaces/recent"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentWorkspaces();
    for (const QString& dir : recent) {
        QAction* a = m_recentMenu->addAction(QDir::toNativeSeparators(dir));
        connect(a, &QAction::triggered, this, [this, dir] {
            QString err;
            if (!openWorkspace(dir, &err))
                QMessageBox::warning(this, tr("Open Workspace"), err);
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    if (auto* welcome = qobject_cast<WelcomePage*>(m_welcome))
        welcome->setRecent(recent);
}

void MainWindow::restoreInterruptedJobs()
{
    for (const JobSpec& spec : m_workspace.pendingJobs()) {
        bool known = false; // the job may still be running in this session
        const widgets::JobsModel* jm = m_runner->model();
        for (int r = 0; r < jm->rowCount(); ++r)
            known = known || (jm->at(r).outputPath == spec.outputPath && !widgets::isTerminal(jm->at(r).state));
        if (!known) {
            JobSpec restored = spec;
            restored.title = jobTitle(spec); // in today's language, not the one it was started in
            m_runner->addInterrupted(restored, tr("Not finished in an earlier session; it can be resumed."));
            m_log->warning(QStringLiteral("workspace"), QStringLiteral("interrupted job: %1").arg(spec.title));
        }
    }
}

void MainWindow::newWorkspaceDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose an Empty Folder for the New Workspace"));
    if (dir.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New Workspace"), tr("Workspace name:"), QLineEdit::Normal,
                                               QFileInfo(dir).fileName(), &ok);
    if (!ok)
        return;
    QString err;
    if (!createWorkspace(dir, name, &err))
        QMessageBox::warning(this, tr("New Workspace"), err);
}

void MainWindow::openWorkspaceDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Workspace Folder"));
    if (dir.isEmpty())
        return;
    QString err;
    if (!openWorkspace(dir, &err))
        QMessageBox::warning(this, tr("Open Workspace"), err);
}

void MainWindow::openDemoWorkspace()
{
    const QString root = QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
                             .filePath(QStringLiteral("demo-workspace"));
    if (Workspace::isWorkspace(root) && QFileInfo::exists(QDir(root).filePath(QStringLiteral("demo/demo.json")))) {
        QString err;
        if (!openWorkspace(root, &err))
            QMessageBox::warning(this, tr("Demo Workspace"), err);
        return;
    }
    QMessageBox ask(QMessageBox::Question, tr("Demo Workspace"),
                    tr("The demo builds a small corpus from text on this machine, trains a tokenizer and a small "
                       "Mixture-of-Experts model on the CPU, collects its routing and trains expert predictors. "
                       "Nothing is downloaded. It runs as a job; the workspace fills when it finishes."),
                    QMessageBox::Cancel, this);
    QPushButton* quick = ask.addButton(tr("Quick (about a minute)"), QMessageBox::AcceptRole);
    QPushButton* full = ask.addButton(tr("Full (about 10 minutes)"), QMessageBox::AcceptRole);
    ask.setDefaultButton(quick);
    ask.exec();
    if (ask.clickedButton() != quick && ask.clickedButton() != full)
        return;
    startDemo(root, ask.clickedButton() == quick);
}

qint64 MainWindow::startDemo(const QString& root, bool quick)
{
    QString err;
    const bool ok = Workspace::isWorkspace(root) ? openWorkspace(root, &err)
                                                 : createWorkspace(root, tr("Demo"), &err);
    if (!ok) {
        QMessageBox::warning(this, tr("Demo Workspace"), err);
        return 0;
    }
    demo::DemoParams params = quick ? demo::DemoParams::quickParams() : demo::DemoParams{};
    params.outDir = QDir(root).filePath(QStringLiteral("demo")).toStdString();
    const int threads = AppSettings::load().threads;
    if (threads > 0)
        params.threads = threads;
    JobSpec spec;
    spec.kind = QStringLiteral("demo");
    spec.outputPath = QString::fromStdString(params.outDir);
    spec.params.insert(QStringLiteral("quick"), quick);
    spec.title = jobTitle(spec);
    spec.resumable = false;
    return submitJob(spec, [params](const ProgressFn& progress) -> QVariant {
        return QVariant::fromValue(demo::runDemo(params, progress));
    });
}

void MainWindow::addModelDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a Model Folder"));
    QString error;
    if (!dir.isEmpty() && !addModel(dir, &error))
        QMessageBox::warning(this, tr("Add Model"),
                             tr("%1 is not a model folder (config.json and *.safetensors weights).\n\n%2")
                                 .arg(QDir::toNativeSeparators(dir), error));
}

// ---- jobs ----

qint64 MainWindow::submitJob(const JobSpec& spec, JobFn fn)
{
    if (spec.resumable && m_workspace.isOpen()) {
        m_workspace.setPendingJob(spec);
        saveWorkspace();
    }
    const qint64 id = m_runner->submit(spec, std::move(fn));
    m_jobsDock->raise();
    m_jobsPanel->selectJob(id);
    return id;
}

std::function<void(const QString&)> MainWindow::metricsForwarder(const QString& runDir)
{
    QPointer<MainWindow> self(this);
    return [self, runDir](const QString& line) {
        // Worker thread: hand the line to the GUI thread.
        QMetaObject::invokeMethod(
            qApp, [self, runDir, line] {
                if (self)
                    self->onMetricsLine(runDir, line);
            },
            Qt::QueuedConnection);
    };
}

void MainWindow::onMetricsLine(const QString& runDir, const QString& line)
{
    // The same parser as the run's curves and tree: a readable line in the log.
    QString text;
    try {
        const std::string where = speculate::RunFolder::metricsFile(runDir.toStdString());
        text = QString::fromStdString(speculate::describeMetricsRecord(speculate::parseMetricsLine(line.toStdString(), where)));
    } catch (const std::exception& e) {
        text = QString::fromStdString(e.what());
    }
    m_log->append(LogLevel::Debug, QFileInfo(runDir).fileName(), text);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastMetricsRefresh > 2000) { // the tree shows the latest metrics
        m_lastMetricsRefresh = now;
        refreshWorkspace();
    }
}

qint64 MainWindow::startCollection(const CollectParams& params)
{
    // The collector makes the folder (and removes it when it stops before its first shard).
    return submitJob(collectSpec(params), makeCollectJob(params));
}

qint64 MainWindow::startReshard(const ReshardSettings& settings)
{
    return submitJob(reshardSpec(settings), makeReshardJob(settings));
}

qint64 MainWindow::startImport(const import::ImportParams& params)
{
    return submitJob(importSpec(params), makeImportJob(params));
}

qint64 MainWindow::startTraining(const speculate::TrainParams& params)
{
    const QString runDir = QString::fromStdString(params.runDir);
    QDir().mkpath(runDir);
    const qint64 id = submitJob(trainSpec(params), makeTrainJob(params, metricsForwarder(runDir)));
    refreshWorkspace(); // the run folder shows up at once
    return id;
}

qint64 MainWindow::startEvaluation(const speculate::EvalParams& params)
{
    return submitJob(evaluateSpec(params), makeEvaluateJob(params));
}

qint64 MainWindow::startExport(const speculate::ExportParams& params)
{
    return submitJob(exportSpec(params), makeExportJob(params));
}

qint64 MainWindow::startSimulation(const SimulationSettings& settings)
{
    return submitJob(simulationSpec(settings), makeSimulationJob(settings));
}

void MainWindow::showEvaluation(const QString& runDir, const speculate::EvalReport& report)
{
    const QModelIndex i = m_model->indexOf(WorkspaceEntry::Run, runDir);
    if (!i.isValid())
        return;
    // Opens (or focuses) the run's training views; a new tab reads the saved report itself.
    if (auto* views = qobject_cast<widgets::TrainingRunViews*>(openEntry(*m_model->entry(i), QStringLiteral("curves")))) {
        views->setFinalReport(report);
        views->showComparison();
    }
}

bool MainWindow::resumeJob(qint64 id)
{
    const JobSpec* spec = m_runner->spec(id);
    if (!spec)
        return false;
    const JobSpec copy = *spec;
    JobFn fn;
    try {
        fn = makeResumeJob(copy, metricsForwarder(copy.outputPath));
    } catch (const std::exception& e) { // parameters in workspace.json that no longer read
        m_log->error(QStringLiteral("job %1").arg(id), QString::fromStdString(e.what()));
        return false;
    }
    if (!fn)
        return false;
    if (m_workspace.isOpen()) {
        m_workspace.setPendingJob(copy);
        saveWorkspace();
    }
    m_log->info(QStringLiteral("job %1").arg(id), QStringLiteral("resuming %1").arg(copy.outputPath));
    return m_runner->resubmit(id, copy, std::move(fn));
}

void MainWindow::onJobStateChanged(qint64 id)
{
    const widgets::JobInfo* j = m_runner->model()->find(id);
    if (!j)
        return;
    updateStatus();
    if (!widgets::isTerminal(j->state))
        return;
    const JobSpec* finishedSpec = m_runner->spec(id);
    const QString kind = finishedSpec ? finishedSpec->kind : QString();
    if (j->state == JobState::Finished && m_workspace.isOpen()) {
        // Only resumable jobs leave a pending record; an evaluation's output path is its run's,
        // whose interrupted training must stay resumable.
        if (finishedSpec && finishedSpec->resumable)
            m_workspace.removePendingJob(j->outputPath);
        if (kind == QLatin1String("collect") || kind == QLatin1String("reshard") || kind == QLatin1String("import")) {
            m_workspace.addTraceSet(j->outputPath);
        } else if (kind == QLatin1String("train")) {
            m_workspace.addRun(j->outputPath);
        } else if (kind == QLatin1String("demo")) {
            const auto r = m_runner->result(id).value<demo::DemoResult>();
            if (!r.modelDir.empty())
                m_workspace.addModel(QString::fromStdString(r.modelDir));
            if (!r.traceDir.empty())
                m_workspace.addTraceSet(QString::fromStdString(r.traceDir));
            if (!r.speculationDir.empty())
                m_workspace.addRun(QString::fromStdString(r.speculationDir));
        }
        saveWorkspace();
        if (kind == QLatin1String("collect")) {
            // The CLI prints these after a collection; here they go to the log, warnings
            // (unused checkpoint tensors, skipped corpus input) raised where they are seen.
            const CollectReport report = collectReport(m_runner->result(id).value<CollectResult>());
            const QString source = QFileInfo(j->outputPath).fileName();
            for (const QString& line : report.info)
                m_log->info(source, line);
            for (const QString& line : report.warnings)
                m_log->warning(source, line);
            if (!report.warnings.isEmpty())
                m_logDock->raise();
        }
        if (kind == QLatin1String("export")) {
            const auto r = m_runner->result(id).value<speculate::ExportResult>();
            m_log->info(QStringLiteral("export"), QStringLiteral("predictor exported: %1 (%2 parameters) and %3")
                                                      .arg(QDir::toNativeSeparators(QString::fromStdString(r.weightsFile)))
                                                      .arg(r.parameters)
                                                      .arg(QDir::toNativeSeparators(QString::fromStdString(r.configFile))));
        }
        statusBar()->showMessage(tr("Finished: %1").arg(j->title), 8000);
    } else if (j->state == JobState::Failed) {
        statusBar()->showMessage(tr("Failed: %1").arg(j->title), 8000);
        m_logDock->raise();
    }
    if ((j->state == JobState::Failed || j->state == JobState::Cancelled) && finishedSpec &&
        finishedSpec->resumable && !holdsWorkToResume(*finishedSpec)) {
        // A collection that stopped before its first shard removed what it had made (core),
        // and an import or re-shard that wrote nothing left no trace: nothing to continue, so
        // neither a Resume button nor a pending record for the next session.
        const QString output = j->outputPath;
        m_runner->setResumable(id, false);
        if (m_workspace.isOpen()) {
            m_workspace.removePendingJob(output);
            saveWorkspace();
        }
    }
    refreshWorkspace();
    if (j->state == JobState::Finished && kind == QLatin1String("evaluate"))
        showEvaluation(j->outputPath, m_runner->result(id).value<speculate::EvalReport>());
    if (j->state == JobState::Finished && kind == QLatin1String("simulate")) {
        // What the CLI prints after its table: per setting, the bounds and the best predictor.
        const auto result = m_runner->result(id).value<simulate::SimulationResult>();
        const QString source = QFileInfo(j->outputPath).fileName();
        for (const simulate::GapSummary& g : result.gaps())
            if (!g.best.empty())
                m_log->info(source, QStringLiteral("%1, cache %2, %3 GB/s, m %4, h %5: none %6 tokens/s, oracle %7, "
                                                   "best %8 %9 (%10)")
                                        .arg(QString::fromLatin1(simulate::policyName(g.policy)))
                                        .arg(g.cacheExperts)
                                        .arg(QLocale().toString(g.linkGBps))
                                        .arg(g.budget)
                                        .arg(g.horizon)
                                        .arg(QLocale().toString(g.noneTokensPerSecond, 'f', 2))
                                        .arg(QLocale().toString(g.oracleTokensPerSecond, 'f', 2))
                                        .arg(QString::fromStdString(g.best))
                                        .arg(QLocale().toString(g.bestTokensPerSecond, 'f', 2))
                                        .arg(QString::fromStdString(
                                            simulate::gapVerdictText(simulate::gapVerdict(g), g.gapClosed))));
        // A tab already showing this folder shows the new result.
        const QModelIndex i = m_model->indexOf(WorkspaceEntry::Simulation, j->outputPath);
        const WorkspaceEntry entry = i.isValid() ? *m_model->entry(i) : Workspace::describeSimulation(j->outputPath);
        if (auto* view = qobject_cast<widgets::SimulationView*>(openEntry(entry, QStringLiteral("simulation"))))
            view->setResult(result);
        if (i.isValid()) {
            m_tree->setCurrentIndex(i);
            m_tree->scrollTo(i);
        }
        return;
    }
    if (j->state == JobState::Finished) {
        const bool isRun = kind == QLatin1String("train") || kind == QLatin1String("evaluate");
        const WorkspaceEntry::Kind entryKind = isRun ? WorkspaceEntry::Run : WorkspaceEntry::TraceSet;
        const QModelIndex i = m_model->indexOf(entryKind, j->outputPath);
        if (i.isValid()) {
            m_tree->setCurrentIndex(i);
            m_tree->scrollTo(i);
        }
    }
}

// ---- dialogs ----

void MainWindow::newCollectionDialog()
{
    if (!m_workspace.isOpen())
        return;
    CollectParams defaults;
    AppSettings::load().applyDevice(&defaults.device);
    if (!m_workspace.models().isEmpty())
        defaults.modelDir = m_workspace.models().front().toStdString();
    CollectionDialog dlg(m_workspace.tracesDir(), defaults, this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    const CollectParams p = dlg.params();
    m_workspace.addModel(QString::fromStdString(p.modelDir));
    startCollection(p);
    refreshWorkspace();
}

void MainWindow::reshardDialog(const QString& traceSetDir)
{
    if (!m_workspace.isOpen())
        return;
    ReshardDialog dlg(m_workspace.traceSetDirs(), m_workspace.tracesDir(), this);
    if (!traceSetDir.isEmpty())
        dlg.setSource(traceSetDir);
    if (dlg.exec() == QDialog::Accepted)
        startReshard(dlg.settings());
}

void MainWindow::importDialog()
{
    if (!m_workspace.isOpen())
        return;
    ImportDialog dlg(m_workspace.tracesDir(), this);
    if (dlg.exec() == QDialog::Accepted)
        startImport(dlg.params());
}

void MainWindow::newTrainingDialog(const QString& traceSetDir)
{
    if (!m_workspace.isOpen())
        return;
    // The settings' device goes in with the defaults, whatever the trace sets (it used to be
    // applied only when one trace set was preselected, so with two or more the dialog showed
    // its first device entry instead).
    speculate::TrainParams defaults;
    AppSettings::load().applyDevice(&defaults.device);
    TrainingDialog dlg(m_workspace.traceSetDirs(), m_workspace.runsDir(), defaults, this);
    if (!traceSetDir.isEmpty())
        dlg.selectTraceSets({traceSetDir});
    if (dlg.exec() != QDialog::Accepted)
        return;
    speculate::TrainParams params = dlg.params();
    if (confirmRunFolder(&params))
        startTraining(params);
}

bool MainWindow::confirmRunFolder(speculate::TrainParams* params)
{
    const ExistingRunQuestion q = existingRunQuestion(*params);
    if (q.text.isEmpty())
        return true;
    QMessageBox box(QMessageBox::Question, tr("Run folder in use"), q.text, QMessageBox::Cancel, this);
    QPushButton* continueRun = q.canContinue ? box.addButton(tr("Continue"), QMessageBox::AcceptRole) : nullptr;
    QPushButton* startOver = box.addButton(tr("Start Over"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (continueRun && box.clickedButton() == continueRun) {
        params->resume = true;
        return true;
    }
    if (box.clickedButton() != startOver)
        return false;
    try {
        speculate::clearRun(params->runDir);
    } catch (const std::exception& e) {
        m_log->error(QFileInfo(QString::fromStdString(params->runDir)).fileName(), QString::fromStdString(e.what()));
        return false;
    }
    return true;
}

void MainWindow::evaluateDialog(const QString& runDir)
{
    const QString run = runDir.isEmpty() ? selectedRunDir() : runDir;
    if (!m_workspace.isOpen() || run.isEmpty())
        return;
    const AppSettings settings = AppSettings::load();
    speculate::EvalParams defaults;
    settings.applyDevice(&defaults.device);
    defaults.threads = settings.threads;
    EvaluateDialog dlg(run, m_workspace.traceSetDirs(), defaults, this);
    if (dlg.exec() == QDialog::Accepted)
        startEvaluation(dlg.params());
}

void MainWindow::exportPredictorDialog(const QString& runDir)
{
    const QString run = runDir.isEmpty() ? selectedRunDir() : runDir;
    if (!m_workspace.isOpen() || run.isEmpty())
        return;
    ExportPredictorDialog dlg(run, QDir(m_workspace.root()).filePath(QStringLiteral("exports")), this);
    if (dlg.exec() == QDialog::Accepted)
        startExport(dlg.params());
}

void MainWindow::simulationDialog(const QString& traceSetDir, const QString& runDir)
{
    if (!m_workspace.isOpen())
        return;
    const AppSettings settings = AppSettings::load();
    simulate::SimulateParams defaults;
    settings.applyDevice(&defaults.device);
    defaults.threads = settings.threads;
    const QStringList traceSets = m_workspace.traceSetDirs();
    const QString base = !runDir.isEmpty()         ? QFileInfo(runDir).fileName()
                         : !traceSetDir.isEmpty()  ? QFileInfo(traceSetDir).fileName()
                         : traceSets.size() == 1   ? QFileInfo(traceSets.front()).fileName()
                                                   : QStringLiteral("simulation");
    SimulationDialog dlg(traceSets, m_workspace.runDirs(), m_workspace.models(),
                         m_workspace.uniqueSimulationDir(base), defaults, this);
    QStringList traces;
    if (!traceSetDir.isEmpty())
        traces << traceSetDir;
    if (!runDir.isEmpty()) {
        dlg.selectPredictors({runDir});
        for (const std::string& d : speculate::runTraceDirs(runDir.toStdString()))
            traces << QString::fromStdString(d);
    }
    if (!traces.isEmpty())
        dlg.selectTraceSets(traces);
    if (dlg.exec() == QDialog::Accepted)
        startSimulation(dlg.settings());
}

void MainWindow::settingsDialog()
{
    SettingsDialog dlg(this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    const AppSettings s = dlg.settings();
    s.save();
    m_runner->setMaxConcurrent(s.maxConcurrentJobs);
    specmoe::setThreads(s.threads);
    applyTheme(s.theme);
    m_deviceLabel->setText(deviceText());
}

void MainWindow::about()
{
    const BuildInfo info = specmoe::buildInfo();
    QMessageBox::about(this, tr("About SpecMoE Workbench"),
                       tr("<h3>SpecMoE Workbench %1</h3>"
                          "<p>Collect the expert routing of Mixture-of-Experts models, analyse it, and train "
                          "predictors that tell an inference engine which experts tokens will need.</p>"
                          "<p>libtorch %2 · HDF5 %3 · Qt %4</p>")
                           .arg(QString::fromStdString(info.version), QString::fromStdString(info.torchVersion),
                                QString::fromStdString(info.hdf5Version), QString::fromLatin1(qVersion())));
}

// ---- views ----

void MainWindow::showWelcome()
{
    if (!m_welcome) {
        auto* welcome = new WelcomePage(this);
        connect(welcome, &WelcomePage::newWorkspaceRequested, this, &MainWindow::newWorkspaceDialog);
        connect(welcome, &WelcomePage::openWorkspaceRequested, this, &MainWindow::openWorkspaceDialog);
        connect(welcome, &WelcomePage::demoRequested, this, &MainWindow::openDemoWorkspace);
        connect(welcome, &WelcomePage::recentRequested, this, [this](const QString& dir) {
            QString err;
            if (!openWorkspace(dir, &err))
                QMessageBox::warning(this, tr("Open Workspace"), err);
        });
        connect(welcome, &WelcomePage::collectRequested, this, &MainWindow::newCollectionDialog);
        connect(welcome, &WelcomePage::trainRequested, this, [this] { newTrainingDialog(); });
        m_welcome = welcome;
        welcome->setRecent(recentWorkspaces());
    }
    auto* welcome = static_cast<WelcomePage*>(m_welcome);
    welcome->setWorkspace(m_workspace.isOpen() ? &m_model->contents() : nullptr);
    if (m_tabs->indexOf(m_welcome) < 0) {
        m_tabs->insertTab(0, m_welcome, style()->standardIcon(QStyle::SP_DesktopIcon), tr("Start"));
        // The start page cannot be closed.
        if (QWidget* b = m_tabs->tabBar()->tabButton(0, QTabBar::RightSide))
            b->hide();
    }
    if (m_tabs->count() == 1)
        m_tabs->setCurrentIndex(0);
}

QWidget* MainWindow::openEntry(const WorkspaceEntry& entry, const QString& viewId)
{
    QVector<ViewFactory> views = viewsFor(entry.kind);
    const ViewFactory* factory = nullptr;
    for (const ViewFactory& f : views)
        if (viewId.isEmpty() || f.id == viewId) {
            factory = &f;
            break;
        }
    const QString id = factory ? factory->id : QStringLiteral("summary");
    for (int t = 0; t < m_tabs->count(); ++t) {
        QWidget* w = m_tabs->widget(t);
        if (w->property(kTabPathProperty).toString() == entry.path && w->property(kTabViewProperty).toString() == id) {
            m_tabs->setCurrentIndex(t);
            return w;
        }
    }
    QWidget* page = nullptr;
    QString title = entry.name;
    if (factory) {
        page = factory->create(entry, m_tabs);
        title = QStringLiteral("%1 · %2").arg(entry.name, factory->title);
    }
    if (!page) {
        auto* summary = new SummaryPage(entry, m_tabs);
        connect(summary, &SummaryPage::trainRequested, this, [this](const QString& d) { newTrainingDialog(d); });
        connect(summary, &SummaryPage::reshardRequested, this, [this](const QString& d) { reshardDialog(d); });
        connect(summary, &SummaryPage::evaluateRequested, this, [this](const QString& d) { evaluateDialog(d); });
        connect(summary, &SummaryPage::exportRequested, this, [this](const QString& d) { exportPredictorDialog(d); });
        connect(summary, &SummaryPage::showFolderRequested, this, &MainWindow::showFolder);
        page = summary;
    }
    page->setProperty(kTabPathProperty, entry.path);
    page->setProperty(kTabViewProperty, id);
    page->setProperty(kTabKindProperty, int(entry.kind));
    const QIcon icon = m_model->data(m_model->indexOf(entry.kind, entry.path), Qt::DecorationRole).value<QIcon>();
    const int t = m_tabs->addTab(page, icon, title);
    m_tabs->setTabToolTip(t, entry.path);
    m_tabs->setCurrentIndex(t);
    return page;
}

void MainWindow::closeTab(int index)
{
    QWidget* w = m_tabs->widget(index);
    if (w == m_welcome)
        return;
    m_tabs->removeTab(index);
    w->deleteLater();
}

void MainWindow::onTreeActivated(const QModelIndex& index)
{
    if (const WorkspaceEntry* e = m_model->entry(index))
        openEntry(*e);
}

void MainWindow::onTreeContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_tree->indexAt(pos);
    const WorkspaceEntry* e = m_model->entry(index);
    QMenu menu(this);
    if (e) {
        const WorkspaceEntry entry = *e;
        menu.addAction(tr("Open Summary"), this, [this, entry] { openEntry(entry, QStringLiteral("summary")); });
        for (const ViewFactory& f : viewsFor(entry.kind))
            menu.addAction(tr("Open %1").arg(f.title), this, [this, entry, id = f.id] { openEntry(entry, id); });
        menu.addSeparator();
        if (entry.kind == WorkspaceEntry::TraceSet) {
            menu.addAction(m_trainAct->icon(), tr("Train on This Trace Set…"), this,
                           [this, entry] { newTrainingDialog(entry.path); });
            menu.addAction(m_reshardAct->icon(), tr("Re-shard…"), this, [this, entry] { reshardDialog(entry.path); });
            menu.addAction(m_simulateAct->icon(), tr("Simulate an Expert Cache on It…"), this,
                           [this, entry] { simulationDialog(entry.path); });
        }
        if (entry.kind == WorkspaceEntry::Run) {
            menu.addAction(m_evaluateAct->icon(), tr("Evaluate on the Test Split…"), this,
                           [this, entry] { evaluateDialog(entry.path); });
            menu.addAction(m_exportAct->icon(), tr("Export Predictor…"), this,
                           [this, entry] { exportPredictorDialog(entry.path); });
            menu.addAction(m_simulateAct->icon(), tr("Simulate Its Prefetching…"), this,
                           [this, entry] { simulationDialog(QString(), entry.path); });
        }
        if (entry.kind == WorkspaceEntry::Model)
            menu.addAction(tr("Remove from Workspace"), this, [this, entry] {
                m_workspace.removeModel(entry.path);
                saveWorkspace();
                refreshWorkspace();
            });
        menu.addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Show Folder"), this,
                       [this, entry] { showFolder(entry.path); });
        menu.addSeparator();
    }
    menu.addAction(m_collectAct);
    menu.addAction(m_addModelAct);
    menu.addAction(m_refreshAct);
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

void MainWindow::showFolder(const QString& dir)
{
    QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
}

bool MainWindow::holdsWorkToResume(const JobSpec& spec)
{
    const bool traceJob = spec.kind == QLatin1String("collect") || spec.kind == QLatin1String("import") ||
                          spec.kind == QLatin1String("reshard");
    return !traceJob || TraceSet::isTraceFolder(spec.outputPath.toStdString());
}

void MainWindow::changeEvent(QEvent* event)
{
    // A translator installed while the workbench runs: the jobs' titles follow (the other
    // texts are set when their widgets are made).
    if (event->type() == QEvent::LanguageChange && m_runner)
        m_runner->retitle(jobTitle);
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    const int active = m_runner->activeCount();
    if (active > 0) {
        const bool close = m_confirmClose ? m_confirmClose(active)
                                          : QMessageBox::question(
                                                this, tr("Jobs Are Running"),
                                                tr("%n job(s) are still running or queued. Cancel them and quit? "
                                                   "Collections and training runs can be resumed from the "
                                                   "workspace later.",
                                                   nullptr, active),
                                                QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
        if (!close) {
            event->ignore();
            return;
        }
        m_runner->cancelAll();
        m_runner->waitForIdle(30000);
    }
    saveWorkspace(); // unfinished jobs stay listed in workspace.json: resumable next time
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

} // namespace specmoe::gui
