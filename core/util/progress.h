#pragma once
// Progress reporting for long jobs. The callback returns false to ask the job to stop;
// the job then finishes its current unit of work, leaves a consistent state and throws
// specmoe::Cancelled.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace specmoe {

struct Progress {
    std::string stage;      // e.g. "collect", "train", "analyze"
    int64_t done = 0;       // units done so far
    int64_t total = 0;      // 0 when unknown
    std::string unit;       // "tokens", "samples", "sequences", ...
    double rate = 0.0;      // units per second, smoothed
    double eta_seconds = -1.0; // < 0 when unknown
    std::string message;    // free text for logs

    double fraction() const { return total > 0 ? double(done) / double(total) : 0.0; }
};

using ProgressFn = std::function<bool(const Progress&)>;

// Calls fn if set; throws Cancelled when it asks to stop.
void reportProgress(const ProgressFn& fn, const Progress& p);

// Seconds left: eta_seconds when the job set it, else (total - done) / rate when both are
// known, else < 0.
double etaSeconds(const Progress& p);

// "[stage] done/total unit (pct%) rate unit/s ETA h:mm:ss message" (ETA "?" when unknown),
// or "[stage] done unit rate unit/s message" without a total: the CLI's progress line.
std::string progressLine(const Progress& p);

// The rate and ETA of one job's reports. The rate is a moving average over the intervals
// between measurements (each weighs by its length, with a time constant of
// `smoothingSeconds`), so a slow first batch or a pause fades instead of staying in an
// average since the start; before a first interval of `minIntervalSeconds` it is the
// average since the start.
class ProgressMeter {
public:
    using Clock = std::chrono::steady_clock;
    // startDone: units already done when the job (re)starts; they do not count in the rate.
    explicit ProgressMeter(int64_t startDone = 0, double smoothingSeconds = 5.0,
                           double minIntervalSeconds = 0.2);
    // Sets p.rate and p.eta_seconds from p.done and p.total, now.
    void measure(Progress& p);
    // Same at `seconds` since the start on the job's own clock (e.g. training time without
    // the validation passes; tests).
    void measureAt(Progress& p, double seconds);

private:
    Clock::time_point m_start;
    double m_tau, m_minInterval;
    int64_t m_startDone;
    int64_t m_lastDone;
    double m_lastSeconds = 0;
    double m_rate = 0;
    bool m_smoothed = false; // at least one full interval measured
};

} // namespace specmoe
