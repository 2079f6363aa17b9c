#include "widgets/training_curves_view.h"

#include "widgets/export.h"
#include "widgets/view_style.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include "widgets/view_qcustomplot.h"

#include <algorithm>
#include <cmath>

namespace specmoe::widgets {

namespace {

QColor modelColor(const QString& model, int index)
{
    if (model == QLatin1String("interlayer"))
        return QColor(0, 114, 178);
    if (model == QLatin1String("statistics"))
        return QColor(213, 94, 0);
    if (model == QLatin1String("ensemble"))
        return QColor(0, 158, 115);
    if (model == QLatin1String("hidden-state"))
        return QColor(204, 121, 167);
    static const QColor extra[] = {QColor(204, 121, 167), QColor(86, 180, 233), QColor(230, 159, 0)};
    return extra[index % 3];
}

QPen baselinePen(int index)
{
    static const Qt::PenStyle styles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
    static const QColor colors[] = {QColor(90, 90, 90), QColor(140, 100, 40), QColor(120, 60, 140), QColor(160, 160, 160)};
    return QPen(colors[index % 4], 1.6, styles[index % 4]);
}

QString metricLabel(const QString& metric)
{
    if (metric == QLatin1String("top1"))
        return QObject::tr("Top-1 hit rate");
    if (metric == QLatin1String("exact"))
        return QObject::tr("Exact top-k set");
    if (metric.startsWith(QLatin1String("recall@")))
        return QObject::tr("Recall@%1").arg(metric.mid(7));
    if (metric == QLatin1String("logloss"))
        return QObject::tr("Log-loss (nats)");
    if (metric == QLatin1String("ece"))
        return QObject::tr("Calibration error (ECE)");
    return metric;
}

} // namespace

TrainingCurvesView::TrainingCurvesView(QWidget* parent)
    : QWidget(parent)
{
    m_metricBox = new QComboBox(this);
    m_horizonBox = new QComboBox(this);
    m_layerBox = new QComboBox(this);
    m_xBox = new QComboBox(this);
    // Filled as metrics lines arrive, after the first show: size to the items then.
    for (QComboBox* box : {m_metricBox, m_horizonBox, m_layerBox})
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_xBox->addItem(tr("Step"));
    m_xBox->addItem(tr("Epoch"));
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Metric:"), this));
    controls->addWidget(m_metricBox);
    controls->addWidget(new QLabel(tr("Horizon:"), this));
    controls->addWidget(m_horizonBox);
    controls->addWidget(new QLabel(tr("Layer:"), this));
    controls->addWidget(m_layerBox);
    controls->addWidget(new QLabel(tr("X axis:"), this));
    controls->addWidget(m_xBox);
    controls->addStretch(1);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(560, 420);
    m_accRect = m_plot->axisRect();
    m_lossRect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 0, m_lossRect);
    m_plot->plotLayout()->setRowStretchFactors({2.0, 1.0});
    auto* margins = new QCPMarginGroup(m_plot);
    m_accRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_lossRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    stylePlot(m_plot);
    styleAxis(m_lossRect->axis(QCPAxis::atBottom), tr("Step"));
    styleAxis(m_lossRect->axis(QCPAxis::atLeft), tr("Training loss"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    for (QCPAxisRect* r : {m_accRect, m_lossRect}) {
        r->setRangeDrag(Qt::Horizontal);
        r->setRangeZoom(Qt::Horizontal);
    }
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 230));
    m_plot->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    QFont lf = m_plot->font();
    lf.setPointSizeF(8.5);
    m_plot->legend->setFont(lf);
    m_accRect->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    m_lossLegend = new QCPLegend;
    m_lossRect->insetLayout()->addElement(m_lossLegend, Qt::AlignTop | Qt::AlignRight);
    m_lossLegend->setLayer(QStringLiteral("legend"));
    m_lossLegend->setFont(lf);
    m_lossLegend->setBrush(QColor(255, 255, 255, 230));
    m_lossLegend->setBorderPen(QPen(QColor(200, 200, 200)));
    m_title = addPlotTitle(m_plot, tr("Validation accuracy"));
    // Keep both panels on the same x range.
    connect(m_accRect->axis(QCPAxis::atBottom), QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this,
            [this](const QCPRange& r) { m_lossRect->axis(QCPAxis::atBottom)->setRange(r); });
    connect(m_lossRect->axis(QCPAxis::atBottom), QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this,
            [this](const QCPRange& r) { m_accRect->axis(QCPAxis::atBottom)->setRange(r); });

