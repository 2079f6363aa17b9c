// The routing views at the dims of today's large MoEs (issue 18): DeepSeek-V3's 256 routed
// experts, top-8, 58 MoE layers of 61, no router weights, prompt and generated tokens
// (tests/support/views_wide_data.h: core's generator and core's analyze()). Each view must name layers by
// their decoder index, stay legible (tick labels thin out, zoom brings them back), tell
// experts apart by id where colour cannot, and show prefill vs decode where it lists tokens.
#include "core/trace/token_id.h"
#include "tests/support/views_wide_data.h"
#include "widgets/routing_patterns_view.h"
#include "widgets/routing_text_view.h"
#include "widgets/token_journey_view.h"
#include "widgets/trace_set_views.h"
#include "widgets/usage_heatmap_view.h"
#include "widgets/view_qcustomplot.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QLocale>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

using namespace specmoe;
using namespace specmoe::widgets;
using namespace specmoe::test;

namespace {

QPoint at(QCPAxisRect* rect, double x, double y)
{
    return QPoint(int(std::lround(rect->axis(QCPAxis::atBottom)->coordToPixel(x))),
                  int(std::lround(rect->axis(QCPAxis::atLeft)->coordToPixel(y))));
}

void settle(QCustomPlot* plot)
{
    QCoreApplication::processEvents();
    plot->replot(QCustomPlot::rpImmediateRefresh);
}

// Tick labels an axis shows now (after a replot).
QStringList labels(QCPAxis* axis)
{
    QStringList out;
    for (const QString& s : axis->tickVectorLabels())
        out << s;
    return out;
}

RoutingContext deepseekContext(const DemoRouting& routing)
{
    RoutingContext c = RoutingContext::fromDims(routing.block->dims);
    c.addSequences(routing.block->sequences);
    return c;
}

// Saves a view when SPECMOE_VIEW_SHOTS names a folder (to look at the views by eye).
void shot(QWidget* w, const char* name)
{
    const QString dir = qEnvironmentVariable("SPECMOE_VIEW_SHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents();
    if (auto* plot = w->findChild<QCustomPlot*>())
        plot->replot(QCustomPlot::rpImmediateRefresh);
    w->grab().save(QDir(dir).filePath(QLatin1String(name)));
}

} // namespace

class TestViewsWide : public QObject {
    Q_OBJECT
private:
    DemoRouting m_routing;
    AnalysisResult m_analysis;
    int E = 0;

private Q_SLOTS:
    void initTestCase()
    {
        // 24 sequences of 96 tokens, the last 32 of each generated.
        m_routing = makeWideRouting(24 * 96, deepseekV3Dims(), 96, 32, 5);
        m_analysis = wideAnalysis(m_routing, 4, 8);
        E = wideExperts();
        QCOMPARE(m_routing.block->dims.experts, E);
        const auto& ids = m_routing.block->topkIds;
        QCOMPARE(ids.size(), size_t(24 * 96 * 58 * 8));
        QVERIFY(std::all_of(ids.begin(), ids.end(), [&](ExpertId e) { return int(e) < E; }));
        QVERIFY(m_routing.block->topkWeights.empty());
    }

    void contextNamesDecoderLayersAndPhases()
    {
        const RoutingContext c = deepseekContext(m_routing);
        QVERIFY(c.layerMapped());
        QVERIFY(!c.hasWeights());
        QCOMPARE(c.sharedExperts(), 1);
        QCOMPARE(c.decoderLayer(0), 3);
        QCOMPARE(c.layerText(57), QStringLiteral("layer 60 (MoE layer 57)"));
        QCOMPARE(c.phase(0, 63), TokenPhase::Prefill);
        QCOMPARE(c.phase(0, 64), TokenPhase::Decode);
        QCOMPARE(RoutingContext().phase(0, 64), TokenPhase::Unknown); // no phases known: none shown
        QCOMPARE(RoutingContext().layerText(5), QStringLiteral("layer 5"));
    }

