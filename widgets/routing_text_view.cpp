#include "widgets/routing_text_view.h"

#include "widgets/colormap.h"
#include "widgets/export.h"
#include "widgets/view_style.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QToolTip>
#include <QVBoxLayout>
#include "widgets/view_qcustomplot.h"

#include <algorithm>
#include <cmath>

namespace specmoe::widgets {

namespace {
constexpr double kMargin = 8.0;
constexpr double kLineGap = 4.0;

QFont textFont()
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    f.setPointSizeF(10.5);
    return f;
}
} // namespace

RoutingTextCanvas::RoutingTextCanvas(QWidget* parent)
    : QAbstractScrollArea(parent)
{
    setFont(textFont());
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_lineHeight = QFontMetricsF(font()).height() + kLineGap;
}

void RoutingTextCanvas::setRoutedText(const RoutedText* text)
{
    m_routedText = text;
    m_pieceWidth.assign(text ? size_t(text->pieces().size()) : 0, -1.f);
    m_layer = 0;
    m_layoutWidth = -1;
    relayout();
    verticalScrollBar()->setValue(0);
    viewport()->update();
}

void RoutingTextCanvas::setTints(std::vector<QColor> tints)
{
    m_tints = std::move(tints);
    viewport()->update();
}

QColor RoutingTextCanvas::tint(int expert) const
{
    return expert >= 0 && size_t(expert) < m_tints.size() ? m_tints[size_t(expert)] : QColor(Qt::white);
}

void RoutingTextCanvas::setLayer(int layer)
{
    if (!m_routedText || layer < 0 || layer >= m_routedText->layers() || layer == m_layer)
        return;
    m_layer = layer;
    viewport()->update();
}

float RoutingTextCanvas::pieceWidth(uint32_t piece) const
{
    float& w = m_pieceWidth[piece];
    if (w < 0)
        w = float(QFontMetricsF(font()).horizontalAdvance(m_routedText->pieces()[int(piece)]));
    return w;
}

void RoutingTextCanvas::relayout()
{
    m_x.clear();
    m_lineStart.clear();
    const int width = viewport()->width();
    m_layoutWidth = width;
    if (!m_routedText || m_routedText->tokenCount() == 0) {
        verticalScrollBar()->setRange(0, 0);
        return;
    }
    const size_t n = m_routedText->tokenCount();
    m_x.resize(n);
    const double right = std::max(kMargin + 40.0, width - kMargin);
    double x = kMargin;
    m_lineStart.push_back(0);
    for (size_t i = 0; i < n; ++i) {
        const float w = pieceWidth(m_routedText->pieceIndex(i));
        if (x + w > right && x > kMargin) {
            m_lineStart.push_back(uint32_t(i));
            x = kMargin;
        }
        m_x[i] = float(x);
        x += w;
        if (m_routedText->breaksLine(i) && i + 1 < n) {
            m_lineStart.push_back(uint32_t(i + 1));
            x = kMargin;
        }
    }
    const double total = m_lineStart.size() * m_lineHeight + 2 * kMargin;
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(int(m_lineHeight));
    verticalScrollBar()->setRange(0, std::max(0, int(std::min(total, 2.0e9)) - viewport()->height()));
}

void RoutingTextCanvas::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    if (viewport()->width() != m_layoutWidth) {
        const size_t first = firstVisibleToken();
        relayout();
        scrollToToken(first);
    } else {
        verticalScrollBar()->setPageStep(viewport()->height());
    }
}

size_t RoutingTextCanvas::firstVisibleToken() const
{
    if (m_lineStart.empty())
        return 0;
    const int line = std::clamp(int((verticalScrollBar()->value() - kMargin) / m_lineHeight), 0,
                                int(m_lineStart.size()) - 1);
    return m_lineStart[size_t(line)];
}

void RoutingTextCanvas::scrollToToken(size_t token)
{
    if (m_lineStart.empty())
        return;
    const auto it = std::upper_bound(m_lineStart.begin(), m_lineStart.end(), uint32_t(token));
    const int line = int(it - m_lineStart.begin()) - 1;
    verticalScrollBar()->setValue(int(kMargin + std::max(0, line) * m_lineHeight));
}