    m_hover = new QLabel(this);
    m_hover->setTextFormat(Qt::PlainText);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_hover);

    connect(m_metricBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int) { setMetric(m_metricBox->currentData().toString()); });
    connect(m_horizonBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int) { setHorizon(m_horizonBox->currentData().toInt()); });
    connect(m_layerBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int) { setLayer(m_layerBox->currentData().toInt()); });
    connect(m_xBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int i) { setXAxisEpoch(i == 1); });
    connect(m_plot, &QCustomPlot::mouseMove, this, &TrainingCurvesView::onMouseMove);
    rebuild();
}

QString TrainingCurvesView::viewTitle() const
{
    return tr("Training curves");
}

void TrainingCurvesView::setMetrics(TrainingMetricsSeries* metrics)
{
    if (m_metrics)
        disconnect(m_metrics, nullptr, this, nullptr);
    m_metrics = metrics;
    if (m_metrics) {
        connect(m_metrics, &TrainingMetricsSeries::pointsAdded, this, &TrainingCurvesView::appendNew);
        connect(m_metrics, &TrainingMetricsSeries::structureChanged, this, [this] {
            refreshChoices();
            rebuild();
        });
    }
    refreshChoices();
    rebuild();
}

void TrainingCurvesView::refreshChoices()
{
    const QSignalBlocker b1(m_metricBox), b2(m_horizonBox), b3(m_layerBox);
    m_metricBox->clear();
    m_horizonBox->clear();
    m_layerBox->clear();
    if (!m_metrics)
        return;
    for (const QString& m : m_metrics->metrics())
        m_metricBox->addItem(metricLabel(m), m);
    for (int h : m_metrics->horizons())
        m_horizonBox->addItem(tr("+%1 layer(s)").arg(h), h);
    m_layerBox->addItem(tr("All layers"), -1);
    for (int l : m_metrics->layers())
        m_layerBox->addItem(tr("Layer %1").arg(l), l);
    if (m_metricBox->findData(m_metric) < 0 && m_metricBox->count() > 0)
        m_metric = m_metricBox->itemData(0).toString();
    if (m_horizonBox->findData(m_horizon) < 0 && m_horizonBox->count() > 0)
        m_horizon = m_horizonBox->itemData(0).toInt();
    if (m_layerBox->findData(m_layer) < 0)
        m_layer = -1;
    m_metricBox->setCurrentIndex(std::max(0, m_metricBox->findData(m_metric)));
    m_horizonBox->setCurrentIndex(std::max(0, m_horizonBox->findData(m_horizon)));
    m_layerBox->setCurrentIndex(std::max(0, m_layerBox->findData(m_layer)));
}

void TrainingCurvesView::setMetric(const QString& metric)
{
    m_metric = metric;
    const int i = m_metricBox->findData(metric);
    if (i >= 0 && i != m_metricBox->currentIndex()) {
        const QSignalBlocker b(m_metricBox);
        m_metricBox->setCurrentIndex(i);
    }
    rebuild();
}

void TrainingCurvesView::setHorizon(int horizon)
{
    m_horizon = horizon;
    const int i = m_horizonBox->findData(horizon);
    if (i >= 0 && i != m_horizonBox->currentIndex()) {
        const QSignalBlocker b(m_horizonBox);
        m_horizonBox->setCurrentIndex(i);
    }
    rebuild();
}

void TrainingCurvesView::setLayer(int layer)
{
    m_layer = layer;
    const int i = m_layerBox->findData(layer);
    if (i >= 0 && i != m_layerBox->currentIndex()) {
        const QSignalBlocker b(m_layerBox);
        m_layerBox->setCurrentIndex(i);
    }
    rebuild();
}

void TrainingCurvesView::setXAxisEpoch(bool epoch)
{
    m_epochAxis = epoch;
    if (m_xBox->currentIndex() != (epoch ? 1 : 0)) {
        const QSignalBlocker b(m_xBox);
        m_xBox->setCurrentIndex(epoch ? 1 : 0);
    }
    rebuild();
}

MetricKey TrainingCurvesView::keyFor(const QString& model) const
{
    return {model, m_metric, m_horizon, m_layer};
}

