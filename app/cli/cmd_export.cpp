// specmoe export: write a trained predictor as safetensors + JSON config.
#include "app/cli/command.h"
#include "core/speculate/train.h"

#include <cstdio>

namespace specmoe::cli {
namespace {

int runExport(const ArgParser& a)
{
    namespace sp = specmoe::speculate;
    sp::ExportParams p;
    p.runDir = a.get("run");
    p.outDir = a.get("out");
    if (p.runDir.empty() || p.outDir.empty())
        throw UsageError("--run DIR and --out DIR are required");
    const sp::ExportResult r = sp::exportPredictor(p);
    std::printf("exported %lld parameters:\n  %s\n  %s\n(load it with docs/load_predictor.py)\n",
                (long long)r.parameters, r.weightsFile.c_str(), r.configFile.c_str());
    return kOk;
}

} // namespace

SPECMOE_COMMAND("export", "export a trained speculation predictor (safetensors + config.json)",
                [](ArgParser& p) {
                    p.option("run", "DIR", "training run folder (its best checkpoint is exported)");
                    p.option("out", "DIR", "output folder");
                },
                runExport);

} // namespace specmoe::cli
