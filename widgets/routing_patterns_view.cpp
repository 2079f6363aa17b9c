#include "widgets/routing_patterns_view.h"

#include "widgets/colormap.h"
#include "widgets/export.h"
#include "widgets/layer_spin_box.h"
#include "widgets/view_style.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QSpinBox>
#include <QToolTip>
#include <QVBoxLayout>
#include "widgets/view_qcustomplot.h"

#include <algorithm>
#include <cmath>

namespace specmoe::widgets {

namespace {

QCPTextElement* panelTitle(QCustomPlot* plot, const QString& text)
{
    QFont f = plot->font();
    f.setPointSizeF(10.5);
    f.setBold(true);
    auto* t = new QCPTextElement(plot, text, f);
    t->setTextColor(QColor(40, 40, 40));
    t->setMargins(QMargins(2, 6, 2, 0));
    return t;
}

QCPAxisRect* matrixRect(QCustomPlot* plot, const QString& xLabel, const QString& yLabel)
{
    auto* rect = new QCPAxisRect(plot);
    styleAxisRect(rect);
    styleAxis(rect->axis(QCPAxis::atBottom), xLabel);
    styleAxis(rect->axis(QCPAxis::atLeft), yLabel);
    // Expert ids: the labels thin out at 256 experts and come back when zoomed in.
    setLabelledIntegerTicks(rect->axis(QCPAxis::atBottom), [](int e) { return QString::number(e); }, 8);
    setLabelledIntegerTicks(rect->axis(QCPAxis::atLeft), [](int e) { return QString::number(e); }, 8);
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);
    rect->axis(QCPAxis::atBottom)->grid()->setVisible(false);
    rect->axis(QCPAxis::atLeft)->grid()->setVisible(false);
    return rect;
}

QCPColorMap* matrixMap(QCPAxisRect* rect, QCPColorScale* scale)
{
    auto* map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    map->setInterpolate(false);
    map->setTightBoundary(false);
    map->setColorScale(scale); // first: the scale hands its gradient to the map
    map->setGradient(viridisGradient());
    return map;
}

// A curve panel's legend goes below its axis rect, its entries two to a row: inside
// the rect it hid curves wherever it sat (the repetition rates run up to 1, the random
// rates lie low, and every curve spans all layers).
QCPLegend* panelLegend(QCustomPlot* plot, QCPLayoutGrid* grid, int row, int column)
{
    auto* legend = new QCPLegend;
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(2);
    grid->addElement(row, column, legend);
    legend->setLayer(QStringLiteral("legend"));
    legend->setBrush(Qt::NoBrush);
    legend->setBorderPen(Qt::NoPen);
    QFont f = plot->font();
    f.setPointSizeF(8.5);
    legend->setFont(f);
    legend->setRowSpacing(-2);
    return legend;
}

QCPGraph* lineGraph(QCPAxisRect* rect, const QString& name, const QPen& pen, QCPScatterStyle::ScatterShape shape,
                    QCPLegend* legend)
{
    auto* g = rect->parentPlot()->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    g->setName(name);
    g->setPen(pen);
    if (shape != QCPScatterStyle::ssNone)
        g->setScatterStyle(QCPScatterStyle(shape, pen.color(), Qt::white, 5));
    g->removeFromLegend();
    g->addToLegend(legend);
    return g;
}

} // namespace