void TrainingCurvesView::rebuild()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    m_lossLegend->clearItems();
    m_curves.clear();
    m_baselineLines.clear();
    m_baselineLabels.clear();
    const QString xLabel = m_epochAxis ? tr("Epoch") : tr("Step");
    styleAxis(m_accRect->axis(QCPAxis::atBottom), xLabel);
    styleAxis(m_lossRect->axis(QCPAxis::atBottom), xLabel);
    styleAxis(m_accRect->axis(QCPAxis::atLeft), metricLabel(m_metric));
    m_title->setText(m_layer < 0 ? tr("Validation %1, horizon +%2, all layers").arg(metricLabel(m_metric)).arg(m_horizon)
                                 : tr("Validation %1, horizon +%2, layer %3")
                                       .arg(metricLabel(m_metric))
                                       .arg(m_horizon)
                                       .arg(m_layer));
    if (m_metrics) {
        int mi = 0, bi = 0;
        for (const QString& model : m_metrics->models()) {
            if (!m_metrics->isBaseline(model)) {
                auto* g = m_plot->addGraph(m_accRect->axis(QCPAxis::atBottom), m_accRect->axis(QCPAxis::atLeft));
                const QColor c = modelColor(model, mi++);
                g->setName(model);
                g->setPen(QPen(c, 2));
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, Qt::white, 5));
                m_curves.push_back({g, keyFor(model), 0});
                int li = 0;
                for (const QString& loss : m_metrics->lossMetrics()) {
                    if (!m_metrics->series({model, loss, 0, -1}))
                        continue;
                    auto* lg = m_plot->addGraph(m_lossRect->axis(QCPAxis::atBottom), m_lossRect->axis(QCPAxis::atLeft));
                    lg->setName(QStringLiteral("%1 (%2)").arg(model, loss.section(QLatin1Char('/'), 1)));
                    // 1 px: noisy loss series of thousands of points take the rasterizer's
                    // fast (cosmetic) line path.
                    lg->setPen(QPen(c, 1.0, li++ == 0 ? Qt::SolidLine : Qt::DashLine));
                    lg->removeFromLegend();
                    lg->addToLegend(m_lossLegend);
                    m_curves.push_back({lg, {model, loss, 0, -1}, 0});
                }
            } else {
                const auto v = m_metrics->finalValue(keyFor(model));
                if (!v)
                    continue;
                const QPen pen = baselinePen(bi++);
                auto* line = new QCPItemStraightLine(m_plot);
                line->setClipAxisRect(m_accRect);
                for (QCPItemPosition* p : {line->point1, line->point2})
                    p->setAxes(m_accRect->axis(QCPAxis::atBottom), m_accRect->axis(QCPAxis::atLeft));
                line->point1->setCoords(0, *v);
                line->point2->setCoords(1, *v);
                line->setPen(pen);
                m_baselineLines.push_back(line);
                auto* label = new QCPItemText(m_plot);
                label->setClipAxisRect(m_accRect);
                label->position->setAxes(m_accRect->axis(QCPAxis::atBottom), m_accRect->axis(QCPAxis::atLeft));
                label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
                label->position->setAxisRect(m_accRect);
                label->position->setCoords(0.01, *v);
                label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
                label->setText(tr("%1 %2").arg(model).arg(QLocale().toString(*v, 'f', 3)));
                label->setColor(pen.color());
                QFont f = m_plot->font();
                f.setPointSizeF(8.5);
                label->setFont(f);
                m_baselineLabels.push_back(label);
                // Legend entry (no data).
                auto* g = m_plot->addGraph(m_accRect->axis(QCPAxis::atBottom), m_accRect->axis(QCPAxis::atLeft));
                g->setName(tr("%1 (baseline)").arg(model));
                g->setPen(pen);
            }
        }
    }
    appendNew();
}

