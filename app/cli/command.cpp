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
        // The ETA follows from the rate when the job did not set one.
        std::fprintf(stderr, "%s%s%s", tty ? "\r\033[K" : "", progressLine(p).c_str(), tty ? "" : "\n");
        if (tty && finished)
            std::fprintf(stderr, "\n");
        std::fflush(stderr);
        return true;
    };
}

} // namespace specmoe::cli
