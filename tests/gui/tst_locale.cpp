// Numbers on screen follow the default locale (the UI language sets it), files do not: under
// German the simulation table, its caption, the comparison table and the training curves'
// hover and axis ticks write a decimal comma, while the CSV exports keep the C point and come out byte for
// byte as under the C locale.
#include "tests/support/tiny_simulation.h"
#include "tests/support/views_demo_data.h"
#include "widgets/comparison_table_model.h"
#include "widgets/export.h"
#include "widgets/simulation_table_model.h"
#include "widgets/simulation_view.h"
#include "widgets/training_curves_view.h"
#include "widgets/training_metrics_series.h"
#include "widgets/view_qcustomplot.h"

#include <QFile>
#include <QLocale>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace specmoe;
using namespace specmoe::widgets;

namespace {

const simulate::SimulationResult& tinyResult() { return test::tinySimulationResult(); }

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

const QLocale kGerman(QLocale::German, QLocale::Germany);

} // namespace

class TestLocale : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { QLocale::setDefault(kGerman); }
    void cleanupTestCase() { QLocale::setDefault(QLocale::c()); }

    void simulationTableShowsCommasAndExportsPoints()
    {
        const simulate::SimulationResult r = tinyResult();
        std::vector<const simulate::SimulationRow*> rows;
        for (const simulate::SimulationRow& row : r.rows)
            rows.push_back(&row);
        SimulationTableModel model;
        model.setRows(rows);
        int predicted = -1; // a row with a prefetch budget (precision and recall shown)
        for (int i = 0; i < model.rowCount() && predicted < 0; ++i)
            if (model.row(i).budget > 0)
                predicted = i;
        QVERIFY(predicted >= 0);
        const simulate::SimulationRow& row = model.row(predicted);
        auto cell = [&](int column, int role) { return model.index(predicted, column).data(role); };
        // On screen: the German decimal comma.
        QCOMPARE(cell(SimulationTableModel::TokensPerSecondColumn, Qt::DisplayRole).toString(),
                 kGerman.toString(row.tokensPerSecond, 'f', 2));
        const QString precision = cell(SimulationTableModel::PrecisionColumn, Qt::DisplayRole).toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d,\\d{3}$")).match(precision).hasMatch(), qPrintable(precision));
        const QString stall = cell(SimulationTableModel::StallColumn, Qt::DisplayRole).toString();
        QVERIFY2(stall.contains(QLatin1Char(',')) && !stall.contains(QLatin1Char('.')), qPrintable(stall));
        QCOMPARE(cell(SimulationTableModel::HitRateColumn, Qt::DisplayRole).toString(),
                 kGerman.toString(100.0 * row.hitRate, 'f', 1) + QLatin1Char('%'));
        // What the CSV reads, and the sort key: locale-independent.
        QCOMPARE(cell(SimulationTableModel::TokensPerSecondColumn, Qt::UserRole).toString(),
                 QString::number(row.tokensPerSecond, 'f', 2));
        QCOMPARE(cell(SimulationTableModel::PrecisionColumn, Qt::UserRole).toString(),
                 QString::number(row.prefetchPrecision, 'f', 3));
        QCOMPARE(cell(SimulationTableModel::StallColumn, SimulationTableModel::SortRole).toDouble(),
                 row.stallMsPerToken);

        // The view's caption: the gap's tokens/s as German writes them.
        SimulationView view;
        view.resize(1200, 800);
        view.setResult(r);
        const simulate::GapSummary* g =
            view.series().gap(view.selection(), view.selection().cacheExperts, view.selection().linkGBps);
        QVERIFY(g && !g->best.empty());
        QVERIFY2(view.caption().contains(
                     QStringLiteral("no prefetch %1 tokens/s").arg(kGerman.toString(g->noneTokensPerSecond, 'f', 2))),
                 qPrintable(view.caption()));
        QVERIFY2(view.caption().contains(QStringLiteral("expert 22,0 MB")), qPrintable(view.caption()));

        // The CSV written under German is the one written under C: points, no commas in numbers.
        QTemporaryDir out;
        QString err;
        QVERIFY2(view.exportCsv(out.filePath(QStringLiteral("de.csv")), &err), qPrintable(err));
        QLocale::setDefault(QLocale::c());
        QVERIFY2(view.exportCsv(out.filePath(QStringLiteral("c.csv")), &err), qPrintable(err));
        const QByteArray de = readAll(out.filePath(QStringLiteral("de.csv")));
        QCOMPARE(de.count('\n'), qsizetype(r.rows.size() + 1));
        QCOMPARE(de, readAll(out.filePath(QStringLiteral("c.csv"))));
        QVERIFY2(de.contains(QString::number(row.tokensPerSecond, 'f', 2).toUtf8()), de.constData());
        QVERIFY2(!de.contains('"'), de.constData()); // a decimal comma would have been quoted
    }

    void comparisonTableShowsCommasAndExportsPoints()
    {
        ComparisonTableModel table;
        table.setRows({QStringLiteral("top1"), QStringLiteral("logloss")},
                      {{QStringLiteral("interlayer"), false, 1, {0.6125, 1.25}},
                       {QStringLiteral("markov"), true, 1, {0.5, std::nullopt}}});
        const int top1 = ComparisonTableModel::FirstMetricColumn, logloss = top1 + 1;
        QCOMPARE(table.index(0, top1).data().toString(), QStringLiteral("0,6125"));
        QCOMPARE(table.index(0, logloss).data().toString(), QStringLiteral("1,2500"));
        QCOMPARE(table.index(0, top1).data(Qt::UserRole).toDouble(), 0.6125);
        QTemporaryDir out;
        QString err;
        QVERIFY2(exportItemModelCsv(table, out.filePath(QStringLiteral("t.csv")), &err), qPrintable(err));
        const QList<QByteArray> lines = readAll(out.filePath(QStringLiteral("t.csv"))).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[1], QByteArray("interlayer,trained,1,0.6125,1.25"));
    }

    void trainingCurvesHoverShowsCommas()
    {
        TrainingMetricsSeries m;
        for (const std::string& line : test::makeDemoMetricLines(400, 100, 2, 4, 1))
            m.appendJsonLine(QByteArray::fromStdString(line));
        TrainingCurvesView view;
        view.resize(900, 700);
        view.setMetrics(&m);
        view.show();
        QCoreApplication::processEvents();
        view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        const QString hover = view.hoverText(view.plot()->axisRect()->rect().center());
        // "step 200,0: interlayer 0,4321, ..."
        QVERIFY2(QRegularExpression(QStringLiteral("^step \\d+,\\d: .*interlayer \\d,\\d{4}")).match(hover).hasMatch(),
                 qPrintable(hover));
        QVERIFY2(!QRegularExpression(QStringLiteral("\\d\\.\\d")).match(hover).hasMatch(), qPrintable(hover));
        // The axis ticks too (QCustomPlot takes the default locale when the plot is made).
        const QStringList ticks = view.plot()->axisRect()->axis(QCPAxis::atLeft)->tickVectorLabels().toList();
        QVERIFY2(!ticks.filter(QStringLiteral(",")).isEmpty() && ticks.filter(QStringLiteral(".")).isEmpty(),
                 qPrintable(ticks.join(QLatin1Char(' '))));

        // Its CSV keeps the C point.
        QTemporaryDir out;
        QString err;
        QVERIFY2(view.exportCsv(out.filePath(QStringLiteral("m.csv")), &err), qPrintable(err));
        const QByteArray csv = readAll(out.filePath(QStringLiteral("m.csv")));
        QVERIFY(csv.count('\n') > 2);
        QVERIFY2(QRegularExpression(QStringLiteral(",0\\.\\d+\\n")).match(QString::fromUtf8(csv)).hasMatch(),
                 csv.left(400).constData());
        QVERIFY(!csv.contains('"'));
    }
};

QTEST_MAIN(TestLocale)
#include "tst_locale.moc"
