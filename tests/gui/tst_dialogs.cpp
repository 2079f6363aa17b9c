// The workbench's dialogs, filled programmatically: invalid input keeps OK disabled with an
// inline message naming the problem; valid input gives the parameters core expects.
#include "app/gui/collection_dialog.h"
#include "app/gui/job_params.h"
#include "app/gui/path_edit.h"
#include "app/gui/reshard_dialog.h"
#include "app/gui/settings_dialog.h"
#include "app/gui/training_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace specmoe;
using namespace specmoe::gui;

namespace {

const QString kModel = QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral");

void writeManifest(const QString& dir, int layers, const QString& modelHash)
{
    QDir().mkpath(dir);
    QFile f(QDir(dir).filePath(QStringLiteral("manifest.json")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    const QJsonObject o{{QStringLiteral("format"), QStringLiteral("specmoe-trace")},
                        {QStringLiteral("schema_version"), 1},
                        {QStringLiteral("complete"), true},
                        {QStringLiteral("dims"), QJsonObject{{QStringLiteral("layers"), layers},
                                                             {QStringLiteral("experts"), 8},
                                                             {QStringLiteral("topk"), 2}}},
                        {QStringLiteral("fingerprint"), QJsonObject{{QStringLiteral("model_config_hash"), modelHash}}},
                        {QStringLiteral("shards"), QJsonArray{}}};
    f.write(QJsonDocument(o).toJson());
}

template <typename T>
T* child(QWidget* w, const char* name)
{
    T* c = w->findChild<T*>(QString::fromLatin1(name));
    if (!c)
        qFatal("no child %s", name);
    return c;
}

} // namespace

class TestDialogs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SpecMoE-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_dialogs"));
        QSettings().clear();
    }

