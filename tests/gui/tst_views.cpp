// The routing and training views: their data models on hand-made values, hover and click
// behaviour, live updates, and the heatmap's colours (hottest pixel on the hottest cell).
#include "core/analysis/analysis_result.h"
#include "core/speculate/source.h"
#include "core/speculate/train.h"
#include "core/util/half.h"
#include "tests/support/tiny_training.h"
#include "tests/support/views_demo_data.h"
#include "widgets/colormap.h"
#include "widgets/comparison_table_model.h"
#include "widgets/comparison_table_view.h"
#include "widgets/routing_patterns_view.h"
#include "widgets/routing_text_view.h"
#include "widgets/token_journey_view.h"
#include "widgets/trace_set_views.h"
#include "widgets/training_curves_view.h"
#include "widgets/training_metrics_series.h"
#include "widgets/usage_heatmap_view.h"
#include "widgets/view_qcustomplot.h"
#include "widgets/view_style.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

#include <cmath>
#include <tuple>

using namespace specmoe;
using namespace specmoe::widgets;
using namespace specmoe::test;

namespace {

// 2 layers x 4 experts; expert 2 at layer 1 is the hottest first choice.
ExpertUsageStats smallUsage()
{
    ExpertUsageStats m;
    m.setDims(2, 4, 2);
    UsageGroup all;
    all.firstCounts = {10, 20, 30, 40, 5, 5, 80, 10};
    all.anyCounts = {30, 40, 60, 70, 40, 30, 100, 30};
    m.addGroup(all);
    UsageGroup code;
    code.source = QStringLiteral("code");
    code.firstCounts = {40, 30, 20, 10, 25, 25, 25, 25};
    code.anyCounts = {60, 60, 40, 40, 50, 50, 50, 50};
    m.addGroup(code);
    m.setSamples(1, 2, ExpertChoice::First, {{QStringLiteral("\u2581def"), 7, 3, 0, 0.8f}, {QStringLiteral("("), 7, 4, 0, 0.6f}});
    return m;
}

// A block of one sequence of 6 tokens, 2 layers, top-2, 4 experts.
std::shared_ptr<RoutingBlock> smallBlock()
{
    auto b = std::make_shared<RoutingBlock>();
    b->dims.layers = 2;
    b->dims.experts = 4;
    b->dims.topk = 2;
    const int first0[6] = {0, 0, 1, 1, 1, 3};
    const int first1[6] = {2, 2, 2, 0, 3, 3};
    for (int i = 0; i < 6; ++i) {
        b->tokenIds.push_back(i == 5 ? 1 : 10 + i);
        b->seqIds.push_back(42);
        b->positions.push_back(i);
        for (int l = 0; l < 2; ++l) {
            const int f = l == 0 ? first0[i] : first1[i];
            b->topkIds.push_back(uint8_t(f));
            b->topkIds.push_back(uint8_t((f + 1) % 4));
            b->topkWeights.push_back(floatToHalf(0.75f));
            b->topkWeights.push_back(floatToHalf(0.25f));
        }
    }
    b->sequences.push_back({42, "code", "doc", 0, 6});
    return b;
}

std::string smallText(int32_t id)
{
    static const char* pieces[] = {"\xE2\x96\x81" "def", "\xE2\x96\x81" "f", "(", "x", "):", "<0x0A>"};
    if (id == 1)
        return "<0x0A>";
    return id >= 10 && id < 16 ? pieces[id - 10] : std::string("?");
}

QPoint cellCenter(QCustomPlot* plot, QCPAxisRect* rect, double x, double y)
{
    Q_UNUSED(plot);
    return QPoint(int(std::lround(rect->axis(QCPAxis::atBottom)->coordToPixel(x))),
                  int(std::lround(rect->axis(QCPAxis::atLeft)->coordToPixel(y))));
}

void settle(QCustomPlot* plot)
{
    QCoreApplication::processEvents();
    plot->replot(QCustomPlot::rpImmediateRefresh);
}

// The first combo box under `root` whose size hint is narrower than one of its items (the
// text would be cut), as "item text"; empty when every item fits. Boxes given a width in
// characters (minimumContentsLength, e.g. the journeys' sequence list) are left out.
QString truncatedCombo(const QWidget* root)
{
    for (const QComboBox* box : root->findChildren<QComboBox*>())
        for (int i = 0; i < box->count() && box->minimumContentsLength() == 0; ++i)
            if (box->sizeHint().width() < box->fontMetrics().horizontalAdvance(box->itemText(i)))
                return box->itemText(i);
    return {};
}

int comboItems(const QWidget* root)
{
    int n = 0;
    for (const QComboBox* box : root->findChildren<QComboBox*>())
        n += box->count();
    return n;
}

QByteArray evalLine(int step, double interlayer, double markov)
{
    return QStringLiteral("{\"type\":\"validation\",\"step\":%1,\"epoch\":%2,\"predictors\":["
                          "{\"name\":\"interlayer\",\"baseline\":false,\"horizons\":[{\"horizon\":1,\"overall\":"
                          "{\"n\":100,\"top1\":%3,\"exact\":0.3,\"recall\":[0.4,0.7],\"logloss\":0.4,\"ece\":0.05},"
                          "\"perLayer\":[{\"n\":0},{\"n\":50,\"top1\":%3,\"recall\":[0.4,0.7]}]}]},"
                          "{\"name\":\"markov\",\"baseline\":true,\"horizons\":[{\"horizon\":1,\"overall\":"
                          "{\"n\":100,\"top1\":%4,\"exact\":0.2,\"recall\":[0.3,0.6],\"logloss\":0.5,\"ece\":0.04}}]}]}")
        .arg(step)
        .arg(step / 100.0)
        .arg(interlayer)
        .arg(markov)
        .toUtf8();
}

} // namespace

class TestViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --- usage heatmap -------------------------------------------------------------------
    void expertUsageStats_data()
    {
        QTest::addColumn<int>("group");
        QTest::addColumn<int>("choice");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("expert");
        QTest::addColumn<double>("share");
        QTest::newRow("all first") << 0 << 0 << 1 << 2 << 0.8;
        QTest::newRow("all any") << 0 << 1 << 1 << 2 << 0.5;
        QTest::newRow("code first") << 1 << 0 << 0 << 0 << 0.4;
        QTest::newRow("out of range") << 0 << 0 << 2 << 0 << 0.0;
    }
    void expertUsageStats()
    {
        QFETCH(int, group);
        QFETCH(int, choice);
        QFETCH(int, layer);
        QFETCH(int, expert);
        QFETCH(double, share);
        const ExpertUsageStats m = smallUsage();
        QCOMPARE(m.groupNames(), (QStringList{QStringLiteral("All sources"), QStringLiteral("code")}));
        QVERIFY(std::abs(m.share(group, ExpertChoice(choice), layer, expert) - share) < 1e-12);
    }
    void heatmapHottestAndCsv()
    {
        const ExpertUsageStats m = smallUsage();
        const CellRef hot = m.hottest(0, ExpertChoice::First);
        QCOMPARE(hot.layer, 1);
        QCOMPARE(hot.expert, 2);
        QCOMPARE(m.tokenRate(0, ExpertChoice::Any, 1, 2), 1.0); // 100 of 100 tokens
        QTemporaryDir dir;
        QVERIFY(m.writeCsv(dir.filePath(QStringLiteral("u.csv")), 0));
        QFile f(dir.filePath(QStringLiteral("u.csv")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 2 * 4);
        QVERIFY(lines[0].startsWith("source,layer,expert,first_share"));
    }
    void heatmapFromAnalysis()
    {
        AnalysisResult r;
        r.layers = 1;
        r.experts = 2;
        r.topk = 1;
        LayerLoad load;
        load.tokens = 4;
        load.firstCounts = {1, 3};
        load.anyCounts = {1, 3};
        load.firstShare = {0.25, 0.75};
        load.anyShare = {0.25, 0.75};
        r.overall.tokens = 4;
        r.overall.layers = {load};
        GroupStats src = r.overall;
        src.source = "math";
        r.sources = {src};
        r.samples.experts = 2;
        r.samples.firstChoice.resize(2);
        r.samples.anyChoice.resize(2);
        r.samples.firstChoice[1].push_back({5, 1, 9, 0, 1.0f, "x"});
        const ExpertUsageStats m = ExpertUsageStats::fromAnalysis(r);
        QCOMPARE(m.groupCount(), 2);
        QCOMPARE(m.share(1, ExpertChoice::First, 0, 1), 0.75);
        QCOMPARE(m.samples(0, 1, ExpertChoice::First).size(), size_t(1));
        QCOMPARE(m.samples(0, 1, ExpertChoice::First)[0].text, QStringLiteral("x"));
    }
    void heatmapHoverAndClick()
    {
        UsageHeatmapView view;
        view.resize(900, 500);
        view.setStats(smallUsage());
        view.show();
        settle(view.plot());
        const QPoint p = cellCenter(view.plot(), view.plot()->axisRect(), 1, 2);
        QCOMPARE(view.cellAt(p).layer, 1);
        QCOMPARE(view.cellAt(p).expert, 2);
        const QString hover = view.hoverText(p);
        QVERIFY2(hover.contains(QStringLiteral("Expert 2 at layer 1")) && hover.contains(QLocale().toString(0.8, 'f', 4)),
                 qPrintable(hover));
        QVERIFY(view.hoverText(QPoint(1, 1)).isEmpty());
        QSignalSpy clicked(&view, &UsageHeatmapView::cellClicked);
        QTest::mouseClick(view.plot(), Qt::LeftButton, {}, p);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(view.listedTokens().size(), 2);
        QVERIFY(view.listedTokens().first().contains(QStringLiteral("\" def\"")));
        view.setGroup(1);
        QVERIFY(view.hoverText(cellCenter(view.plot(), view.plot()->axisRect(), 0, 0)).contains(QLocale().toString(0.4, 'f', 4)));
    }
    void heatmapHottestPixelOnHottestCell()
    {
        UsageHeatmapView view;
        view.resize(1000, 560);
        view.setStats(smallUsage());
        view.show();
        settle(view.plot());
        const QImage img = view.plot()->toPixmap(view.plot()->width(), view.plot()->height()).toImage();
        const QRect area = view.plot()->axisRect()->rect().adjusted(2, 2, -2, -2);
        const QColor hot = viridis(1.0);
        double best = 1e9;
        QPoint where;
        for (int y = area.top(); y <= area.bottom(); ++y)
            for (int x = area.left(); x <= area.right(); ++x) {
                const QColor c = img.pixelColor(x, y);
                const double d = std::abs(c.red() - hot.red()) + std::abs(c.green() - hot.green()) +
                                 std::abs(c.blue() - hot.blue());
                if (d < best) {
                    best = d;
                    where = QPoint(x, y);
                }
            }
        QVERIFY2(best < 12, qPrintable(QString::number(best)));
        const CellRef cell = view.cellAt(where);
        QCOMPARE(cell.layer, 1);
        QCOMPARE(cell.expert, 2);
    }

    // --- routing text ----------------------------------------------------------------------
    void routedText()
    {
        const RoutedText m(smallBlock(), 0, 0, &smallText);
        QCOMPARE(m.tokenCount(), size_t(6));
        QCOMPARE(m.layers(), 2);
        QCOMPARE(m.text(0), QStringLiteral(" def"));
        QVERIFY(m.breaksLine(5));
        QVERIFY(!m.breaksLine(0));
        QCOMPARE(int(m.firstExpert(1, 3)), 0);
        QCOMPARE(int(m.expert(1, 3, 1)), 1);
        QCOMPARE(m.weight(0, 0, 0), 0.75f);
        // Runs: layer 0 = {0,0},{1,1,1},{3}; layer 1 = {2,2,2},{0},{3,3}.
        QCOMPARE(m.runs(0).size(), size_t(3));
        QCOMPARE(m.runs(1).size(), size_t(3));
        QCOMPARE(int(m.runs(0)[1].begin), 2);
        QCOMPARE(int(m.runs(0)[1].length), 3);
        QCOMPARE(int(m.runs(1)[2].expert), 3);
        // A token range.
        const RoutedText part(smallBlock(), 2, 4, &smallText);
        QCOMPARE(part.tokenCount(), size_t(2));
        QCOMPARE(part.position(0), 2);
    }
    // A journey's text takes the analysis' hasWeights instead of guessing from the values.
    void routedTextFromJourney()
    {
        SequenceJourney j;
        j.seqId = 7;
        for (int t = 0; t < 3; ++t) {
            TokenJourney tok;
            tok.seqId = 7;
            tok.position = t;
            tok.tokenId = 10 + t;
            tok.experts = {ExpertId(t), 3, 1, 2}; // 2 layers x top-2
            tok.weights = {0.75f, 0.25f, 0.5f, 0.5f};
            j.tokens.push_back(tok);
        }
        const RoutedText with = RoutedText::fromJourney(j, 2, 4, 2, true);
        QCOMPARE(with.tokenCount(), size_t(3));
        QVERIFY(with.hasWeights());
        QCOMPARE(with.weight(0, 1, 0), 0.75f);
        QCOMPARE(int(with.expert(0, 2, 0)), 2);
        const RoutedText idsOnly = RoutedText::fromJourney(j, 2, 4, 2, false);
        QVERIFY(!idsOnly.hasWeights());
        QCOMPARE(idsOnly.weight(0, 1, 0), 0.f);
        QCOMPARE(int(idsOnly.expert(1, 0, 1)), 2);
    }
    void routingTextLayerSwitchRecolours()
    {
        RoutingTextView view;
        view.resize(700, 300);
        view.setRoutedText(RoutedText(smallBlock(), 0, 0, &smallText));
        view.show();
        QCoreApplication::processEvents();
        RoutingTextCanvas* canvas = view.canvas();
        // Find token 0 on screen.
        QPoint p;
        for (int y = 2; y < 60 && p.isNull(); ++y)
            for (int x = 2; x < 200; ++x)
                if (canvas->tokenAt(QPoint(x, y)) == 0) {
                    p = QPoint(x + 3, y + 2);
                    break;
                }
        QVERIFY(!p.isNull());
        QVERIFY(canvas->tokenToolTip(0).contains(QStringLiteral("expert 0 (w %1)").arg(QLocale().toString(0.75, 'f', 2))));
        auto colourAt = [&](const QPoint& at) { return canvas->viewport()->grab().toImage().pixelColor(at); };
        QCOMPARE(colourAt(QPoint(p.x(), p.y() - 1)), expertTint(0, 4));
        QSignalSpy changed(&view, &RoutingTextView::layerChanged);
        view.setLayer(1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(view.layer(), 1);
        QCOMPARE(colourAt(QPoint(p.x(), p.y() - 1)), expertTint(2, 4));
        QVERIFY(canvas->tokenToolTip(0).contains(QStringLiteral("Layer 1: expert 2")));
        QCOMPARE(canvas->lineCount(), 1); // a trailing line break opens no empty line
    }

    // --- token journeys --------------------------------------------------------------------
    void journeyTextMatches_data()
    {
        QTest::addColumn<QString>("piece");
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("match");
        QTest::newRow("exact") << QStringLiteral("def") << QStringLiteral("def") << true;
        QTest::newRow("marker") << QStringLiteral("\u2581def") << QStringLiteral("def") << true;
        QTest::newRow("space") << QStringLiteral(" def") << QStringLiteral("def") << true;
        QTest::newRow("prefix only") << QStringLiteral("define") << QStringLiteral("def") << false;
        QTest::newRow("empty query") << QStringLiteral("def") << QString() << false;
    }
    void journeyTextMatches()
    {
        QFETCH(QString, piece);
        QFETCH(QString, query);
        QFETCH(bool, match);
        QCOMPARE(TokenJourneySet::textMatches(piece, query), match);
    }
    void journeyModelAndView()
    {
        TokenJourneySet m = TokenJourneySet::fromBlock(*smallBlock(), &smallText);
        QCOMPARE(m.sequenceCount(), 1);
        QCOMPARE(m.sequence(0).tokens.size(), size_t(6));
        QCOMPARE(m.sequence(0).tokens[2].text, QStringLiteral("("));
        const JourneyQuery q = m.searchLoaded(QStringLiteral("def"));
        QCOMPARE(q.matches, int64_t(1));
        m.addQuery({QStringLiteral("x"), 12, {m.sequence(0).tokens[3]}});
        QVERIFY(m.cachedQuery(QStringLiteral("\u2581x")));

        TokenJourneyView view;
        view.resize(900, 520);
        view.setJourneySet(std::move(m));
        view.show();
        view.setRange(1, 3);
        QCOMPARE(view.visibleJourneys(), 3);
        QSignalSpy found(&view, &TokenJourneyView::searchFinished);
        view.search(QStringLiteral("x"));
        QCOMPARE(found.count(), 1);
        QCOMPARE(view.overlayCount(), 1);
        settle(view.plot());
        // Hover on token 1's first choice at layer 1 (expert 2): its offset is the first of 3.
        const double offset = 0.6 * ((0 + 0.5) / 3 - 0.5);
        const QPoint p = cellCenter(view.plot(), view.plot()->axisRect(), 1, 2 + offset);
        const QString hover = view.hoverText(p);
        QVERIFY2(hover.contains(QStringLiteral("\" f\"")) && hover.contains(QStringLiteral("E2 %1").arg(QLocale().toString(0.75, 'f', 2))), qPrintable(hover));
        // Searching the loaded data when nothing is cached and no provider is set.
        view.search(QStringLiteral("def"));
        QCOMPARE(view.overlayCount(), 1);
        view.clearOverlay();
        QCOMPARE(view.overlayCount(), 0);
    }
    // A search's status line ("...": N of M occurrence(s) shown) takes its share of the line
    // below the plot, and the search field keeps its width when its clear button appears:
    // both made the view, and so the main window, wider.
    void journeySearchStatusDoesNotWidenTheView()
    {
        const QString query = QStringLiteral("a-rather-long-token-text-that-someone-searched-for");
        TokenJourneySet m = TokenJourneySet::fromBlock(*smallBlock(), &smallText);
        m.addQuery({query, 123456789, {m.sequence(0).tokens[3]}});
        TokenJourneyView view;
        view.setJourneySet(std::move(m));
        view.show();
        QCoreApplication::processEvents();
        const int before = view.minimumSizeHint().width();
        view.search(query);
        QCOMPARE(view.overlayCount(), 1);
        QCoreApplication::processEvents();
        QVERIFY2(view.minimumSizeHint().width() <= before,
                 qPrintable(QStringLiteral("%1 > %2").arg(view.minimumSizeHint().width()).arg(before)));
    }
    // Hover tooltips show token texts as written: "<s>" was read as HTML (struck through and
    // gone), "<0x0A>" vanished.
    void hoverToolTipKeepsTokenText()
    {
        const QString hover = QStringLiteral("\"<s>\" (seq 0, pos 0)\nlayer 1: E5 0.58, \"<0x0A>\"");
        QTextDocument doc;
        doc.setHtml(hoverToolTip(hover));
        const QString shown = doc.toPlainText();
        QVERIFY2(shown.contains(QStringLiteral("\"<s>\"")) && shown.contains(QStringLiteral("\"<0x0A>\"")), qPrintable(shown));
    }
    void journeyAsyncProvider()
    {
        TokenJourneyView view;
        view.setJourneySet(TokenJourneySet::fromBlock(*smallBlock(), &smallText));
        view.setQueryProvider([](const QString& q) {
            JourneyQuery r;
            r.query = q;
            r.matches = 99;
            r.journeys.resize(2);
            for (auto& j : r.journeys) {
                j.experts.assign(4, 1);
                j.weights.assign(4, 0.5f);
            }
            return r;
        });
        QSignalSpy found(&view, &TokenJourneyView::searchFinished);
        view.search(QStringLiteral("zzz"));
        QTRY_COMPARE_WITH_TIMEOUT(found.count(), 1, 5000);
        QCOMPARE(view.overlayCount(), 2);
    }

    // --- routing patterns ------------------------------------------------------------------
    void patternsFromDemo()
    {
        const DemoRouting routing = makeDemoRouting(3000, 6, 4, 2, 300, 5);
        const AnalysisResult r = analyzeDemo(routing, 1, {"def"}, 4);
        const RoutingPatternStats m = RoutingPatternStats::fromAnalysis(r);
        QCOMPARE(m.layers(), 6);
        QCOMPARE(m.groupCount(), 4); // all + code, english, math
        QCOMPARE(m.distances(), (std::vector<int>{1, 2, 3}));
        QVERIFY(m.transition(1, 4));
        QVERIFY(!m.transition(1, 5)); // no layer 6
        QVERIFY(std::isnan(m.group(0).coactivation[0][0]));
        QCOMPARE(m.maxEntropyBits(), 2.0);
        const int peak = m.maxEntropyLayer(0);
        for (double h : m.group(0).entropyFirstBits)
            QVERIFY(h <= m.group(0).entropyFirstBits[size_t(peak)]);
        double rowSum = 0;
        for (int b = 0; b < 4; ++b)
            rowSum += (*m.transition(1, 0))[size_t(b)];
        QVERIFY(std::abs(rowSum - 1.0) < 1e-9);

        RoutingPatternsView view;
        view.resize(1100, 800);
        view.setStats(m);
        view.show();
        view.setTransition(2, 1);
        QCOMPARE(view.distance(), 2);
        QCOMPARE(view.fromLayer(), 1);
        view.setCoactivationLayer(3);
        settle(view.plot());
        const QPoint t = cellCenter(view.plot(), view.transitionRect(), 1, 0);
        QVERIFY2(view.hoverText(t).startsWith(QStringLiteral("P(expert 1 at layer 3 | expert 0 at layer 1)")),
                 qPrintable(view.hoverText(t)));
        const QPoint c = cellCenter(view.plot(), view.coactivationRect(), 2, 2);
        QVERIFY(view.hoverText(c).contains(QStringLiteral("Diagonal")));
        const QPoint e = cellCenter(view.plot(), view.entropyRect(), 2, 1.0);
        QVERIFY2(view.hoverText(e).startsWith(QStringLiteral("Layer 2: entropy")), qPrintable(view.hoverText(e)));
    }

    // The repetition panel's legend hid the curves it names (top right, where the rates run
    // up to 1): it sits outside the axis rect now, over no plotted point, whole in the plot;
    // the entropy panel's peak label stays inside its panel.
    void patternsLegendHidesNoCurve()
    {
        const DemoRouting routing = makeDemoRouting(3000, 6, 4, 2, 300, 5);
        const AnalysisResult r = analyzeDemo(routing, 1, {"def"}, 4);
        RoutingPatternsView view;
        view.resize(1100, 800);
        view.setStats(RoutingPatternStats::fromAnalysis(r));
        view.show();
        settle(view.plot());
        QCPLegend* legend = view.repetitionLegend();
        QVERIFY(legend);
        int entries = 0; // the grid's cells, one of them empty (five entries, two to a row)
        for (int i = 0; i < legend->itemCount(); ++i)
            entries += legend->item(i) ? 1 : 0;
        QCOMPARE(entries, 5);
        const QRect box = legend->outerRect();
        QRect drawn; // the entries, whole inside the plot (the box is the layout's cell)
        for (int i = 0; i < legend->itemCount(); ++i)
            if (legend->item(i))
                drawn |= legend->item(i)->outerRect();
        QVERIFY2(view.plot()->rect().contains(drawn), qPrintable(QStringLiteral("entries %1,%2 %3x%4 in %5x%6")
                                                                  .arg(drawn.x()).arg(drawn.y()).arg(drawn.width())
                                                                  .arg(drawn.height()).arg(view.plot()->width())
                                                                  .arg(view.plot()->height())));
        QCPAxisRect* rect = view.repetitionRect();
        QVERIFY(!box.intersects(rect->rect()));
        int points = 0;
        for (int g = 0; g < view.plot()->graphCount(); ++g) {
            QCPGraph* graph = view.plot()->graph(g);
            if (graph->keyAxis()->axisRect() != rect)
                continue;
            for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it, ++points) {
                const QPoint px(int(graph->keyAxis()->coordToPixel(it->key)), int(graph->valueAxis()->coordToPixel(it->value)));
                QVERIFY2(!box.contains(px), qPrintable(QStringLiteral("%1 at layer %2").arg(graph->name()).arg(it->key)));
            }
        }
        QVERIFY(points >= 5 * 6);
        // The entropy panel's peak label: whole inside its panel (it ran off the top or the right).
        const QRect entropy = view.entropyRect()->rect();
        const QPointF topLeft = view.peakLabel()->topLeft->pixelPosition();
        const QPointF bottomRight = view.peakLabel()->bottomRight->pixelPosition();
        QVERIFY(!view.peakLabel()->text().isEmpty());
        QVERIFY2(entropy.contains(topLeft.toPoint()) && entropy.contains(bottomRight.toPoint()),
                 qPrintable(QStringLiteral("label %1,%2 to %3,%4 in %5,%6 to %7,%8")
                                .arg(topLeft.x()).arg(topLeft.y()).arg(bottomRight.x()).arg(bottomRight.y())
                                .arg(entropy.left()).arg(entropy.top()).arg(entropy.right()).arg(entropy.bottom())));
    }

    // --- training metrics ------------------------------------------------------------------
    void metricsParse()
    {
        TrainingMetricsSeries m;
        QSignalSpy structure(&m, &TrainingMetricsSeries::structureChanged);
        QSignalSpy points(&m, &TrainingMetricsSeries::pointsAdded);
        QVERIFY(m.appendJsonLine(evalLine(100, 0.5, 0.6)) > 0);
        QCOMPARE(m.appendJsonLine("{\"step\":100,\"loss\":{\"interlayer\":0.31}}"), 1);
        QCOMPARE(m.appendJsonLine("not json"), 0);
        QTRY_COMPARE(structure.count(), 1); // coalesced
        QCOMPARE(m.models(), (QStringList{QStringLiteral("interlayer"), QStringLiteral("markov")}));
        QVERIFY(m.isBaseline(QStringLiteral("markov")));
        QCOMPARE(m.metrics().first(), QStringLiteral("top1"));
        QVERIFY(m.metrics().contains(QStringLiteral("recall@2")));
        QCOMPARE(m.lossMetrics(), QStringList{QStringLiteral("loss/train")});
        QCOMPARE(m.horizons(), std::vector<int>{1});
        QCOMPARE(m.layers(), std::vector<int>{1}); // layer 0 had n = 0
        QCOMPARE(*m.finalValue({QStringLiteral("interlayer"), QStringLiteral("top1"), 1, -1}), 0.5);
        m.appendJsonLine(evalLine(200, 0.7, 0.6));
        QTRY_COMPARE(points.count(), 1);
        QCOMPARE(*m.finalValue({QStringLiteral("interlayer"), QStringLiteral("top1"), 1, -1}), 0.7);
        QCOMPARE(m.series({QStringLiteral("interlayer"), QStringLiteral("top1"), 1, -1})->at(1).epoch, 2.0);
    }
    void metricsFollowFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("metrics.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(evalLine(10, 0.4, 0.5) + '\n');
        f.write(evalLine(20, 0.45, 0.5).left(30)); // a line still being written
        f.flush();
        TrainingMetricsSeries m;
        QVERIFY(m.follow(path, 50));
        const MetricKey key{QStringLiteral("interlayer"), QStringLiteral("top1"), 1, -1};
        QCOMPARE(m.series(key)->size(), size_t(1));
        f.write(evalLine(20, 0.45, 0.5).mid(30) + '\n');
        f.flush();
        QTRY_COMPARE_WITH_TIMEOUT(m.series(key)->size(), size_t(2), 5000);
        QCOMPARE(m.series(key)->back().value, 0.45);
    }
    // A metrics.jsonl written by the real trainer (speculate::train on synthetic routing):
    // the curves must show every validation line, the losses and the baselines.
    void metricsFromTrainer()
    {
        QTemporaryDir dir;
        const DemoRouting routing = makeDemoRouting(3000, 4, 8, 2, 100, 5);
        speculate::TrainParams p =
            test::tinyTrainParams(dir.path().toStdString(), speculate::memorySource({*routing.block}));
        p.epochs = 2;
        p.evalEverySteps = 10;
        p.maxValidationTokens = 400;
        speculate::train(p);

        // What the trainer wrote.
        QFile f(dir.filePath(QStringLiteral("metrics.jsonl")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        int validations = 0, steps = 0;
        QJsonObject lastValidation, start;
        for (const QByteArray& line : f.readAll().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            const QString type = o.value(QStringLiteral("type")).toString();
            if (type == QStringLiteral("validation")) {
                ++validations;
                lastValidation = o;
            } else if (type == QStringLiteral("step")) {
                ++steps;
            } else if (type == QStringLiteral("start")) {
                start = o;
            }
        }
        QVERIFY(validations >= 3);
        QVERIFY(steps >= 2);
        QVERIFY(lastValidation.value(QStringLiteral("metrics")).isObject());

        TrainingMetricsSeries m;
        QVERIFY(m.follow(dir.filePath(QStringLiteral("metrics.jsonl")), 50));
        m.stopFollowing();
        QCOMPARE(m.models().mid(0, 3), (QStringList{QStringLiteral("interlayer"), QStringLiteral("statistics"),
                                                   QStringLiteral("ensemble")}));
        for (const QJsonValue& b : start.value(QStringLiteral("baselines")).toArray()) {
            QVERIFY(m.models().contains(b.toString()));
            QVERIFY(m.isBaseline(b.toString()));
        }
        QCOMPARE(m.horizons(), (std::vector<int>{1, 2}));
        QCOMPARE(m.metrics().first(), QStringLiteral("top1"));
        QVERIFY(m.metrics().contains(QStringLiteral("recall@2")));
        QVERIFY(m.metrics().contains(QStringLiteral("logloss")));
        const MetricKey top1{QStringLiteral("interlayer"), QStringLiteral("top1"), 1, -1};
        QVERIFY(m.series(top1));
        QCOMPARE(int(m.series(top1)->size()), validations);
        const double expected = lastValidation.value(QStringLiteral("metrics"))
                                    .toObject()
                                    .value(QStringLiteral("interlayer"))
                                    .toObject()
                                    .value(QStringLiteral("h1"))
                                    .toObject()
                                    .value(QStringLiteral("top1"))
                                    .toDouble();
        QCOMPARE(*m.finalValue(top1), expected);
        QCOMPARE(m.series(top1)->back().step, lastValidation.value(QStringLiteral("step")).toDouble());
        // Epoch axis: step / steps_per_epoch, so the end-of-epoch validation sits at 2.
        QVERIFY2(std::abs(m.series(top1)->back().epoch - 2.0) < 0.1, qPrintable(QString::number(m.series(top1)->back().epoch)));
        QVERIFY(m.series({QStringLiteral("markov"), QStringLiteral("recall@2"), 2, -1}));
        const auto* loss = m.series({QStringLiteral("ensemble"), QStringLiteral("loss/train"), 0, -1});
        QVERIFY(loss);
        QCOMPARE(int(loss->size()), steps);
        // The end line brings the best predictor's per-layer values (report.json).
        QCOMPARE(m.layers(), (std::vector<int>{1, 2, 3}));
        QCOMPARE(m.series({QStringLiteral("interlayer"), QStringLiteral("top1"), 1, 1})->size(), size_t(1));
        QVERIFY(!m.series({QStringLiteral("interlayer"), QStringLiteral("top1"), 1, 0})); // layer 0 is never predicted

        TrainingCurvesView view;
        view.resize(900, 700);
        view.setMetrics(&m);
        view.show();
        QCoreApplication::processEvents();
        QCOMPARE(view.modelGraphCount(), 3);
        QCOMPARE(view.plottedPoints(QStringLiteral("interlayer")), validations);
        QCOMPARE(view.baselineLineCount(), int(start.value(QStringLiteral("baselines")).toArray().size()));
        view.setLayer(2);
        QCOMPARE(view.plottedPoints(QStringLiteral("statistics")), 1);
        ComparisonTableModel table;
        table.setFromMetrics(m);
        QCOMPARE(table.rowCount(), int(m.models().size()) * 2);
    }
    void curvesLiveUpdate()
    {
        TrainingMetricsSeries m;
        for (const std::string& line : makeDemoMetricLines(400, 100, 2, 4, 1))
            m.appendJsonLine(QByteArray::fromStdString(line));
        TrainingCurvesView view;
        view.resize(900, 700);
        view.setMetrics(&m);
        view.show();
        QCoreApplication::processEvents();
        QCOMPARE(view.modelGraphCount(), 3);
        QCOMPARE(view.baselineLineCount(), 4);
        QCOMPARE(view.plottedPoints(QStringLiteral("ensemble")), 5); // steps 0..400 every 100
        m.append({QStringLiteral("ensemble"), QStringLiteral("top1"), 1, -1}, {500, 5, 0.9});
        QTRY_COMPARE(view.plottedPoints(QStringLiteral("ensemble")), 6);
        view.setHorizon(2);
        QCOMPARE(view.horizon(), 2);
        QCOMPARE(view.plottedPoints(QStringLiteral("ensemble")), 5);
        view.setMetric(QStringLiteral("recall@2"));
        QCOMPARE(view.metric(), QStringLiteral("recall@2"));
        view.setLayer(3);
        QCOMPARE(view.plottedPoints(QStringLiteral("interlayer")), 5);
        settle(view.plot());
        const QPoint mid = view.plot()->axisRect()->rect().center();
        QVERIFY2(view.hoverText(mid).contains(QStringLiteral("interlayer")), qPrintable(view.hoverText(mid)));
    }

    // --- comparison table ------------------------------------------------------------------
    void comparisonTable()
    {
        TrainingMetricsSeries m;
        for (const std::string& line : makeDemoMetricLines(200, 100, 3, 4, 1))
            m.appendJsonLine(QByteArray::fromStdString(line));
        ComparisonTableModel table;
        QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        table.setFromMetrics(m);
        QCOMPARE(table.rowCount(), 7 * 3);
        QCOMPARE(table.headerData(ComparisonTableModel::FirstMetricColumn, Qt::Horizontal).toString(), QStringLiteral("Top-1"));
        // Headline columns first (visible without scrolling), recall@m after them in order.
        QCOMPARE(table.metricKeys().mid(0, 4), (QStringList{QStringLiteral("top1"), QStringLiteral("exact"),
                                                            QStringLiteral("logloss"), QStringLiteral("ece")}));
        QCOMPARE(table.metricKeys().at(4), QStringLiteral("recall@1"));
        QCOMPARE(table.index(0, ComparisonTableModel::ModelColumn).data().toString(), QStringLiteral("interlayer"));
        QCOMPARE(table.index(0, ComparisonTableModel::HorizonColumn).data().toString(), QStringLiteral("+1"));
        // Exactly one bold top-1 per horizon (no ties in the demo data).
        for (int h = 0; h < 3; ++h) {
            int bold = 0;
            for (int r = 0; r < table.rowCount(); ++r)
                if (table.index(r, ComparisonTableModel::HorizonColumn).data(Qt::UserRole).toInt() == h + 1 &&
                    table.index(r, ComparisonTableModel::FirstMetricColumn).data(Qt::FontRole).value<QFont>().bold())
                    ++bold;
            QCOMPARE(bold, 1);
        }
        QVERIFY(ComparisonTableModel::lowerIsBetter(QStringLiteral("logloss")));
        QVERIFY(!ComparisonTableModel::lowerIsBetter(QStringLiteral("top1")));
        m.appendJsonLine(evalLine(900, 0.99, 0.1)); // new model values, same structure
        table.setFromMetrics(m);
        QCOMPARE(table.rowCount(), 7 * 3);
    }

    void comparisonTablePerLayer()
    {
        // A hand-made report: 3 layers, horizon 1, a model and a baseline, top-1 per layer.
        auto metrics = [](double top1) {
            speculate::Metrics m;
            m.samples = 10;
            m.top1 = top1;
            m.recall = {top1 / 2, 1.0};
            return m;
        };
        speculate::EvalReport r;
        r.split = "test";
        r.tokens = 10;
        r.dims.layers = 3;
        r.dims.experts = 2;
        r.dims.topk = 1;
        for (auto [name, base, l1, l2] : {std::tuple{"ensemble", false, 0.9, 0.7}, std::tuple{"markov", true, 0.6, 0.8}}) {
            speculate::PredictorMetrics p;
            p.name = name;
            p.baseline = base;
            speculate::HorizonMetrics h;
            h.overall = metrics((l1 + l2) / 2);
            h.perLayer = {speculate::Metrics{}, metrics(l1), metrics(l2)}; // layer 0: never predicted
            p.horizons.push_back(h);
            r.predictors.push_back(p);
        }
        ComparisonTableView view;
        view.setReport(r);
        QComboBox* layer = view.layerSelector();
        QVERIFY(!layer->isHidden());
        QCOMPARE(layer->count(), 3); // all, layer 1, layer 2
        auto top1 = [&](int row) { return view.model()->index(row, ComparisonTableModel::FirstMetricColumn).data(Qt::UserRole).toDouble(); };
        auto bold = [&](int row) { return view.model()->index(row, ComparisonTableModel::FirstMetricColumn).data(Qt::FontRole).value<QFont>().bold(); };
        QCOMPARE(view.model()->rowCount(), 2);
        QCOMPARE(top1(0), 0.8);
        QCOMPARE(view.model()->metricKeys(), (QStringList{QStringLiteral("top1"), QStringLiteral("exact"), QStringLiteral("logloss"),
                                                          QStringLiteral("ece"), QStringLiteral("recall@1"), QStringLiteral("recall@2")}));
        const int recall1 = ComparisonTableModel::FirstMetricColumn + 4; // values move with their column
        QCOMPARE(view.model()->index(0, recall1).data(Qt::UserRole).toDouble(), 0.4);
        layer->setCurrentIndex(layer->findData(2));
        QCOMPARE(top1(0), 0.7);
        QCOMPARE(top1(1), 0.8);
        QVERIFY(!bold(0) && bold(1)); // the baseline wins at layer 2
        layer->setCurrentIndex(layer->findData(1));
        QCOMPARE(top1(0), 0.9);
        QVERIFY(bold(0));
        view.setReport(r); // a new report keeps the chosen layer
        QCOMPARE(layer->currentData().toInt(), 1);
        QCOMPARE(top1(0), 0.9);
        // A report without per-layer rows has nothing to choose.
        for (auto& p : r.predictors)
            p.horizons.front().perLayer.clear();
        view.setReport(r);
        QVERIFY(layer->isHidden());
        QCOMPARE(top1(0), 0.8);
    }

    // --- containers ------------------------------------------------------------------------
    // Combo boxes filled after the view is first shown (the analysis job and metrics.jsonl
    // arrive later) grow to their items: "All sources", "Top-1 hit rate" were cut to 7 chars.
    void combosFitItemsArrivingAfterShow()
    {
        TraceSetViews views;
        views.resize(1400, 900);
        views.show();
        QCoreApplication::processEvents();
        const int before = comboItems(&views);
        views.setAnalysis(analyzeDemo(makeDemoRouting(4000, 8, 8, 2, 500, 9), 2, {"def"}, 8));
        QCoreApplication::processEvents();
        QVERIFY(comboItems(&views) > before);
        QCOMPARE(truncatedCombo(&views), QString());

        TrainingMetricsSeries m;
        TrainingCurvesView curves;
        curves.resize(1200, 800);
        curves.setMetrics(&m);
        curves.show();
        QCoreApplication::processEvents();
        const int empty = comboItems(&curves);
        for (const std::string& line : makeDemoMetricLines(400, 100, 2, 4, 1))
            m.appendJsonLine(QByteArray::fromStdString(line));
        QTRY_VERIFY(comboItems(&curves) > empty);
        QCOMPARE(truncatedCombo(&curves), QString());
    }

    void traceSetViewsFromAnalysis()
    {
        const DemoRouting routing = makeDemoRouting(4000, 8, 8, 2, 500, 9);
        TraceSetViews views;
        views.setAnalysis(analyzeDemo(routing, 2, {"def"}, 8));
        QCOMPARE(views.views().size(), 4);
        QCOMPARE(views.heatmapView()->stats().layers(), 8);
        QCOMPARE(views.journeyView()->journeySet().sequenceCount(), 2);
        QVERIFY(views.textView()->routedText().tokenCount() > 0); // the first journey
        views.setRouting(routing.block, routing.textFn());
        QCOMPARE(views.textView()->routedText().tokenCount(), size_t(4000));
        views.setCurrentIndex(2);
        QCOMPARE(views.currentView()->viewId(), QStringLiteral("routing_text"));
    }
};

QTEST_MAIN(TestViews)
#include "tst_views.moc"
