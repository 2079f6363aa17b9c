#pragma once
// Subcommands of the `specmoe` CLI. Each lives in its own cmd_*.cpp and registers itself
// with SPECMOE_COMMAND; main.cpp only dispatches.
#include "app/cli/args.h"
#include "core/model/compute_dtype.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::cli {

// Exit codes, documented in docs/cli.md.
enum ExitCode : int {
    kOk = 0,
    kFailed = 1,      // the job failed (bad input file, I/O error, ...)
    kUsage = 2,       // wrong command line
    kCancelled = 3,   // interrupted (SIGINT/SIGTERM/SIGHUP); state left resumable
    kVerifyFailed = 4 // a verification found problems
};

struct Command {
    std::string name;
    std::string summary;
    std::function<void(ArgParser&)> declare; // declares options and positionals
    std::function<int(const ArgParser&)> run;
};

std::vector<Command>& registry();

struct Registrar {
    explicit Registrar(Command c) { registry().push_back(std::move(c)); }
};

#define SPECMOE_CONCAT_INNER(a, b) a##b
#define SPECMOE_CONCAT(a, b) SPECMOE_CONCAT_INNER(a, b)
#define SPECMOE_COMMAND(...)                                                                   \
    static ::specmoe::cli::Registrar SPECMOE_CONCAT(specmoe_cmd_, __LINE__)(                    \
        ::specmoe::cli::Command{__VA_ARGS__})

// Set by SIGINT/SIGTERM/SIGHUP (the launcher's handlers, installed before libtorch loads);
// long commands pass it to core's progress callback.
bool interrupted();
// The flag the launcher's signal handlers set (app/launcher/specmoe_launcher.cpp).
void useStopFlag(std::atomic<int>* flag);

// A progress callback that prints a throttled status line on stderr and stops on signals.
ProgressFn consoleProgress(bool quiet);

// The progress line of the latest report to a consoleProgress callback ("" before any):
// where a command was when an unexpected error stopped it.
std::string lastProgressLine();

} // namespace specmoe::cli

namespace specmoe::cli {
// `specmoe info --model DIR`: prints the checkpoint summary (app/cli/model_info.cpp).
int printModelInfo(const std::string& dir, ComputeDType dtype);
} // namespace specmoe::cli
