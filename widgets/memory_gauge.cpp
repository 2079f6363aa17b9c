#include "widgets/memory_gauge.h"

#include "core/tensor/device_memory.h"
#include "core/util/sysmem.h"

#include <QFontMetrics>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>
#include <QVBoxLayout>

namespace specmoe::widgets {
namespace {

QString bytesText(qint64 b)
{
    return QLocale().formattedDataSize(b, 1, QLocale::DataSizeIecFormat);
}

constexpr int kBarHeight = 14;

} // namespace

MemoryGauge::MemoryGauge(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void MemoryGauge::setTitle(const QString& title)
{
    m_title = title;
    updateToolTip();
    update();
}

void MemoryGauge::setValues(qint64 totalBytes, const QVector<GaugeSegment>& segments)
{
    m_total = totalBytes;
    m_segments = segments;
    updateToolTip();
    update();
}

QString MemoryGauge::caption() const
{
    if (m_total <= 0)
        return tr("not available");
    const qint64 used = m_segments.isEmpty() ? 0 : m_segments.back().bytes;
    return tr("%1 / %2").arg(bytesText(used), bytesText(m_total));
}

void MemoryGauge::updateToolTip()
{
    QString tip = QStringLiteral("<b>%1</b>").arg(m_title.toHtmlEscaped());
    for (const GaugeSegment& s : m_segments)
        tip += QStringLiteral("<br><span style='color:%1'>&#9632;</span> %2: %3")
                   .arg(s.color.name(), s.label.toHtmlEscaped(), bytesText(s.bytes));
    if (m_total > 0)
        tip += QStringLiteral("<br>") + tr("Total: %1").arg(bytesText(m_total));
    setToolTip(tip);
}

QSize MemoryGauge::sizeHint() const
{
    const QFontMetrics fm(font());
    return {220, fm.height() + 4 + kBarHeight + 4};
}

QSize MemoryGauge::minimumSizeHint() const
{
    const QFontMetrics fm(font());
    return {120, fm.height() + 4 + kBarHeight + 4};
}

void MemoryGauge::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    const QPalette pal = palette();

    // Title left, caption right.
    const QRect textRect(0, 0, width(), fm.height());
    p.setPen(pal.color(QPalette::WindowText));
    p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(m_title, Qt::ElideRight, width() * 3 / 5));
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, caption());

    const QRectF bar(0.5, fm.height() + 4.5, width() - 1.0, kBarHeight - 1.0);
    QPainterPath clip;
    clip.addRoundedRect(bar, 3, 3);
    p.fillPath(clip, pal.color(QPalette::Base));
    if (m_total > 0) {
        p.save();
        p.setClipPath(clip);
        // Draw outermost first so inner (smaller) segments lie on top.
        for (int i = m_segments.size() - 1; i >= 0; --i) {
            const GaugeSegment& s = m_segments[i];
            const double f = qBound(0.0, double(s.bytes) / double(m_total), 1.0);
            p.fillRect(QRectF(bar.left(), bar.top(), bar.width() * f, bar.height()), s.color);
        }
        p.restore();
    }
    p.setPen(QPen(pal.color(QPalette::Mid), 1));
    p.setBrush(Qt::NoBrush);
    p.drawPath(clip);
}

MemorySnapshot sampleMemory()
{
    MemorySnapshot s;
    for (const GpuMemory& g : gpuMemory()) {
        MemorySnapshot::Gpu out;
        out.index = g.index;
        out.name = QString::fromStdString(g.name);
        out.total = g.totalBytes;
        out.used = g.usedBytes();
        out.reserved = g.reservedBytes;
        out.allocated = g.allocatedBytes;
        s.gpus.push_back(out);
    }
    const ProcessMemory pm = processMemory();
    s.processResident = pm.residentBytes;
    s.processPeak = pm.peakResidentBytes;
    const SystemMemory sm = systemMemory();
    s.systemTotal = sm.totalBytes;
    s.systemUsed = sm.usedBytes();
    return s;
}

MemoryPanel::MemoryPanel(QWidget* parent) : QWidget(parent), m_sampler(&sampleMemory)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(10);
    m_gaugeLayout = new QVBoxLayout;
    m_gaugeLayout->setSpacing(10);
    layout->addLayout(m_gaugeLayout);
    m_peak = new QLabel(this);
    m_peak->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_peak);
    layout->addStretch(1);

    m_timer = new QTimer(this);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &MemoryPanel::refresh);
    m_timer->start();
    refresh();
}

void MemoryPanel::setSampler(Sampler sampler)
{
    m_sampler = std::move(sampler);
    refresh();
}

QString MemoryPanel::noteText() const { return m_peak->text(); }

void MemoryPanel::setInterval(int ms) { m_timer->setInterval(ms); }
int MemoryPanel::interval() const { return m_timer->interval(); }

MemoryGauge* MemoryPanel::gaugeAt(int i)
{
    while (m_gauges.size() <= i) {
        auto* g = new MemoryGauge(this);
        m_gaugeLayout->addWidget(g);
        m_gauges.push_back(g);
    }
    return m_gauges[i];
}

void MemoryPanel::refresh()
{
    if (!m_sampler)
        return;
    const MemorySnapshot s = m_sampler();
    int i = 0;
    const QColor strong = palette().color(QPalette::Highlight);
    const QColor medium = QColor::fromHslF(strong.hslHueF(), strong.hslSaturationF() * 0.8, 0.62);
    const QColor light = QColor::fromHslF(strong.hslHueF(), strong.hslSaturationF() * 0.5, 0.82);
    for (const MemorySnapshot::Gpu& g : s.gpus) {
        MemoryGauge* gauge = gaugeAt(i++);
        gauge->setTitle(tr("GPU %1: %2").arg(g.index).arg(g.name));
        gauge->setValues(g.total, {{tr("Allocated by this process"), g.allocated, strong},
                                   {tr("Reserved by this process"), g.reserved, medium},
                                   {tr("Used on the device"), g.used, light}});
    }
    MemoryGauge* proc = gaugeAt(i++);
    proc->setTitle(tr("Workbench process"));
    proc->setValues(s.systemTotal, {{tr("Resident memory"), s.processResident, strong}});
    MemoryGauge* sys = gaugeAt(i++);
    sys->setTitle(tr("System memory"));
    sys->setValues(s.systemTotal, {{tr("This process"), s.processResident, strong},
                                   {tr("Used by all processes"), s.systemUsed, light}});
    while (m_gauges.size() > i) {
        delete m_gauges.takeLast();
    }
    QString note = tr("Peak resident memory of the workbench: %1").arg(bytesText(s.processPeak));
    // Without a GPU the panel would just lack its gauge: say why.
    if (s.gpus.empty())
        note = tr("No CUDA GPU found: jobs run on the CPU.") + QLatin1Char('\n') + note;
    m_peak->setText(note);
    Q_EMIT refreshed();
}

} // namespace specmoe::widgets
