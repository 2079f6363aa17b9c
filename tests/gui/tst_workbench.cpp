// The workbench's machinery: job runner (threads, progress, cancel, failure, resume, the
// event loop keeps turning), jobs/workspace/log/memory widgets, workspace persistence and
// the main window's wiring. Offscreen; every item model under QAbstractItemModelTester.
#include "app/gui/job_runner.h"
#include "app/gui/jobs.h"
#include "app/gui/main_window.h"
#include "app/gui/settings_dialog.h"
#include "app/gui/summary_page.h"
#include "app/gui/view_registry.h"
#include "app/gui/workspace.h"
#include "core/util/error.h"
#include "core/util/sysmem.h"
#include "widgets/jobs_model.h"
#include "widgets/jobs_panel.h"
#include "widgets/log_panel.h"
#include "widgets/memory_gauge.h"
#include "widgets/trace_set_views.h"
#include "widgets/training_run_views.h"
#include "widgets/workspace_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QTranslator>
#include <QTreeView>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace specmoe;
using namespace specmoe::gui;
using specmoe::widgets::JobState;

namespace {

void writeJson(const QString& path, const QJsonObject& o)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(o).toJson());
}

// A trace folder's manifest as the trace writer leaves it (docs/trace-format.md), enough for
// the tree (no shards needed).
void writeFakeTraceSet(const QString& dir, qint64 tokens, bool complete)
{
    QJsonObject shard{{QStringLiteral("file"), QStringLiteral("shard-00000.h5")},
                      {QStringLiteral("tokens"), tokens},
                      {QStringLiteral("sequences"), 4},
                      {QStringLiteral("bytes"), 12345},
                      {QStringLiteral("crc32"), QStringLiteral("00000000")},
                      {QStringLiteral("seq_ranges"), QJsonArray{QJsonArray{0, 3}}}};
    QJsonObject dims{{QStringLiteral("layers"), 3}, {QStringLiteral("experts"), 8}, {QStringLiteral("topk"), 2},
                     {QStringLiteral("lookahead"), QJsonArray{1, 2}}};
    writeJson(QDir(dir).filePath(QStringLiteral("manifest.json")),
              {{QStringLiteral("format"), QStringLiteral("specmoe-trace")},
               {QStringLiteral("schema_version"), 1},
               {QStringLiteral("complete"), complete},
               {QStringLiteral("dims"), dims},
               {QStringLiteral("shards"), QJsonArray{shard}},
               {QStringLiteral("run_config"), QJsonObject{{QStringLiteral("model_dir"), QStringLiteral("/models/tiny")},
                                                          {QStringLiteral("sources"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("wiki")}}}}}},
               {QStringLiteral("fingerprint"), QJsonObject{{QStringLiteral("model_config_hash"), QStringLiteral("abc")},
                                                           {QStringLiteral("dtype"), QStringLiteral("bfloat16")}}}});
}