RoutingPatternsView::RoutingPatternsView(QWidget* parent)
    : QWidget(parent)
{
    m_groupBox = new QComboBox(this);
    m_distanceBox = new QComboBox(this);
    // Filled when the analysis arrives, after the first show: size to the items then.
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_distanceBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_fromBox = new LayerSpinBox(this);
    m_coactBox = new LayerSpinBox(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Source:"), this));
    controls->addWidget(m_groupBox);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Transition from layer:"), this));
    controls->addWidget(m_fromBox);
    controls->addWidget(new QLabel(tr("distance:"), this));
    controls->addWidget(m_distanceBox);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Co-activation layer:"), this));
    controls->addWidget(m_coactBox);
    controls->addStretch(1);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(640, 480);
    m_plot->plotLayout()->clear();
    m_transRect = matrixRect(m_plot, tr("Expert at layer l + d"), tr("Expert at layer l"));
    m_coactRect = matrixRect(m_plot, tr("Expert j"), tr("Expert i"));
    auto* scale1 = new QCPColorScale(m_plot);
    auto* scale2 = new QCPColorScale(m_plot);
    for (auto* s : {scale1, scale2}) {
        s->setBarWidth(12);
        styleAxis(s->axis(), QString());
    }
    scale1->axis()->setLabel(tr("P(next | current)"));
    scale2->axis()->setLabel(tr("Share of tokens"));
    m_transMap = matrixMap(m_transRect, scale1);
    m_coactMap = matrixMap(m_coactRect, scale2);
    m_transTitle = panelTitle(m_plot, tr("Layer transitions"));
    m_coactTitle = panelTitle(m_plot, tr("Co-activation"));

    auto* top = new QCPLayoutGrid;
    auto* bottom = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 0, top);
    m_plot->plotLayout()->addElement(1, 0, bottom);
    top->addElement(0, 0, m_transTitle);
    top->addElement(0, 2, m_coactTitle);
    top->addElement(1, 0, m_transRect);
    top->addElement(1, 1, scale1);
    top->addElement(1, 2, m_coactRect);
    top->addElement(1, 3, scale2);
    top->setColumnStretchFactors({1.0, 0.01, 1.0, 0.01});
    top->setRowStretchFactors({0.01, 1.0});
    auto* marginsTop = new QCPMarginGroup(m_plot);
    for (QCPLayoutElement* e : std::initializer_list<QCPLayoutElement*>{m_transRect, scale1, m_coactRect, scale2})
        e->setMarginGroup(QCP::msTop | QCP::msBottom, marginsTop);

    m_entropyRect = new QCPAxisRect(m_plot);
    m_repRect = new QCPAxisRect(m_plot);
    bottom->addElement(0, 0, panelTitle(m_plot, tr("Routing entropy per layer")));
    bottom->addElement(0, 1, panelTitle(m_plot, tr("Consecutive-token repetition")));
    bottom->addElement(1, 0, m_entropyRect);
    bottom->addElement(1, 1, m_repRect);
    auto* marginsBottom = new QCPMarginGroup(m_plot);
    m_entropyRect->setMarginGroup(QCP::msTop | QCP::msBottom, marginsBottom);
    m_repRect->setMarginGroup(QCP::msTop | QCP::msBottom, marginsBottom);
    auto* marginsLeft = new QCPMarginGroup(m_plot);
    m_transRect->setMarginGroup(QCP::msLeft, marginsLeft);
    m_entropyRect->setMarginGroup(QCP::msLeft, marginsLeft);
    for (QCPAxisRect* r : {m_entropyRect, m_repRect}) {
        styleAxisRect(r);
        styleAxis(r->axis(QCPAxis::atBottom), tr("Layer"));
        setLabelledIntegerTicks(r->axis(QCPAxis::atBottom), [this](int l) { return m_context.layerLabel(l); }, 12);
    }
    styleAxis(m_entropyRect->axis(QCPAxis::atLeft), tr("Entropy (bits)"));
    styleAxis(m_repRect->axis(QCPAxis::atLeft), tr("Rate of neighbouring tokens"));
    stylePlot(m_plot);

    auto* entropyLegend = panelLegend(m_plot, bottom, 2, 0);
    auto* repLegend = panelLegend(m_plot, bottom, 2, 1);
    m_repLegend = repLegend;
    bottom->setRowStretchFactors({0.01, 1.0, 0.01});
    const QColor blue(0, 114, 178), orange(213, 94, 0), grey(110, 110, 110);
    lineGraph(m_entropyRect, tr("First choice"), QPen(blue, 2), QCPScatterStyle::ssCircle, entropyLegend);      // 0
    lineGraph(m_entropyRect, tr("Any of top-k"), QPen(orange, 2), QCPScatterStyle::ssSquare, entropyLegend);    // 1
    lineGraph(m_entropyRect, tr("Maximum (uniform), log2 E"), QPen(grey, 1.5, Qt::DashLine), QCPScatterStyle::ssNone, entropyLegend); // 2
    auto* peak = lineGraph(m_entropyRect, tr("Most balanced layer"), QPen(QColor(200, 30, 60), 2), QCPScatterStyle::ssNone, entropyLegend); // 3
    peak->setLineStyle(QCPGraph::lsNone);
    peak->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(200, 30, 60), 2), QColor(200, 30, 60), 13));
    lineGraph(m_repRect, tr("Same first choice"), QPen(blue, 2), QCPScatterStyle::ssCircle, repLegend);          // 4
    lineGraph(m_repRect, tr("Random, 1/E"), QPen(blue, 1.5, Qt::DashLine), QCPScatterStyle::ssNone, repLegend);   // 5
    lineGraph(m_repRect, tr("Expected from layer load"), QPen(blue, 1.2, Qt::DotLine), QCPScatterStyle::ssNone, repLegend); // 6
    lineGraph(m_repRect, tr("Top-k sets overlap"), QPen(orange, 2), QCPScatterStyle::ssSquare, repLegend);        // 7
    lineGraph(m_repRect, tr("Random overlap"), QPen(orange, 1.5, Qt::DashLine), QCPScatterStyle::ssNone, repLegend); // 8
    m_maxLabel = new QCPItemText(m_plot);
    m_maxLabel->setClipAxisRect(m_entropyRect);
    // At the peak's layer, along the top of the panel: above the uniform maximum (the axis
    // leaves headroom), never cut off however short the panel or tall the font.
    m_maxLabel->position->setAxes(m_entropyRect->axis(QCPAxis::atBottom), m_entropyRect->axis(QCPAxis::atLeft));
    m_maxLabel->position->setAxisRect(m_entropyRect);
    m_maxLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_maxLabel->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_maxLabel->setColor(QColor(200, 30, 60));
    m_maxLabel->setPadding(QMargins(4, 1, 4, 0));

    m_hover = new QLabel(this);
    m_hover->setTextFormat(Qt::PlainText);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_hover);

    connect(m_groupBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int i) { setGroup(i); });
    connect(m_distanceBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int) { setTransition(m_distanceBox->currentData().toInt(), m_fromBox->value()); });
    connect(m_fromBox, QOverload<int>::of(&QSpinBox::valueChanged), this,
            [this](int l) { setTransition(m_distance, l); });
    connect(m_coactBox, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int l) { setCoactivationLayer(l); });
    connect(m_plot, &QCustomPlot::mouseMove, this, &RoutingPatternsView::onMouseMove);
    // The matrices zoom (wheel) and pan (drag) inside their E x E cells; the curves stay.
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    for (QCPAxisRect* r : {m_entropyRect, m_repRect}) {
        r->setRangeDrag(Qt::Orientations());
        r->setRangeZoom(Qt::Orientations());
    }
    for (QCPAxisRect* r : {m_transRect, m_coactRect})
        for (QCPAxis* a : {r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft)})
            connect(a, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this, [this, a](const QCPRange&) {
                const double E = std::max(1, m_stats.experts());
                keepAxisInside(a, {-0.5, E - 0.5, std::min(4.0, E)});
            });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        const double E = std::max(1, m_stats.experts());
        for (QCPAxisRect* r : {m_transRect, m_coactRect}) {
            r->axis(QCPAxis::atBottom)->setRange(-0.5, E - 0.5);
            r->axis(QCPAxis::atLeft)->setRange(-0.5, E - 0.5);
        }
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    rebuildMatrices();
    rebuildCurves();
}