long long RoutingTextCanvas::tokenAt(const QPoint& pos) const
{
    if (m_lineStart.empty())
        return -1;
    const double y = pos.y() + verticalScrollBar()->value() - kMargin;
    if (y < 0)
        return -1;
    const size_t line = size_t(y / m_lineHeight);
    if (line >= m_lineStart.size())
        return -1;
    const size_t begin = m_lineStart[line];
    const size_t end = line + 1 < m_lineStart.size() ? m_lineStart[line + 1] : m_routedText->tokenCount();
    const auto first = m_x.begin() + long(begin), last = m_x.begin() + long(end);
    const auto it = std::upper_bound(first, last, float(pos.x()));
    if (it == first)
        return -1;
    const size_t i = size_t(it - m_x.begin()) - 1;
    if (pos.x() > m_x[i] + pieceWidth(m_routedText->pieceIndex(i)))
        return -1;
    return (long long)i;
}

QString RoutingTextCanvas::tokenToolTip(size_t i) const
{
    if (!m_routedText || i >= m_routedText->tokenCount())
        return {};
    QString text = m_routedText->text(i);
    QStringList choices;
    for (int r = 0; r < m_routedText->topk(); ++r)
        choices << (m_routedText->hasWeights() ? tr("expert %1 (w %2)")
                                                     .arg(int(m_routedText->expert(m_layer, i, r)))
                                                     .arg(QLocale().toString(
                                                         double(m_routedText->weight(m_layer, i, r)), 'f', 2))
                                               : tr("expert %1").arg(int(m_routedText->expert(m_layer, i, r))));
    QString phase = RoutingContext::phaseText(m_routedText->phase(i));
    if (!phase.isEmpty())
        phase = QStringLiteral(", ") + phase;
    return tr("\"%1\"  seq %2, position %3%4\nLayer %5: %6")
        .arg(text)
        .arg(qlonglong(m_routedText->seqId(i)))
        .arg(m_routedText->position(i))
        .arg(phase)
        .arg(m_layer)
        .arg(choices.join(QStringLiteral(", ")));
}

bool RoutingTextCanvas::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const long long t = tokenAt(help->pos());
        if (t >= 0)
            QToolTip::showText(help->globalPos(), hoverToolTip(tokenToolTip(size_t(t))), viewport());
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void RoutingTextCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    if (!m_routedText || m_lineStart.empty())
        return;
    const ExpertId* experts = m_routedText->firstExperts(m_layer);
    const double scroll = verticalScrollBar()->value();
    const int h = viewport()->height();
    const QFontMetricsF fm(font());
    const double ascent = fm.ascent() + kLineGap / 2;
    painter.setFont(font());
    painter.setPen(QColor(20, 20, 20));
    size_t line = size_t(std::max(0.0, (scroll - kMargin) / m_lineHeight));
    const size_t n = m_routedText->tokenCount();
    for (; line < m_lineStart.size(); ++line) {
        const double y = kMargin + line * m_lineHeight - scroll;
        if (y > h)
            break;
        const size_t begin = m_lineStart[line];
        const size_t end = line + 1 < m_lineStart.size() ? m_lineStart[line + 1] : n;
        // Backgrounds by runs of one expert, then the text.
        for (size_t i = begin; i < end;) {
            size_t j = i + 1;
            while (j < end && experts[j] == experts[i])
                ++j;
            const double x1 = (j < end) ? m_x[j] : m_x[j - 1] + pieceWidth(m_routedText->pieceIndex(j - 1));
            painter.fillRect(QRectF(m_x[i], y, x1 - m_x[i], m_lineHeight - 1), tint(experts[i]));
            i = j;
        }
        for (size_t i = begin; i < end; ++i)
            painter.drawText(QPointF(m_x[i], y + ascent), m_routedText->text(i));
        if (m_routedText->hasPhases()) // generated tokens underlined
            for (size_t i = begin; i < end; ++i)
                if (m_routedText->phase(i) == TokenPhase::Decode) {
                    const double w = pieceWidth(m_routedText->pieceIndex(i));
                    painter.fillRect(QRectF(m_x[i], y + m_lineHeight - 3, w, 1.5), QColor(20, 20, 20));
                }
    }
}

