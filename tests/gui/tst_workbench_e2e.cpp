// End to end through the main window, as a user would: create a workspace, collect the
// routing of the tiny Mixtral fixture on a small token-id corpus, train tiny predictors on
// the trace set, cancel and resume a job, and find every result in the workspace tree.
#include "app/gui/application.h"
#include "app/gui/evaluate_dialog.h"
#include "app/gui/job_runner.h"
#include "app/gui/jobs.h"
#include "app/gui/main_window.h"
#include "app/gui/summary_page.h"
#include "widgets/comparison_table_view.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "widgets/jobs_model.h"
#include "widgets/jobs_panel.h"
#include "widgets/log_panel.h"
#include "widgets/training_run_views.h"
#include "widgets/workspace_model.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <algorithm>
#include <csignal>
#include <random>

#include <sys/resource.h>

using namespace specmoe;
using namespace specmoe::gui;
using specmoe::widgets::JobState;

namespace {

// Token-id documents for the fixture's vocabulary (320 ids, BOS 1).
QString writeIdCorpus(const QString& dir, int docs, int seed)
{
    const QString path = QDir(dir).filePath(QStringLiteral("ids-%1.jsonl").arg(seed));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    std::mt19937 rng{uint32_t(seed)};
    std::uniform_int_distribution<int> len(12, 40), id(3, 319);
    for (int d = 0; d < docs; ++d) {
        QByteArray line = "{\"input_ids\": [";
        const int n = len(rng);
        for (int i = 0; i < n; ++i)
            line += (i ? ", " : "") + QByteArray::number(id(rng));
        line += "]}\n";
        f.write(line);
    }
    return path;
}

CollectParams tinyCollection(const QString& corpus, const QString& out, qint64 tokens)
{
    CollectParams s;
    s.modelDir = SPECMOE_TEST_DATA "/hf-tiny-mixtral";
    s.sources = {parseSourceSpec("ids=" + corpus.toStdString() + ":jsonl-ids")};
    s.targetTokens = tokens;
    s.maxLength = 32;
    s.batchSize = 4;
    s.device = DeviceSpec::cpu();
    s.dtype = ComputeDType::Float32;
    s.lookahead = {1};
    s.shardMB = 0.05;
    s.threads = 1;
    s.outDir = out.toStdString();
    return s;
}

speculate::TrainParams tinyTraining(const QString& traces, const QString& runDir, int epochs)
{
    speculate::TrainParams p;
    p.traceDirs = {traces.toStdString()};
    p.runDir = runDir.toStdString();
    p.horizon = 1;
    p.epochs = epochs;
    p.batchSize = 32;
    p.model.embedDim = 8;
    p.model.hiddenDim = 16;
    p.model.tokenBuckets = 64;
    p.model.statsDim = 8;
    p.shuffleBuffer = 256;
    p.maxValidationTokens = 500;
    p.patience = 1000; // no early stop: the long run must still be going when it is cancelled
    p.device = DeviceSpec::cpu();
    p.threads = 1;
    return p;
}

// The tiny fixture with one tensor the model does not use (core warns, naming it).
QString modelWithUnusedTensor(const QString& dir)
{
    const QString src = QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral");
    QDir().mkpath(dir);
    if (!QFile::copy(src + QStringLiteral("/config.json"), dir + QStringLiteral("/config.json")))
        return {};
    const SafetensorsFile in((src + QStringLiteral("/model.safetensors")).toStdString());
    std::vector<TensorToWrite> tensors;
    for (const TensorEntry& e : in.tensors())
        tensors.push_back({e.name, stDTypeName(e.dtype), e.shape, in.bytes(e), size_t(e.bytes())});
    static const float extra[4] = {1, 2, 3, 4};
    tensors.push_back({"model.vision_tower.weight", "F32", {4}, extra, sizeof extra});
    writeSafetensors((dir + QStringLiteral("/model.safetensors")).toStdString(), tensors);
    return dir;
}

} // namespace

