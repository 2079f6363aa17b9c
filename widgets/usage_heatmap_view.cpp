#include "widgets/usage_heatmap_view.h"

#include "core/util/piece_text.h"

#include "widgets/colormap.h"
#include "widgets/export.h"
#include "widgets/view_style.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QListWidget>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>
#include "widgets/view_qcustomplot.h"

#include <cmath>

namespace specmoe::widgets {

UsageHeatmapView::UsageHeatmapView(QWidget* parent)
    : QWidget(parent)
{
    auto* controls = new QHBoxLayout;
    m_groupBox = new QComboBox(this);
    // Filled when the analysis arrives, after the first show: size to the items then.
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_choiceBox = new QComboBox(this);
    m_choiceBox->addItem(tr("First choice"));
    m_choiceBox->addItem(tr("Any of top-k"));
    controls->addWidget(new QLabel(tr("Source:"), this));
    controls->addWidget(m_groupBox);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Choice:"), this));
    controls->addWidget(m_choiceBox);
    controls->addSpacing(12);
    m_orderBox = new QComboBox(this);
    m_orderBox->addItem(tr("By expert id"));
    m_orderBox->addItem(tr("By load, all layers"));
    m_orderBox->addItem(tr("By load at the selected layer"));
    m_orderBox->setToolTip(tr("Row order: with many experts, sorting by the share summed over the layers "
                              "shows which experts carry the load; hover a row for its id."));
    controls->addWidget(new QLabel(tr("Rows:"), this));
    controls->addWidget(m_orderBox);
    controls->addStretch(1);

    m_plot = new QCustomPlot(this);
    stylePlot(m_plot);
    m_plot->setMinimumSize(420, 260);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(m_plot);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(14);
    styleAxis(m_scale->axis(), tr("Share of tokens"));
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_map->setColorScale(m_scale);
    m_map->setGradient(viridisGradient());
    auto* group = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    styleAxis(m_plot->xAxis, tr("Layer"));
    styleAxis(m_plot->yAxis, tr("Expert"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    updateTicks();
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->yAxis->setRangeReversed(true);
    m_title = addPlotTitle(m_plot, QString());
    m_selection = new QCPItemRect(m_plot);
    m_selection->setPen(QPen(QColor(230, 30, 60), 2));
    m_selection->setBrush(Qt::NoBrush);
    m_selection->setVisible(false);

    m_hover = new QLabel(this);
    m_hover->setTextFormat(Qt::PlainText);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    m_listTitle = new QLabel(tr("Click a cell to list its tokens."), side);
    m_listTitle->setWordWrap(true);
    m_list = new QListWidget(side);
    m_list->setUniformItemSizes(true);
    m_list->setMinimumWidth(300);
    sideLayout->addWidget(m_listTitle);
    sideLayout->addWidget(m_list, 1);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(controls);
    leftLayout->addWidget(m_plot, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_hover, 1);
    auto* hint = new QLabel(tr("Wheel: zoom, drag: pan, double click: fit all"), this);
    hint->setEnabled(false);
    bottom->addWidget(hint);
    leftLayout->addLayout(bottom);

    auto* splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_groupBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int i) { setGroup(i); });
    connect(m_choiceBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int i) { setChoice(ExpertChoice(i)); });
    connect(m_plot, &QCustomPlot::mouseMove, this, &UsageHeatmapView::onMouseMove);
    connect(m_orderBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int i) { setRowOrder(RowOrder(i)); });
    connect(m_plot, &QCustomPlot::mousePress, this, &UsageHeatmapView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &UsageHeatmapView::onMouseRelease);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { fitAll(); });
    // Pan and zoom stay on the cells, down to a few layers and experts.
    connect(m_plot->xAxis, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this, [this](const QCPRange&) {
        keepAxisInside(m_plot->xAxis, {-0.5, std::max(1, m_stats.layers()) - 0.5, std::min(4.0, double(std::max(1, m_stats.layers())))});
    });
    connect(m_plot->yAxis, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this, [this](const QCPRange&) {
        keepAxisInside(m_plot->yAxis, {-0.5, std::max(1, m_stats.experts()) - 0.5, std::min(4.0, double(std::max(1, m_stats.experts())))});
    });
    rebuild();
}

QString UsageHeatmapView::viewTitle() const
{
    return tr("Expert usage");
}

void UsageHeatmapView::setContext(RoutingContext context)
{
    m_context = std::move(context);
    styleAxis(m_plot->xAxis, m_context.layerAxisTitle());
    updateTicks();
    rebuild();
}