// A run folder as the trainer leaves it after two epochs (metrics.jsonl lines of
// docs/speculation.md); `finished` adds the final report.
void writeFakeRun(const QString& dir, bool finished)
{
    QDir().mkpath(dir);
    QFile f(QDir(dir).filePath(QStringLiteral("metrics.jsonl")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"type\":\"validation\",\"epoch\":1,\"step\":10,\"final\":true,\"score\":0.5,\"best\":true,\"tokens\":100}\n"
            "{\"type\":\"validation\",\"epoch\":2,\"step\":20,\"final\":true,\"score\":0.4,\"best\":true,\"tokens\":100}\n");
    f.close();
    if (finished)
        writeJson(QDir(dir).filePath(QStringLiteral("report.json")),
                  {{QStringLiteral("split"), QStringLiteral("validation")},
                   {QStringLiteral("tokens"), 100},
                   {QStringLiteral("dims"), QJsonObject{{QStringLiteral("layers"), 3}, {QStringLiteral("experts"), 8},
                                                        {QStringLiteral("topk"), 2}}},
                   {QStringLiteral("predictors"), QJsonArray{}}});
}

// A job that counts to `steps`, reporting progress, sleeping a little per step.
JobFn countingJob(int steps, int sleepMs, std::atomic<int>* reached = nullptr)
{
    return [=](const ProgressFn& progress) -> QVariant {
        for (int i = 1; i <= steps; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
            if (reached)
                reached->store(i);
            Progress p;
            p.stage = "count";
            p.done = i;
            p.total = steps;
            p.unit = "tokens";
            p.rate = 1000.0 / sleepMs;
            p.eta_seconds = double(steps - i) * sleepMs / 1000.0;
            reportProgress(progress, p);
        }
        return QVariant::fromValue(steps * 10);
    };
}

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SpecMoE-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_workbench"));
        QSettings().clear();
    }

    void sysmemParsers()
    {
        const ProcessMemory p = parseProcessStatus("Name:\tx\nVmSize:\t  2048 kB\nVmHWM:\t  1024 kB\nVmRSS:\t   512 kB\n");
        QCOMPARE(p.residentBytes, int64_t(512 * 1024));
        QCOMPARE(p.peakResidentBytes, int64_t(1024 * 1024));
        QCOMPARE(p.virtualBytes, int64_t(2048 * 1024));
        const SystemMemory m = parseMeminfo("MemTotal:  1000 kB\nMemFree: 100 kB\nMemAvailable:  400 kB\n");
        QCOMPARE(m.totalBytes, int64_t(1000 * 1024));
        QCOMPARE(m.usedBytes(), int64_t(600 * 1024));
        const SystemMemory old = parseMeminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 150 kB\n");
        QCOMPARE(old.availableBytes, int64_t(300 * 1024));
        QVERIFY(processMemory().residentBytes > 0);
        QVERIFY(systemMemory().totalBytes > 0);
    }

    void runnerRunsJobOffTheGuiThread()
    {
        JobRunner runner;
        QAbstractItemModelTester tester(runner.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        runner.setProgressInterval(20);
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        QSignalSpy progress(&runner, &JobRunner::jobProgress);
        // The GUI thread's event loop must keep turning while the job runs.
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&] { ++ticks; });
        timer.start(10);
        Qt::HANDLE jobThread = nullptr;
        const qint64 id = runner.submit({QStringLiteral("test"), QStringLiteral("Count"), {}, {}, false},
                                        [&](const ProgressFn& p) -> QVariant {
                                            jobThread = QThread::currentThreadId();
                                            return countingJob(40, 10)(p);
                                        });
        QVERIFY(id > 0);
        QCOMPARE(runner.state(id), JobState::Queued);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY2(ticks >= 10, qPrintable(QStringLiteral("only %1 timer ticks during the job").arg(ticks)));
        QVERIFY(jobThread != QThread::currentThreadId());
        QCOMPARE(finished.at(0).at(0).toLongLong(), id);
        QCOMPARE(finished.at(0).at(1).toInt(), 400);
        QCOMPARE(runner.result(id).toInt(), 400);
        QCOMPARE(runner.state(id), JobState::Finished);
        // Throttled: fewer reports than steps, the last one included.
        QVERIFY(progress.count() >= 2);
        QVERIFY(progress.count() < 40);
        const widgets::JobInfo* info = runner.model()->find(id);
        QVERIFY(info);
        QCOMPARE(info->done, qint64(40));
        QCOMPARE(info->unit, QStringLiteral("tokens"));
        QVERIFY(runner.waitForIdle(5000));
    }

    void finishedJobShowsItsLastProgressWhenTheTotalIsUnknown()
    {
        JobRunner runner;
        runner.setProgressInterval(60000); // everything after the first report is held back
        const qint64 id = runner.submit({QStringLiteral("test"), QStringLiteral("Score"), {}, {}, false},
                                        [](const ProgressFn& p) -> QVariant {
                                            for (int i = 1; i <= 25; ++i) {
                                                Progress pr;
                                                pr.stage = "evaluate";
                                                pr.unit = "tokens";
                                                pr.done = i * 100; // total 0: unknown
                                                reportProgress(p, pr);
                                            }
                                            return 1;
                                        });
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(runner.state(id)), 20000);
        QCOMPARE(runner.state(id), JobState::Finished);
        QCOMPARE(runner.model()->find(id)->done, qint64(2500));
    }

    void cancelStopsARunningJob()
    {
        JobRunner runner;
        QAbstractItemModelTester tester(runner.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::atomic<int> reached{0};
        QSignalSpy cancelled(&runner, &JobRunner::jobCancelled);
        const qint64 id = runner.submit({QStringLiteral("test"), QStringLiteral("Long"), {}, {}, true},
                                        countingJob(100000, 2, &reached));
        QTRY_VERIFY_WITH_TIMEOUT(reached.load() > 5, 10000);
        QCOMPARE(runner.state(id), JobState::Running);
        runner.cancel(id);
        QCOMPARE(runner.state(id), JobState::Cancelling);
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 10000);
        QCOMPARE(runner.state(id), JobState::Cancelled);
        QVERIFY(reached.load() < 100000);
        QVERIFY(runner.waitForIdle(5000));

        // Resume: the same row runs again.
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        QVERIFY(runner.resubmit(id, {QStringLiteral("test"), QStringLiteral("Long (resumed)"), {}, {}, true},
                                countingJob(3, 1)));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(runner.model()->rowCount(), 1);
        QCOMPARE(runner.state(id), JobState::Finished);
    }

    void queuedJobsRunInOrderAndCanBeCancelledWhileQueued()
    {
        JobRunner runner;
        QAbstractItemModelTester tester(runner.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        runner.setMaxConcurrent(1);
        std::atomic<int> reached{0};
        const qint64 a = runner.submit({QStringLiteral("t"), QStringLiteral("A"), {}, {}, false}, countingJob(100000, 2, &reached));
        const qint64 b = runner.submit({QStringLiteral("t"), QStringLiteral("B"), {}, {}, false}, countingJob(2, 1));
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(a), JobState::Running, 5000);
        QCOMPARE(runner.state(b), JobState::Queued);
        QCOMPARE(runner.activeCount(), 2);
        runner.cancel(b);
        QCOMPARE(runner.state(b), JobState::Cancelled);
        runner.cancelAll();
        QVERIFY(runner.waitForIdle(10000));
        QCOMPARE(runner.state(a), JobState::Cancelled);
        QCOMPARE(runner.clearFinished(), 2);
        QCOMPARE(runner.model()->rowCount(), 0);
    }

    void failureIsReportedWithItsMessage()
    {
        JobRunner runner;
        QSignalSpy failed(&runner, &JobRunner::jobFailed);
        const qint64 id = runner.submit({QStringLiteral("t"), QStringLiteral("Broken"), {}, {}, false},
                                        [](const ProgressFn&) -> QVariant {
                                            throw specmoe::Error("model.safetensors: tensor lm_head.weight missing");
                                        });
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
        QCOMPARE(runner.state(id), JobState::Failed);
        QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("lm_head.weight")));
        const QModelIndex state = runner.model()->index(0, widgets::JobsModel::StateColumn);
        QVERIFY(state.data().toString().contains(QStringLiteral("lm_head.weight")));
    }

    void jobsPanelButtonsFollowTheSelectedJob()
    {
        JobRunner runner;
        widgets::JobsPanel panel;
        panel.setModel(runner.model());
        QAbstractItemModelTester tester(runner.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::atomic<int> reached{0};
        QSignalSpy cancelAsked(&panel, &widgets::JobsPanel::cancelRequested);
        connect(&panel, &widgets::JobsPanel::cancelRequested, &runner, &JobRunner::cancel);
        const qint64 id = runner.submit({QStringLiteral("t"), QStringLiteral("Long"), {}, {}, true},
                                        countingJob(100000, 2, &reached));
        panel.selectJob(id);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(id), JobState::Running, 5000);
        QVERIFY(panel.cancelButton()->isEnabled());
        QVERIFY(!panel.resumeButton()->isEnabled());
        panel.cancelButton()->click();
        QCOMPARE(cancelAsked.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(id), JobState::Cancelled, 10000);
        QVERIFY(!panel.cancelButton()->isEnabled());
        QVERIFY(panel.resumeButton()->isEnabled());
        panel.show();
        panel.resize(900, 200);
        QVERIFY(QTest::qWaitForWindowExposed(&panel) || true);
        QVERIFY(runner.waitForIdle(5000));
    }

    void jobsModelTexts()
    {
        widgets::JobsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        widgets::JobInfo j;
        j.id = 7;
        j.title = QStringLiteral("Collect x");
        j.state = JobState::Running;
        j.done = 50;
        j.total = 200;
        j.unit = QStringLiteral("tokens");
        j.rate = 1234.0;
        j.etaSeconds = 125;
        j.startedAt = QDateTime::currentDateTime();
        model.upsert(j);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, widgets::JobsModel::ProgressColumn).data(widgets::JobsModel::FractionRole).toDouble(), 0.25);
        QVERIFY(model.index(0, widgets::JobsModel::RateColumn).data().toString().contains(QStringLiteral("tokens/s")));
        QCOMPARE(model.index(0, widgets::JobsModel::EtaColumn).data().toString(), widgets::JobsModel::durationText(125));
        j.state = JobState::Finished;
        model.upsert(j);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.count(JobState::Finished), 1);
        QVERIFY(model.index(0, widgets::JobsModel::RateColumn).data().toString().isEmpty());
        QVERIFY(model.remove(7));
        QCOMPARE(model.rowCount(), 0);
    }

    void workspaceRoundTripAndScan()
    {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("ws"));
        Workspace w;
        QString err;
        QVERIFY2(Workspace::create(root, QStringLiteral("My study"), &w, &err), qPrintable(err));
        QVERIFY(!Workspace::create(root, QStringLiteral("again"), &w, &err));
        writeFakeTraceSet(QDir(w.tracesDir()).filePath(QStringLiteral("wiki")), 1000, true);
        writeFakeTraceSet(QDir(w.tracesDir()).filePath(QStringLiteral("code")), 500, false);
        writeFakeRun(QDir(w.runsDir()).filePath(QStringLiteral("gru")), true);
        writeFakeRun(QDir(w.runsDir()).filePath(QStringLiteral("gru-2")), false);
        w.addModel(QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral"));
        JobSpec pending{QStringLiteral("train"), QStringLiteral("Train gru-2"), QDir(w.runsDir()).filePath(QStringLiteral("gru-2")),
                        QJsonObject{{QStringLiteral("epochs"), 3}}, true};
        w.setPendingJob(pending);
        QVERIFY2(w.save(&err), qPrintable(err));

        Workspace again;
        QVERIFY2(Workspace::open(root, &again, &err), qPrintable(err));
        QCOMPARE(again.name(), QStringLiteral("My study"));
        QCOMPARE(again.models().size(), 1);
        QCOMPARE(again.pendingJobs().size(), 1);
        QCOMPARE(again.pendingJobs().front().outputPath, pending.outputPath);
        QCOMPARE(again.pendingJobs().front().params.value(QStringLiteral("epochs")).toInt(), 3);
        // Paths inside the workspace are stored relative to it.
        QFile f(QDir(root).filePath(Workspace::fileName()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("\"runs/gru-2\""));

        const widgets::WorkspaceContents c = again.scan();
        QCOMPARE(c.traceSets.size(), 2);
        QCOMPARE(c.runs.size(), 2);
        QCOMPARE(c.models.size(), 1);
        QCOMPARE(c.traceSets[0].name, QStringLiteral("code"));
        QCOMPARE(c.traceSets[0].health, widgets::WorkspaceEntry::Incomplete);
        QCOMPARE(c.traceSets[1].health, widgets::WorkspaceEntry::Ok);
        QVERIFY(c.traceSets[1].summary.contains(QLocale().toString(1000)));
        QCOMPARE(c.runs[0].health, widgets::WorkspaceEntry::Ok);
        QCOMPARE(c.runs[1].health, widgets::WorkspaceEntry::Incomplete);
        QVERIFY(c.models[0].summary.contains(QStringLiteral("3")));

        // A damaged evaluation file: named in the tree, and the run's views keep following the
        // validation lines instead of failing (the file itself is left as it is).
        const QString gru = QDir(w.runsDir()).filePath(QStringLiteral("gru"));
        {
            QFile bad(QDir(gru).filePath(QStringLiteral("evaluation-test.json")));
            QVERIFY(bad.open(QIODevice::WriteOnly));
            bad.write("{\"split\": \"te");
        }
        bool named = false;
        for (const auto& d : Workspace::describeRun(gru).details)
            named = named || d.second == QStringLiteral("unreadable report evaluation-test.json");
        QVERIFY(named);
        // A damaged manifest and a damaged metrics line are named too.
        const QString broken = QDir(w.tracesDir()).filePath(QStringLiteral("broken"));
        writeJson(QDir(broken).filePath(QStringLiteral("manifest.json")), {{QStringLiteral("format"), QStringLiteral("specmoe-trace")}});
        const widgets::WorkspaceEntry brokenEntry = Workspace::describeTraceSet(broken);
        QCOMPARE(brokenEntry.health, widgets::WorkspaceEntry::Failed);
        QCOMPARE(brokenEntry.summary, QStringLiteral("unreadable manifest"));
        QVERIFY(!brokenEntry.details.isEmpty());
        QVERIFY2(brokenEntry.details.front().second.contains(QStringLiteral("manifest.json")),
                 qPrintable(brokenEntry.details.front().second));
        QDir(broken).removeRecursively();
        const QString gru2 = QDir(w.runsDir()).filePath(QStringLiteral("gru-2"));
        {
            QFile metrics(QDir(gru2).filePath(QStringLiteral("metrics.jsonl")));
            QVERIFY(metrics.open(QIODevice::Append));
            metrics.write("{\"type\":\"step\",\"step\":\"x\"}\n");
        }
        const widgets::WorkspaceEntry gru2Entry = Workspace::describeRun(gru2);
        QCOMPARE(gru2Entry.summary, QStringLiteral("incomplete, epoch 2"));
        bool lineNamed = false;
        for (const auto& d : gru2Entry.details)
            lineNamed = lineNamed || (d.second.contains(QStringLiteral("metrics.jsonl:3")) && d.second.contains(QStringLiteral("'step'")));
        QVERIFY(lineNamed);
        widgets::TrainingRunViews views;
        QVERIFY(views.followRun(gru));
        QVERIFY(!views.hasFinalReport());
        QCOMPARE(QFileInfo(QDir(gru).filePath(QStringLiteral("evaluation-test.json"))).size(), qint64(13)); // untouched

        widgets::WorkspaceModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setContents(c);
        QCOMPARE(model.rowCount(), 4); // trace sets, runs, simulations, models
        const QModelIndex traces = model.groupIndex(widgets::WorkspaceEntry::TraceSet);
        QCOMPARE(model.rowCount(traces), 2);
        const QModelIndex wiki = model.indexOf(widgets::WorkspaceEntry::TraceSet, c.traceSets[1].path);
        QVERIFY(wiki.isValid());
        QCOMPARE(model.entry(wiki)->name, QStringLiteral("wiki"));
        QVERIFY(model.rowCount(wiki) > 3); // manifest facts as children
        const QModelIndex fact = model.index(0, 0, wiki);
        QCOMPARE(model.entry(fact)->path, c.traceSets[1].path);
        QCOMPARE(fact.data(widgets::WorkspaceModel::NodeKindRole).toInt(), int(widgets::WorkspaceModel::DetailNode));
        QVERIFY(!Workspace::open(tmp.filePath(QStringLiteral("nothing")), &again, &err));
        QVERIFY(err.contains(QStringLiteral("workspace.json")));
    }

    void logPanelFiltersByLevel()
    {
        widgets::LogPanel log;
        log.info(QStringLiteral("job 1"), QStringLiteral("started"));
        log.warning(QStringLiteral("job 1"), QStringLiteral("slow disk"));
        log.error(QStringLiteral("job 2"), QStringLiteral("broken"));
        log.append(widgets::LogLevel::Debug, QStringLiteral("x"), QStringLiteral("noise"));
        QCOMPARE(log.entryCount(), 4);
        QVERIFY(log.visibleText().contains(QStringLiteral("started")));
        QVERIFY(!log.visibleText().contains(QStringLiteral("noise")));
        auto* level = log.findChild<QComboBox*>(QStringLiteral("logLevel"));
        QVERIFY(level);
        level->setCurrentIndex(2); // warnings and errors
        QVERIFY(!log.visibleText().contains(QStringLiteral("started")));
        QVERIFY(log.visibleText().contains(QStringLiteral("[job 2] broken")));
        log.clear();
        QCOMPARE(log.entryCount(), 0);
    }

    void memoryPanelShowsGpusOrHostMemory()
    {
        widgets::MemoryPanel panel;
        QVERIFY(panel.interval() >= 500 && panel.interval() <= 2000);
        QVERIFY(panel.gaugeCount() >= 2); // process + system (+ one per GPU)
        // Fake a machine with two GPUs: gauges follow.
        panel.setSampler([] {
            widgets::MemorySnapshot s;
            s.gpus.push_back({0, QStringLiteral("Fake A100"), 40LL << 30, 20LL << 30, 16LL << 30, 12LL << 30});
            s.gpus.push_back({1, QStringLiteral("Fake A100"), 40LL << 30, 1LL << 30, 0, 0});
            s.processResident = 1LL << 30;
            s.systemTotal = 64LL << 30;
            s.systemUsed = 8LL << 30;
            return s;
        });
        QCOMPARE(panel.gaugeCount(), 4);
        QVERIFY(panel.gauge(0)->title().contains(QStringLiteral("Fake A100")));
        QCOMPARE(panel.gauge(0)->segments().size(), 3);
        QCOMPARE(panel.gauge(0)->segments()[0].bytes, 12LL << 30); // allocated
        QCOMPARE(panel.gauge(0)->segments()[1].bytes, 16LL << 30); // reserved
        QVERIFY(panel.gauge(0)->caption().contains(QStringLiteral("20")));
        QVERIFY(!panel.noteText().contains(QStringLiteral("No CUDA GPU")));
        // A machine without a GPU: no gauge for one, and a line that says so.
        panel.setSampler([] {
            widgets::MemorySnapshot s;
            s.processResident = 1LL << 30;
            s.systemTotal = 64LL << 30;
            s.systemUsed = 8LL << 30;
            return s;
        });
        QCOMPARE(panel.gaugeCount(), 2);
        QVERIFY2(panel.noteText().contains(QStringLiteral("No CUDA GPU")), qPrintable(panel.noteText()));
        // It refreshes about once a second on its own.
        panel.setInterval(50);
        QSignalSpy refreshed(&panel, &widgets::MemoryPanel::refreshed);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 2, 3000);
        panel.setSampler(&widgets::sampleMemory);
        QVERIFY(panel.gaugeCount() >= 2);
    }

    void demoFolderIsAdoptedAsWorkspace()
    {
        // What `specmoe demo --out DIR` leaves (scripts/run-demo.sh opens it in the workbench).
        QTemporaryDir tmp;
        const QDir demo(tmp.filePath(QStringLiteral("demo")));
        QVERIFY(QDir().mkpath(demo.filePath(QStringLiteral("model"))));
        writeJson(demo.filePath(QStringLiteral("demo.json")), QJsonObject{{QStringLiteral("checks"), QJsonObject{}}});
        writeJson(demo.filePath(QStringLiteral("model/config.json")), QJsonObject{{QStringLiteral("model_type"), QStringLiteral("mixtral")}});
        writeFakeTraceSet(demo.filePath(QStringLiteral("traces")), 500, true);
        writeFakeRun(demo.filePath(QStringLiteral("speculation")), true);
        MainWindow window;
        QString err;
        QVERIFY2(window.openWorkspaceOrDemo(demo.path(), &err), qPrintable(err));
        QVERIFY(Workspace::isWorkspace(demo.path()));
        QVERIFY(window.workspace().models().contains(demo.filePath(QStringLiteral("model"))));
        QVERIFY(window.workspace().traceSetDirs().contains(demo.filePath(QStringLiteral("traces"))));
        QVERIFY(window.workspace().runDirs().contains(demo.filePath(QStringLiteral("speculation"))));
        // A folder that is neither gives an error, not an empty window.
        QVERIFY(!window.openWorkspaceOrDemo(tmp.filePath(QStringLiteral("nothing")), &err));
        QVERIFY(err.contains(QStringLiteral("neither")));
    }

    void mainWindowOpensWorkspaceAndViews()
    {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("ws"));
        MainWindow window;
        QAbstractItemModelTester tester(window.workspaceModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester jobsTester(window.jobRunner()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QString err;
        QVERIFY2(window.createWorkspace(root, QStringLiteral("Study"), &err), qPrintable(err));
        QVERIFY(window.windowTitle().contains(QStringLiteral("Study")));
        QVERIFY(window.recentWorkspaces().contains(window.workspace().root()));
        writeFakeTraceSet(QDir(window.workspace().tracesDir()).filePath(QStringLiteral("wiki")), 1000, true);
        writeFakeRun(QDir(window.workspace().runsDir()).filePath(QStringLiteral("gru")), true);
        window.refreshWorkspace();
        const QModelIndex wiki = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::TraceSet,
                                                                  QDir(window.workspace().tracesDir()).filePath(QStringLiteral("wiki")));
        QVERIFY(wiki.isValid());

        // The summary page; opening twice focuses the same tab.
        const int before = window.tabs()->count();
        const QString summary = QStringLiteral("summary");
        QWidget* page = window.openEntry(*window.workspaceModel()->entry(wiki), summary);
        QVERIFY(qobject_cast<SummaryPage*>(page));
        QCOMPARE(window.tabs()->count(), before + 1);
        QCOMPARE(window.openEntry(*window.workspaceModel()->entry(wiki), summary), page);
        QCOMPARE(window.tabs()->count(), before + 1);
        const QModelIndex run = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Run,
                                                                 QDir(window.workspace().runsDir()).filePath(QStringLiteral("gru")));
        auto* runPage = qobject_cast<SummaryPage*>(window.openEntry(*window.workspaceModel()->entry(run), summary));
        QVERIFY(runPage);
        QCOMPARE(runPage->metricsRows(), 2);

        // A registered view opens in its own tab.
        registerView({widgets::WorkspaceEntry::TraceSet, QStringLiteral("test"), QStringLiteral("Test view"),
                      [](const widgets::WorkspaceEntry& e, QWidget* parent) -> QWidget* { return new QLabel(e.path, parent); }});
        QCOMPARE(viewsFor(widgets::WorkspaceEntry::TraceSet).size(), 2); // built-in routing views + this
        QWidget* custom = window.openEntry(*window.workspaceModel()->entry(wiki), QStringLiteral("test"));
        QVERIFY(qobject_cast<QLabel*>(custom));
        QCOMPARE(window.tabs()->count(), before + 3);
        clearViews();

        QVERIFY(window.deviceText().contains(QStringLiteral("Device")));
        QVERIFY(window.memoryPanel()->gaugeCount() >= 2);
    }

    // Add Model refuses a folder that is not a model (it joined the tree as a red entry, and
    // became the collection dialog's first model) and names the reason.
    void addModelRefusesAFolderThatIsNotAModel()
    {
        QTemporaryDir tmp;
        MainWindow window;
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("Study"), &err), qPrintable(err));
        QString why;
        QVERIFY(!window.addModel(tmp.path(), &why));
        QVERIFY2(why.contains(QStringLiteral("config.json")), qPrintable(why));
        QVERIFY(window.workspace().models().isEmpty());
        const QString model = QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral");
        QVERIFY2(window.addModel(model, &why), qPrintable(why));
        QCOMPARE(window.workspace().models().size(), 1);
    }

    // A trace set whose analysis fails (here its shard is missing) says so inside its routing
    // views: they stayed empty, the reason only in the log.
    void failedAnalysisIsShownInTheViews()
    {
        QTemporaryDir tmp;
        MainWindow window;
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("Study"), &err), qPrintable(err));
        const QString dir = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("broken"));
        writeFakeTraceSet(dir, 1000, true);
        window.refreshWorkspace();
        const QModelIndex i = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::TraceSet, dir);
        QVERIFY(i.isValid());
        auto* views = qobject_cast<widgets::TraceSetViews*>(
            window.openEntry(*window.workspaceModel()->entry(i), QStringLiteral("routing")));
        QVERIFY(views);
        QVERIFY(!views->notice().isEmpty()); // while the analysis runs
        QVERIFY(window.jobRunner()->waitForIdle(30000));
        QTRY_VERIFY2(views->notice().contains(QStringLiteral("failed")), qPrintable(views->notice()));
        QVERIFY2(views->notice().contains(QStringLiteral("shard-00000.h5")), qPrintable(views->notice()));
    }

    // The training dialog starts with the device of the settings however many trace sets the
    // workspace holds (with two or more and none selected it used to show its first entry).
    void trainingDialogTakesTheSettingsDevice()
    {
        QTemporaryDir tmp;
        MainWindow window;
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("Study"), &err), qPrintable(err));
        for (const char* name : {"wiki", "code"})
            writeFakeTraceSet(QDir(window.workspace().tracesDir()).filePath(QString::fromLatin1(name)), 1000, true);
        window.refreshWorkspace();
        QCOMPARE(window.workspace().traceSetDirs().size(), 2);
        AppSettings settings = AppSettings::load();
        const AppSettings saved = settings;
        for (const QString& device : {QStringLiteral("cpu"), QStringLiteral("cuda:7")}) {
            settings.device = device;
            settings.save();
            for (const QString& traceSet : {QString(), window.workspace().traceSetDirs().front()}) {
                QString shown = QStringLiteral("(no dialog)");
                QTimer::singleShot(0, &window, [&] {
                    auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
                    if (!dialog)
                        return;
                    if (auto* combo = dialog->findChild<QComboBox*>(QStringLiteral("device")))
                        shown = combo->currentData().toString();
                    dialog->reject();
                });
                window.newTrainingDialog(traceSet);
                QCOMPARE(shown, device);
            }
        }
        saved.save();
    }

    // Job titles follow the language: a translator installed while the workbench runs
    // retitles the jobs panel (LanguageChange), and a job restored from workspace.json
    // shows its title in the language of the session, not the one it was started in.
    void jobTitlesFollowTheLanguage()
    {
        // Stands in for a German catalogue: two of the jobs' titles.
        class German : public QTranslator {
        public:
            QString translate(const char* context, const char* source, const char*, int) const override
            {
                if (qstrcmp(context, "Jobs") != 0)
                    return {};
                if (qstrcmp(source, "Collect %1") == 0)
                    return QStringLiteral("Sammeln: %1");
                if (qstrcmp(source, "Train %1") == 0)
                    return QStringLiteral("Trainieren: %1");
                return {};
            }
            bool isEmpty() const override { return false; }
        };
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("ws"));
        MainWindow window;
        QString err;
        QVERIFY2(window.createWorkspace(root, QStringLiteral("Sprachen"), &err), qPrintable(err));
        CollectParams params;
        params.outDir = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("wiki")).toStdString();
        const JobSpec spec = collectSpec(params);
        QCOMPARE(spec.title, QStringLiteral("Collect wiki"));
        const qint64 id = window.jobRunner()->addInterrupted(spec, QString());
        const widgets::JobsModel* jobs = window.jobRunner()->model();
        German german;
        QVERIFY(QCoreApplication::installTranslator(&german));
        QTRY_COMPARE(jobs->find(id)->title, QStringLiteral("Sammeln: wiki"));
        QCOMPARE(window.jobRunner()->spec(id)->title, QStringLiteral("Sammeln: wiki"));
        QVERIFY(QCoreApplication::removeTranslator(&german));
        QTRY_COMPARE(jobs->find(id)->title, QStringLiteral("Collect wiki"));

        // A pending job saved by a German session comes back in this session's English.
        const QString runDir = QDir(root).filePath(QStringLiteral("runs/r1"));
        Workspace ws;
        QVERIFY(Workspace::open(root, &ws, &err));
        ws.setPendingJob({QStringLiteral("train"), QStringLiteral("Trainieren: r1"), runDir, {}, true});
        QVERIFY(ws.save(&err));
        MainWindow next;
        QVERIFY(next.openWorkspace(root, &err));
        const widgets::JobsModel* restored = next.jobRunner()->model();
        QCOMPARE(restored->rowCount(), 1);
        QCOMPARE(restored->at(0).title, QStringLiteral("Train r1"));
    }

    void closingWithRunningJobsAsksAndInterruptedJobsCanBeResumed()
    {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("ws"));
        const QString runDir = QDir(root).filePath(QStringLiteral("runs/never"));
        {
            MainWindow window;
            QString err;
            QVERIFY2(window.createWorkspace(root, QStringLiteral("Study"), &err), qPrintable(err));
            // A long job standing in for a collection: persisted as pending in the workspace.
            JobSpec spec{QStringLiteral("train"), QStringLiteral("Train never"), runDir, {}, true};
            std::atomic<int> reached{0};
            // Use the runner directly with a pending entry as startTraining would record it.
            const qint64 id = window.jobRunner()->submit(spec, countingJob(1000000, 2, &reached));
            Workspace ws;
            QVERIFY(Workspace::open(root, &ws, &err));
            ws.setPendingJob(spec);
            QVERIFY(ws.save(&err));
            QVERIFY(window.openWorkspace(root, &err)); // reload: pending job seen as still running here
            QTRY_COMPARE_WITH_TIMEOUT(window.jobRunner()->state(id), JobState::Running, 5000);
            int asked = 0;
            window.setCloseConfirmation([&](int active) {
                ++asked;
                return active > 0 && asked > 1; // first time: keep running; second: cancel and quit
            });
            window.show();
            QVERIFY(!window.close());
            QCOMPARE(asked, 1);
            QVERIFY(window.isVisible());
            QVERIFY(window.close());
            QCOMPARE(asked, 2);
            QCOMPARE(window.jobRunner()->state(id), JobState::Cancelled);
        }
        // Next session: the job comes back as interrupted and resumable.
        MainWindow window;
        QString err;
        QVERIFY(window.openWorkspace(root, &err));
        const widgets::JobsModel* jobs = window.jobRunner()->model();
        QCOMPARE(jobs->rowCount(), 1);
        QCOMPARE(jobs->at(0).state, JobState::Interrupted);
        QVERIFY(jobs->at(0).resumable);
        QCOMPARE(jobs->at(0).outputPath, runDir);
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
