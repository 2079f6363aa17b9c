// specmoe simulate --traces DIR --out DIR: what a prediction buys in an offloading engine
// (core/simulate, docs/simulation.md); writes simulation.json and simulation.csv and prints a
// compact table with the no-prefetch and oracle bounds beside every predictor.
#include "app/cli/command.h"
#include "app/cli/simulate_options.h"
#include "core/simulate/simulate.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe::cli {
namespace {

namespace sim = specmoe::simulate;

void printTable(const sim::SimulationResult& r)
{
    std::printf("replayed %lld tokens of %lld sequences (%s split) in %lld steps of batch %d; expert %.1f MB (%s), "
                "%s\n",
                (long long)r.tokens, (long long)r.sequences, r.split.c_str(), (long long)r.steps, r.batch,
                r.expertBytes / 1e6, sim::storageDTypeName(r.storage), r.hardware.name.c_str());
    if (r.computeMeasurement)
        std::printf("compute %.4f ms per layer, measured: %s of %s\n", r.computeMeasurement->msPerLayer,
                    r.computeMeasurement->method().c_str(), r.computeMeasurement->modelDir.c_str());
    else if (r.computeMsPerLayer > 0)
        std::printf("compute %.4f ms per layer (--compute-ms)\n", r.computeMsPerLayer);
    std::printf("%-22s %-6s %5s %7s %3s %2s %7s %6s %6s %9s %9s %9s\n", "predictor", "policy", "cache", "GB/s", "m",
                "h", "hit", "prec", "recall", "MB/token", "stall ms", "tokens/s");
    for (const sim::SimulationRow& row : r.rows) {
        std::string name = row.predictor;
        if (name.size() > 22)
            name = "..." + name.substr(name.size() - 19);
        std::printf("%-22s %-6s %5d %7.1f %3d %2d %6.1f%% %6.3f %6.3f %9.1f %9.3f %9.2f\n", name.c_str(),
                    sim::policyName(row.policy), row.cacheExperts, row.linkGBps, row.budget, row.horizon,
                    100.0 * row.hitRate, row.prefetchPrecision, row.prefetchRecall, row.bytesPerToken / 1e6,
                    row.stallMsPerToken, row.tokensPerSecond);
    }
    for (const sim::GapSummary& g : r.gaps()) {
        if (g.best.empty())
            continue;
        std::printf("%s, cache %d, %.1f GB/s, m %d, h %d: none %.2f tokens/s, oracle %.2f, best %s %.2f (%s)\n",
                    sim::policyName(g.policy), g.cacheExperts, g.linkGBps, g.budget, g.horizon, g.noneTokensPerSecond,
                    g.oracleTokensPerSecond, g.best.c_str(), g.bestTokensPerSecond,
                    sim::gapVerdictText(sim::gapVerdict(g), g.gapClosed).c_str());
    }
    for (const sim::PredictorTiming& t : r.predictors)
        std::printf("inference %s: %.2f s for %lld tokens (not in the replay time)\n", t.name.c_str(), t.seconds,
                    (long long)t.tokens);
    std::printf("replay: %zu settings, %.2f s, %.1f M token-layers/s\n", r.rows.size(), r.replaySeconds,
                r.replaySeconds > 0 ? double(r.tokenLayers) / r.replaySeconds / 1e6 : 0.0);
}

int runSimulate(const ArgParser& a)
{
    const sim::SimulateParams p = readSimulateOptions(a);
    if (a.flagSet("show-profile")) {
        std::printf("%s\n", sim::profileToJson(p.hardware).c_str());
        return kOk;
    }
    if (p.traceDirs.empty())
        throw UsageError("--traces DIR is required");
    const std::string out = a.get("out");
    if (out.empty())
        throw UsageError("--out DIR is required");
    const sim::SimulationResult r = sim::runSimulation(p, consoleProgress(a.flagSet("quiet")));
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec)
        throw Error("cannot create " + out + ": " + ec.message());
    writeFileAtomic(out + "/simulation.json", r.toJson() + "\n");
    writeFileAtomic(out + "/simulation.csv", r.toCsv());
    if (!a.flagSet("quiet")) {
        printTable(r);
        std::printf("wrote %s/simulation.json and %s/simulation.csv\n", out.c_str(), out.c_str());
    }
    return kOk;
}

} // namespace

SPECMOE_COMMAND("simulate", "replay traces through an offloading engine: what a prediction buys (docs/simulation.md)",
                [](ArgParser& p) { declareSimulateOptions(p); },
                runSimulate);

} // namespace specmoe::cli