    void heatmapZoomHoverAndOrder()
    {
        UsageHeatmapView view;
        view.resize(1300, 760);
        view.setContext(deepseekContext(m_routing));
        view.setStats(ExpertUsageStats::fromAnalysis(m_analysis));
        view.show();
        settle(view.plot());
        QCPAxisRect* rect = view.plot()->axisRect();
        QCOMPARE(view.plot()->xAxis->label(), QStringLiteral("Decoder layer (MoE layers only)"));

        // All cells in view; the labels thin out (no 256 overlapping labels), layers are
        // labelled by their decoder index.
        QVERIFY(view.plot()->yAxis->range().upper >= E - 0.5 - 1e-9);
        const QStringList ys = labels(view.plot()->yAxis), xs = labels(view.plot()->xAxis);
        QVERIFY2(ys.size() >= 4 && ys.size() <= 24, qPrintable(ys.join(QLatin1Char(' '))));
        QVERIFY2(xs.size() >= 4 && xs.size() <= 20, qPrintable(xs.join(QLatin1Char(' '))));
        QVERIFY2(!xs.contains(QStringLiteral("0")) && !xs.contains(QStringLiteral("1")), qPrintable(xs.join(QLatin1Char(' '))));
        const int tickPx = int(rect->height() / std::max<qsizetype>(1, ys.size()));
        QVERIFY2(tickPx >= 20, qPrintable(QString::number(tickPx)));

        // Hover on the last layer and a high expert id: decoder layer, expert, value.
        const int hiExpert = E - 3;
        const QString hover = view.hoverText(at(rect, 57, hiExpert));
        QVERIFY2(hover.startsWith(QStringLiteral("Expert %1 at layer 60 (MoE layer 57): share ").arg(hiExpert)), qPrintable(hover));
        const double share = m_analysis.overall.layers[57].firstShare[size_t(hiExpert)];
        QVERIFY2(hover.contains(QLocale().toString(share, 'f', 4)), qPrintable(hover));

        // Zoom in on 8 experts and 6 layers: every row gets its label, the hover still hits.
        view.plot()->yAxis->setRange(hiExpert - 4.5, hiExpert + 3.5);
        view.plot()->xAxis->setRange(50.5, 56.5);
        settle(view.plot());
        QVERIFY2(labels(view.plot()->yAxis).contains(QString::number(hiExpert)), qPrintable(labels(view.plot()->yAxis).join(QLatin1Char(' '))));
        QVERIFY(labels(view.plot()->xAxis).contains(QStringLiteral("56"))); // stored layer 53
        QVERIFY(view.hoverText(at(rect, 53, hiExpert)).startsWith(QStringLiteral("Expert %1 at layer 56").arg(hiExpert)));
        // Pan and zoom stay on the cells.
        view.plot()->yAxis->setRange(-500, 2000);
        QCOMPARE(view.plot()->yAxis->range().lower, -0.5);
        QCOMPARE(view.plot()->yAxis->range().upper, E - 0.5);
        view.plot()->xAxis->setRange(10, 10.2);
        QVERIFY(view.plot()->xAxis->range().size() >= 4 - 1e-9);
        view.fitAll();

        // Rows by load: row 0 is the busiest expert over all layers, named in the hover.
        view.setRowOrder(UsageHeatmapView::RowOrder::ByLoad);
        settle(view.plot());
        std::vector<double> load(size_t(E), 0.0);
        for (const LayerLoad& l : m_analysis.overall.layers)
            for (int e = 0; e < E; ++e)
                load[size_t(e)] += l.firstShare[size_t(e)];
        const int busiest = int(std::max_element(load.begin(), load.end()) - load.begin());
        QCOMPARE(view.expertAtRow(0), busiest);
        QVERIFY(view.hoverText(at(rect, 0, 0)).contains(QStringLiteral("Expert %1 at layer 3 (MoE layer 0), load rank 1 of %2").arg(busiest).arg(E)));
        QCOMPARE(labels(view.plot()->yAxis).value(0), QString::number(busiest)); // rows labelled by id
        // By the load of one layer: clicking a cell of MoE layer 40 sorts the rows by it.
        view.setRowOrder(UsageHeatmapView::RowOrder::ByLayerLoad);
        view.showCell(40, 0);
        settle(view.plot());
        const auto& share40 = m_analysis.overall.layers[40].firstShare;
        const int hot40 = int(std::max_element(share40.begin(), share40.end()) - share40.begin());
        QCOMPARE(view.expertAtRow(0), hot40);
        for (int r = 1; r < E; ++r)
            QVERIFY(share40[size_t(view.expertAtRow(r - 1))] >= share40[size_t(view.expertAtRow(r))]);
        QVERIFY(view.plot()->yAxis->label().contains(QStringLiteral("decoder layer 43")));
        shot(&view, "wide_usage_heatmap.png");

        // A click lists the cell's sampled tokens with their phase, without weights.
        view.setRowOrder(UsageHeatmapView::RowOrder::ById);
        settle(view.plot());
        const int e0 = m_analysis.journeys[0].tokens[70].experts[0]; // a decode token's first choice at MoE layer 0
        QTest::mouseClick(view.plot(), Qt::LeftButton, {}, at(rect, 0, e0));
        const QStringList listed = view.listedTokens();
        QVERIFY(!listed.isEmpty());
        QVERIFY2(std::all_of(listed.begin(), listed.end(), [](const QString& s) {
                     return (s.endsWith(QStringLiteral("prefill")) || s.endsWith(QStringLiteral("decode"))) && !s.contains(QStringLiteral(" w "));
                 }),
                 qPrintable(listed.join(QLatin1Char('\n'))));
        // A drag pans and lists nothing new.
        const QStringList before = view.listedTokens();
        QTest::mousePress(view.plot(), Qt::LeftButton, {}, at(rect, 10, 20));
        QTest::mouseMove(view.plot(), at(rect, 14, 40));
        QTest::mouseRelease(view.plot(), Qt::LeftButton, {}, at(rect, 14, 40));
        QCOMPARE(view.listedTokens(), before);
    }