QString RoutingPatternsView::viewTitle() const
{
    return tr("Routing patterns");
}

void RoutingPatternsView::setContext(RoutingContext context)
{
    m_context = std::move(context);
    const auto label = [this](int l) { return m_context.layerLabel(l); };
    m_fromBox->setLabel(label);
    m_coactBox->setLabel(label);
    for (QCPAxisRect* r : {m_entropyRect, m_repRect}) {
        r->axis(QCPAxis::atBottom)->setLabel(m_context.layerAxisTitle());
        setLabelledIntegerTicks(r->axis(QCPAxis::atBottom), [this](int l) { return m_context.layerLabel(l); }, 12);
    }
    rebuildMatrices();
    rebuildCurves();
}

void RoutingPatternsView::setStats(RoutingPatternStats stats)
{
    const bool sameExperts = stats.experts() == m_stats.experts();
    m_stats = std::move(stats);
    if (!sameExperts) // a zoom of other dims means nothing here
        for (QCPAxisRect* r : {m_transRect, m_coactRect})
            for (QCPAxis* a : {r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft)})
                a->setRange(-0.5, std::max(1, m_stats.experts()) - 0.5);
    m_group = 0;
    const auto d = m_stats.distances();
    m_distance = d.empty() ? 1 : d.front();
    m_fromLayer = 0;
    m_coactLayer = 0;
    {
        const QSignalBlocker b1(m_groupBox), b2(m_distanceBox), b3(m_fromBox), b4(m_coactBox);
        m_groupBox->clear();
        m_groupBox->addItems(m_stats.groupNames());
        m_distanceBox->clear();
        for (int x : d)
            m_distanceBox->addItem(QString::number(x), x);
        m_fromBox->setRange(0, std::max(0, m_stats.layers() - m_distance - 1));
        m_fromBox->setValue(0);
        m_coactBox->setRange(0, std::max(0, m_stats.layers() - 1));
        m_coactBox->setValue(0);
    }
    rebuildMatrices();
    rebuildCurves();
}

