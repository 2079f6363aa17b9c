#include "app/cli/crash_report.h"

#include <csignal>
#include <cstring>
#include <execinfo.h>
#include <initializer_list>
#include <unistd.h>

namespace specmoe::cli {
namespace {

void writeStr(const char* s) { (void)!::write(STDERR_FILENO, s, std::strlen(s)); }

extern "C" void onFatal(int sig)
{
    // Only async-signal-safe calls here (backtrace() is, once warmed up at install time).
    writeStr("\nspecmoe: fatal signal ");
    writeStr(sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE"
             : sig == SIGILL ? "SIGILL" : "SIGABRT");
    writeStr("; stack (innermost first):\n");
    void* frames[64];
    const int n = ::backtrace(frames, 64);
    ::backtrace_symbols_fd(frames, n, STDERR_FILENO);
    writeStr("Please report this with the command line that caused it.\n");
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

} // namespace

void installCrashReport()
{
    void* warm[1];
    ::backtrace(warm, 1); // loads libgcc now: the first call may allocate
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
        std::signal(sig, onFatal);
}

} // namespace specmoe::cli
