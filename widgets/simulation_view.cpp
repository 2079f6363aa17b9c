#include "widgets/simulation_view.h"

#include "widgets/export.h"
#include "widgets/simulation_table_model.h"
#include "widgets/view_qcustomplot.h"
#include "widgets/view_style.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace specmoe::widgets {

namespace {

// Okabe-Ito hues for the predictors (told apart by colour-blind readers too); the bounds
// are grey and black, dashed.
QColor predictorColor(int index)
{
    static const QColor colors[] = {QColor(0, 114, 178), QColor(213, 94, 0),  QColor(0, 158, 115),
                                    QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233)};
    return colors[index % 6];
}

QCPTextElement* panelTitle(QCustomPlot* plot)
{
    QFont f = plot->font();
    f.setPointSizeF(10.5);
    f.setBold(true);
    auto* t = new QCPTextElement(plot, QString(), f);
    t->setTextColor(QColor(40, 40, 40));
    t->setMargins(QMargins(2, 6, 2, 0));
    return t;
}

QComboBox* addChoice(QHBoxLayout* row, QWidget* parent, const QString& label, QList<QWidget*>* parts)
{
    auto* l = new QLabel(label, parent);
    auto* box = new QComboBox(parent);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    row->addWidget(l);
    row->addWidget(box);
    *parts = {l, box};
    return box;
}

QString gbps(double v) { return QLocale().toString(v, 'g', 4); }

} // namespace

SimulationView::SimulationView(QWidget* parent) : QWidget(parent)
{
    auto* controls = new QHBoxLayout;
    m_policyBox = addChoice(controls, this, tr("Policy:"), &m_policyParts);
    m_budgetBox = addChoice(controls, this, tr("Budget m:"), &m_budgetParts);
    m_horizonBox = addChoice(controls, this, tr("Horizon h:"), &m_horizonParts);
    controls->addSpacing(12);
    m_linkBox = addChoice(controls, this, tr("Hit rate at link:"), &m_linkParts);
    m_cacheBox = addChoice(controls, this, tr("Tokens/s at cache:"), &m_cacheParts);
    controls->addStretch(1);

    m_caption = new QLabel(this);
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::PlainText);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(640, 340);
    m_plot->plotLayout()->clear();
    m_hitRect = new QCPAxisRect(m_plot);
    m_tpsRect = new QCPAxisRect(m_plot);
    m_hitTitle = panelTitle(m_plot);
    m_tpsTitle = panelTitle(m_plot);
    m_plot->plotLayout()->addElement(0, 0, m_hitTitle);
    m_plot->plotLayout()->addElement(0, 1, m_tpsTitle);
    m_plot->plotLayout()->addElement(1, 0, m_hitRect);
    m_plot->plotLayout()->addElement(1, 1, m_tpsRect);
    m_plot->plotLayout()->setRowStretchFactors({0.01, 1.0});
    auto* margins = new QCPMarginGroup(m_plot);
    m_hitRect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_tpsRect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    stylePlot(m_plot);
    for (QCPAxisRect* r : {m_hitRect, m_tpsRect})
        styleAxisRect(r);
    styleAxis(m_hitRect->axis(QCPAxis::atBottom), tr("Cache size (experts per layer)"));
    styleAxis(m_hitRect->axis(QCPAxis::atLeft), tr("Hit rate"));
    styleAxis(m_tpsRect->axis(QCPAxis::atBottom), tr("Link bandwidth (GB/s)"));
    styleAxis(m_tpsRect->axis(QCPAxis::atLeft), tr("Modeled decode tokens/s"));
    // One legend for both panels (a predictor has one colour in both).
    m_plot->legend = new QCPLegend;
    m_tpsRect->insetLayout()->addElement(m_plot->legend, Qt::AlignBottom | Qt::AlignRight);
    m_plot->legend->setLayer(QStringLiteral("legend"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 230));
    m_plot->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    QFont lf = m_plot->font();
    lf.setPointSizeF(8.5);
    m_plot->legend->setFont(lf);

    m_table = new SimulationTableModel(this);
    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setSourceModel(m_table);
    m_sorted->setSortRole(SimulationTableModel::SortRole);
    m_tableView = new QTableView(this);
    m_tableView->setModel(m_sorted);
    m_tableView->setSortingEnabled(true);
    m_tableView->sortByColumn(-1, Qt::AscendingOrder); // the file's order (bounds first) until a header is clicked
    m_tableView->verticalHeader()->setVisible(false);
    m_tableView->verticalHeader()->setDefaultSectionSize(m_tableView->fontMetrics().height() + 6);
    m_tableView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setAlternatingRowColors(true);

    m_hover = new QLabel(this);
    m_hover->setTextFormat(Qt::PlainText);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_plot);
    split->addWidget(m_tableView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_caption);
    layout->addWidget(split, 1);
    layout->addWidget(m_hover);

    for (QComboBox* box : {m_policyBox, m_budgetBox, m_horizonBox, m_linkBox, m_cacheBox})
        connect(box, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int) {
            readChoices();
            rebuild();
        });
    connect(m_plot, &QCustomPlot::mouseMove, this, &SimulationView::onMouseMove);
    fillChoices();
    rebuild();
}

