#pragma once
// Progress reporting for long jobs. The callback returns false to ask the job to stop;
// the job then finishes its current unit of work, leaves a consistent state and throws
// specmoe::Cancelled.
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

} // namespace specmoe