void TrainingCurvesView::appendNew()
{
    if (!m_metrics)
        return;
    for (Curve& c : m_curves) {
        const auto* s = m_metrics->series(c.key);
        if (!s || s->size() <= c.plotted)
            continue;
        QVector<double> keys, values;
        keys.reserve(int(s->size() - c.plotted));
        values.reserve(int(s->size() - c.plotted));
        for (size_t i = c.plotted; i < s->size(); ++i) {
            keys << (m_epochAxis ? (*s)[i].epoch : (*s)[i].step);
            values << (*s)[i].value;
        }
        c.graph->addData(keys, values, true);
        c.plotted = s->size();
        // Markers only while they can be told apart; long curves are lines (faster too).
        if (c.graph->dataCount() > 150 && c.graph->scatterStyle().shape() != QCPScatterStyle::ssNone)
            c.graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssNone));
    }
    // Baselines follow their latest value.
    int bi = 0;
    for (const QString& model : m_metrics->models()) {
        if (!m_metrics->isBaseline(model))
            continue;
        const auto v = m_metrics->finalValue(keyFor(model));
        if (!v || bi >= int(m_baselineLines.size()))
            continue;
        m_baselineLines[size_t(bi)]->point1->setCoords(0, *v);
        m_baselineLines[size_t(bi)]->point2->setCoords(1, *v);
        m_baselineLabels[size_t(bi)]->position->setCoords(0.01, *v);
        m_baselineLabels[size_t(bi)]->setText(tr("%1 %2").arg(model).arg(QLocale().toString(*v, 'f', 3)));
        ++bi;
    }
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingCurvesView::rescale()
{
    bool any = false;
    QCPRange x, yAcc, yLoss;
    bool anyAcc = false, anyLoss = false;
    for (const Curve& c : m_curves) {
        bool found = false;
        const QCPRange kr = c.graph->getKeyRange(found);
        if (!found)
            continue;
        x = any ? QCPRange(std::min(x.lower, kr.lower), std::max(x.upper, kr.upper)) : kr;
        any = true;
        const QCPRange vr = c.graph->getValueRange(found);
        const bool isLoss = c.key.horizon == 0;
        QCPRange& y = isLoss ? yLoss : yAcc;
        bool& have = isLoss ? anyLoss : anyAcc;
        y = have ? QCPRange(std::min(y.lower, vr.lower), std::max(y.upper, vr.upper)) : vr;
        have = true;
    }
    for (const auto* line : m_baselineLines) {
        const double v = line->point1->value();
        yAcc = anyAcc ? QCPRange(std::min(yAcc.lower, v), std::max(yAcc.upper, v)) : QCPRange(v, v);
        anyAcc = true;
    }
    if (any) {
        const double pad = std::max(1e-9, (x.upper - x.lower) * 0.03);
        m_accRect->axis(QCPAxis::atBottom)->setRange(x.lower - pad, x.upper + pad);
    } else {
        m_accRect->axis(QCPAxis::atBottom)->setRange(0, 1);
    }
    auto padRange = [](QCPRange r, bool have, double lo, double hi) {
        if (!have)
            return QCPRange(lo, hi);
        const double span = std::max(0.02, r.upper - r.lower);
        return QCPRange(r.lower - 0.08 * span, r.upper + 0.12 * span);
    };
    m_accRect->axis(QCPAxis::atLeft)->setRange(padRange(yAcc, anyAcc, 0, 1));
    m_lossRect->axis(QCPAxis::atLeft)->setRange(padRange(yLoss, anyLoss, 0, 1));
}

int TrainingCurvesView::modelGraphCount() const
{
    int n = 0;
    for (const Curve& c : m_curves)
        n += c.key.horizon > 0 ? 1 : 0;
    return n;
}

int TrainingCurvesView::plottedPoints(const QString& model) const
{
    for (const Curve& c : m_curves)
        if (c.key.model == model && c.key.horizon > 0)
            return c.graph->dataCount();
    return 0;
}

int TrainingCurvesView::baselineLineCount() const
{
    return int(m_baselineLines.size());
}

QString TrainingCurvesView::hoverText(const QPoint& pos) const
{
    for (QCPAxisRect* r : {m_accRect, m_lossRect}) {
        if (!r->rect().contains(pos))
            continue;
        const double x = r->axis(QCPAxis::atBottom)->pixelToCoord(pos.x());
        QStringList parts;
        for (const Curve& c : m_curves) {
            if ((c.key.horizon == 0) != (r == m_lossRect) || c.graph->data()->isEmpty())
                continue;
            auto it = c.graph->data()->findBegin(x, true);
            if (it == c.graph->data()->constEnd())
                continue;
            auto next = it + 1;
            if (next != c.graph->data()->constEnd() && std::abs(next->key - x) < std::abs(it->key - x))
                it = next;
            parts << tr("%1 %2").arg(c.graph->name()).arg(QLocale().toString(it->value, 'f', 4));
        }
        if (parts.isEmpty())
            return {};
        return tr("%1 %2: %3")
            .arg(m_epochAxis ? tr("epoch") : tr("step"))
            .arg(QLocale().toString(x, 'f', 1))
            .arg(parts.join(QStringLiteral(", ")));
    }
    return {};
}

void TrainingCurvesView::onMouseMove(QMouseEvent* event)
{
    showHover(m_hover, m_plot, event, hoverText(event->position().toPoint()));
}

bool TrainingCurvesView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    return exportPlot(m_plot, path, size, dpi, error);
}

bool TrainingCurvesView::exportCsv(const QString& path, QString* error) const
{
    if (!m_metrics)
        return writeTextFile(path, QString(), error);
    return m_metrics->writeCsv(path, error);
}

} // namespace specmoe::widgets