QString SimulationView::viewTitle() const
{
    return tr("Cache and prefetch simulation");
}

void SimulationView::setResult(simulate::SimulationResult result)
{
    m_series = SimulationSeries(std::move(result));
    m_selection = m_series.defaultSelection();
    fillChoices();
    rebuild();
}

void SimulationView::setSelection(const SimulationSelection& s)
{
    m_selection = s;
    fillChoices();
    rebuild();
}

void SimulationView::fillChoices()
{
    const QSignalBlocker b1(m_policyBox), b2(m_budgetBox), b3(m_horizonBox), b4(m_linkBox), b5(m_cacheBox);
    for (QComboBox* box : {m_policyBox, m_budgetBox, m_horizonBox, m_linkBox, m_cacheBox})
        box->clear();
    for (simulate::Policy p : m_series.policies())
        m_policyBox->addItem(SimulationSeries::policyLabel(p), int(p));
    for (int m : m_series.budgets())
        m_budgetBox->addItem(tr("%n expert(s) per layer", nullptr, m), m);
    for (int h : m_series.horizons())
        m_horizonBox->addItem(tr("%n layer(s) ahead", nullptr, h), h);
    for (double l : m_series.links())
        m_linkBox->addItem(tr("%1 GB/s").arg(gbps(l)), l);
    for (int c : m_series.caches())
        m_cacheBox->addItem(tr("%n expert(s) per layer", nullptr, c), c);
    auto select = [](QComboBox* box, const QVariant& v) {
        for (int i = 0; i < box->count(); ++i)
            if (box->itemData(i) == v) {
                box->setCurrentIndex(i);
                return;
            }
    };
    select(m_policyBox, int(m_selection.policy));
    select(m_budgetBox, m_selection.budget);
    select(m_horizonBox, m_selection.horizon);
    select(m_linkBox, m_selection.linkGBps);
    select(m_cacheBox, m_selection.cacheExperts);
    // A selector only where the sweep has a choice.
    const std::pair<QList<QWidget*>*, QComboBox*> parts[] = {{&m_policyParts, m_policyBox},
                                                            {&m_budgetParts, m_budgetBox},
                                                            {&m_horizonParts, m_horizonBox},
                                                            {&m_linkParts, m_linkBox},
                                                            {&m_cacheParts, m_cacheBox}};
    for (const auto& [widgets, box] : parts)
        for (QWidget* w : *widgets)
            w->setVisible(box->count() > 1);
}

void SimulationView::readChoices()
{
    if (m_policyBox->currentIndex() >= 0)
        m_selection.policy = simulate::Policy(m_policyBox->currentData().toInt());
    if (m_budgetBox->currentIndex() >= 0)
        m_selection.budget = m_budgetBox->currentData().toInt();
    if (m_horizonBox->currentIndex() >= 0)
        m_selection.horizon = m_horizonBox->currentData().toInt();
    if (m_linkBox->currentIndex() >= 0)
        m_selection.linkGBps = m_linkBox->currentData().toDouble();
    if (m_cacheBox->currentIndex() >= 0)
        m_selection.cacheExperts = m_cacheBox->currentData().toInt();
}

