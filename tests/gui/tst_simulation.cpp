// The simulation view, its dialog and its job: the view's curves are the rows of a real
// simulation (core's runSimulation on synthetic routing, and the same read back from
// simulation.json), the bounds drawn dashed beside the predictors; the dialog gives the
// parameters its fields say; through the main window a simulation of the golden trace set
// writes its folder, joins the workspace and opens in the view, and a trained run goes
// through the dialog into the view with core's verdict.
#include "app/gui/evaluate_dialog.h"
#include "app/gui/job_runner.h"
#include "app/gui/main_window.h"
#include "app/gui/path_edit.h"
#include "app/gui/simulation_dialog.h"
#include "core/simulate/simulation_file.h"
#include "core/util/error.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/source.h"
#include "tests/support/tiny_simulation.h"
#include "tests/support/tiny_training.h"
#include "widgets/log_panel.h"
#include "widgets/simulation_table_model.h"
#include "widgets/simulation_view.h"
#include "widgets/view_qcustomplot.h"
#include "widgets/workspace_model.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace specmoe;
using namespace specmoe::gui;
using widgets::SimulationView;

namespace {

const QString kGoldenTrace = QStringLiteral(SPECMOE_TEST_DATA "/golden/trace");
const QString kTinyModel = QStringLiteral(SPECMOE_TEST_DATA "/hf-tiny-mixtral");

const simulate::SimulationResult& tinyResult() { return test::tinySimulationResult(); }

// Every point of every graph of a panel is the value of the row it stands for.
void checkPanel(const SimulationView& view, SimulationView::Panel panel, const simulate::SimulationResult& r)
{
    const widgets::SimulationSelection s = view.selection();
    const QStringList plotted = view.plottedPredictors(panel);
    for (const char* name : {"none", "oracle", "frequency", "markov"})
        QVERIFY2(plotted.contains(QString::fromLatin1(name)), name);
    QCOMPARE(plotted.size(), 4);
    int points = 0;
    for (const QString& name : plotted) {
        const QCPGraph* g = view.graph(panel, name);
        QVERIFY(g);
        const bool bound = name == QLatin1String("none") || name == QLatin1String("oracle");
        QCOMPARE(g->pen().style() == Qt::DashLine, bound); // bounds dashed, predictors solid
        const int m = name == QLatin1String("none") ? 0 : s.budget, h = name == QLatin1String("none") ? 0 : s.horizon;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it, ++points) {
            const int cache = panel == SimulationView::HitRatePanel ? int(it->key) : s.cacheExperts;
            const double link = panel == SimulationView::HitRatePanel ? s.linkGBps : it->key;
            const simulate::SimulationRow* row = r.find(name.toStdString(), s.policy, cache, link, m, h);
            QVERIFY2(row, qPrintable(QStringLiteral("%1 cache %2 link %3").arg(name).arg(cache).arg(link)));
            QCOMPARE(it->value, panel == SimulationView::HitRatePanel ? row->hitRate : row->tokensPerSecond);
        }
        // One point per swept value.
        QCOMPARE(g->dataCount(), panel == SimulationView::HitRatePanel ? 3 : 2);
    }
    QCOMPARE(points, panel == SimulationView::HitRatePanel ? 12 : 8);
}

} // namespace

