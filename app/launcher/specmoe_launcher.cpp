// specmoe: the command-line entry point. It installs the stop-signal handlers first, then
// loads the CLI proper (libspecmoe_cli.so: every command, core and libtorch) and runs it.
// Loading libtorch takes a few hundred milliseconds, seconds on a busy machine; were it
// linked into this executable, a Ctrl-C in that time would kill the process (exit 130)
// instead of stopping the command cleanly (exit 3). It needs only the C library (no
// libstdc++: linked --as-needed), so the handlers are in place within a millisecond.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <ctime>
#include <initializer_list>
#include <unistd.h>

namespace {

std::atomic<int> g_stop{0}; // the signal that asked to stop, 0 = none
std::atomic<long long> g_firstStopNs{0}; // when it came (CLOCK_MONOTONIC)

// A second stop signal this long after the first exits at once: the user's way out of a
// command stuck where it does not poll the flag (inside a library call). Signals closer
// together are one request: a terminal's Ctrl-C reaches torchrun's workers beside the
// SIGTERM torchrun forwards, and scancel signals every process of a step.
constexpr long long kForceAfterNs = 2'000'000'000LL;

long long monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts); // async-signal-safe
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

void say(const char* text) { [[maybe_unused]] ssize_t n = ::write(2, text, std::strlen(text)); }

extern "C" void onStopSignal(int sig)
{
    const long long now = monotonicNs();
    if (g_stop.load() == 0) {
        g_firstStopNs = now;
        g_stop = sig;
        say("specmoe: stopping after the work in hand (a second signal 2 s or more from now exits at once)\n");
        return;
    }
    if (now - g_firstStopNs.load() < kForceAfterNs)
        return;
    // Files are written to a temporary name and renamed: as after kill -9, a rerun resumes.
    say("specmoe: second stop signal: exiting now without a clean stop; rerun the same command to resume\n");
    ::_exit(128 + sig);
}

// SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session) ask for a clean stop: long
// commands poll the flag, finish the unit of work in hand (a collection stores what it
// routed as a last complete shard) and exit 3, resumable; a second one 2 s later, 128 + sig. A signal the parent set to be
// ignored stays ignored (`nohup`, background jobs of a script). SIGXFSZ is ignored: past
// `ulimit -f` a write then fails with EFBIG and the command reports it (exit 1) instead of
// the process dying in the middle of a shard.
void installStopSignals()
{
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        struct sigaction sa {};
        sa.sa_handler = onStopSignal;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, nullptr);
    }
    std::signal(SIGXFSZ, SIG_IGN);
}

// The folder of this executable, into buf.
void executableDir(char* buf, size_t size)
{
    const ssize_t n = ::readlink("/proc/self/exe", buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    char* slash = std::strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    else
        std::snprintf(buf, size, ".");
}

} // namespace

// The CLI's entry point (app/cli/main.cpp).
using CliMain = int (*)(int argc, char** argv, std::atomic<int>* stop);

int main(int argc, char** argv)
{
    installStopSignals();
    char dir[4096];
    executableDir(dir, sizeof dir);
    // Beside the executable (build tree), or in ../lib (installed).
    for (const char* rel : {"/libspecmoe_cli.so", "/../lib/libspecmoe_cli.so"}) {
        char path[4200];
        std::snprintf(path, sizeof path, "%s%s", dir, rel);
        if (::access(path, F_OK) != 0)
            continue;
        void* lib = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            std::fprintf(stderr, "specmoe: cannot load %s: %s\n", path, ::dlerror());
            return 1;
        }
        auto run = reinterpret_cast<CliMain>(::dlsym(lib, "specmoe_cli_main"));
        if (!run) {
            std::fprintf(stderr, "specmoe: %s has no specmoe_cli_main\n", path);
            return 1;
        }
        return run(argc, argv, &g_stop); // never closed: libtorch's destructors run at exit
    }
    std::fprintf(stderr, "specmoe: libspecmoe_cli.so is neither in %s nor in %s/../lib\n", dir, dir);
    return 1;
}