    void collectionDialogValidatesAsTheUserTypes()
    {
        QTemporaryDir tmp;
        const QString ids = tmp.filePath(QStringLiteral("ids.jsonl"));
        {
            QFile f(ids);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"input_ids\": [1, 5, 9, 12]}\n");
        }
        CollectionDialog dlg(tmp.filePath(QStringLiteral("traces")));
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("model")));

        // A folder that is not a model: flagged at once, with the reason.
        dlg.modelEdit()->setPath(tmp.path());
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.modelSummary().contains(QStringLiteral("config.json")));

        // The tiny Mixtral: summary and a memory estimate.
        dlg.modelEdit()->setPath(kModel);
        QVERIFY2(dlg.modelSummary().contains(QStringLiteral("3")), qPrintable(dlg.modelSummary()));
        QVERIFY(dlg.modelSummary().contains(QStringLiteral("8")));
        QVERIFY(!dlg.memoryText().isEmpty());
        QVERIFY(!dlg.okButton()->isEnabled()); // no sources yet
        QVERIFY(dlg.messageText().contains(QStringLiteral("source")));

        dlg.addSource({QStringLiteral("ids"), ids, QStringLiteral("jsonl-ids"), QString(), 1.0});
        child<QLineEdit>(&dlg, "traceName")->setText(QStringLiteral("tiny"));
        child<QComboBox>(&dlg, "device")->setCurrentIndex(child<QComboBox>(&dlg, "device")->findData(QStringLiteral("cpu")));
        child<QComboBox>(&dlg, "dtype")->setCurrentIndex(child<QComboBox>(&dlg, "dtype")->findData(QStringLiteral("float32")));
        QVERIFY2(dlg.okButton()->isEnabled(), qPrintable(dlg.messageText()));

        const CollectSettings s = dlg.settings();
        QCOMPARE(s.modelDir, kModel);
        QCOMPARE(s.sources.size(), 1);
        QCOMPARE(s.sources[0].format, QStringLiteral("jsonl-ids"));
        QCOMPARE(s.outputDir, QDir(tmp.filePath(QStringLiteral("traces"))).filePath(QStringLiteral("tiny")));
        QCOMPARE(s.lookahead, (QVector<int>{1, 2}));
        QCOMPARE(s.device, QStringLiteral("cpu"));
        QCOMPARE(s.dtype, QStringLiteral("float32"));

        // Text sources need a tokenizer; the fixture has none.
        dlg.addSource({QStringLiteral("text"), ids, QStringLiteral("text"), QString(), 1.0});
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("tokenizer")));
        dlg.removeSource(1);
        QVERIFY(dlg.okButton()->isEnabled());

        // Duplicate names, bad probes, probes beyond the last layer.
        dlg.addSource({QStringLiteral("ids"), ids, QStringLiteral("jsonl-ids"), QString(), 1.0});
        QVERIFY(!dlg.okButton()->isEnabled());
        dlg.removeSource(1);
        child<QLineEdit>(&dlg, "lookahead")->setText(QStringLiteral("1, x"));
        QVERIFY(!dlg.okButton()->isEnabled());
        child<QLineEdit>(&dlg, "lookahead")->setText(QStringLiteral("3"));
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("3")));
        child<QLineEdit>(&dlg, "lookahead")->setText(QString());
        QVERIFY(dlg.okButton()->isEnabled());
        QVERIFY(dlg.settings().lookahead.isEmpty());

        // Missing source path.
        dlg.addSource({QStringLiteral("gone"), tmp.filePath(QStringLiteral("missing.jsonl")), QStringLiteral("jsonl-ids"), QString(), 1.0});
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("gone")));
        dlg.removeSource(1);

        // Round trip through the JSON a workspace stores.
        const CollectSettings back = CollectSettings::fromJson(dlg.settings().toJson());
        QCOMPARE(back.toJson(), dlg.settings().toJson());
        CollectionDialog other(tmp.path());
        other.setSettings(back);
        QCOMPARE(other.settings().toJson(), back.toJson());
        QVERIFY(other.okButton()->isEnabled());
    }

    void memoryEstimateGrowsWithTheBatch()
    {
        QTemporaryDir tmp;
        CollectionDialog dlg(tmp.path());
        dlg.modelEdit()->setPath(kModel);
        child<QSpinBox>(&dlg, "batchSize")->setValue(1);
        const qint64 small = dlg.memoryNeededBytes();
        const QString smallText = dlg.memoryText();
        QVERIFY(small > 0);
        child<QSpinBox>(&dlg, "batchSize")->setValue(4096);
        const qint64 wider = dlg.memoryNeededBytes();
        QVERIFY2(wider > small, qPrintable(QStringLiteral("%1 -> %2").arg(small).arg(wider)));
        child<QSpinBox>(&dlg, "maxLength")->setValue(8192);
        QVERIFY(dlg.memoryNeededBytes() > wider);
        QVERIFY(dlg.memoryText() != smallText); // the label shows the new estimate
        child<QSpinBox>(&dlg, "batchSize")->setValue(1);
        child<QSpinBox>(&dlg, "maxLength")->setValue(16);
        QVERIFY(dlg.memoryNeededBytes() < small); // and shrinks again
    }

    void splitResidencyNeedsGpus()
    {
        QTemporaryDir tmp;
        const QString ids = tmp.filePath(QStringLiteral("ids.jsonl"));
        QFile f(ids);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"input_ids\": [1, 2]}\n");
        f.close();
        CollectionDialog dlg(tmp.path());
        dlg.modelEdit()->setPath(kModel);
        dlg.addSource({QStringLiteral("ids"), ids, QStringLiteral("jsonl-ids"), QString(), 1.0});
        child<QLineEdit>(&dlg, "traceName")->setText(QStringLiteral("t"));
        auto* device = child<QComboBox>(&dlg, "device");
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
        QVERIFY(dlg.okButton()->isEnabled());
        auto* residency = child<QComboBox>(&dlg, "residency");
        residency->setCurrentIndex(residency->findData(QStringLiteral("split")));
        QVERIFY(!dlg.okButton()->isEnabled());
        residency->setCurrentIndex(residency->findData(QStringLiteral("streaming")));
        QVERIFY(dlg.okButton()->isEnabled());
    }

    void reshardDialog()
    {
        QTemporaryDir tmp;
        const QString a = tmp.filePath(QStringLiteral("traces/a"));
        writeManifest(a, 3, QStringLiteral("h"));
        ReshardDialog dlg({a}, tmp.filePath(QStringLiteral("traces")));
        QVERIFY2(dlg.okButton()->isEnabled(), qPrintable(dlg.messageText()));
        ReshardSettings s = dlg.settings();
        QCOMPARE(s.sourceDir, a);
        QCOMPARE(s.outputDir, tmp.filePath(QStringLiteral("traces/a-resharded")));
        child<QDoubleSpinBox>(&dlg, "shardSize")->setValue(16);
        QCOMPARE(dlg.settings().options.shardSizeMB, 16.0);
        // Same folder as the source: refused.
        child<PathEdit>(&dlg, "outputDir")->setPath(a);
        QVERIFY(!dlg.okButton()->isEnabled());
        // An existing trace set: needs "replace".
        const QString b = tmp.filePath(QStringLiteral("traces/b"));
        writeManifest(b, 3, QStringLiteral("h"));
        child<PathEdit>(&dlg, "outputDir")->setPath(b);
        QVERIFY(!dlg.okButton()->isEnabled());
        child<QCheckBox>(&dlg, "overwrite")->setChecked(true);
        QVERIFY(dlg.okButton()->isEnabled());
        QCOMPARE(ReshardSettings::fromJson(dlg.settings().toJson()).toJson(), dlg.settings().toJson());
    }

    void trainingDialog()
    {
        QTemporaryDir tmp;
        const QString a = tmp.filePath(QStringLiteral("traces/a"));
        const QString b = tmp.filePath(QStringLiteral("traces/b"));
        const QString other = tmp.filePath(QStringLiteral("traces/other-model"));
        writeManifest(a, 3, QStringLiteral("h1"));
        writeManifest(b, 3, QStringLiteral("h1"));
        writeManifest(other, 3, QStringLiteral("h2"));
        TrainingDialog dlg({a, b, other}, tmp.filePath(QStringLiteral("runs")));
        QVERIFY(!dlg.okButton()->isEnabled()); // nothing ticked
        dlg.selectTraceSets({a, b});
        QVERIFY(!dlg.okButton()->isEnabled()); // no run name yet
        child<QLineEdit>(&dlg, "runName")->setText(QStringLiteral("gru"));
        QVERIFY2(dlg.okButton()->isEnabled(), qPrintable(dlg.messageText()));

        // Defaults are core's.
        const speculate::TrainParams defaults;
        speculate::TrainParams p = dlg.params();
        QCOMPARE(p.epochs, defaults.epochs);
        QCOMPARE(p.learningRate, defaults.learningRate);
        QCOMPARE(p.horizon, defaults.horizon);
        QCOMPARE(int(p.traceDirs.size()), 2);
        QCOMPARE(QString::fromStdString(p.runDir), QDir(tmp.filePath(QStringLiteral("runs"))).filePath(QStringLiteral("gru")));

        // Mixed models, horizon beyond the layers, no predictor, shares without a test split.
        dlg.selectTraceSets({a, other});
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("models")));
        dlg.selectTraceSets({a});
        child<QSpinBox>(&dlg, "horizon")->setValue(3);
        QVERIFY(!dlg.okButton()->isEnabled());
        child<QSpinBox>(&dlg, "horizon")->setValue(2);
        QVERIFY(dlg.okButton()->isEnabled());
        child<QCheckBox>(&dlg, "interLayer")->setChecked(false);
        child<QCheckBox>(&dlg, "statistics")->setChecked(false);
        QVERIFY(!dlg.okButton()->isEnabled());
        child<QCheckBox>(&dlg, "statistics")->setChecked(true);
        child<QDoubleSpinBox>(&dlg, "trainFraction")->setValue(0.9);
        QVERIFY(!dlg.okButton()->isEnabled());
        child<QDoubleSpinBox>(&dlg, "trainFraction")->setValue(0.8);
        QVERIFY(dlg.okButton()->isEnabled());

        // Hyper-parameters, restore defaults, JSON round trip.
        child<QSpinBox>(&dlg, "epochs")->setValue(2);
        child<QDoubleSpinBox>(&dlg, "learningRate")->setValue(0.01);
        p = dlg.params();
        QCOMPARE(p.epochs, 2);
        QCOMPARE(p.learningRate, 0.01);
        QVERIFY(!p.trainInterLayer);
        const QJsonObject json = trainParamsToJson(p);
        QCOMPARE(trainParamsToJson(trainParamsFromJson(json)), json);
        TrainingDialog again({a, b, other}, tmp.filePath(QStringLiteral("runs")));
        again.setParams(p);
        QCOMPARE(trainParamsToJson(again.params()), json);
        child<QPushButton>(&again, "restoreDefaults")->click();
        QCOMPARE(again.params().epochs, defaults.epochs);
    }

    void settingsDialogPersists()
    {
        SettingsDialog dlg;
        QVERIFY(dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().isEmpty());
        auto* language = child<QComboBox>(&dlg, "language");
        language->setCurrentIndex(language->findData(QStringLiteral("de")));
        QVERIFY(!dlg.messageText().isEmpty()); // applies after a restart
        child<QSpinBox>(&dlg, "threads")->setValue(3);
        auto* theme = child<QComboBox>(&dlg, "theme");
        theme->setCurrentIndex(theme->findData(QStringLiteral("dark")));
        dlg.settings().save();
        const AppSettings back = AppSettings::load();
        QCOMPARE(back.language, QStringLiteral("de"));
        QCOMPARE(back.threads, 3);
        QCOMPARE(back.theme, QStringLiteral("dark"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("de"));
        applyTheme(back.theme);
        applyTheme(QStringLiteral("system"));
    }

    void intLists()
    {
        QVector<int> v;
        QVERIFY(parseIntList(QStringLiteral("1, 2 3"), &v));
        QCOMPARE(v, (QVector<int>{1, 2, 3}));
        QVERIFY(parseIntList(QString(), &v));
        QVERIFY(v.isEmpty());
        QVERIFY(!parseIntList(QStringLiteral("0"), &v));
        QVERIFY(!parseIntList(QStringLiteral("-1"), &v));
        QCOMPARE(intListText({1, 2}), QStringLiteral("1, 2"));
    }
};

QTEST_MAIN(TestDialogs)
#include "tst_dialogs.moc"
