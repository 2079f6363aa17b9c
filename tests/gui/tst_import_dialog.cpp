// The Import Traces dialog (issue 18): invalid input keeps OK disabled with a message naming
// the problem; valid input gives the ImportParams core expects, which survive the workspace's
// JSON; the job it starts writes a verified trace set. With SPECMOE_SCREENSHOT_DIR set, the
// filled dialog is saved there as import_dialog.png.
#include "app/gui/import_dialog.h"
#include "app/gui/job_params.h"
#include "app/gui/jobs.h"
#include "app/gui/path_edit.h"
#include "core/import/import_params_json.h"
#include "core/trace/trace_set.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace specmoe;
using namespace specmoe::gui;

namespace {

QString sample(const char* name) { return QStringLiteral(SPECMOE_TEST_DATA "/import/engines/") + QLatin1String(name); }

template <typename T>
T* child(QWidget* w, const char* name)
{
    T* c = w->findChild<T*>(QString::fromLatin1(name));
    if (!c)
        qFatal("no child %s", name);
    return c;
}

} // namespace

class TestImportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validatesAndFillsParams()
    {
        QTemporaryDir tmp;
        const QString traces = tmp.filePath(QStringLiteral("traces"));
        ImportDialog dlg(traces);
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("Add the files")));

        auto* format = child<QComboBox>(&dlg, "format");
        format->setCurrentIndex(format->findData(QStringLiteral("npy")));
        QVERIFY(!child<QSpinBox>(&dlg, "microBatch")->isEnabled());
        dlg.addInputs({sample("npy_folder")});
        QVERIFY(!dlg.okButton()->isEnabled()); // NumPy arrays carry no expert count
        QVERIFY2(dlg.messageText().contains(QStringLiteral("number of routed experts")), qPrintable(dlg.messageText()));
        child<QSpinBox>(&dlg, "experts")->setValue(6);
        QVERIFY2(dlg.okButton()->isEnabled(), qPrintable(dlg.messageText()));
        QCOMPARE(QString::fromStdString(dlg.params().outDir), QDir(traces).filePath(QStringLiteral("npy_folder-imported")));

        child<QLineEdit>(&dlg, "moeLayers")->setText(QStringLiteral("5-2"));
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("MoE layers")));
        child<QLineEdit>(&dlg, "moeLayers")->setText(QStringLiteral("0, 2-3"));
        QVERIFY(dlg.okButton()->isEnabled());
        QCOMPARE(dlg.params().layout.moeLayers, (std::vector<int>{0, 2, 3}));

        // A bundle carries the model's configuration: no expert count needed.
        format->setCurrentIndex(format->findData(QStringLiteral("megatron")));
        QVERIFY(child<QSpinBox>(&dlg, "microBatch")->isEnabled());
        child<QListWidget>(&dlg, "inputs")->clear();
        child<QSpinBox>(&dlg, "experts")->setValue(0);
        child<QLineEdit>(&dlg, "moeLayers")->clear();
        dlg.addInputs({sample("megatron_requests.npz")});
        QVERIFY2(dlg.okButton()->isEnabled(), qPrintable(dlg.messageText()));
        child<QSpinBox>(&dlg, "microBatch")->setValue(2);
        child<QCheckBox>(&dlg, "allowMissing")->setChecked(true);
        const import::ImportParams p = dlg.params();
        QCOMPARE(p.format, import::ImportFormat::Megatron);
        QCOMPARE(p.microBatch, 2);
        QVERIFY(p.allowMissing);
        QCOMPARE(p.inputs, std::vector<std::string>{sample("megatron_requests.npz").toStdString()});
        // The workspace keeps the parameters as JSON: they come back the same.
        QCOMPARE(import::toJson(importParamsOfJob(importJobParams(p))), import::toJson(p));
        ImportDialog again(traces);
        again.setParams(p);
        QCOMPARE(import::toJson(again.params()), import::toJson(p));

        child<PathEdit>(&dlg, "modelConfig")->setPath(tmp.filePath(QStringLiteral("missing.json")));
        QVERIFY(!dlg.okButton()->isEnabled());

        if (!qEnvironmentVariableIsEmpty("SPECMOE_SCREENSHOT_DIR")) {
            child<PathEdit>(&dlg, "modelConfig")->setPath(sample("deepseek_tiny_config.json"));
            dlg.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dlg));
            const QString dir = qEnvironmentVariable("SPECMOE_SCREENSHOT_DIR");
            QDir().mkpath(dir);
            QVERIFY(dlg.grab().save(QDir(dir).filePath(QStringLiteral("import_dialog.png"))));
        }
    }

    void jobWritesAVerifiedTraceSet()
    {
        registerJobTypes();
        QTemporaryDir tmp;
        import::ImportParams p;
        p.format = import::ImportFormat::Npy;
        p.inputs = {sample("npy_weights.npz").toStdString()};
        p.layout.experts = 8;
        p.outDir = tmp.filePath(QStringLiteral("t")).toStdString();
        const JobSpec spec = importSpec(p);
        QCOMPARE(spec.kind, QStringLiteral("import"));
        QVERIFY(spec.resumable);
        int reports = 0;
        const QVariant v = makeImportJob(p)([&](const Progress&) { return ++reports > 0; });
        const auto r = v.value<import::ImportResult>();
        QCOMPARE(r.sequences, int64_t(2));
        QCOMPARE(r.tokens, int64_t(20));
        QVERIFY(reports > 0);
        QVERIFY(TraceSet::open(p.outDir).verify().ok());
        // A persisted import job resumes (finds everything stored, writes nothing).
        const auto again = makeResumeJob(spec)({}).value<import::ImportResult>();
        QCOMPARE(again.resumedSequences, int64_t(2));
    }
};

QTEST_MAIN(TestImportDialog)
#include "tst_import_dialog.moc"
