// specmoe traces import: routing traces from serving engines (vLLM, SGLang, Megatron-Core) or
// NumPy arrays into a verified trace folder (docs/trace-import.md).
#include "app/cli/command.h"
#include "app/cli/import_options.h"
#include "core/import/import_run.h"

#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

int runImport(const ArgParser& a)
{
    const import::ImportParams params = readImportOptions(a);
    import::ImportResult r;
    try {
        r = import::importTrace(params, consoleProgress(a.flagSet("quiet")));
    } catch (const import::ImportVerifyFailed& e) {
        for (const auto& p : e.problems)
            std::cout << "PROBLEM: " << p << "\n";
        std::cerr << "specmoe traces import: " << e.what() << "\n";
        return kVerifyFailed;
    }
    for (const auto& w : r.warnings)
        std::cerr << "warning: " << w << "\n";
    std::cout << "imported " << r.sequences << " sequences, " << r.tokens << " tokens into " << params.outDir << " ("
              << describeDims(r.dims) << ")\n";
    if (r.resumedSequences > 0)
        std::cout << "resumed: " << r.resumedSequences << " sequences were already stored, " << r.sequencesWritten
                  << " written now\n";
    char rate[160];
    std::snprintf(rate, sizeof rate, "%.1f MB of input in %.2f s (%.1f MB/s); %.2f CPU seconds (%.1f MB per CPU second)",
                  double(r.inputBytes) / 1e6, r.seconds, r.seconds > 0 ? double(r.inputBytes) / 1e6 / r.seconds : 0.0,
                  r.cpuSeconds, r.cpuSeconds > 0 ? double(r.inputBytes) / 1e6 / r.cpuSeconds : 0.0);
    std::cout << rate << "\nOK: " << r.shardsVerified << " shards verified\n";
    return kOk;
}

} // namespace

SPECMOE_COMMAND("traces import", "import routing traces from vLLM, SGLang, Megatron-Core or NumPy arrays",
                [](ArgParser& p) { declareImportOptions(p); }, runImport);

} // namespace specmoe::cli
