// specmoe: the headless command-line front end (libspecmoe_cli.so, run by the launcher in
// app/launcher). Each subcommand is a cmd_*.cpp file.
#include "app/cli/command.h"
#include "app/cli/crash_report.h"
#include "core/specmoe_core.h"
#include "core/util/error.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <iostream>

using namespace specmoe::cli;

static void printUsage(std::ostream& out)
{
    out << "usage: specmoe <command> [options]\n\n"
           "Expert-speculation workbench for Mixture-of-Experts models (headless).\n\n"
           "commands:\n";
    auto cmds = registry();
    std::sort(cmds.begin(), cmds.end(),
              [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const auto& c : cmds) {
        out << "  " << c.name;
        out << std::string(c.name.size() < 14 ? 14 - c.name.size() : 1, ' ') << c.summary << "\n";
    }
    out << "\nRun 'specmoe <command> --help' for a command's options.\n"
           "Exit codes: 0 ok, 1 failed, 2 usage error, 3 cancelled, 4 verification failed.\n";
}

// Called by the `specmoe` launcher (app/launcher/specmoe_launcher.cpp) once it has installed
// the stop-signal handlers and loaded this library; `stop` is the flag they set.
extern "C" int specmoe_cli_main(int argc, char** argv, std::atomic<int>* stop)
{
    useStopFlag(stop);
    installCrashReport();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        printUsage(args.empty() ? std::cerr : std::cout);
        return args.empty() ? kUsage : kOk;
    }
    if (args[0] == "--version") {
        std::cout << "specmoe " << specmoe::version() << "\n";
        return kOk;
    }
    const auto& cmds = registry();
    // A two-word command ("traces import") before the one-word command of its first word.
    auto it = std::find_if(cmds.begin(), cmds.end(), [&](const Command& c) {
        return args.size() > 1 && c.name == args[0] + " " + args[1];
    });
    size_t words = 2;
    if (it == cmds.end()) {
        it = std::find_if(cmds.begin(), cmds.end(), [&](const Command& c) { return c.name == args[0]; });
        words = 1;
    }
    if (it == cmds.end()) {
        std::cerr << "specmoe: unknown command '" << args[0] << "'\n\n";
        printUsage(std::cerr);
        return kUsage;
    }
    ArgParser parser("specmoe " + it->name, it->summary);
    it->declare(parser);
    try {
        parser.parse({args.begin() + std::ptrdiff_t(words), args.end()});
    } catch (const UsageError& e) {
        std::cerr << "specmoe " << it->name << ": " << e.what() << "\n"
                  << "Run 'specmoe " << it->name << " --help' for usage.\n";
        return kUsage;
    }
    if (parser.helpRequested()) {
        std::cout << parser.help();
        return kOk;
    }
    try {
        const int rc = it->run(parser);
        if (rc == kOk && interrupted()) { // a signal the command had no chance to act on
            std::cerr << "specmoe " << it->name << ": interrupted\n";
            return kCancelled;
        }
        return rc;
    } catch (const UsageError& e) {
        std::cerr << "specmoe " << it->name << ": " << e.what() << "\n";
        return kUsage;
    } catch (const specmoe::ParamError& e) {
        std::cerr << "specmoe " << it->name << ": " << e.what() << "\n";
        return kUsage;
    } catch (const specmoe::Cancelled&) {
        std::cerr << "specmoe " << it->name << ": cancelled; the state on disk is consistent "
                     "and the run can be resumed\n";
        return kCancelled;
    } catch (const c10::Error& e) {
        // Core turns libtorch's errors into messages naming the input; one that slipped
        // through still gets one line (no C++ stack trace) and where the command was.
        std::string m = e.what_without_backtrace();
        m = m.substr(0, m.find('\n'));
        const std::string at = lastProgressLine();
        std::cerr << "specmoe " << it->name << ": error: libtorch failed: " << m
                  << (at.empty() ? "" : " (at " + at + ")") << "\n";
        return kFailed;
    } catch (const std::exception& e) {
        std::cerr << "specmoe " << it->name << ": error: " << e.what() << "\n";
        return kFailed;
    }
}
