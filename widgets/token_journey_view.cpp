#include "widgets/token_journey_view.h"

#include "core/util/piece_text.h"

#include "widgets/colormap.h"
#include "widgets/export.h"
#include "widgets/view_style.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>
#include <QToolTip>
#include <QVBoxLayout>
#include "widgets/view_qcustomplot.h"

#include <QCoreApplication>
#include <QImage>
#include <QPaintEngine>
#include <QPainter>
#include <QMouseEvent>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <cmath>

namespace specmoe::widgets {

namespace {
const std::array<QColor, 10> kTokenColors{{QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                           QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75),
                                           QColor(227, 119, 194), QColor(90, 90, 90), QColor(188, 189, 34),
                                           QColor(23, 190, 207)}};
const QColor kOverlayColor(200, 30, 60);
} // namespace

// Draws every journey in one pass over precomputed node positions (coordinates only are
// mapped to pixels here; nothing is aggregated in paint code).
class JourneyPlottable : public QCPAbstractPlottable {
public:
    struct Track {
        const JourneyToken* token = nullptr;
        double offset = 0.0; // vertical spread inside the expert row
        QColor color;
        bool overlay = false;
        bool decode = false; // a generated token: dashed line
    };

    JourneyPlottable(QCPAxis* key, QCPAxis* value)
        : QCPAbstractPlottable(key, value)
    {
        setSelectable(QCP::stNone);
    }
    // rowOf: expert id -> row on the value axis (-1: not shown); empty = the id itself.
    void setTracks(std::vector<Track> tracks, int layers, int topk, int rows, std::vector<int> rowOf, bool weights)
    {
        m_tracks = std::move(tracks);
        m_layers = layers;
        m_topk = topk;
        m_rows = rows;
        m_rowOf = std::move(rowOf);
        m_weights = weights;
    }
    // The row of an expert id (-1 when not shown).
    int row(ExpertId e) const
    {
        if (e == kNoExpert)
            return -1;
        if (m_rowOf.empty())
            return int(e);
        return size_t(e) < m_rowOf.size() ? m_rowOf[size_t(e)] : -1;
    }
    // Marker radius: grows with the weight, or by rank when the trace has none.
    double radius(const JourneyToken& j, int layer, int rank) const
    {
        if (!m_weights)
            return rank == 0 ? 4.0 : 3.2;
        const double w = std::clamp(double(j.weights[size_t(layer * m_topk + rank)]), 0.0, 1.0);
        return 1.5 + 4.5 * std::sqrt(w);
    }
    const std::vector<Track>& tracks() const { return m_tracks; }
    int layers() const { return m_layers; }
    int topk() const { return m_topk; }

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
    QCPRange getKeyRange(bool& found, QCP::SignDomain) const override
    {
        found = m_layers > 0;
        return QCPRange(0, std::max(0, m_layers - 1));
    }
    QCPRange getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const override
    {
        found = true;
        return QCPRange(-0.5, std::max(1, m_rows) - 0.5);
    }

protected:
    void draw(QCPPainter* painter) override
    {
        QCPAxis* kx = keyAxis();
        QCPAxis* vy = valueAxis();
        if (!kx || !vy || m_layers == 0)
            return;
        applyDefaultAntialiasingHint(painter);
        // Hundreds of journeys: aliased cosmetic lines keep pan and zoom interactive.
        if (m_tracks.size() > 128)
            painter->setAntialiasing(false);
        // Markers are blitted from cached sprites on unscaled raster painters (the screen,
        // PNG export at 96 dpi); vector and scaled exports draw real ellipses.
        const bool sprites = painter->paintEngine() && painter->paintEngine()->type() == QPaintEngine::Raster &&
                             !painter->transform().isScaling() && !painter->modes().testFlag(QCPPainter::pmVectorized);
        const QRectF clip = QRectF(clipRect()).adjusted(-8, -8, 8, 8);
        const int k = m_topk;
        QVector<QPointF> line(m_layers);
        // Overlay first (underneath), then the range.
        for (int pass = 0; pass < 2; ++pass) {
            for (const Track& t : m_tracks) {
                if (t.overlay != (pass == 0))
                    continue;
                const JourneyToken& j = *t.token;
                int n = 0;
                for (int l = 0; l < m_layers; ++l) {
                    const int r = row(j.experts[size_t(l * k)]);
                    if (r < 0)
                        continue;
                    line[n++] = QPointF(kx->coordToPixel(l), vy->coordToPixel(r + t.offset));
                }
                QColor c = t.color;
                c.setAlphaF(t.overlay ? 0.22 : 0.8);
                // Cosmetic 1 px pens take the rasterizer's fast line path; wide strokes are
                // kept for small ranges only (hundreds of journeys stay within a frame).
                QPen pen(c, t.overlay || m_tracks.size() > 64 ? 1.0 : 1.8);
                pen.setCosmetic(true);
                if (t.decode)
                    pen.setStyle(Qt::DashLine);
                painter->setPen(pen);
                painter->setBrush(Qt::NoBrush);
                painter->drawPolyline(line.constData(), n);
                if (t.overlay)
                    continue;
                // First choice: filled, size ~ weight; second choice: hollow.
                QColor fill = t.color;
                fill.setAlphaF(0.85);
                for (int l = 0; l < m_layers; ++l) {
                    for (int r = 0; r < std::min(k, 2); ++r) {
                        const int y = row(j.experts[size_t(l * k + r)]);
                        if (y < 0)
                            continue;
                        const double radius = this->radius(j, l, r);
                        const QPointF p(kx->coordToPixel(l), vy->coordToPixel(y + t.offset));
                        if (!clip.contains(p))
                            continue;
                        if (sprites) {
                            // Pre-rendered marker: one blit instead of an ellipse path fill.
                            const QImage& img = sprite(r == 0 ? fill : t.color, radius, r == 0);
                            painter->drawImage(QPointF(std::round(p.x()) - img.width() / 2,
                                                       std::round(p.y()) - img.height() / 2),
                                               img);
                            continue;
                        }
                        if (r == 0) {
                            painter->setPen(Qt::NoPen);
                            painter->setBrush(fill);
                        } else {
                            painter->setPen(QPen(t.color, 1.2));
                            painter->setBrush(Qt::white);
                        }
                        painter->drawEllipse(p, radius, radius);
                    }
                }
            }
        }
    }
    // A marker drawn once (antialiased) per colour, filled/hollow and radius (quarter pixels).
    const QImage& sprite(const QColor& color, double radius, bool filled) const
    {
        const int quarter = int(std::lround(radius * 4));
        const quint64 key = (quint64(color.rgba()) << 32) | (quint64(quarter) << 1) | (filled ? 1u : 0u);
        auto it = m_sprites.find(key);
        if (it != m_sprites.end())
            return it->second;
        const double rad = quarter / 4.0;
        const int size = 2 * int(std::ceil(rad + 1.5)) + 1;
        QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::transparent);
        {
            QPainter p(&img);
            p.setRenderHint(QPainter::Antialiasing, true);
            const QPointF c(size / 2.0, size / 2.0);
            if (filled) {
                p.setPen(Qt::NoPen);
                p.setBrush(color);
            } else {
                p.setPen(QPen(color, 1.2));
                p.setBrush(Qt::white);
            }
            p.drawEllipse(c, rad, rad);
        }
        return m_sprites.emplace(key, std::move(img)).first->second;
    }
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override
    {
        painter->setPen(QPen(kTokenColors[0], 1.6));
        painter->drawLine(QLineF(rect.left(), rect.center().y(), rect.right(), rect.center().y()));
        painter->setBrush(kTokenColors[0]);
        painter->setPen(Qt::NoPen);
        painter->drawEllipse(rect.center(), 4, 4);
    }