QString SimulationView::caption() const
{
    if (m_series.isEmpty())
        return tr("No simulation loaded.");
    const simulate::SimulationResult& r = m_series.result();
    QString text = tr("%1 tokens of %2 sequences (%3 split), batch %4 · %5, expert %6 MB (%7) · %8")
                       .arg(r.tokens)
                       .arg(r.sequences)
                       .arg(QString::fromStdString(r.split))
                       .arg(r.batch)
                       .arg(QString::fromStdString(r.model.name))
                       .arg(QLocale().toString(r.expertBytes / 1e6, 'f', 1))
                       .arg(QString::fromLatin1(simulate::storageDTypeName(r.storage)))
                       .arg(QString::fromStdString(r.hardware.description.empty() ? r.hardware.name
                                                                                  : r.hardware.description));
    if (r.computeMeasurement)
        text += tr(" · compute %1 ms per layer, measured from our runtime on %2 (%3)")
                    .arg(QLocale().toString(r.computeMeasurement->msPerLayer, 'g', 3))
                    .arg(QFileInfo(QString::fromStdString(r.computeMeasurement->modelDir)).fileName(),
                         QString::fromStdString(r.computeMeasurement->device));
    else if (r.computeMsPerLayer > 0)
        text += tr(" · compute %1 ms per layer (given)").arg(QLocale().toString(r.computeMsPerLayer, 'g', 3));
    if (const simulate::GapSummary* g = m_series.gap(m_selection, m_selection.cacheExperts, m_selection.linkGBps)) {
        if (g->best.empty())
            return text;
        text += QLatin1Char('\n');
        text += tr("At %1 experts per layer and %2 GB/s: no prefetch %3 tokens/s, oracle %4; the best predictor, %5, "
                   "reaches %6")
                    .arg(g->cacheExperts)
                    .arg(gbps(g->linkGBps))
                    .arg(QLocale().toString(g->noneTokensPerSecond, 'f', 2))
                    .arg(QLocale().toString(g->oracleTokensPerSecond, 'f', 2))
                    .arg(SimulationSeries::predictorLabel(QString::fromStdString(g->best)))
                    .arg(QLocale().toString(g->bestTokensPerSecond, 'f', 2));
        switch (simulate::gapVerdict(*g)) {
        case simulate::GapVerdict::NoPredictor:
        case simulate::GapVerdict::OracleGainsLittle:
            text += tr(" (the oracle gains under 1%: prefetching cannot help here).");
            break;
        case simulate::GapVerdict::AllSlower:
            text += tr(": every predictor is slower than no prefetching here.");
            break;
        case simulate::GapVerdict::BeyondOracle:
            text += tr(", beyond the oracle: its plan also keeps experts in the cache, which the oracle's only "
                       "orders fetches for (the oracle bounds prediction, not caching).");
            break;
        case simulate::GapVerdict::ClosesGap:
            text += tr(" and closes %1% of the gap.").arg(QLocale().toString(100.0 * g->gapClosed, 'f', 0));
            break;
        }
    }
    return text;
}

void SimulationView::rebuild()
{
    m_plot->clearGraphs();
    m_plotted.clear();
    m_hitTitle->setText(tr("Hit rate vs cache size (%1, link %2 GB/s)")
                            .arg(SimulationSeries::policyLabel(m_selection.policy), gbps(m_selection.linkGBps)));
    m_tpsTitle->setText(tr("Decode tokens/s vs link bandwidth (cache %n expert(s) per layer)", nullptr,
                           m_selection.cacheExperts));
    drawPanel(HitRatePanel, m_series.hitRateByCache(m_selection));
    drawPanel(TokensPerSecondPanel, m_series.tokensPerSecondByLink(m_selection));
    m_caption->setText(caption());
    m_table->setRows(m_series.rows(m_selection));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SimulationView::drawPanel(Panel panel, const QVector<SimulationCurve>& curves)
{
    QCPAxisRect* rect = panelRect(panel);
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    const QStringList all = m_series.predictors();
    QCPGraph* none = nullptr;
    QCPGraph* oracle = nullptr;
    double xMin = std::numeric_limits<double>::max(), xMax = -xMin, yMax = 0;
    int predictorIndex = 0;
    for (const QString& name : all) {
        const auto it = std::find_if(curves.begin(), curves.end(), [&](const SimulationCurve& c) { return c.predictor == name; });
        const bool isBound = name == QLatin1String(simulate::kNoPrefetch) || name == QLatin1String(simulate::kOracle);
        const QColor color = isBound ? QColor() : predictorColor(predictorIndex);
        if (!isBound)
            ++predictorIndex; // colours follow the predictor, drawn or not
        if (it == curves.end())
            continue;
        QCPGraph* g = m_plot->addGraph(x, y);
        g->setName(it->label);
        g->setData(it->x, it->y, true);
        switch (it->kind) {
        case SimulationCurve::NoPrefetch:
            g->setPen(QPen(QColor(110, 110, 110), 2, Qt::DashLine));
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QColor(110, 110, 110), Qt::white, 6));
            none = g;
            break;
        case SimulationCurve::Oracle:
            g->setPen(QPen(QColor(25, 25, 25), 2, Qt::DashLine));
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(25, 25, 25), Qt::white, 7));
            oracle = g;
            break;
        case SimulationCurve::Predictor:
            g->setPen(QPen(color, 2.2));
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, Qt::white, 6));
            break;
        }
        if (panel == HitRatePanel)
            g->removeFromLegend();
        for (int i = 0; i < it->x.size(); ++i) {
            xMin = std::min(xMin, it->x[i]);
            xMax = std::max(xMax, it->x[i]);
            yMax = std::max(yMax, it->y[i]);
        }
        m_plotted.push_back({panel, name, g, it->rows});
    }
    // The room a predictor can gain: shaded between the bounds.
    if (none && oracle) {
        oracle->setChannelFillGraph(none);
        oracle->setBrush(QColor(0, 0, 0, 18));
    }
    if (xMin > xMax) {
        x->setRange(0, 1);
        y->setRange(0, 1);
        return;
    }
    // One swept value: a range of 1e-9 put every tick on it ("4 4 4 4 4"); show a quarter of
    // the value (at least 1) either side instead.
    const double pad = xMax > xMin ? (xMax - xMin) * 0.05 : std::max(1.0, std::abs(xMax) * 0.25);
    x->setRange(xMin - pad, xMax + pad);
    y->setRange(0, panel == HitRatePanel ? 1.02 : std::max(1e-9, yMax * 1.08));
}

