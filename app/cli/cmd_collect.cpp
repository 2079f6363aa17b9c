// specmoe collect: routing traces of a corpus into sharded HDF5 (docs/cli-collect.md).
#include "app/cli/collect_options.h"
#include "app/cli/command.h"
#include "app/cli/launch_options.h"
#include "core/collect/collector.h"
#include "core/collect/distributed_collect.h"
#include "core/trace/trace_set.h"
#include "core/model/config.h"
#include "core/util/blas_kernels.h"
#include "core/util/error.h"

#include <cstdio>
#include <iostream>
#include <optional>

namespace specmoe::cli {
namespace {

// Rank 0 of several: the set and every rank's part.
void printSet(const DistributedCollectResult& d)
{
    char line[256];
    std::cout << "trace set        " << d.outDir << " (" << d.ranks.size() << " ranks, trace-set.json)\n";
    for (const auto& s : d.ranks) {
        std::snprintf(line, sizeof line, "  rank %d: %lld sequences, %lld tokens; %lld written now in %.1f s%s", s.rank,
                      static_cast<long long>(s.sequences), static_cast<long long>(s.tokens),
                      static_cast<long long>(s.tokensWritten), s.seconds, s.complete ? "" : " (incomplete)");
        std::cout << line << "\n";
    }
    std::snprintf(line, sizeof line, "%lld tokens written now, %.0f tokens/s over the ranks (the slowest rank's time)",
                  static_cast<long long>(d.tokensWritten), d.tokensPerSecond);
    std::cout << "all ranks        " << line << "\n";
}

int runCollect(const ArgParser& a)
{
    CollectParams p = readCollectOptions(a);
    const bool quiet = a.flagSet("quiet");
    // --lookahead beyond the model's layers is a usage error; an unreadable config.json is
    // left to collect(), which names it.
    std::optional<MixtralConfig> config;
    try {
        config = loadConfig(p.modelDir);
    } catch (const std::exception&) {
    }
    if (config) {
        // The default distances serve deep models; a model of fewer MoE layers (make-model's
        // tiny DeepSeek and gpt-oss presets have 2) keeps those that fit rather than refuse an
        // option the user never gave. A --lookahead given is checked as given.
        if (!a.has("lookahead")) {
            std::vector<int> fit;
            for (int d : p.lookahead)
                if (d < config->moeLayerCount())
                    fit.push_back(d);
            if (fit.size() < p.lookahead.size())
                std::cerr << "specmoe collect: note: the model has " << config->moeLayerCount()
                          << " MoE layers: lookahead distances " << listText(fit) << " (of the default "
                          << listText(p.lookahead) << ")\n";
            p.lookahead = fit;
        }
        try {
            checkLookahead(p.lookahead, config->moeLayerCount(), p.modelDir);
        } catch (const Error& e) {
            throw UsageError(std::string("option --lookahead: ") + e.what());
        }
    }

    const dist::LaunchEnv env = readLaunchEnv(a);
    const dist::GroupOptions group = readGroupOptions(a);
    if (env.distributed() && !quiet)
        std::cerr << "specmoe collect: " << env.describe() << ", writing "
                  << p.outDir + "/" + rankFolderName(env.rank) << "\n";
    DistributedCollectResult d;
    try {
        // One progress line per terminal: rank 0's.
        d = collectDistributed(p, env, group, consoleProgress(quiet || env.rank != 0));
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

    const CollectResult& r = d.local;
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
    if (d.setWritten)
        printSet(d);
    return kOk;
}

} // namespace

SPECMOE_COMMAND(
    "collect", "collect routing traces of a corpus into sharded HDF5 (resumable)",
    [](ArgParser& p) {
        declareCollectOptions(p);
        declareLaunchOptions(p);
    },
    runCollect);

} // namespace specmoe::cli