size_t RoutingTextCanvas::paintTokens(QPainter& painter, const QRectF& rect, size_t first) const
{
    if (!m_routedText)
        return 0;
    const QFontMetricsF fm(font());
    const double lh = fm.height() + kLineGap;
    const ExpertId* experts = m_routedText->firstExperts(m_layer);
    painter.setFont(font());
    double x = rect.left(), y = rect.top();
    size_t i = first;
    const size_t n = m_routedText->tokenCount();
    for (; i < n; ++i) {
        const QString& t = m_routedText->text(i);
        const double w = fm.horizontalAdvance(t);
        if (x + w > rect.right() && x > rect.left()) {
            x = rect.left();
            y += lh;
        }
        if (y + lh > rect.bottom())
            break;
        painter.fillRect(QRectF(x, y, w, lh - 1), tint(experts[i]));
        if (m_routedText->phase(i) == TokenPhase::Decode)
            painter.fillRect(QRectF(x, y + lh - 3, w, 1.5), QColor(20, 20, 20));
        painter.setPen(QColor(20, 20, 20));
        painter.drawText(QPointF(x, y + fm.ascent() + kLineGap / 2), t);
        x += w;
        if (m_routedText->breaksLine(i)) {
            x = rect.left();
            y += lh;
        }
    }
    return i - first;
}

// ---------------------------------------------------------------------------------------

RoutingTextView::RoutingTextView(QWidget* parent)
    : QWidget(parent)
{
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 0);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setPageStep(4);
    m_layerLabel = new QLabel(this);
    m_layerLabel->setMinimumWidth(m_layerLabel->fontMetrics().horizontalAdvance(tr("Layer 00 (MoE layer 00 of 00)")) + 8);
    m_legend = new QLabel(this);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    m_highlightBox = new QSpinBox(this);
    m_highlightBox->setRange(-1, 0);
    m_highlightBox->setSpecialValueText(tr("top experts"));
    m_highlightBox->setToolTip(tr("Colour only this expert's tokens (first choice at the layer); "
                                  "\"top experts\" colours the busiest ones."));
    m_canvas = new RoutingTextCanvas(this);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Layer:"), this));
    top->addWidget(m_slider, 1);
    top->addWidget(m_layerLabel);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Highlight expert:"), this));
    top->addWidget(m_highlightBox);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_legend);
    layout->addWidget(m_canvas, 1);
    connect(m_slider, &QSlider::valueChanged, this, [this](int l) { setLayer(l); });
    connect(m_highlightBox, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int e) { setHighlightedExpert(e); });
    updateLegend();
}

QString RoutingTextView::viewTitle() const
{
    return tr("Routing text");
}

void RoutingTextView::setRoutedText(RoutedText text)
{
    m_routedText = std::move(text);
    m_canvas->setRoutedText(&m_routedText);
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, std::max(0, m_routedText.layers() - 1));
    m_slider->setValue(0);
    m_highlight = -1;
    {
        const QSignalBlocker b(m_highlightBox);
        m_highlightBox->setRange(-1, std::max(0, m_routedText.experts() - 1));
        m_highlightBox->setValue(-1);
    }
    updateLegend();
}

void RoutingTextView::setLayer(int layer)
{
    if (layer < 0 || layer >= m_routedText.layers())
        return;
    m_canvas->setLayer(layer);
    if (m_slider->value() != layer) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(layer);
    }
    updateLegend();
    Q_EMIT layerChanged(layer);
}

int RoutingTextView::layer() const
{
    return m_canvas->layer();
}

void RoutingTextView::setHighlightedExpert(int expert)
{
    m_highlight = std::clamp(expert, -1, std::max(-1, m_routedText.experts() - 1));
    if (m_highlightBox->value() != m_highlight) {
        const QSignalBlocker b(m_highlightBox);
        m_highlightBox->setValue(m_highlight);
    }
    updateLegend();
}

void RoutingTextView::setContext(const RoutingContext& context)
{
    m_context = context;
    if (context.hasPhases())
        m_routedText.setPhases(context);
    m_canvas->viewport()->update();
    updateLegend();
}