QCPAxisRect* SimulationView::panelRect(Panel panel) const
{
    return panel == HitRatePanel ? m_hitRect : m_tpsRect;
}

QCPGraph* SimulationView::graph(Panel panel, const QString& predictor) const
{
    for (const Plotted& p : m_plotted)
        if (p.panel == panel && p.predictor == predictor)
            return p.graph;
    return nullptr;
}

QStringList SimulationView::plottedPredictors(Panel panel) const
{
    QStringList out;
    for (const Plotted& p : m_plotted)
        if (p.panel == panel)
            out << p.predictor;
    return out;
}

QString SimulationView::pointText(const simulate::SimulationRow& r) const
{
    QString text = tr("%1, %2, cache %3 experts/layer (%4 GB), link %5 GB/s")
                       .arg(SimulationSeries::predictorLabel(QString::fromStdString(r.predictor)),
                            SimulationSeries::policyLabel(r.policy))
                       .arg(r.cacheExperts)
                       .arg(QLocale().toString(r.cacheGB, 'f', 1))
                       .arg(gbps(r.linkGBps));
    if (r.budget > 0)
        text += tr(", m %1, h %2").arg(r.budget).arg(r.horizon);
    text += tr(": hit rate %1%, %2 tokens/s, stall %3 ms/token, %4 MB/token")
                .arg(QLocale().toString(100.0 * r.hitRate, 'f', 1))
                .arg(QLocale().toString(r.tokensPerSecond, 'f', 2))
                .arg(QLocale().toString(r.stallMsPerToken, 'f', 3))
                .arg(QLocale().toString(r.bytesPerToken / 1e6, 'f', 1));
    if (r.budget > 0)
        text += tr(", prefetch precision %1, recall %2")
                    .arg(QLocale().toString(r.prefetchPrecision, 'f', 3))
                    .arg(QLocale().toString(r.prefetchRecall, 'f', 3));
    return text;
}

QString SimulationView::hoverText(const QPoint& pos) const
{
    // The nearest point within 12 px, in the panel under the mouse.
    const simulate::SimulationRow* best = nullptr;
    double bestDist = 12.0 * 12.0;
    for (const Plotted& p : m_plotted) {
        QCPAxisRect* rect = panelRect(p.panel);
        if (!rect->rect().contains(pos))
            continue;
        const QCPAxis* x = rect->axis(QCPAxis::atBottom);
        const QCPAxis* y = rect->axis(QCPAxis::atLeft);
        int i = 0;
        for (auto it = p.graph->data()->constBegin(); it != p.graph->data()->constEnd(); ++it, ++i) {
            const double dx = x->coordToPixel(it->key) - pos.x();
            const double dy = y->coordToPixel(it->value) - pos.y();
            if (dx * dx + dy * dy < bestDist && i < int(p.rows.size())) {
                bestDist = dx * dx + dy * dy;
                best = p.rows[size_t(i)];
            }
        }
    }
    return best ? pointText(*best) : QString();
}

void SimulationView::onMouseMove(QMouseEvent* event)
{
    showHover(m_hover, m_plot, event, hoverText(event->position().toPoint()));
}

bool SimulationView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    return exportPlot(m_plot, path, size, dpi, error);
}

bool SimulationView::exportCsv(const QString& path, QString* error) const
{
    return exportItemModelCsv(*m_table, path, error);
}

} // namespace specmoe::widgets