    void journeysAtWideDims()
    {
        TokenJourneyView view;
        view.resize(1300, 760);
        view.setContext(deepseekContext(m_routing));
        TokenJourneySet set = TokenJourneySet::fromBlock(*m_routing.block, m_routing.textFn());
        QVERIFY(!set.hasWeights());
        QVERIFY(set.sequenceNames().first().contains(QStringLiteral("prompt 64 + generated 32")));
        view.setJourneySet(std::move(set));
        view.setRange(60, 8); // prompt 60..63, generated 64..67
        view.show();
        settle(view.plot());
        QCPAxisRect* rect = view.plot()->axisRect();
        QCOMPARE(view.rowCount(), E);
        QVERIFY(view.plot()->yAxis->range().upper > E - 1); // every expert row in view
        const QStringList ys = labels(view.plot()->yAxis);
        QVERIFY2(ys.size() <= 24, qPrintable(ys.join(QLatin1Char(' '))));
        QVERIFY(labels(view.plot()->xAxis).contains(QStringLiteral("3")));

        // Hover a decode token's first choice (one token shown, so no other path covers it):
        // its phase, the decoder layer and all 8 ids, no weights.
        const RoutingBlock& b = *m_routing.block;
        const int layer = 20;
        auto hoverAt = [&](int row, const QString& want) {
            QString h;
            for (int dy = -6; dy <= 6 && !h.contains(want); ++dy)
                h = view.hoverText(at(rect, layer, row) + QPoint(0, dy));
            return h;
        };
        view.setRange(65, 1);
        settle(view.plot());
        const int e = b.expert(65, layer, 0);
        QString hover = hoverAt(e, QStringLiteral("pos 65"));
        QVERIFY2(hover.contains(QStringLiteral("pos 65, decode")) && hover.contains(QStringLiteral("layer 23 (MoE layer 20)")),
                 qPrintable(hover));
        for (int j = 0; j < 8; ++j)
            QVERIFY2(hover.contains(QStringLiteral("E%1").arg(int(b.expert(65, layer, j)))), qPrintable(hover));
        QVERIFY2(!hover.contains(QRegularExpression(QStringLiteral("E\\d+ 0\\.00"))), qPrintable(hover));
        // A prompt token says prefill.
        view.setRange(61, 1);
        settle(view.plot());
        const QString prompt = hoverAt(b.expert(61, layer, 0), QStringLiteral("pos 61"));
        QVERIFY2(prompt.contains(QStringLiteral("pos 61, prefill")), qPrintable(prompt));

        // Only the experts on these paths: far fewer rows, each labelled by its id.
        auto pathExperts = [&](size_t first, size_t count) {
            std::set<int> used;
            for (size_t t = first; t < first + count; ++t)
                for (int l = 0; l < b.dims.layers; ++l)
                    for (int j = 0; j < 2; ++j)
                        used.insert(b.expert(t, l, j));
            return used;
        };
        view.setRange(60, 8);
        view.setRows(TokenJourneyView::Rows::PathExperts);
        settle(view.plot());
        const std::set<int> used = pathExperts(60, 8);
        QCOMPARE(view.rowCount(), int(used.size()));
        QCOMPARE(view.expertAtRow(0), *used.begin());
        QCOMPARE(view.expertAtRow(view.rowCount() - 1), *used.rbegin());
        view.setRange(65, 1);
        settle(view.plot());
        const std::set<int> one = pathExperts(65, 1);
        QCOMPARE(view.rowCount(), int(one.size()));
        QVERIFY(view.rowCount() < E);
        const int rowOfE = int(std::distance(one.begin(), one.find(e)));
        hover = hoverAt(rowOfE, QStringLiteral("pos 65"));
        QVERIFY2(hover.contains(QStringLiteral("pos 65, decode")), qPrintable(hover));
        view.plot()->yAxis->setRange(rowOfE - 3.5, rowOfE + 3.5);
        settle(view.plot());
        QVERIFY2(labels(view.plot()->yAxis).contains(QString::number(e)), qPrintable(labels(view.plot()->yAxis).join(QLatin1Char(' '))));
        view.setRange(60, 8);
        view.setRows(TokenJourneyView::Rows::PathExperts); // fits the rows again
        shot(&view, "wide_token_journeys.png");
        // The CSV names ids at every rank and leaves the weights empty.
        QTemporaryDir dir;
        QVERIFY(view.exportCsv(dir.filePath(QStringLiteral("j.csv"))));
        QFile csv(dir.filePath(QStringLiteral("j.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 8 * b.dims.layers);
        QVERIFY(lines[0].endsWith("expert8,weight8"));
        const QList<QByteArray> cells = lines[1].split(','); // from the end: a token may hold a comma
        const qsizetype first = cells.size() - 2 * 8;
        QCOMPARE(cells[first].toInt(), int(b.expert(60, 0, 0)));
        QVERIFY(cells[first + 1].isEmpty());
        QCOMPARE(cells[first + 14].toInt(), int(b.expert(60, 0, 7)));

        // From the analysis: an id-only trace's journeys have no weights (the analysis says
        // so; journeys without any, or none at all, used to be guessed as weighted).
        TokenJourneyView fromAnalysis;
        fromAnalysis.setJourneySet(TokenJourneySet::fromAnalysis(m_analysis));
        QVERIFY(!fromAnalysis.journeySet().hasWeights());
        AnalysisResult noJourneys = m_analysis;
        noJourneys.journeys.clear();
        QVERIFY(!TokenJourneySet::fromAnalysis(noJourneys).hasWeights());
        AnalysisResult weighted = m_analysis; // a weighted trace's journeys, weights all 0
        weighted.hasWeights = true;
        for (SequenceJourney& sj : weighted.journeys)
            for (TokenJourney& t : sj.tokens)
                t.weights.assign(t.experts.size(), 0.f);
        QVERIFY(TokenJourneySet::fromAnalysis(weighted).hasWeights());
    }

    // Tokens an engine trace has no id for (token id -1, kUnknownToken): shown as "#?",
    // never passed to the text function (a tokenizer refuses -1) nor shown as a real token.
    void unknownTokensShowAsUnknown()
    {
        auto block = std::make_shared<RoutingBlock>(*m_routing.block);
        block->tokenIds[0] = kUnknownToken;
        bool askedForUnknown = false;
        const auto text = [&](int32_t id) {
            askedForUnknown = askedForUnknown || id < 0;
            return m_routing.textFn()(id);
        };
        const RoutedText routed(block, 0, 0, text);
        QCOMPARE(routed.text(0), QStringLiteral("#? "));
        QVERIFY(routed.text(1) != QStringLiteral("#? "));
        const TokenJourneySet journeys = TokenJourneySet::fromBlock(*block, text, 4);
        QCOMPARE(journeys.sequence(0).tokens[0].text, QStringLiteral("#?"));
        QVERIFY(!askedForUnknown);
        AnalysisResult r = m_analysis;
        r.journeys[0].tokens[0].tokenId = kUnknownToken;
        r.journeys[0].tokens[0].text.clear(); // as analyze() leaves it
        QCOMPARE(TokenJourneySet::fromAnalysis(r).sequence(0).tokens[0].text, QStringLiteral("#?"));
    }

    void routedTextColoursTheTopExperts()
    {
        RoutingTextView view;
        view.resize(1300, 760);
        view.setRoutedText(RoutedText(m_routing.block, 0, 0, m_routing.textFn()));
        view.show();
        QCoreApplication::processEvents();
        const RoutedText& text = view.routedText();
        QVERIFY(text.hasPhases());
        QVERIFY(!text.hasWeights());
        QCOMPARE(text.phase(63), TokenPhase::Prefill);
        QCOMPARE(text.phase(64), TokenPhase::Decode);

        view.setLayer(10);
        const std::vector<int> top = text.topExperts(10, RoutingTextView::kTopExperts);
        QCOMPARE(int(view.colouredExperts().size()), RoutingTextView::kTopExperts);
        QCOMPARE(view.colouredExperts(), top);
        for (size_t i = 1; i < top.size(); ++i)
            QVERIFY(text.firstCount(10, top[i - 1]) >= text.firstCount(10, top[i]));
        // The 8 colours differ; every other expert shares the neutral grey.
        std::set<QRgb> colours;
        for (int e : top)
            colours.insert(view.canvas()->tint(e).rgb());
        QCOMPARE(int(colours.size()), RoutingTextView::kTopExperts);
        int other = 0;
        while (std::find(top.begin(), top.end(), other) != top.end())
            ++other;
        QVERIFY(!colours.count(view.canvas()->tint(other).rgb()));
        const QLabel* legend = nullptr;
        for (auto* l : view.findChildren<QLabel*>())
            if (l->text().contains(QStringLiteral("First-choice expert")))
                legend = l;
        QVERIFY(legend);
        QVERIFY2(legend->text().contains(QStringLiteral("the other %1 experts").arg(E - RoutingTextView::kTopExperts)),
                 qPrintable(legend->text()));
        QVERIFY(legend->text().contains(QStringLiteral("E%1 ").arg(top[0])));
        QVERIFY(legend->text().contains(QStringLiteral("decode")));
        view.setContext(deepseekContext(m_routing));
        bool named = false;
        for (auto* l : view.findChildren<QLabel*>())
            named = named || l->text() == QStringLiteral("Layer 13 (MoE layer 10 of 58)");
        QVERIFY(named);

        // One expert highlighted: only its tokens coloured.
        view.setHighlightedExpert(other);
        QCOMPARE(view.colouredExperts(), std::vector<int>{other});
        QVERIFY(view.canvas()->tint(other) != view.canvas()->tint(top[0]));
        QCOMPARE(view.canvas()->tint(top[0]), QColor(Qt::white));
        view.setHighlightedExpert(-1);

        // Tooltips: phase and the 8 ids, no weights.
        const QString tip = view.canvas()->tokenToolTip(65);
        QVERIFY2(tip.contains(QStringLiteral("position 65, decode")), qPrintable(tip));
        QCOMPARE(tip.count(QStringLiteral("expert ")), 8);
        QVERIFY(!tip.contains(QStringLiteral("(w ")));
        shot(&view, "wide_routing_text.png");
    }

    void patternsAtWideDims()
    {
        RoutingPatternsView view;
        view.resize(1300, 900);
        view.setContext(deepseekContext(m_routing));
        view.setStats(RoutingPatternStats::fromAnalysis(m_analysis));
        view.show();
        view.setTransition(1, 10);
        view.setCoactivationLayer(10);
        settle(view.plot());
        QCOMPARE(view.stats().experts(), E);
        QCPAxisRect* trans = view.transitionRect();
        QVERIFY(labels(trans->axis(QCPAxis::atLeft)).size() <= 12);
        const int a = E - 5, c = 7;
        const QString hover = view.hoverText(at(trans, c, a));
        QVERIFY2(hover.startsWith(QStringLiteral("P(expert %1 at layer 14 (MoE layer 11) | expert %2 at layer 13 (MoE layer 10)) = ").arg(c).arg(a)),
                 qPrintable(hover));
        const QString co = view.hoverText(at(view.coactivationRect(), c, a));
        QVERIFY2(co.contains(QStringLiteral("at layer 13 (MoE layer 10)")), qPrintable(co));
        // Zoom into the matrix: labels come back at every few ids, still inside the cells.
        trans->axis(QCPAxis::atLeft)->setRange(a - 3.5, a + 3.5);
        trans->axis(QCPAxis::atBottom)->setRange(-100, 30);
        settle(view.plot());
        QVERIFY(labels(trans->axis(QCPAxis::atLeft)).contains(QString::number(a)));
        QCOMPARE(trans->axis(QCPAxis::atBottom)->range().lower, -0.5);
        QVERIFY(view.hoverText(at(trans, c, a)).startsWith(QStringLiteral("P(expert %1 at").arg(c)));
        // The layer spin boxes name decoder layers too.
        auto* from = view.findChildren<QSpinBox*>().value(0);
        QVERIFY(from);
        QCOMPARE(from->value(), 10);
        QCOMPARE(from->text(), QStringLiteral("13"));
        const QString entropy = view.hoverText(at(view.entropyRect(), 0, 1));
        QVERIFY2(entropy.startsWith(QStringLiteral("Layer 3: entropy")), qPrintable(entropy));
        QVERIFY(labels(view.entropyRect()->axis(QCPAxis::atBottom)).contains(QStringLiteral("3")) ||
                labels(view.entropyRect()->axis(QCPAxis::atBottom)).contains(QStringLiteral("13")));
        trans->axis(QCPAxis::atLeft)->setRange(-0.5, E - 0.5);
        trans->axis(QCPAxis::atBottom)->setRange(-0.5, E - 0.5);
        shot(&view, "wide_routing_patterns.png");
    }

    // All four through TraceSetViews as the main window feeds them: context, then analysis.
    void traceSetViewsTakeTheContext()
    {
        TraceSetViews views;
        views.resize(1400, 900);
        views.setContext(deepseekContext(m_routing));
        views.setAnalysis(m_analysis);
        views.show();
        QCoreApplication::processEvents();
        QVERIFY(!views.journeyView()->journeySet().hasWeights());
        // Analysis journeys carry no phase: the sequence list takes it from the context.
        QVERIFY(views.journeyView()->findChild<QComboBox*>()->itemText(0).contains(QStringLiteral("prompt 64 + generated 32")));
        QCOMPARE(views.heatmapView()->context().decoderLayer(0), 3);
        // The text view shows the first recorded journey, with its phases from the context.
        QVERIFY(views.textView()->routedText().tokenCount() > 0);
        QCOMPARE(views.textView()->routedText().phase(70), TokenPhase::Decode);
        QVERIFY(!views.textView()->routedText().hasWeights());
    }
};

QTEST_MAIN(TestViewsWide)
#include "tst_views_wide.moc"
