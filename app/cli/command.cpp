#include "app/cli/command.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace specmoe::cli {

std::vector<Command>& registry()
{
    static std::vector<Command> commands;
    return commands;
}

namespace {
// Set by the launcher's handlers of SIGINT, SIGTERM and SIGHUP (app/launcher): they are
// installed before libtorch loads, so a stop asked for at any time reaches the command.
std::atomic<int> g_noStop{0};
std::atomic<int>* g_stop = &g_noStop;
} // namespace

void useStopFlag(std::atomic<int>* flag) { g_stop = flag ? flag : &g_noStop; }

bool interrupted() { return g_stop->load() != 0; }

namespace {
std::mutex g_lastMutex;
Progress g_last; // the latest report of any consoleProgress callback
bool g_haveLast = false;
} // namespace

std::string lastProgressLine()
{
    std::lock_guard<std::mutex> lock(g_lastMutex);
    return g_haveLast ? progressLine(g_last) : std::string();
}

ProgressFn consoleProgress(bool quiet)
{
    using Clock = std::chrono::steady_clock;
    auto last = std::make_shared<Clock::time_point>(Clock::now() - std::chrono::seconds(10));
    const bool tty = isatty(STDERR_FILENO);
    return [=](const Progress& p) {
        {
            std::lock_guard<std::mutex> lock(g_lastMutex);
            g_last = p;
            g_haveLast = true;
        }
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
