#include "app/cli/command.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace specmoe::cli {

std::vector<Command>& registry()
{
    static std::vector<Command> commands;
    return commands;
}

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onSignal(int) { g_interrupted = true; }

struct SignalInstaller {
    SignalInstaller()
    {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
} g_installer;

std::string formatEta(double s)
{
    if (s < 0)
        return "?";
    char buf[32];
    const int t = static_cast<int>(s + 0.5);
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
    return buf;
}
} // namespace

bool interrupted() { return g_interrupted.load(); }

ProgressFn consoleProgress(bool quiet)
{
    using Clock = std::chrono::steady_clock;
    auto last = std::make_shared<Clock::time_point>(Clock::now() - std::chrono::seconds(10));
    const bool tty = isatty(STDERR_FILENO);
    return [=](const Progress& p) {
        if (quiet || interrupted())
            return !interrupted();
        const auto now = Clock::now();
        // Throttle: a line a second on a pipe, five a second on a terminal.
        const auto gap = tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1000);
        const bool finished = p.total > 0 && p.done >= p.total;
        if (now - *last < gap && !finished)
            return true;
        *last = now;
        if (p.total > 0)
            std::fprintf(stderr, "%s[%s] %lld/%lld %s (%.1f%%) %.1f %s/s ETA %s %s%s",
                         tty ? "\r\033[K" : "", p.stage.c_str(), (long long)p.done,
                         (long long)p.total, p.unit.c_str(), 100.0 * p.fraction(), p.rate,
                         p.unit.c_str(), formatEta(p.eta_seconds).c_str(), p.message.c_str(),
                         tty ? "" : "\n");
        else
            std::fprintf(stderr, "%s[%s] %lld %s %.1f %s/s %s%s", tty ? "\r\033[K" : "",
                         p.stage.c_str(), (long long)p.done, p.unit.c_str(), p.rate,
                         p.unit.c_str(), p.message.c_str(), tty ? "" : "\n");
        if (tty && finished)
            std::fprintf(stderr, "\n");
        std::fflush(stderr);
        return true;
    };
}

} // namespace specmoe::cli