void RoutingPatternsView::setGroup(int group)
{
    if (group < 0 || group >= m_stats.groupCount())
        return;
    m_group = group;
    if (m_groupBox->currentIndex() != group)
        m_groupBox->setCurrentIndex(group);
    rebuildMatrices();
    rebuildCurves();
}

void RoutingPatternsView::setTransition(int distance, int fromLayer)
{
    m_distance = std::max(1, distance);
    m_fromLayer = std::clamp(fromLayer, 0, std::max(0, m_stats.layers() - m_distance - 1));
    {
        const QSignalBlocker b1(m_distanceBox), b2(m_fromBox);
        const int di = m_distanceBox->findData(m_distance);
        if (di >= 0)
            m_distanceBox->setCurrentIndex(di);
        m_fromBox->setRange(0, std::max(0, m_stats.layers() - m_distance - 1));
        m_fromBox->setValue(m_fromLayer);
    }
    rebuildMatrices();
}

void RoutingPatternsView::setCoactivationLayer(int layer)
{
    m_coactLayer = std::clamp(layer, 0, std::max(0, m_stats.layers() - 1));
    if (m_coactBox->value() != m_coactLayer) {
        const QSignalBlocker b(m_coactBox);
        m_coactBox->setValue(m_coactLayer);
    }
    rebuildMatrices();
}

