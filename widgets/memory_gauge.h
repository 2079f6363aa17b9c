#pragma once
// Memory gauges: one bar per memory (a GPU, the process, the machine) with stacked
// segments (e.g. allocated < reserved < used on a GPU) and a "used / total" caption, and
// the panel that samples them about once a second.
#include <QColor>
#include <QVector>
#include <QWidget>

#include <functional>

class QLabel;
class QTimer;
class QVBoxLayout;

namespace specmoe::widgets {

// One figure of a memory, drawn as a stacked bar (segments are cumulative from the left:
// each value includes the ones before it, e.g. allocated <= reserved <= used).
struct GaugeSegment {
    QString label;
    qint64 bytes = 0;
    QColor color;
};

class MemoryGauge : public QWidget {
    Q_OBJECT
public:
    explicit MemoryGauge(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    void setValues(qint64 totalBytes, const QVector<GaugeSegment>& segments);
    qint64 totalBytes() const { return m_total; }
    const QVector<GaugeSegment>& segments() const { return m_segments; }
    // "3.2 GiB / 16.0 GiB" for the outermost segment.
    QString caption() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void updateToolTip();

    QString m_title;
    qint64 m_total = 0;
    QVector<GaugeSegment> m_segments;
};

// A snapshot of every memory the panel shows.
struct MemorySnapshot {
    struct Gpu {
        int index = 0;
        QString name;
        qint64 total = 0, used = 0, reserved = 0, allocated = 0;
    };
    QVector<Gpu> gpus;
    qint64 processResident = 0, processPeak = 0;
    qint64 systemTotal = 0, systemUsed = 0;
};

// Reads the current figures through core (specmoe::gpuMemory, processMemory, systemMemory).
MemorySnapshot sampleMemory();

class MemoryPanel : public QWidget {
    Q_OBJECT
public:
    using Sampler = std::function<MemorySnapshot()>;
    explicit MemoryPanel(QWidget* parent = nullptr);

    // Replaces the sampler (tests); the default reads the machine.
    void setSampler(Sampler sampler);
    void setInterval(int ms);
    int interval() const;
    int gaugeCount() const { return m_gauges.size(); }
    MemoryGauge* gauge(int i) const { return m_gauges.value(i); }
    QString noteText() const; // below the gauges: the peak, and "no GPU" where none is found

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void refreshed();

private:
    MemoryGauge* gaugeAt(int i);

    Sampler m_sampler;
    QTimer* m_timer = nullptr;
    QVBoxLayout* m_gaugeLayout = nullptr;
    QVector<MemoryGauge*> m_gauges;
    QLabel* m_peak = nullptr;
};

} // namespace specmoe::widgets
