#pragma once
// On a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) print the signal and a stack
// trace to stderr before the default action, so that a crash on a remote GPU server or a
// cluster node leaves something to act on.
namespace specmoe::cli {
void installCrashReport();
}