void RoutingPatternsView::rebuildMatrices()
{
    const int E = std::max(1, m_stats.experts());
    for (QCPColorMap* map : {m_transMap, m_coactMap}) {
        map->data()->setSize(E, E);
        map->data()->setRange(QCPRange(0, E - 1), QCPRange(0, E - 1));
        map->data()->fill(std::nan(""));
    }
    // Cell (x = column b, y = row a).
    if (const auto* t = m_stats.transition(m_distance, m_fromLayer))
        for (int a = 0; a < m_stats.experts(); ++a)
            for (int b = 0; b < m_stats.experts(); ++b)
                m_transMap->data()->setCell(b, a, (*t)[size_t(a * m_stats.experts() + b)]);
    double coMax = 0;
    if (m_group < m_stats.groupCount() && m_coactLayer < m_stats.layers()) {
        const auto& co = m_stats.group(m_group).coactivation[size_t(m_coactLayer)];
        for (int a = 0; a < m_stats.experts(); ++a)
            for (int b = 0; b < m_stats.experts(); ++b) {
                const double v = co[size_t(a * m_stats.experts() + b)];
                m_coactMap->data()->setCell(b, a, a == b ? std::nan("") : v);
                if (a != b && std::isfinite(v))
                    coMax = std::max(coMax, v);
            }
    }
    m_transMap->setDataRange(QCPRange(0, 1));
    m_transMap->rescaleDataRange(true);
    if (m_transMap->dataRange().upper <= 0)
        m_transMap->setDataRange(QCPRange(0, 1));
    m_coactMap->setDataRange(QCPRange(0, coMax > 0 ? coMax : 1));
    for (QCPAxisRect* r : {m_transRect, m_coactRect}) // the zoom stays unless E changed
        for (QCPAxis* a : {r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft)})
            if (a->range().upper > E - 0.5 + 1e-9 || a->range().size() < 1)
                a->setRange(-0.5, E - 0.5);
    m_transTitle->setText(tr("First-choice transitions, %1 to %2")
                              .arg(m_context.layerText(m_fromLayer), m_context.layerText(m_fromLayer + m_distance)));
    m_coactTitle->setText(tr("Co-activation in top-%1 at %2 (off-diagonal)").arg(m_stats.topk()).arg(m_context.layerText(m_coactLayer)));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RoutingPatternsView::rebuildCurves()
{
    const int L = m_stats.layers();
    QVector<double> x(L);
    for (int l = 0; l < L; ++l)
        x[l] = l;
    auto vec = [](const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); };
    auto constant = [&](double c) { return QVector<double>(L, c); };
    if (m_group < m_stats.groupCount()) {
        const PatternGroup& g = m_stats.group(m_group);
        m_plot->graph(0)->setData(x, vec(g.entropyFirstBits), true);
        m_plot->graph(1)->setData(x, vec(g.entropyAnyBits), true);
        m_plot->graph(2)->setData(x, constant(m_stats.maxEntropyBits()), true);
        const int peak = m_stats.maxEntropyLayer(m_group);
        m_plot->graph(3)->data()->clear();
        if (peak >= 0) {
            m_plot->graph(3)->addData(peak, g.entropyFirstBits[size_t(peak)]);
            m_maxLabel->position->setCoords(peak, 0.0);
            // Towards the middle of the panel, so a peak near its right edge keeps its text in.
            m_maxLabel->setPositionAlignment((2 * peak > L ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
            m_maxLabel->setText(tr("max %1 bits at %2")
                                    .arg(QLocale().toString(g.entropyFirstBits[size_t(peak)], 'f', 3))
                                    .arg(m_context.layerText(peak)));
        }
        m_plot->graph(4)->setData(x, vec(g.sameFirstRate), true);
        m_plot->graph(5)->setData(x, constant(m_stats.randomSameFirst()), true);
        m_plot->graph(6)->setData(x, vec(g.expectedFromLoad), true);
        m_plot->graph(7)->setData(x, vec(g.overlapRate), true);
        m_plot->graph(8)->setData(x, constant(m_stats.randomOverlap()), true);
    } else {
        for (int i = 0; i < m_plot->graphCount(); ++i)
            m_plot->graph(i)->data()->clear();
        m_maxLabel->setText(QString());
    }
    for (QCPAxisRect* r : {m_entropyRect, m_repRect}) {
        r->axis(QCPAxis::atBottom)->setRange(-0.5, std::max(1, L) - 0.5);
        (void)L;
    }
    const double hmax = std::max(1.0, m_stats.maxEntropyBits());
    // Headroom above the maximum for the label of the most balanced layer (the legend is below).
    m_entropyRect->axis(QCPAxis::atLeft)->setRange(0, hmax * 1.25);
    m_repRect->axis(QCPAxis::atLeft)->setRange(0, 1.05);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString RoutingPatternsView::hoverText(const QPoint& pos) const
{
    const int E = m_stats.experts();
    auto cell = [&](QCPAxisRect* r, int& row, int& col) {
        col = int(std::lround(r->axis(QCPAxis::atBottom)->pixelToCoord(pos.x())));
        row = int(std::lround(r->axis(QCPAxis::atLeft)->pixelToCoord(pos.y())));
        return row >= 0 && row < E && col >= 0 && col < E;
    };
    int a = 0, b = 0;
    if (m_transRect->rect().contains(pos) && cell(m_transRect, a, b)) {
        const auto* t = m_stats.transition(m_distance, m_fromLayer);
        if (!t)
            return {};
        return tr("P(expert %1 at %2 | expert %3 at %4) = %5")
            .arg(b)
            .arg(m_context.layerText(m_fromLayer + m_distance))
            .arg(a)
            .arg(m_context.layerText(m_fromLayer))
            .arg(QLocale().toString((*t)[size_t(a * E + b)], 'f', 4));
    }
    if (m_coactRect->rect().contains(pos) && cell(m_coactRect, a, b) && m_group < m_stats.groupCount()) {
        if (a == b)
            return tr("Diagonal (an expert with itself) is not shown");
        return tr("Experts %1 and %2 together in the top-%3 at %4: %5 % of tokens")
            .arg(a)
            .arg(b)
            .arg(m_stats.topk())
            .arg(m_context.layerText(m_coactLayer))
            .arg(QLocale().toString(
                100.0 * m_stats.group(m_group).coactivation[size_t(m_coactLayer)][size_t(a * E + b)], 'f', 2));
    }
    for (QCPAxisRect* r : {m_entropyRect, m_repRect}) {
        if (!r->rect().contains(pos) || m_group >= m_stats.groupCount())
            continue;
        const int l = int(std::lround(r->axis(QCPAxis::atBottom)->pixelToCoord(pos.x())));
        if (l < 0 || l >= m_stats.layers())
            return {};
        const PatternGroup& g = m_stats.group(m_group);
        if (r == m_entropyRect)
            return tr("Layer %1: entropy %2 bits (first), %3 bits (any); maximum %4")
                .arg(m_context.layerLabel(l))
                .arg(QLocale().toString(g.entropyFirstBits[size_t(l)], 'f', 3))
                .arg(QLocale().toString(g.entropyAnyBits[size_t(l)], 'f', 3))
                .arg(QLocale().toString(m_stats.maxEntropyBits(), 'f', 3));
        return tr("Layer %1: same first choice %2 (random %3), overlap %4 (random %5)")
            .arg(m_context.layerLabel(l))
            .arg(QLocale().toString(g.sameFirstRate[size_t(l)], 'f', 3))
            .arg(QLocale().toString(m_stats.randomSameFirst(), 'f', 3))
            .arg(QLocale().toString(g.overlapRate[size_t(l)], 'f', 3))
            .arg(QLocale().toString(m_stats.randomOverlap(), 'f', 3));
    }
    return {};
}

void RoutingPatternsView::onMouseMove(QMouseEvent* event)
{
    showHover(m_hover, m_plot, event, hoverText(event->position().toPoint()));
}

bool RoutingPatternsView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    return exportPlot(m_plot, path, size, dpi, error);
}

bool RoutingPatternsView::exportCsv(const QString& path, QString* error) const
{
    return m_stats.writeCsv(path, m_group, m_distance, m_fromLayer, m_coactLayer, error);
}

} // namespace specmoe::widgets