private:
    std::vector<Track> m_tracks;
    mutable std::unordered_map<quint64, QImage> m_sprites;
    std::vector<int> m_rowOf;
    int m_layers = 0;
    int m_topk = 1;
    int m_rows = 8;
    bool m_weights = true;
};

TokenJourneyView::TokenJourneyView(QWidget* parent)
    : QWidget(parent)
{
    m_seqBox = new QComboBox(this);
    m_seqBox->setMinimumContentsLength(24);
    m_first = new QSpinBox(this);
    m_first->setRange(0, 0);
    m_count = new QSpinBox(this);
    m_count->setRange(1, 512);
    m_count->setValue(16);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Token text, e.g. def"));
    m_search->setClearButtonEnabled(true);
    // Room for the placeholder and the clear button from the start (it appears with text).
    m_search->setMinimumWidth(m_search->fontMetrics().horizontalAdvance(m_search->placeholderText()) + 48);
    auto* go = new QPushButton(tr("Search"), this);
    m_searchStatus = new QLabel(this);
    m_searchStatus->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Sequence:"), this));
    controls->addWidget(m_seqBox, 1);
    controls->addWidget(new QLabel(tr("First token:"), this));
    controls->addWidget(m_first);
    controls->addWidget(new QLabel(tr("Tokens:"), this));
    controls->addWidget(m_count);
    m_rowsBox = new QComboBox(this);
    m_rowsBox->addItem(tr("All experts"));
    m_rowsBox->addItem(tr("Experts on these paths"));
    m_rowsBox->setToolTip(tr("Rows of the expert axis: every expert id, or only the experts the shown "
                             "journeys visit (first and second choice), labelled with their ids."));
    controls->addWidget(new QLabel(tr("Rows:"), this));
    controls->addWidget(m_rowsBox);
    controls->addSpacing(12);
    controls->addWidget(m_search);
    controls->addWidget(go);

    m_plot = new QCustomPlot(this);
    stylePlot(m_plot);
    m_plot->setMinimumSize(480, 300);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    styleAxis(m_plot->xAxis, tr("Layer"));
    styleAxis(m_plot->yAxis, tr("Expert (first choice: line and filled marker; second: hollow)"));
    setLabelledIntegerTicks(m_plot->yAxis, [this](int row) { return QString::number(expertAtRow(row)); }, 16);
    setLabelledIntegerTicks(m_plot->xAxis, [this](int l) { return m_context.layerLabel(l); }, 12);
    m_plot->yAxis->setRangeReversed(true);
    m_journeys = new JourneyPlottable(m_plot->xAxis, m_plot->yAxis);
    m_journeys->setName(tr("First choice (size = weight)"));
    auto* second = m_plot->addGraph();
    second->setName(tr("Second choice (size = weight)"));
    second->setLineStyle(QCPGraph::lsNone);
    second->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kTokenColors[0], 1.2), Qt::white, 7));
    auto* overlay = m_plot->addGraph();
    overlay->setName(tr("Search results"));
    overlay->setPen(QPen(kOverlayColor, 1.5));
    auto* generated = m_plot->addGraph(); // legend entry only
    generated->setName(tr("Generated (decode) token"));
    generated->setPen(QPen(QColor(90, 90, 90), 1.6, Qt::DashLine));
    generated->removeFromLegend();
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 230));
    m_plot->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    QFont lf = m_plot->font();
    lf.setPointSizeF(9);
    m_plot->legend->setFont(lf);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_title = addPlotTitle(m_plot, tr("Token journeys"));

    m_hover = new QLabel(this);
    m_hover->setTextFormat(Qt::PlainText);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);
    // Hover text and search status share the line below the plot, each cut to its share
    // (full text in the tooltip): at their natural width they pushed the main window wider.
    auto* bottom = new QHBoxLayout;
    for (QLabel* l : {m_hover, m_searchStatus})
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bottom->addWidget(m_hover, 2);
    bottom->addWidget(m_searchStatus, 1);
    layout->addLayout(bottom);

    connect(m_seqBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int i) { setSequence(i); });
    connect(m_rowsBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int i) { setRows(Rows(i)); });
    connect(m_first, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int) { rebuild(); });
    connect(m_count, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int) { rebuild(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] { search(m_search->text()); });
    connect(go, &QPushButton::clicked, this, [this] { search(m_search->text()); });
    connect(m_plot, &QCustomPlot::mouseMove, this, &TokenJourneyView::onMouseMove);
    rebuild();
}

