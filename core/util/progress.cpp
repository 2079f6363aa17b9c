#include "core/util/progress.h"

#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace specmoe {

void reportProgress(const ProgressFn& fn, const Progress& p)
{
    if (fn && !fn(p))
        throw Cancelled();
}

double etaSeconds(const Progress& p)
{
    if (p.eta_seconds >= 0)
        return p.eta_seconds;
    if (p.total > 0 && p.done >= p.total)
        return 0.0;
    if (p.total > 0 && p.rate > 0)
        return double(p.total - p.done) / p.rate;
    return -1.0;
}

namespace {
std::string formatEta(double s)
{
    if (s < 0)
        return "?";
    char buf[32];
    const long long t = static_cast<long long>(s + 0.5);
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
    return buf;
}
} // namespace

std::string progressLine(const Progress& p)
{
    char buf[512];
    if (p.total > 0)
        std::snprintf(buf, sizeof buf, "[%s] %lld/%lld %s (%.1f%%) %.1f %s/s ETA %s ", p.stage.c_str(),
                      (long long)p.done, (long long)p.total, p.unit.c_str(), 100.0 * p.fraction(), p.rate,
                      p.unit.c_str(), formatEta(etaSeconds(p)).c_str());
    else
        std::snprintf(buf, sizeof buf, "[%s] %lld %s %.1f %s/s ", p.stage.c_str(), (long long)p.done,
                      p.unit.c_str(), p.rate, p.unit.c_str());
    return buf + p.message;
}

ProgressMeter::ProgressMeter(int64_t startDone, double smoothingSeconds, double minIntervalSeconds)
    : m_start(Clock::now()), m_tau(smoothingSeconds), m_minInterval(minIntervalSeconds),
      m_startDone(startDone), m_lastDone(startDone)
{
}

void ProgressMeter::measure(Progress& p)
{
    measureAt(p, std::chrono::duration<double>(Clock::now() - m_start).count());
}

void ProgressMeter::measureAt(Progress& p, double seconds)
{
    const double dt = seconds - m_lastSeconds;
    if (dt >= m_minInterval) {
        const double inst = double(p.done - m_lastDone) / dt;
        // Each interval weighs by its length: a long one moves the rate more.
        m_rate = m_smoothed ? m_rate + (1.0 - std::exp(-dt / m_tau)) * (inst - m_rate) : inst;
        m_smoothed = true;
        m_lastDone = p.done;
        m_lastSeconds = seconds;
    } else if (!m_smoothed && seconds > 0) {
        m_rate = double(p.done - m_startDone) / seconds;
    }
    p.rate = std::max(0.0, m_rate);
    p.eta_seconds = -1.0;
    p.eta_seconds = etaSeconds(p);
}

} // namespace specmoe
