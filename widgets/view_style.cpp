#include "widgets/view_style.h"

#include "widgets/view_qcustomplot.h"

#include <QLabel>
#include <QMouseEvent>
#include <QTextDocument>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace specmoe::widgets {

QString hoverToolTip(const QString& text)
{
    return Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal);
}

void showHover(QLabel* label, QWidget* anchor, const QMouseEvent* event, const QString& text)
{
    label->setText(text);
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), hoverToolTip(text), anchor);
}

void stylePlot(QCustomPlot* plot)
{
    plot->setBackground(Qt::white);
    plot->setAntialiasedElements(QCP::aeAll);
    plot->setNotAntialiasedElements(QCP::aeGrid | QCP::aeAxes);
    plot->setNoAntialiasingOnDrag(true);
    plot->setPlottingHint(QCP::phCacheLabels, true);
    // Solid graph lines as separate segments: a wide antialiased polyline of thousands of
    // points is otherwise stroked as one path (the joins are all that differ).
    plot->setPlottingHint(QCP::phFastPolylines, true);
    QFont f = plot->font();
    f.setPointSizeF(9.5);
    plot->setFont(f);
    for (QCPAxisRect* r : plot->axisRects())
        styleAxisRect(r);
}

void styleAxis(QCPAxis* axis, const QString& label)
{
    QFont labelFont = axis->labelFont();
    labelFont.setPointSizeF(10);
    axis->setLabelFont(labelFont);
    QFont tickFont = axis->tickLabelFont();
    tickFont.setPointSizeF(9);
    axis->setTickLabelFont(tickFont);
    axis->setLabel(label);
    axis->setBasePen(QPen(QColor(90, 90, 90), 1));
    axis->setTickPen(QPen(QColor(90, 90, 90), 1));
    axis->setSubTickPen(QPen(QColor(140, 140, 140), 1));
    axis->setLabelColor(QColor(30, 30, 30));
    axis->setTickLabelColor(QColor(50, 50, 50));
    axis->grid()->setPen(QPen(QColor(225, 225, 225), 1, Qt::SolidLine));
    axis->grid()->setSubGridVisible(false);
}

void styleAxisRect(QCPAxisRect* rect)
{
    for (QCPAxis* a : rect->axes())
        styleAxis(a, a->label());
}

QCPTextElement* addPlotTitle(QCustomPlot* plot, const QString& text)
{
    plot->plotLayout()->insertRow(0);
    QFont f = plot->font();
    f.setPointSizeF(11.5);
    f.setBold(true);
    auto* title = new QCPTextElement(plot, text, f);
    title->setTextColor(QColor(25, 25, 25));
    title->setMargins(QMargins(4, 6, 4, 2));
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

namespace {
class LabelledTicker : public QCPAxisTickerFixed {
public:
    explicit LabelledTicker(std::function<QString(int)> label)
        : m_label(std::move(label))
    {
    }

protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override
    {
        const double r = std::round(tick);
        if (!m_label || std::abs(tick - r) > 1e-6)
            return QCPAxisTickerFixed::getTickLabel(tick, locale, formatChar, precision);
        return m_label(int(r));
    }

private:
    std::function<QString(int)> m_label;
};
} // namespace

void setLabelledIntegerTicks(QCPAxis* axis, std::function<QString(int)> label, int ticks)
{
    QSharedPointer<LabelledTicker> ticker(new LabelledTicker(std::move(label)));
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    ticker->setTickCount(std::max(2, ticks));
    axis->setTicker(ticker);
    axis->setSubTicks(false);
}

void keepAxisInside(QCPAxis* axis, const AxisBounds& b)
{
    QCPRange r = axis->range();
    const double span = b.upper - b.lower;
    double size = std::clamp(r.size(), std::min(b.minSize, span), span);
    const double center = std::clamp(r.center(), b.lower + size / 2, b.upper - size / 2);
    const QCPRange want(center - size / 2, center + size / 2);
    if (std::abs(want.lower - r.lower) > 1e-9 || std::abs(want.upper - r.upper) > 1e-9)
        axis->setRange(want);
}

void setIntegerTicks(QCPAxis* axis, int step)
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(step);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
    axis->setSubTicks(false);
}

} // namespace specmoe::widgets