TokenJourneyView::~TokenJourneyView() = default;

QString TokenJourneyView::viewTitle() const
{
    return tr("Token journeys");
}

void TokenJourneyView::setContext(RoutingContext context)
{
    m_context = std::move(context);
    for (int i = 0; i < m_journeySet.sequenceCount(); ++i) {
        if (m_journeySet.sequence(i).generatedTokens == 0) // analysis journeys: from the context
            m_journeySet.setGeneratedTokens(i, m_context.generatedTokens(m_journeySet.sequence(i).seqId));
        const JourneySequence& js = m_journeySet.sequence(i);
        SequenceRecord r;
        r.seqId = js.seqId;
        r.length = js.length;
        r.generatedTokens = js.generatedTokens;
        m_context.addSequence(r);
    }
    styleAxis(m_plot->xAxis, m_context.layerAxisTitle());
    const QStringList names = m_journeySet.sequenceNames();
    for (int i = 0; i < names.size() && i < m_seqBox->count(); ++i)
        m_seqBox->setItemText(i, names[i]);
    rebuild();
}

void TokenJourneyView::setRows(Rows rows)
{
    m_rows = rows;
    if (m_rowsBox->currentIndex() != int(rows))
        m_rowsBox->setCurrentIndex(int(rows));
    rebuild();
    fitRows();
}