class TestWorkbenchE2E : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SpecMoE-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_workbench_e2e"));
        QSettings().clear();
    }

    // Issue 17: past `ulimit -f` the kernel sends SIGXFSZ, which killed the whole workbench
    // in the middle of an in-process collection. With the signal ignored (what main() does)
    // the shard write fails with EFBIG: the job fails with core's message, the window lives
    // on, and the same collection resumes once the limit is gone.
    void collectionPastTheFileSizeLimitFailsAndTheWorkbenchLives()
    {
        QTemporaryDir tmp;
        MainWindow window;
        window.setCloseConfirmation([](int) { return true; });
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("Limit"), &err), qPrintable(err));
        const QString corpus = writeIdCorpus(tmp.path(), 300, 11);
        const QString traces = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("limited"));
        CollectParams p = tinyCollection(corpus, traces, 6000);
        p.shardMB = 4; // one shard of everything: far past the limit
        JobRunner* runner = window.jobRunner();

        ignoreFileSizeSignal();
        rlimit old{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
        rlimit lim = old;
        lim.rlim_cur = 48 * 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &lim), 0);
        const qint64 id = window.startCollection(p);
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(id)), 240000);
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, SIG_DFL);

        QCOMPARE(runner->state(id), JobState::Failed);
        const QString error = runner->model()->find(id)->error;
        QVERIFY2(error.contains(QStringLiteral("shard")) && error.contains(QStringLiteral("rerun")), qPrintable(error));
        const auto& log = window.logPanel()->entries();
        QVERIFY(std::any_of(log.begin(), log.end(), [&](const widgets::LogEntry& e) {
            return e.level == widgets::LogLevel::Error && e.text.contains(error);
        }));

        // Still alive and working: the same collection runs to the end without the limit.
        bool resumed = false; // QTRY evaluates its expression more than once: resume once
        QTRY_VERIFY_WITH_TIMEOUT(resumed || (resumed = window.resumeJob(id)), 10000); // once the failed job's thread is gone
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(id)), 240000);
        QCOMPARE(runner->state(id), JobState::Finished);
        QVERIFY(runner->result(id).value<CollectResult>().complete);
    }

    // A collection whose model does not load wrote nothing: no traces/NAME folder is left
    // (the workbench made it before the job ran, and showed it as a trace set to resume),
    // the failed job offers no Resume, and the next session does not list it as interrupted.
    void collectionThatFailsBeforeItsFirstShardLeavesNothingToResume()
    {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("ws"));
        MainWindow window;
        window.setCloseConfirmation([](int) { return true; });
        QString err;
        QVERIFY2(window.createWorkspace(root, QStringLiteral("Broken"), &err), qPrintable(err));
        const QString model = tmp.filePath(QStringLiteral("broken-model"));
        QVERIFY(QDir().mkpath(model));
        QVERIFY(QFile::copy(QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral/config.json"),
                            model + QStringLiteral("/config.json")));
        {
            QFile weights(model + QStringLiteral("/model.safetensors"));
            QVERIFY(weights.open(QIODevice::WriteOnly));
            weights.write("not a safetensors file");
        }
        const QString out = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("failed"));
        CollectParams p = tinyCollection(writeIdCorpus(tmp.path(), 20, 3), out, 300);
        p.modelDir = model.toStdString();
        JobRunner* runner = window.jobRunner();
        const qint64 id = window.startCollection(p);
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(id)), 120000);
        QCOMPARE(runner->state(id), JobState::Failed);
        QVERIFY2(runner->model()->find(id)->error.contains(QStringLiteral("model.safetensors")),
                 qPrintable(runner->model()->find(id)->error));
        QVERIFY2(!QFileInfo::exists(out), qPrintable(out));
        QVERIFY(!runner->model()->find(id)->resumable);
        auto* panel = window.findChild<widgets::JobsPanel*>();
        QVERIFY(panel);
        panel->selectJob(id);
        QVERIFY(!panel->resumeButton()->isEnabled());
        window.refreshWorkspace();
        QVERIFY(!window.workspaceModel()->indexOf(widgets::WorkspaceEntry::TraceSet, out).isValid());
        Workspace saved;
        QVERIFY2(Workspace::open(root, &saved, &err), qPrintable(err));
        QVERIFY(saved.pendingJobs().isEmpty());
    }

    // Issue 17: the checkpoint's warnings (CollectResult::modelWarnings) were dropped by the
    // workbench; the CLI prints them. They now reach the log as warnings, with the summary.
    void collectionLogsTheCheckpointWarnings()
    {
        QTemporaryDir tmp;
        MainWindow window;
        window.setCloseConfirmation([](int) { return true; });
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("Warn"), &err), qPrintable(err));
        const QString model = modelWithUnusedTensor(tmp.filePath(QStringLiteral("model")));
        QVERIFY(!model.isEmpty());
        CollectParams p = tinyCollection(writeIdCorpus(tmp.path(), 20, 5), tmp.filePath(QStringLiteral("ws/traces/w")), 300);
        p.modelDir = model.toStdString();
        JobRunner* runner = window.jobRunner();
        const qint64 id = window.startCollection(p);
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(id)), 240000);
        QCOMPARE(runner->state(id), JobState::Finished);
        QCOMPARE(runner->result(id).value<CollectResult>().modelWarnings.size(), size_t(1));

        const auto& log = window.logPanel()->entries();
        auto has = [&](widgets::LogLevel level, const QString& text) {
            return std::any_of(log.begin(), log.end(),
                               [&](const widgets::LogEntry& e) { return e.level == level && e.text.contains(text); });
        };
        QVERIFY(has(widgets::LogLevel::Warning, QStringLiteral("model.vision_tower.weight")));
        QVERIFY(has(widgets::LogLevel::Warning, QStringLiteral("not used by the model")));
        QVERIFY(has(widgets::LogLevel::Info, QStringLiteral("tokens written")));
        // The report itself, without a window.
        CollectResult r;
        r.modelWarnings = {"m: 1 tensor of the weight files not used by the model (ignored): x"};
        r.warnings = {"ids.jsonl:3: broken JSON"};
        r.skippedInputs = 1;
        const CollectReport report = collectReport(r);
        QCOMPARE(report.warnings.size(), 3);
        QVERIFY(report.warnings.first().contains(QStringLiteral("not used by the model")));
        QVERIFY(report.warnings.last().contains(QStringLiteral("broken JSON")));
    }

    void collectTrainCancelResume()
    {
        QTemporaryDir tmp;
        MainWindow window;
        window.setCloseConfirmation([](int) { return true; });
        QAbstractItemModelTester treeTester(window.workspaceModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester jobsTester(window.jobRunner()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("E2E"), &err), qPrintable(err));
        const QString corpus = writeIdCorpus(tmp.path(), 120, 7);
        QVERIFY(!corpus.isEmpty());
        window.addModel(QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral"));

        // The event loop keeps turning during jobs.
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&] { ++ticks; });
        timer.start(20);

        // 1. Collection.
        const QString traces = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("tiny"));
        JobRunner* runner = window.jobRunner();
        QSignalSpy finished(runner, &JobRunner::jobFinished);
        QSignalSpy failed(runner, &JobRunner::jobFailed);
        QElapsedTimer clock;
        clock.start();
        const int ticksBefore = ticks;
        const qint64 collectId = window.startCollection(tinyCollection(corpus, traces, 1500));
        QVERIFY(collectId > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!widgets::isTerminal(runner->state(collectId)) || finished.count() + failed.count() > 0, 2000);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() >= 1, 240000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
        QCOMPARE(runner->state(collectId), JobState::Finished);
        const CollectResult cr = runner->result(collectId).value<CollectResult>();
        QVERIFY(cr.tokensWritten >= 1000);
        // A 20 ms timer kept firing while the job ran: a blocked event loop would show one
        // coalesced tick at most, whatever the job's duration.
        const qint64 ms = clock.elapsed();
        qInfo("collection: %d timer ticks in %lld ms", ticks - ticksBefore, static_cast<long long>(ms));
        QVERIFY2(ticks - ticksBefore >= std::max<qint64>(2, ms / 20 / 3),
                 qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks - ticksBefore).arg(ms)));
        const QModelIndex traceIndex = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::TraceSet, traces);
        QVERIFY(traceIndex.isValid());
        QCOMPARE(window.workspaceModel()->entry(traceIndex)->health, widgets::WorkspaceEntry::Ok);
        QVERIFY(window.workspace().pendingJobs().isEmpty());

        // 2. Training on it.
        const QString runDir = QDir(window.workspace().runsDir()).filePath(QStringLiteral("gru"));
        const qint64 trainId = window.startTraining(tinyTraining(traces, runDir, 2));
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(trainId)), 300000);
        QVERIFY2(runner->state(trainId) == JobState::Finished,
                 qPrintable(runner->model()->find(trainId)->error));
        const speculate::TrainResult tr = runner->result(trainId).value<speculate::TrainResult>();
        QVERIFY(tr.epochsRun >= 1); // early stopping may end it after the first epoch
        const QModelIndex runIndex = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Run, runDir);
        QVERIFY(runIndex.isValid());
        QCOMPARE(window.workspaceModel()->entry(runIndex)->health, widgets::WorkspaceEntry::Ok);
        auto* page = qobject_cast<SummaryPage*>(window.openEntry(*window.workspaceModel()->entry(runIndex), QStringLiteral("summary")));
        QVERIFY(page);
        QVERIFY(page->metricsRows() > 0);

        // The built-in views: routing analysis (as a job) and training curves.
        QWidget* routing = window.openEntry(*window.workspaceModel()->entry(
            window.workspaceModel()->indexOf(widgets::WorkspaceEntry::TraceSet, traces)));
        QVERIFY(routing && !qobject_cast<SummaryPage*>(routing));
        QVERIFY(window.openEntry(*window.workspaceModel()->entry(
            window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Run, runDir))));
        QTRY_COMPARE_WITH_TIMEOUT(runner->activeCount(), 0, 120000);
        QCOMPARE(runner->model()->count(JobState::Failed), 0);

        // 2b. Honest evaluation and export, through the dialogs a run's menu opens.
        {
            EvaluateDialog dlg(runDir, window.workspace().traceSetDirs());
            QVERIFY2(dlg.isInputValid(), qPrintable(dlg.messageText()));
            const speculate::EvalParams ep = dlg.params();
            QVERIFY(ep.split == speculate::Split::Test);
            QCOMPARE(ep.traceDirs, std::vector<std::string>{QDir(traces).absolutePath().toStdString()}); // as trained
            const qint64 evalId = window.startEvaluation(ep);
            QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(evalId)), 120000);
            QVERIFY2(runner->state(evalId) == JobState::Finished, qPrintable(runner->model()->find(evalId)->error));
            const auto report = runner->result(evalId).value<speculate::EvalReport>();
            QCOMPARE(report.split, std::string("test"));
            QVERIFY(report.tokens > 0);
            QVERIFY(report.find(speculate::kEnsemble) && report.find(speculate::kMarkov));
            QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("evaluation-test.json"))));
            // The run's comparison table now shows the test split, and the tree says so.
            auto* views = qobject_cast<widgets::TrainingRunViews*>(window.tabs()->currentWidget());
            QVERIFY(views);
            QVERIFY(views->hasFinalReport());
            QCOMPARE(views->currentWidget(), static_cast<QWidget*>(views->tableView()));
            QVERIFY2(views->tableView()->caption().contains(QStringLiteral("test split")),
                     qPrintable(views->tableView()->caption()));
            QVERIFY(views->tableView()->model()->rowCount() >= 5); // 3 models + 4 baselines at h = 1
            const widgets::WorkspaceEntry* runEntry = window.workspaceModel()->entry(
                window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Run, runDir));
            QVERIFY(runEntry);
            bool listed = false, validation = false;
            for (const auto& d : runEntry->details) {
                listed = listed || (d.second.startsWith(QStringLiteral("test split")) && d.second.contains(QStringLiteral("recall@2")));
                validation = validation || d.second.startsWith(QStringLiteral("validation split"));
            }
            QVERIFY(listed);
            QVERIFY(validation);
            // A new tab of the run reads the saved evaluation back.
            widgets::TrainingRunViews reopened;
            reopened.followRun(runDir);
            QVERIFY(reopened.hasFinalReport());
            QCOMPARE(reopened.tableView()->model()->rowCount(), views->tableView()->model()->rowCount());

            // A trace set that is not there: the job fails with its reason, nothing crashes.
            speculate::EvalParams bad = ep;
            bad.traceDirs = {tmp.filePath(QStringLiteral("missing")).toStdString()};
            const qint64 badId = window.startEvaluation(bad);
            QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(badId)), 60000);
            QCOMPARE(runner->state(badId), JobState::Failed);
            QVERIFY(runner->model()->find(badId)->error.contains(QStringLiteral("missing")));

            const QString exportsDir = QDir(window.workspace().root()).filePath(QStringLiteral("exports"));
            ExportPredictorDialog ex(runDir, exportsDir);
            QVERIFY2(ex.isInputValid(), qPrintable(ex.messageText()));
            QCOMPARE(QString::fromStdString(ex.params().outDir), QDir(exportsDir).filePath(QStringLiteral("gru")));
            ex.setOutputDir(QDir(runDir).filePath(QStringLiteral("inside")));
            QVERIFY(!ex.isInputValid()); // the run's own folder is refused
            ex.setOutputDir(QDir(exportsDir).filePath(QStringLiteral("gru")));
            const qint64 exportId = window.startExport(ex.params());
            QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(exportId)), 60000);
            QVERIFY2(runner->state(exportId) == JobState::Finished, qPrintable(runner->model()->find(exportId)->error));
            QVERIFY(runner->result(exportId).value<speculate::ExportResult>().parameters > 0);
            QVERIFY(QFileInfo::exists(QDir(exportsDir).filePath(QStringLiteral("gru/predictor.safetensors"))));
            QVERIFY(QFileInfo::exists(QDir(exportsDir).filePath(QStringLiteral("gru/config.json"))));
            // A destination that cannot be created (under a plain file): the job fails naming it.
            QFile plain(tmp.filePath(QStringLiteral("plain")));
            QVERIFY(plain.open(QIODevice::WriteOnly));
            plain.close();
            speculate::ExportParams blocked = ex.params();
            blocked.outDir = tmp.filePath(QStringLiteral("plain/out")).toStdString();
            const qint64 blockedId = window.startExport(blocked);
            QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(blockedId)), 60000);
            QCOMPARE(runner->state(blockedId), JobState::Failed);
            QVERIFY2(runner->model()->find(blockedId)->error.contains(QStringLiteral("plain/out")),
                     qPrintable(runner->model()->find(blockedId)->error));
            QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("best/predictor.safetensors"))));
            ExportPredictorDialog again(runDir, exportsDir);
            QVERIFY(again.isInputValid()); // replacing an export is allowed, with a warning
            QVERIFY(again.messageText().contains(QStringLiteral("replaced")));
            // Another config.json (a model folder's) is refused: the export would overwrite it.
            const QString modelDir = tmp.filePath(QStringLiteral("model-like"));
            QVERIFY(QDir().mkpath(modelDir));
            QFile modelConfig(QDir(modelDir).filePath(QStringLiteral("config.json")));
            QVERIFY(modelConfig.open(QIODevice::WriteOnly));
            modelConfig.write(R"({"model_type": "mixtral"})");
            modelConfig.close();
            again.setOutputDir(modelDir);
            QVERIFY(!again.isInputValid());
            QVERIFY2(again.messageText().contains(QStringLiteral("not a predictor's")), qPrintable(again.messageText()));

            // A run without a best checkpoint cannot be evaluated or exported.
            const QString empty = QDir(window.workspace().runsDir()).filePath(QStringLiteral("empty"));
            QDir().mkpath(empty);
            EvaluateDialog none(empty, window.workspace().traceSetDirs());
            QVERIFY(!none.isInputValid());
            QVERIFY(none.messageText().contains(QStringLiteral("no best checkpoint")));
        }

        // 3. Cancel a longer training, then resume it from its checkpoint.
        const QString longRun = QDir(window.workspace().runsDir()).filePath(QStringLiteral("long"));
        const qint64 longId = window.startTraining(tinyTraining(traces, longRun, 500));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(QDir(longRun).filePath(QStringLiteral("best/config.json"))), 120000);
        runner->cancel(longId);
        QTRY_COMPARE_WITH_TIMEOUT(runner->state(longId), JobState::Cancelled, 120000);
        QCOMPARE(window.workspace().pendingJobs().size(), 1); // resumable after a restart too
        // Evaluating the interrupted run's best epoch leaves its training resumable.
        speculate::EvalParams longEval;
        longEval.runDir = longRun.toStdString();
        longEval.threads = 1;
        const qint64 longEvalId = window.startEvaluation(longEval);
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner->state(longEvalId)), 60000);
        QVERIFY2(runner->state(longEvalId) == JobState::Finished, qPrintable(runner->model()->find(longEvalId)->error));
        QCOMPARE(window.workspace().pendingJobs().size(), 1);
        QVERIFY(runner->model()->find(longId)->resumable);
        QVERIFY(window.resumeJob(longId));
        QTRY_COMPARE_WITH_TIMEOUT(runner->state(longId), JobState::Running, 10000);
        runner->cancel(longId);
        QTRY_COMPARE_WITH_TIMEOUT(runner->state(longId), JobState::Cancelled, 120000);
        QVERIFY(window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Run, longRun).isValid());
        QVERIFY(runner->waitForIdle(60000));
    }
};

QTEST_MAIN(TestWorkbenchE2E)
#include "tst_workbench_e2e.moc"
