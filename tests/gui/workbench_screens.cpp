// Builds a finished workspace through the main window (core's quick demo, about 20 s; the
// full one with SPECMOE_SCREENSHOT_FULL set) and saves screenshots of it into
// SPECMOE_SCREENSHOT_DIR. scripts/screenshots.sh runs it for docs/screenshots; CTest runs it
// as gui_workbench_screens into the build folder. The workspace goes to
// SPECMOE_SCREENSHOT_WORKSPACE (default: a temporary folder), so the real workbench can be
// started on it afterwards.
#include "app/gui/collection_dialog.h"
#include "app/gui/job_runner.h"
#include "app/gui/main_window.h"
#include "app/gui/training_dialog.h"
#include "widgets/jobs_model.h"
#include "widgets/workspace_model.h"

#include <QDir>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace specmoe;
using namespace specmoe::gui;
using specmoe::widgets::JobState;

class TestWorkbenchScreens : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void screenshots()
    {
        const QString out = qEnvironmentVariable("SPECMOE_SCREENSHOT_DIR");
        QVERIFY2(!out.isEmpty(), "set SPECMOE_SCREENSHOT_DIR (scripts/screenshots.sh does)");
        QDir().mkpath(out);
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SpecMoE-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_workbench_screens"));
        QSettings().clear();
        QTemporaryDir tmp;
        QString root = qEnvironmentVariable("SPECMOE_SCREENSHOT_WORKSPACE");
        if (root.isEmpty())
            root = tmp.filePath(QStringLiteral("demo-workspace"));

        MainWindow window;
        window.setCloseConfirmation([](int) { return true; });
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.grab().save(QDir(out).filePath(QStringLiteral("workbench-start.png"))));

        const qint64 demo = window.startDemo(root, qEnvironmentVariable("SPECMOE_SCREENSHOT_FULL").isEmpty());
        QVERIFY(demo > 0);
        QTRY_VERIFY_WITH_TIMEOUT(window.jobRunner()->model()->find(demo)->done > 0, 600000);
        QTest::qWait(1500);
        QVERIFY(window.grab().save(QDir(out).filePath(QStringLiteral("workbench-running.png"))));
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(window.jobRunner()->state(demo)), 1800000);
        QVERIFY2(window.jobRunner()->state(demo) == JobState::Finished,
                 qPrintable(window.jobRunner()->model()->find(demo)->error));

        // Open the views of the trace set and the run, wait for the analysis.
        const widgets::WorkspaceContents c = window.workspaceModel()->contents();
        QVERIFY(!c.traceSets.isEmpty());
        QVERIFY(!c.runs.isEmpty());
        window.openEntry(c.runs.front());
        window.openEntry(c.traceSets.front());
        QTRY_COMPARE_WITH_TIMEOUT(window.jobRunner()->activeCount(), 0, 600000);
        QTest::qWait(1000);
        window.workspaceView()->expandAll();
        QVERIFY(window.grab().save(QDir(out).filePath(QStringLiteral("workbench-main.png"))));
        window.tabs()->setCurrentIndex(window.tabs()->count() - 2); // the run's curves
        QTest::qWait(1000);
        QVERIFY(window.grab().save(QDir(out).filePath(QStringLiteral("workbench-training.png"))));

        // The dialogs, filled.
        CollectParams s;
        s.modelDir = c.models.isEmpty() ? std::string() : c.models.front().path.toStdString();
        s.sources = {parseSourceSpec("wiki=" + root.toStdString() + ":jsonl:text@2"),
                     parseSourceSpec("code=" + root.toStdString() + ":paragraphs")};
        s.outDir = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("mixtral-wiki-code")).toStdString();
        CollectionDialog collect(window.workspace().tracesDir(), s, &window);
        collect.show();
        QVERIFY(QTest::qWaitForWindowExposed(&collect));
        QVERIFY(collect.grab().save(QDir(out).filePath(QStringLiteral("dialog-collection.png"))));
        collect.close();
        TrainingDialog train(window.workspace().traceSetDirs(), window.workspace().runsDir(), {}, &window);
        train.selectTraceSets({c.traceSets.front().path});
        train.findChild<QLineEdit*>(QStringLiteral("runName"))->setText(QStringLiteral("gru-h2"));
        train.show();
        QVERIFY(QTest::qWaitForWindowExposed(&train));
        QVERIFY(train.grab().save(QDir(out).filePath(QStringLiteral("dialog-training.png"))));
        train.close();
        QVERIFY(window.close());
    }
};

QTEST_MAIN(TestWorkbenchScreens)
#include "workbench_screens.moc"
