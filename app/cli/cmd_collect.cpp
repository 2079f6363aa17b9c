// specmoe collect: routing traces of a corpus into sharded HDF5 (docs/cli-collect.md).
#include "app/cli/collect_options.h"
#include "app/cli/command.h"
#include "core/collect/collector.h"
#include "core/model/config.h"
#include "core/util/blas_kernels.h"
#include "core/util/error.h"

#include <cstdio>
#include <iostream>
#include <optional>

namespace specmoe::cli {
namespace {

int runCollect(const ArgParser& a)
{
    const CollectParams p = readCollectOptions(a);
    const bool quiet = a.flagSet("quiet");
    // --lookahead beyond the model's layers is a usage error; an unreadable config.json is
    // left to collect(), which names it.
    std::optional<MixtralConfig> config;
    try {
        config = loadConfig(p.modelDir);
    } catch (const std::exception&) {
    }
    if (config) {
        try {
            checkLookahead(p.lookahead, config->moeLayerCount(), p.modelDir);
        } catch (const Error& e) {
            throw UsageError(std::string("option --lookahead: ") + e.what());
        }
    }

    CollectResult r;
    try {
        r = collect(p, consoleProgress(quiet));
    } catch (const Error& e) {
        const std::string m = e.what();
        if (m.find("start over") != std::string::npos)
            throw Error(m + " (--start-over)");
        throw;
    } catch (const Cancelled&) {
        std::cerr << "specmoe collect: stopped; every sequence collected so far is stored in "
                     "complete shards of "
                  << p.outDir << "; rerun the same command to continue after them\n";
        throw;
    }

    std::cout << "trace            " << r.outDir << (r.resumed ? " (resumed)" : "") << "\n"
              << "corpus           " << r.corpusSequences << " sequences, " << r.corpusTokens << " tokens\n";
    if (r.resumed)
        std::cout << "already stored   " << r.resumedSequences << " sequences, " << r.resumedTokens
                  << " tokens\n";
    char line[256];
    std::snprintf(line, sizeof line, "%lld sequences, %lld tokens in %.1f s (%.0f tokens/s)",
                  static_cast<long long>(r.sequencesWritten), static_cast<long long>(r.tokensWritten), r.seconds,
                  r.tokensPerSecond);
    std::cout << "written now      " << line << "\n";
    std::cout << "compute dtype    " << (r.dtypeNote.empty() ? r.dtype : r.dtypeNote) << "\n";
    std::snprintf(line, sizeof line, "batch %d on %s, %lld passes, %.1f%% padding, forward %.1f s",
                  r.batchSize, r.device.c_str(), static_cast<long long>(r.batches), 100.0 * r.paddingFraction,
                  r.forwardSeconds);
    std::cout << "batching         " << line << "\n";
    if (!r.batchNote.empty())
        std::cout << "                 " << r.batchNote << "\n";
    std::cout << "shards           " << r.shards << "\n"
              << "sources:\n";
    for (const auto& s : describeSources(r))
        std::cout << "  " << s << "\n";
    for (const auto& w : r.modelWarnings)
        std::cerr << "warning: " << w << "\n";
    if (r.device.rfind("cpu", 0) == 0) {
        const BlasKernels kernels = blasKernels();
        if (!kernels.hint.empty())
            std::cerr << "warning: " << kernels.hint << "\n";
    }
    if (!r.warnings.empty()) {
        std::cerr << "skipped input (" << r.skippedInputs << " items; also in manifest.json \"skipped\"):\n";
        for (const auto& w : r.warnings)
            std::cerr << "  warning: " << w << "\n";
    }
    return kOk;
}

} // namespace

SPECMOE_COMMAND(
    "collect", "collect routing traces of a corpus into sharded HDF5 (resumable)",
    [](ArgParser& p) { declareCollectOptions(p); },
    runCollect);

} // namespace specmoe::cli