int TokenJourneyView::rowCount() const
{
    return m_rows == Rows::PathExperts ? int(m_rowExperts.size()) : m_journeySet.experts();
}

int TokenJourneyView::expertAtRow(int row) const
{
    if (m_rows == Rows::PathExperts)
        return row >= 0 && size_t(row) < m_rowExperts.size() ? m_rowExperts[size_t(row)] : -1;
    return row;
}

void TokenJourneyView::fitRows()
{
    m_plot->yAxis->setRange(-0.6, std::max(1, rowCount()) - 0.4);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TokenJourneyView::setJourneySet(TokenJourneySet journeys)
{
    m_journeySet = std::move(journeys);
    m_overlay = {};
    m_sequence = -1;
    setContext(std::move(m_context)); // the new set's phases
    {
        const QSignalBlocker block(m_seqBox);
        m_seqBox->clear();
        m_seqBox->addItems(m_journeySet.sequenceNames());
    }
    setSequence(m_journeySet.sequenceCount() > 0 ? 0 : -1);
}

void TokenJourneyView::setSequence(int index)
{
    if (index >= m_journeySet.sequenceCount())
        return;
    m_sequence = index;
    if (index >= 0 && m_seqBox->currentIndex() != index)
        m_seqBox->setCurrentIndex(index);
    const int n = index >= 0 ? int(m_journeySet.sequence(index).tokens.size()) : 0;
    const QSignalBlocker block(m_first);
    m_first->setRange(0, std::max(0, n - 1));
    rebuild();
    m_plot->xAxis->setRange(-0.6, std::max(1, m_journeySet.layers()) - 0.4);
    fitRows();
}

void TokenJourneyView::setRange(int first, int count)
{
    const QSignalBlocker b1(m_first), b2(m_count);
    m_first->setValue(first);
    m_count->setValue(count);
    rebuild();
}

int TokenJourneyView::rangeFirst() const
{
    return m_first->value();
}

int TokenJourneyView::rangeCount() const
{
    return m_count->value();
}

void TokenJourneyView::search(const QString& text)
{
    const QString query = text.trimmed();
    if (query.isEmpty()) {
        clearOverlay();
        return;
    }
    if (m_search->text() != text)
        m_search->setText(text);
    if (const JourneyQuery* cached = m_journeySet.cachedQuery(query)) {
        setOverlay(*cached);
        return;
    }
    if (!m_queryFn) {
        setOverlay(m_journeySet.searchLoaded(query));
        return;
    }
    // Latest wins: results of an older search are dropped.
    const int job = ++m_searchJob;
    m_searchStatus->setText(tr("Searching..."));
    QPointer<TokenJourneyView> self(this);
    QueryFn fn = m_queryFn;
    QThreadPool::globalInstance()->start([self, fn, query, job] {
        JourneyQuery result = fn(query);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, job, result = std::move(result)]() mutable {
                if (self && self->m_searchJob == job)
                    self->setOverlay(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

void TokenJourneyView::setOverlay(JourneyQuery query)
{
    m_overlay = std::move(query);
    m_searchStatus->setText(m_overlay.query.isEmpty()
                                ? QString()
                                : tr("\"%1\": %2 of %3 occurrence(s) shown")
                                      .arg(m_overlay.query)
                                      .arg(m_overlay.journeys.size())
                                      .arg(qlonglong(m_overlay.matches)));
    m_searchStatus->setToolTip(m_searchStatus->text());
    rebuild();
    Q_EMIT searchFinished(int(m_overlay.journeys.size()));
}

void TokenJourneyView::clearOverlay()
{
    setOverlay({});
}

void TokenJourneyView::rebuild()
{
    m_range.clear();
    std::vector<JourneyPlottable::Track> tracks;
    if (m_sequence >= 0 && m_sequence < m_journeySet.sequenceCount()) {
        const auto& tokens = m_journeySet.sequence(m_sequence).tokens;
        const int first = std::min<int>(m_first->value(), int(tokens.size()));
        const int last = std::min<int>(first + m_count->value(), int(tokens.size()));
        for (int i = first; i < last; ++i)
            m_range.push_back(&tokens[size_t(i)]);
    }
    const int n = int(m_range.size());
    int decodeFrom = -1; // first generated token of the range
    for (int i = 0; i < n; ++i) {
        const JourneyToken* t = m_range[size_t(i)];
        const bool decode = m_context.phase(t->seqId, t->position) == TokenPhase::Decode;
        if (decode && decodeFrom < 0)
            decodeFrom = t->position;
        tracks.push_back({t, n > 1 ? 0.6 * ((i + 0.5) / n - 0.5) : 0.0, kTokenColors[size_t(i) % kTokenColors.size()],
                          false, decode});
    }
    const int m = int(m_overlay.journeys.size());
    for (int i = 0; i < m; ++i)
        tracks.push_back({&m_overlay.journeys[size_t(i)], m > 1 ? 0.7 * ((i + 0.5) / m - 0.5) : 0.0, kOverlayColor, true});
    // Rows: every expert id, or the experts the shown paths visit (first choice of every
    // track, second choice of the range's tracks: what is drawn).
    std::vector<int> rowOf;
    m_rowExperts.clear();
    const int E = m_journeySet.experts(), L = m_journeySet.layers(), k = m_journeySet.topk();
    if (m_rows == Rows::PathExperts && E > 0) {
        std::vector<char> used(size_t(E), 0);
        for (const auto& t : tracks)
            for (int l = 0; l < L; ++l)
                for (int r = 0; r < (t.overlay ? 1 : std::min(k, 2)); ++r) {
                    const ExpertId e = t.token->experts[size_t(l * k + r)];
                    if (e != kNoExpert && int(e) < E)
                        used[size_t(e)] = 1;
                }
        rowOf.assign(size_t(E), -1);
        for (int e = 0; e < E; ++e)
            if (used[size_t(e)]) {
                rowOf[size_t(e)] = int(m_rowExperts.size());
                m_rowExperts.push_back(e);
            }
    }
    m_journeys->setTracks(std::move(tracks), L, k, rowCount(), std::move(rowOf), m_journeySet.hasWeights());
    const QString size = m_journeySet.hasWeights() ? tr("size = weight") : tr("no router weights in this trace");
    m_journeys->setName(tr("First choice (%1)").arg(size));
    m_plot->graph(0)->setName(tr("Second choice (%1)").arg(size));
    if (m == 0)
        m_plot->graph(1)->removeFromLegend();
    else
        m_plot->graph(1)->addToLegend();
    m_plot->yAxis->setLabel(m_rows == Rows::PathExperts ? tr("Expert id (only those on these paths)")
                                                        : tr("Expert (first choice: line and filled marker; second: hollow)"));
    if (decodeFrom >= 0)
        m_plot->graph(2)->addToLegend();
    else
        m_plot->graph(2)->removeFromLegend();
    if (m_rows == Rows::PathExperts)
        fitRows();
    QString title = tr("Token journeys");
    if (n > 0)
        title = tr("Token journeys: sequence %1, tokens %2-%3")
                    .arg(qlonglong(m_journeySet.sequence(m_sequence).seqId))
                    .arg(m_first->value())
                    .arg(m_first->value() + n - 1);
    if (decodeFrom >= 0)
        title += decodeFrom > m_first->value() ? tr(" (generated from %1: dashed)").arg(decodeFrom) : tr(" (generated: dashed)");
    if (m > 0)
        title += tr("; search \"%1\" (%2 shown)").arg(m_overlay.query).arg(m);
    m_title->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString TokenJourneyView::hoverText(const QPoint& pos) const
{
    if (!m_plot->axisRect()->rect().contains(pos))
        return {};
    const int L = m_journeys->layers(), k = m_journeys->topk();
    const double lx = m_plot->xAxis->pixelToCoord(pos.x());
    const int l = int(std::lround(lx));
    if (l < 0 || l >= L)
        return {};
    const double px = m_plot->xAxis->coordToPixel(l);
    if (std::abs(px - pos.x()) > 12)
        return {};
    // Nearest node at this layer (range tracks win over overlay ones).
    double best = 12.0;
    const JourneyPlottable::Track* hit = nullptr;
    for (const auto& t : m_journeys->tracks()) {
        for (int r = 0; r < std::min(k, 2); ++r) {
            const int row = m_journeys->row(t.token->experts[size_t(l * k + r)]);
            if (row < 0 || (t.overlay && r > 0))
                continue;
            const double d = std::hypot(px - pos.x(), m_plot->yAxis->coordToPixel(row + t.offset) - pos.y());
            if (d < best || (hit && hit->overlay && !t.overlay && d <= best + 2)) {
                best = d;
                hit = &t;
            }
        }
    }
    if (!hit)
        return {};
    const JourneyToken& j = *hit->token;
    const QString text = QString::fromStdString(pieceDisplayText(j.text.toStdString()));
    // All k experts in rank order: the ids are what tells 256 experts apart.
    QStringList choices;
    for (int r = 0; r < k; ++r) {
        const ExpertId e = j.experts[size_t(l * k + r)];
        if (e == kNoExpert)
            continue;
        choices << (m_journeySet.hasWeights()
                        ? tr("E%1 %2").arg(int(e)).arg(QLocale().toString(double(j.weights[size_t(l * k + r)]), 'f', 2))
                        : tr("E%1").arg(int(e)));
    }
    QString where = hit->overlay ? tr(", search") : QString();
    const TokenPhase phase = m_context.phase(j.seqId, j.position);
    if (phase != TokenPhase::Unknown)
        where += QStringLiteral(", ") + RoutingContext::phaseText(phase);
    return tr("\"%1\" (seq %2, pos %3%4) %5: %6")
        .arg(text)
        .arg(qlonglong(j.seqId))
        .arg(j.position)
        .arg(where)
        .arg(m_context.layerText(l))
        .arg(choices.join(QStringLiteral(", ")));
}

void TokenJourneyView::onMouseMove(QMouseEvent* event)
{
    showHover(m_hover, m_plot, event, hoverText(event->position().toPoint()));
}

bool TokenJourneyView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    return exportPlot(m_plot, path, size, dpi, error);
}

bool TokenJourneyView::exportCsv(const QString& path, QString* error) const
{
    std::vector<const JourneyToken*> overlay;
    for (const JourneyToken& t : m_overlay.journeys)
        overlay.push_back(&t);
    return TokenJourneySet::writeCsv(path, m_range, overlay, m_journeySet.layers(), m_journeySet.topk(), error,
                                     m_journeySet.hasWeights());
}

} // namespace specmoe::widgets