void UsageHeatmapView::setRowOrder(RowOrder order)
{
    m_rowOrder = order;
    if (m_orderBox->currentIndex() != int(order))
        m_orderBox->setCurrentIndex(int(order));
    rebuild();
}

int UsageHeatmapView::expertAtRow(int row) const
{
    return row >= 0 && size_t(row) < m_order.size() ? m_order[size_t(row)] : row;
}

int UsageHeatmapView::rowOfExpert(int expert) const
{
    return expert >= 0 && size_t(expert) < m_rowOf.size() ? m_rowOf[size_t(expert)] : expert;
}

void UsageHeatmapView::fitAll()
{
    m_plot->xAxis->setRange(-0.5, std::max(0, m_stats.layers() - 1) + 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(0, m_stats.experts() - 1) + 0.5);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void UsageHeatmapView::updateOrder()
{
    const int E = m_stats.experts();
    if (m_rowOrder != RowOrder::ById && m_stats.groupCount() > 0) {
        m_order = m_stats.expertsByLoad(m_group, m_choice, m_rowOrder == RowOrder::ByLayerLoad ? m_selLayer : -1);
    } else {
        m_order.resize(size_t(E));
        for (int e = 0; e < E; ++e)
            m_order[size_t(e)] = e;
    }
    m_rowOf.assign(size_t(E), 0);
    for (int r = 0; r < E; ++r)
        m_rowOf[size_t(m_order[size_t(r)])] = r;
}

void UsageHeatmapView::updateTicks()
{
    setLabelledIntegerTicks(m_plot->xAxis, [this](int l) { return m_context.layerLabel(l); }, 12);
    // Rows sorted by load are labelled with the expert id they show.
    setLabelledIntegerTicks(m_plot->yAxis, [this](int row) { return QString::number(expertAtRow(row)); }, 16);
}

void UsageHeatmapView::setStats(ExpertUsageStats stats)
{
    const bool sameShape = stats.layers() == m_stats.layers() && stats.experts() == m_stats.experts();
    m_stats = std::move(stats);
    m_group = 0;
    m_selLayer = m_selExpert = -1;
    {
        const QSignalBlocker block(m_groupBox);
        m_groupBox->clear();
        m_groupBox->addItems(m_stats.groupNames());
    }
    m_choiceBox->setItemText(1, tr("Any of top-%1").arg(m_stats.topk()));
    m_list->clear();
    m_listTitle->setText(tr("Click a cell to list its tokens."));
    rebuild();
    if (!sameShape)
        fitAll();
}

void UsageHeatmapView::setGroup(int group)
{
    if (group < 0 || group >= m_stats.groupCount())
        return;
    m_group = group;
    if (m_groupBox->currentIndex() != group)
        m_groupBox->setCurrentIndex(group);
    rebuild();
}

void UsageHeatmapView::setChoice(ExpertChoice choice)
{
    m_choice = choice;
    if (m_choiceBox->currentIndex() != int(choice))
        m_choiceBox->setCurrentIndex(int(choice));
    rebuild();
    if (m_selLayer >= 0)
        showCell(m_selLayer, m_selExpert);
}

void UsageHeatmapView::rebuild()
{
    const int L = m_stats.layers(), E = m_stats.experts();
    updateOrder();
    m_map->data()->setSize(std::max(1, L), std::max(1, E));
    m_map->data()->setRange(QCPRange(0, std::max(0, L - 1)), QCPRange(0, std::max(0, E - 1)));
    if (L > 0 && E > 0 && m_stats.groupCount() > 0) {
        for (int l = 0; l < L; ++l)
            for (int r = 0; r < E; ++r)
                m_map->data()->setCell(l, r, m_stats.share(m_group, m_choice, l, m_order[size_t(r)]));
        const double hi = m_stats.maxShare(m_group, m_choice);
        m_map->setDataRange(QCPRange(0.0, hi > 0 ? hi : 1.0));
    } else {
        m_map->data()->fill(std::nan(""));
        m_map->setDataRange(QCPRange(0.0, 1.0));
    }
    QString rows = tr("Expert");
    if (m_rowOrder == RowOrder::ByLoad || (m_rowOrder == RowOrder::ByLayerLoad && m_selLayer < 0))
        rows = tr("Expert (rows by load over all layers, busiest first)");
    else if (m_rowOrder == RowOrder::ByLayerLoad)
        rows = tr("Expert (rows by load at decoder layer %1, busiest first)").arg(m_context.decoderLayer(m_selLayer));
    styleAxis(m_plot->yAxis, rows);
    m_selection->setVisible(m_selLayer >= 0 && m_selLayer < L && m_selExpert >= 0 && m_selExpert < E);
    if (m_selection->visible()) {
        const int row = rowOfExpert(m_selExpert);
        m_selection->topLeft->setCoords(m_selLayer - 0.5, row - 0.5);
        m_selection->bottomRight->setCoords(m_selLayer + 0.5, row + 0.5);
    }
    const QString source = m_stats.groupCount() > 0 ? m_stats.groupNames().value(m_group) : tr("no data");
    m_title->setText(m_choice == ExpertChoice::First
                         ? tr("Expert usage by layer: first choice (%1)").arg(source)
                         : tr("Expert usage by layer: any of top-%1 (%2)").arg(m_stats.topk()).arg(source));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

CellRef UsageHeatmapView::cellAt(const QPoint& pos) const
{
    if (!m_plot->axisRect()->rect().contains(pos))
        return {};
    const int l = int(std::lround(m_plot->xAxis->pixelToCoord(pos.x())));
    const int row = int(std::lround(m_plot->yAxis->pixelToCoord(pos.y())));
    if (l < 0 || l >= m_stats.layers() || row < 0 || row >= m_stats.experts() || m_stats.groupCount() == 0)
        return {};
    const int e = expertAtRow(row);
    return {l, e, m_stats.share(m_group, m_choice, l, e)};
}

QString UsageHeatmapView::hoverText(const QPoint& pos) const
{
    const CellRef c = cellAt(pos);
    if (c.layer < 0)
        return {};
    const qlonglong n = qlonglong(m_stats.count(m_group, m_choice, c.layer, c.expert));
    QString rank;
    if (m_rowOrder != RowOrder::ById)
        rank = tr(", load rank %1 of %2").arg(rowOfExpert(c.expert) + 1).arg(m_stats.experts());
    return tr("Expert %1 at %2%3: share %4 (%5 % of tokens, %6 tokens)")
        .arg(c.expert)
        .arg(m_context.layerText(c.layer))
        .arg(rank)
        .arg(QLocale().toString(c.value, 'f', 4))
        .arg(QLocale().toString(100.0 * m_stats.tokenRate(m_group, m_choice, c.layer, c.expert), 'f', 2))
        .arg(n);
}

void UsageHeatmapView::onMouseMove(QMouseEvent* event)
{
    showHover(m_hover, m_plot, event, hoverText(event->position().toPoint()));
}

void UsageHeatmapView::onMousePress(QMouseEvent* event)
{
    m_pressPos = event->position().toPoint();
}

// A click (press and release in place) lists the cell; a drag pans.
void UsageHeatmapView::onMouseRelease(QMouseEvent* event)
{
    if ((event->position().toPoint() - m_pressPos).manhattanLength() > 4)
        return;
    const CellRef c = cellAt(event->position().toPoint());
    if (c.layer < 0)
        return;
    showCell(c.layer, c.expert);
    Q_EMIT cellClicked(c.layer, c.expert);
}

void UsageHeatmapView::showCell(int layer, int expert)
{
    m_selLayer = layer;
    m_selExpert = expert;
    rebuild(); // the outline (and, ordered by the selected layer's load, the rows)
    m_list->clear();
    const auto& tokens = m_stats.samples(layer, expert, m_choice);
    m_listTitle->setText(tr("Expert %1 at %2: %n sampled token(s) (all sources)", nullptr, int(tokens.size()))
                             .arg(expert)
                             .arg(m_context.layerText(layer)));
    QStringList items;
    items.reserve(int(tokens.size()));
    for (const CellToken& t : tokens) {
        const QString text = QString::fromStdString(pieceDisplayText(t.text.toStdString()));
        QString item = tr("\"%1\"  seq %2 pos %3  rank %4").arg(text).arg(qlonglong(t.seqId)).arg(t.position).arg(t.rank + 1);
        if (m_context.hasWeights())
            item += tr("  w %1").arg(QLocale().toString(double(t.weight), 'f', 2));
        const TokenPhase phase = m_context.phase(t.seqId, t.position);
        if (phase != TokenPhase::Unknown)
            item += QStringLiteral("  ") + RoutingContext::phaseText(phase);
        items << item;
    }
    m_list->addItems(items);
}

QStringList UsageHeatmapView::listedTokens() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->text();
    return out;
}

bool UsageHeatmapView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    return exportPlot(m_plot, path, size, dpi, error);
}

bool UsageHeatmapView::exportCsv(const QString& path, QString* error) const
{
    return m_stats.writeCsv(path, m_group, error);
}

} // namespace specmoe::widgets