void RoutingTextView::updateLegend()
{
    m_layerLabel->setText(m_context.layerMapped()
                              ? tr("Layer %1 (MoE layer %2 of %3)").arg(m_context.decoderLayer(layer())).arg(layer()).arg(m_routedText.layers())
                              : tr("Layer %1 / %2").arg(layer()).arg(std::max(0, m_routedText.layers() - 1)));
    const int E = m_routedText.experts(), l = layer();
    // Who gets a colour: every expert when few, else the busiest of this layer in this text
    // (colour k always goes to the k-th busiest), or the one highlighted.
    m_coloured.clear();
    if (m_highlight >= 0) {
        m_coloured.push_back(m_highlight);
    } else if (E <= kDistinctColours) {
        for (int e = 0; e < E; ++e)
            m_coloured.push_back(e);
    } else {
        m_coloured = m_routedText.topExperts(l, kTopExperts);
    }
    const QColor other = E <= kDistinctColours && m_highlight < 0 ? QColor(Qt::white) : QColor(236, 236, 236);
    std::vector<QColor> tints(size_t(std::max(0, E)), m_highlight >= 0 ? QColor(Qt::white) : other);
    for (size_t i = 0; i < m_coloured.size(); ++i)
        tints[size_t(m_coloured[i])] = E <= kDistinctColours ? expertTint(m_coloured[i], E) : expertTint(int(i), kTopExperts);
    m_canvas->setTints(tints);

    const double n = double(std::max<size_t>(1, m_routedText.tokenCount()));
    QString html = tr("First-choice expert:") + QStringLiteral("&nbsp;&nbsp;");
    for (int e : m_coloured) {
        QString label = tr("E%1").arg(e);
        if (E > kDistinctColours)
            label += QStringLiteral(" %1%").arg(
                QLocale().toString(100.0 * double(m_routedText.firstCount(l, e)) / n, 'f', 1));
        html += QStringLiteral("<span style=\"background-color:%1\">&nbsp;%2&nbsp;</span>&nbsp;")
                    .arg(tints[size_t(e)].name(), label.toHtmlEscaped());
    }
    if (E > kDistinctColours && m_highlight < 0)
        html += QStringLiteral("<span style=\"background-color:%1\">&nbsp;%2&nbsp;</span>")
                    .arg(other.name(), tr("the other %1 experts (hover a token for its ids)").arg(E - int(m_coloured.size())));
    else if (m_highlight >= 0)
        html += tr("(others unmarked)");
    if (m_routedText.hasPhases())
        html += QStringLiteral("&nbsp;&nbsp;") + tr("<u>underlined</u>: generated (decode) tokens");
    m_legend->setText(html);
}

bool RoutingTextView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    const size_t first = m_canvas->firstVisibleToken();
    return exportPainted(
        path, size, dpi,
        [this, first](QCPPainter& p, const QSize& logical) {
            QFont title = font();
            title.setPointSizeF(11.5);
            title.setBold(true);
            p.setFont(title);
            p.setPen(QColor(25, 25, 25));
            const QFontMetricsF tfm(title);
            p.drawText(QPointF(12, 12 + tfm.ascent()),
                       tr("Routing at %1 (token background = first-choice expert)").arg(m_context.layerText(layer())));
            double y = 12 + tfm.height() + 8;
            QFont small = font();
            small.setPointSizeF(9.5);
            p.setFont(small);
            const QFontMetricsF sfm(small);
            double x = 12;
            for (int e : m_coloured) {
                const QString label = tr("Expert %1").arg(e);
                const double w = sfm.horizontalAdvance(label) + 12;
                p.fillRect(QRectF(x, y, w, sfm.height() + 4), m_canvas->tint(e));
                p.setPen(QColor(20, 20, 20));
                p.drawText(QPointF(x + 6, y + 2 + sfm.ascent()), label);
                x += w + 6;
            }
            y += sfm.height() + 14;
            m_canvas->paintTokens(p, QRectF(12, y, logical.width() - 24, logical.height() - y - 8), first);
        },
        error);
}

bool RoutingTextView::exportCsv(const QString& path, QString* error) const
{
    return m_routedText.writeCsv(path, layer(), error);
}

} // namespace specmoe::widgets