class TestSimulation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SpecMoE-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_simulation"));
        QSettings().clear();
    }

    void viewDrawsTheRowsWithTheBounds()
    {
        const simulate::SimulationResult r = tinyResult();
        QCOMPARE(int(r.rows.size()), 6 + 3 * 6);
        SimulationView view;
        view.resize(1200, 800);
        view.setResult(r);
        const widgets::SimulationSelection s = view.selection();
        QCOMPARE(s.policy, simulate::Policy::Lru);
        QCOMPARE(s.budget, 2);
        QCOMPARE(s.horizon, 1);
        QCOMPARE(s.cacheExperts, 4);   // the middle of 2, 4, 6
        QCOMPARE(s.linkGBps, 25.0);    // nearest the profile's 50 GB/s
        checkPanel(view, SimulationView::HitRatePanel, r);
        checkPanel(view, SimulationView::TokensPerSecondPanel, r);
        // The oracle bounds the predictors from above, no prefetch from below (tokens/s).
        for (int i = 0; i < 2; ++i) {
            const double none = view.graph(SimulationView::TokensPerSecondPanel, QStringLiteral("none"))->data()->at(i)->value;
            const double oracle = view.graph(SimulationView::TokensPerSecondPanel, QStringLiteral("oracle"))->data()->at(i)->value;
            const double markov = view.graph(SimulationView::TokensPerSecondPanel, QStringLiteral("markov"))->data()->at(i)->value;
            QVERIFY(oracle >= markov);
            QVERIFY(oracle > none);
        }
        // Selectors only where the sweep has a choice: one policy, m, h; two links, three caches.
        QVERIFY(view.policyBox()->isHidden());
        QVERIFY(view.budgetBox()->isHidden());
        QVERIFY(!view.linkBox()->isHidden());
        QCOMPARE(view.linkBox()->count(), 2);
        QCOMPARE(view.cacheBox()->count(), 3);
        // Another link for the hit-rate panel: its rows.
        view.linkBox()->setCurrentIndex(view.linkBox()->findData(8.0));
        QCOMPARE(view.selection().linkGBps, 8.0);
        checkPanel(view, SimulationView::HitRatePanel, r);
        view.cacheBox()->setCurrentIndex(view.cacheBox()->findData(2));
        QCOMPARE(view.selection().cacheExperts, 2);
        checkPanel(view, SimulationView::TokensPerSecondPanel, r);
        // The table holds the selection's rows: all of them here (one policy, m, h).
        QCOMPARE(view.tableModel()->rowCount(), int(r.rows.size()));
        // The caption's gap is core's at the selected cache and link.
        const simulate::GapSummary* g = view.series().gap(view.selection(), 2, view.selection().linkGBps);
        QVERIFY(g && !g->best.empty());
        QVERIFY(view.caption().contains(QStringLiteral("no prefetch %1 tokens/s").arg(QLocale().toString(g->noneTokensPerSecond, 'f', 2))));
        if (g->oracleTokensPerSecond - g->noneTokensPerSecond < 0.01 * g->noneTokensPerSecond)
            QVERIFY(view.caption().contains(QStringLiteral("under 1%")));
        else if (g->bestTokensPerSecond < g->noneTokensPerSecond)
            QVERIFY(view.caption().contains(QStringLiteral("slower than no prefetching")));
        else
            QVERIFY(view.caption().contains(QStringLiteral("closes %1% of the gap").arg(QLocale().toString(100.0 * g->gapClosed, 'f', 0))));

        // Hover over a point names its row.
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.plot()->replot();
        const QCPGraph* markov = view.graph(SimulationView::HitRatePanel, QStringLiteral("markov"));
        const auto point = markov->data()->at(1);
        const QPoint at(int(markov->keyAxis()->coordToPixel(point->key)), int(markov->valueAxis()->coordToPixel(point->value)));
        const QString hover = view.hoverText(at);
        QVERIFY2(hover.contains(QStringLiteral("markov")) && hover.contains(QStringLiteral("cache %1").arg(int(point->key))),
                 qPrintable(hover));
        QVERIFY(view.hoverText(QPoint(2, 2)).isEmpty());

        // Export: image and the table's rows as CSV.
        QTemporaryDir out;
        QString err;
        QVERIFY2(view.exportImage(out.filePath(QStringLiteral("sim.png")), QSize(1200, 700), 96, &err), qPrintable(err));
        QVERIFY(QImage(out.filePath(QStringLiteral("sim.png"))).size() == QSize(1200, 700));
        QVERIFY2(view.exportCsv(out.filePath(QStringLiteral("sim.csv")), &err), qPrintable(err));
        QFile csv(out.filePath(QStringLiteral("sim.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), qsizetype(r.rows.size() + 1));
    }

    // A sweep of one cache size and one link: each panel's x axis spans around that value
    // (it spanned 2e-9 and labelled every tick with the same number).
    void viewOfOneSettingHasReadableAxes()
    {
        simulate::SimulationResult r = tinyResult();
        std::vector<simulate::SimulationRow> kept;
        for (const simulate::SimulationRow& row : r.rows)
            if (row.cacheExperts == 4 && row.linkGBps == 25.0)
                kept.push_back(row);
        QVERIFY(!kept.empty());
        r.rows = kept;
        SimulationView view;
        view.resize(1200, 800);
        view.setResult(r);
        for (SimulationView::Panel p : {SimulationView::HitRatePanel, SimulationView::TokensPerSecondPanel}) {
            const QCPRange range = view.panelRect(p)->axis(QCPAxis::atBottom)->range();
            QVERIFY2(range.size() >= 1.0, qPrintable(QStringLiteral("%1 .. %2").arg(range.lower).arg(range.upper)));
            QVERIFY(range.contains(p == SimulationView::HitRatePanel ? 4.0 : 25.0));
        }
    }
    void viewReadsSimulationJson()
    {
        const simulate::SimulationResult r = tinyResult();
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("simulation.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(r.toJson()));
        f.close();
        SimulationView view;
        view.setResult(simulate::readSimulation(dir.path().toStdString()));
        checkPanel(view, SimulationView::HitRatePanel, r);
        checkPanel(view, SimulationView::TokensPerSecondPanel, r);
        QVERIFY(!view.caption().contains(QStringLiteral("ms per layer")));
        // A measured layer time is named in the caption with where it was measured.
        simulate::SimulationResult measured = r;
        simulate::ComputeMeasurement m;
        m.modelDir = kTinyModel.toStdString();
        m.device = "cpu";
        m.msPerLayer = 0.25;
        measured.computeMsPerLayer = 0.25;
        measured.computeMeasurement = m;
        view.setResult(measured);
        QVERIFY2(view.caption().contains(
                     QStringLiteral("compute %1 ms per layer, measured from our runtime on hf-tiny-mixtral (cpu)")
                         .arg(QLocale().toString(0.25, 'g', 3))),
                 qPrintable(view.caption()));
    }

    void dialogBuildsParamsFromItsFields()
    {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("simulations/first"));
        simulate::SimulateParams defaults;
        SimulationDialog dlg({kGoldenTrace}, {}, {kTinyModel}, out, defaults);
        // One trace set: checked. It names no model and no preset has its dims, so "the
        // traces' model" cannot size an expert: said here (the job failed at once before).
        QVERIFY(!dlg.isInputValid());
        QVERIFY2(dlg.messageText().contains(QStringLiteral("size of an expert")), qPrintable(dlg.messageText()));
        dlg.modelBox()->setCurrentIndex(dlg.modelBox()->findData(kTinyModel));
        QVERIFY2(dlg.isInputValid(), qPrintable(dlg.messageText()));
        // Core's defaults in the fields.
        QCOMPARE(dlg.batchBox()->value(), defaults.batch);
        QCOMPARE(dlg.hardwareBox()->currentData().toString(), QString::fromStdString(defaults.hardware.name));
        QVERIFY(dlg.policyCheck(simulate::Policy::Lru)->isChecked());
        QVERIFY(!dlg.policyCheck(simulate::Policy::Belady)->isChecked());
        // The bounds are listed, checked and not choosable.
        QListWidget* preds = dlg.predictorList();
        QCOMPARE(preds->item(0)->data(Qt::UserRole).toString(), QStringLiteral("none"));
        QCOMPARE(preds->item(1)->data(Qt::UserRole).toString(), QStringLiteral("oracle"));
        QVERIFY(!(preds->item(1)->flags() & Qt::ItemIsEnabled));

        dlg.cacheEdit()->setText(QStringLiteral("2, 4"));
        dlg.linkEdit()->setText(QStringLiteral("8 25.5"));
        dlg.budgetEdit()->setText(QStringLiteral("2"));
        dlg.horizonEdit()->setText(QStringLiteral("1, 2"));
        dlg.policyCheck(simulate::Policy::Belady)->setChecked(true);
        dlg.modelBox()->setCurrentIndex(dlg.modelBox()->findData(kTinyModel));
        dlg.storageBox()->setCurrentIndex(dlg.storageBox()->findData(int(simulate::StorageDType::Int4)));
        dlg.hardwareBox()->setCurrentIndex(dlg.hardwareBox()->findData(QStringLiteral("rtx-4090")));
        dlg.batchBox()->setValue(4);
        dlg.selectPredictors({QStringLiteral("lookahead")});
        // The layer time: the profile's by default, or our runtime timed on a model folder.
        QCOMPARE(dlg.computeBox()->currentData().toString(), QString());
        QVERIFY(dlg.settings().params.measureComputeModel.empty());
        dlg.computeBox()->setCurrentIndex(dlg.computeBox()->findData(kTinyModel));
        QVERIFY2(dlg.isInputValid(), qPrintable(dlg.messageText()));
        const SimulationSettings s = dlg.settings();
        const simulate::SimulateParams& p = s.params;
        QCOMPARE(s.outputDir, out);
        QCOMPARE(p.traceDirs, std::vector<std::string>{kGoldenTrace.toStdString()});
        QCOMPARE(p.cacheExperts, (std::vector<int>{2, 4}));
        QCOMPARE(p.linkGBps, (std::vector<double>{8.0, 25.5}));
        QCOMPARE(p.budgets, std::vector<int>{2});
        QCOMPARE(p.horizons, (std::vector<int>{1, 2}));
        QCOMPARE(p.policies, (std::vector<simulate::Policy>{simulate::Policy::Lru, simulate::Policy::Belady}));
        QCOMPARE(p.model, kTinyModel.toStdString());
        QCOMPARE(p.storage, simulate::StorageDType::Int4);
        QCOMPARE(p.hardware.name, std::string("rtx-4090"));
        QCOMPARE(p.batch, 4);
        QCOMPARE(p.measureComputeModel, kTinyModel.toStdString());
        QCOMPARE(p.split, std::optional<Split>(Split::Test));
        // The checked baselines (frequency and markov by default, lookahead added); never the bounds.
        QCOMPARE(p.predictors, (std::vector<std::string>{"frequency", "markov", "lookahead"}));

        // Invalid input keeps OK disabled with a message.
        dlg.linkEdit()->setText(QStringLiteral("8, fast"));
        QVERIFY(!dlg.isInputValid());
        QVERIFY(!dlg.okButton()->isEnabled());
        QVERIFY(dlg.messageText().contains(QStringLiteral("Link bandwidths")));
        dlg.linkEdit()->setText(QString());
        QVERIFY(dlg.isInputValid());
        QVERIFY(dlg.settings().params.linkGBps.empty()); // empty: the hardware's link
        dlg.horizonEdit()->setText(QString());
        QVERIFY(!dlg.isInputValid());
        dlg.horizonEdit()->setText(QStringLiteral("1"));
        for (simulate::Policy pol : {simulate::Policy::Lru, simulate::Policy::Belady})
            dlg.policyCheck(pol)->setChecked(false);
        QVERIFY(!dlg.isInputValid());
        QVERIFY(dlg.messageText().contains(QStringLiteral("policy")));
        dlg.policyCheck(simulate::Policy::Lfu)->setChecked(true);
        dlg.selectTraceSets({});
        QVERIFY(!dlg.isInputValid());
        QVERIFY(dlg.messageText().contains(QStringLiteral("trace sets")));
    }

    // The evaluation and simulation dialogs build their token limit with one factory: named
    // maxTokens, 0 shown as "All", core's 64-bit value clamped to what the box holds.
    void tokenLimitBoxIsSharedByTheDialogs()
    {
        simulate::SimulateParams sim;
        sim.maxTokens = 5'000'000'000;
        SimulationDialog simDlg({kGoldenTrace}, {}, {}, QStringLiteral("/tmp/x"), sim);
        speculate::EvalParams eval;
        eval.maxTokens = 1234;
        EvaluateDialog evalDlg(QString(), {kGoldenTrace}, eval);
        auto* simBox = simDlg.findChild<QSpinBox*>(QStringLiteral("maxTokens"));
        auto* evalBox = evalDlg.findChild<QSpinBox*>(QStringLiteral("maxTokens"));
        QVERIFY(simBox && evalBox);
        QCOMPARE(simBox->value(), 2000000000);
        QCOMPARE(simDlg.settings().params.maxTokens, int64_t(2000000000));
        QCOMPARE(evalDlg.params().maxTokens, int64_t(1234));
        for (QSpinBox* box : {simBox, evalBox}) {
            QCOMPARE(box->maximum(), 2000000000);
            QCOMPARE(box->singleStep(), 10000);
            box->setValue(0);
            QCOMPARE(box->text(), QStringLiteral("All"));
        }
        QCOMPARE(simDlg.settings().params.maxTokens, int64_t(0));
        QCOMPARE(evalDlg.params().maxTokens, int64_t(0));
    }

    // A trained run of the workspace through the dialog (opened from the run, as the run's
    // context menu does): the job replays it beside the bounds and the baselines, and the view
    // shows the run's row (core's figures) and core's verdict for the setting shown.
    void trainedRunThroughTheDialog()
    {
        QTemporaryDir tmp;
        MainWindow window;
        QString err;
        const QString root = tmp.filePath(QStringLiteral("ws"));
        QVERIFY2(window.createWorkspace(root, QStringLiteral("Study"), &err), qPrintable(err));
        const QString traces = QDir(window.workspace().tracesDir()).filePath(QStringLiteral("golden"));
        std::filesystem::create_directories(traces.toStdString());
        std::filesystem::copy(kGoldenTrace.toStdString(), traces.toStdString(), std::filesystem::copy_options::recursive);
        const QString runDir = QDir(window.workspace().runsDir()).filePath(QStringLiteral("r1"));
        speculate::TrainParams tp = test::tinyTrainParams(runDir.toStdString(), speculate::BlockSource{});
        tp.traceDirs = {traces.toStdString()};
        tp.epochs = 1;
        tp.trainHiddenState = false;
        speculate::train(tp);
        QVERIFY(speculate::RunFolder::hasBestCheckpoint(runDir.toStdString()));
        window.addModel(kTinyModel);
        window.refreshWorkspace();

        bool runChecked = false, accepted = false;
        QString message;
        QTimer::singleShot(0, &window, [&] {
            auto* dlg = qobject_cast<SimulationDialog*>(QApplication::activeModalWidget());
            if (!dlg)
                return;
            for (int i = 0; i < dlg->predictorList()->count(); ++i) {
                const QListWidgetItem* item = dlg->predictorList()->item(i);
                runChecked |= QDir::cleanPath(item->data(Qt::UserRole).toString()) == QDir::cleanPath(runDir) &&
                              item->checkState() == Qt::Checked;
            }
            for (int i = 0; i < dlg->modelBox()->count(); ++i)
                if (dlg->modelBox()->itemData(i).toString().endsWith(QStringLiteral("hf-tiny-mixtral")))
                    dlg->modelBox()->setCurrentIndex(i);
            dlg->cacheEdit()->setText(QStringLiteral("2, 4"));
            dlg->linkEdit()->setText(QStringLiteral("0.5, 4"));
            dlg->budgetEdit()->setText(QStringLiteral("2"));
            message = dlg->messageText();
            accepted = dlg->okButton()->isEnabled();
            if (accepted)
                dlg->okButton()->click();
            else
                dlg->reject();
        });
        window.simulationDialog(traces, runDir);
        QVERIFY(runChecked);
        QVERIFY2(accepted, qPrintable(message));
        SimulationView* view = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((view = qobject_cast<SimulationView*>(window.tabs()->currentWidget())), 120000);
        const simulate::SimulationResult& r = view->series().result();
        const widgets::SimulationSelection sel = view->selection();
        // The run's row of the setting shown, in the table with core's figures.
        const simulate::SimulationRow* core = nullptr;
        for (const simulate::SimulationRow& row : r.rows)
            if (QDir::cleanPath(QString::fromStdString(row.predictor)) == QDir::cleanPath(runDir) &&
                row.policy == sel.policy && row.cacheExperts == sel.cacheExperts && row.linkGBps == sel.linkGBps &&
                row.budget == sel.budget && row.horizon == sel.horizon)
                core = &row;
        QVERIFY(core);
        QVERIFY(core->counters.prefetches > 0);
        const QString label = widgets::SimulationSeries::predictorLabel(QString::fromStdString(core->predictor));
        QCOMPARE(label, QStringLiteral("r1"));
        int shown = -1;
        for (int i = 0; i < view->tableModel()->rowCount(); ++i)
            if (view->tableModel()->index(i, widgets::SimulationTableModel::PredictorColumn).data().toString() == label &&
                view->tableModel()->row(i).cacheExperts == sel.cacheExperts &&
                view->tableModel()->row(i).linkGBps == sel.linkGBps)
                shown = i;
        QVERIFY(shown >= 0);
        QCOMPARE(view->tableModel()->row(shown).tokensPerSecond, core->tokensPerSecond);
        QCOMPARE(view->tableModel()->row(shown).hitRate, core->hitRate);
        // Core's verdict for that setting, in the caption's words.
        const simulate::GapSummary* g = view->series().gap(sel, sel.cacheExperts, sel.linkGBps);
        QVERIFY(g && !g->best.empty());
        QString expected;
        switch (simulate::gapVerdict(*g)) {
        case simulate::GapVerdict::NoPredictor:
        case simulate::GapVerdict::OracleGainsLittle: expected = QStringLiteral("the oracle gains under 1%"); break;
        case simulate::GapVerdict::AllSlower: expected = QStringLiteral("slower than no prefetching"); break;
        case simulate::GapVerdict::BeyondOracle: expected = QStringLiteral("beyond the oracle"); break;
        case simulate::GapVerdict::ClosesGap:
            expected = QStringLiteral("closes %1% of the gap").arg(QLocale().toString(100.0 * g->gapClosed, 'f', 0));
            break;
        }
        QVERIFY2(view->caption().contains(expected), qPrintable(view->caption() + QStringLiteral(" / ") + expected));
        QVERIFY(view->caption().contains(
            QStringLiteral("the best predictor, %1,").arg(widgets::SimulationSeries::predictorLabel(QString::fromStdString(g->best)))));
    }

    // The job's function reports core's progress and stops when asked: nothing is written.
    void jobReportsProgressAndCancels()
    {
        QTemporaryDir tmp;
        test::writeTinySimulationModel(tmp.path().toStdString());
        SimulationSettings s;
        s.params = test::tinySimulationParams(tmp.path().toStdString());
        s.outputDir = tmp.filePath(QStringLiteral("out"));
        int reports = 0;
        QVERIFY_THROWS_EXCEPTION(specmoe::Cancelled, makeSimulationJob(s)([&](const Progress& p) {
            ++reports;
            return p.unit != "settings" || p.done < 3; // stop after three settings
        }));
        QVERIFY(reports > 3);
        QVERIFY(!QFileInfo::exists(s.outputDir));
        // Run to the end: the files and the value agree.
        const QVariant v = makeSimulationJob(s)([](const Progress&) { return true; });
        const auto r = v.value<simulate::SimulationResult>();
        QCOMPARE(int(r.rows.size()), 6 + 3 * 6);
        QCOMPARE(simulate::readSimulation(s.outputDir.toStdString()).toJson(), r.toJson());
        QVERIFY(QFileInfo::exists(QDir(s.outputDir).filePath(QStringLiteral("simulation.csv"))));
    }

    // Through the main window: the job runs core's simulation on the golden trace set, writes
    // simulation.json and .csv, the folder joins the workspace and opens in the view.
    void jobWritesFolderAndOpensTheView()
    {
        QTemporaryDir tmp;
        MainWindow window;
        QString err;
        QVERIFY2(window.createWorkspace(tmp.filePath(QStringLiteral("ws")), QStringLiteral("Study"), &err), qPrintable(err));
        SimulationSettings s;
        s.params.traceDirs = {kGoldenTrace.toStdString()};
        s.params.split = std::nullopt; // all 30 sequences
        s.params.model = kTinyModel.toStdString();
        s.params.cacheExperts = {2, 4, 8};
        s.params.linkGBps = {0.5, 4};
        s.params.budgets = {2};
        s.outputDir = window.workspace().uniqueSimulationDir(QStringLiteral("golden"));
        const qint64 id = window.startSimulation(s);
        QVERIFY(id > 0);
        QTRY_VERIFY_WITH_TIMEOUT(widgets::isTerminal(window.jobRunner()->state(id)), 60000);
        QCOMPARE(window.jobRunner()->state(id), widgets::JobState::Finished);
        QVERIFY(QFile::exists(QDir(s.outputDir).filePath(QStringLiteral("simulation.json"))));
        QVERIFY(QFile::exists(QDir(s.outputDir).filePath(QStringLiteral("simulation.csv"))));
        const simulate::SimulationResult r = simulate::readSimulation(s.outputDir.toStdString());
        QCOMPARE(r.tokens, qint64(232));
        // The log has what the CLI prints per setting: the bounds and the best predictor.
        // Each line ends with core's verdict for its setting (the share of the gap, or why a
        // share would mean nothing).
        int gapLines = 0;
        for (const simulate::GapSummary& g : r.gaps()) {
            const QString verdict = QString::fromStdString(simulate::gapVerdictText(simulate::gapVerdict(g), g.gapClosed));
            const QString setting = QStringLiteral("cache %1, %2 GB/s").arg(g.cacheExperts).arg(QLocale().toString(g.linkGBps));
            for (const widgets::LogEntry& e : window.logPanel()->entries())
                gapLines += e.text.contains(setting) && e.text.contains(QStringLiteral(", oracle ")) &&
                                    e.text.endsWith(QStringLiteral("(") + verdict + QStringLiteral(")"))
                                ? 1
                                : 0;
        }
        QCOMPARE(gapLines, int(r.gaps().size()));
        // In the tree, and open in the view with the file's rows.
        const QModelIndex i = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Simulation, s.outputDir);
        QVERIFY(i.isValid());
        QVERIFY(window.workspaceModel()->entry(i)->summary.contains(QStringLiteral("setting")));
        auto* view = qobject_cast<SimulationView*>(window.tabs()->currentWidget());
        QVERIFY(view);
        QCOMPARE(view->series().result().toJson(), r.toJson());
        QCOMPARE(view->plottedPredictors(SimulationView::HitRatePanel),
                 (QStringList{QStringLiteral("none"), QStringLiteral("oracle"), QStringLiteral("frequency"),
                              QStringLiteral("markov")}));
        // Reopening the workspace entry shows the same result from the file.
        window.tabs()->removeTab(window.tabs()->indexOf(view));
        delete view;
        auto* again = qobject_cast<SimulationView*>(window.openEntry(*window.workspaceModel()->entry(i)));
        QVERIFY(again);
        QCOMPARE(again->series().result().toJson(), r.toJson());

        // A damaged simulation.json: the tree says so with core's message, the summary page opens.
        const QString bad = window.workspace().uniqueSimulationDir(QStringLiteral("damaged"));
        QVERIFY(QDir().mkpath(bad));
        QFile f(QDir(bad).filePath(QStringLiteral("simulation.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(r.toJson()).replace("\"hit_rate\"", "\"hit_ratio\""));
        f.close();
        window.refreshWorkspace();
        const QModelIndex b = window.workspaceModel()->indexOf(widgets::WorkspaceEntry::Simulation, bad);
        QVERIFY(b.isValid());
        const widgets::WorkspaceEntry damaged = *window.workspaceModel()->entry(b);
        QCOMPARE(damaged.health, widgets::WorkspaceEntry::Failed);
        QVERIFY(!damaged.details.isEmpty());
        QVERIFY2(damaged.details.front().second.contains(QStringLiteral("rows[0]: field 'hit_rate' is missing")),
                 qPrintable(damaged.details.front().second));
        QVERIFY(!qobject_cast<SimulationView*>(window.openEntry(damaged)));
        // A folder without a result yet (a job writing it) is listed as incomplete.
        const QString running = window.workspace().uniqueSimulationDir(QStringLiteral("running"));
        QVERIFY(QDir().mkpath(running));
        QCOMPARE(Workspace::describeSimulation(running).health, widgets::WorkspaceEntry::Incomplete);
    }
};

QTEST_MAIN(TestSimulation)
#include "tst_simulation.moc"
