// specmoe eval: score a trained predictor and the baselines on a split of trace folders.
#include "app/cli/command.h"
#include "app/cli/train_options.h"
#include "core/speculate/train.h"
#include "core/util/atomic_file.h"

#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

int runEval(const ArgParser& a)
{
    namespace sp = specmoe::speculate;
    const sp::EvalParams p = readEvalOptions(a);
    const sp::EvalReport r = sp::evaluate(p, consoleProgress(a.flagSet("quiet")));
    if (a.has("json"))
        writeFileAtomic(a.get("json"), r.toJson(true) + "\n");
    if (p.predictorDir.empty() && !a.flagSet("no-save")) {
        // Kept in the run, as the workbench keeps its evaluations (it shows the newest).
        const std::string kept = sp::saveEvaluation(p.runDir, r);
        std::printf("report: %s\n", kept.c_str());
    }
    const int k = r.dims.topk;
    const std::string atK = "recall@" + std::to_string(k); // the natural prefetch budget m = k
    std::printf("%s split: %lld tokens\n%-12s %2s %7s %7s %9s %9s %9s %7s\n", r.split.c_str(), (long long)r.tokens,
                "predictor", "h", "top1", "exact", "recall@1", atK.c_str(), "logloss", "ece");
    for (const auto& pm : r.predictors)
        for (const auto& h : pm.horizons)
            std::printf("%-12s %2d %7.4f %7.4f %9.4f %9.4f %9.4f %7.4f\n", pm.name.c_str(), h.horizon,
                        h.overall.top1, h.overall.exact, h.overall.recallAt(1), h.overall.recallAt(k),
                        h.overall.logloss, h.overall.ece);
    for (const auto& u : r.unavailable)
        std::printf("%-12s unavailable: %s\n", u.name.c_str(), u.reason.c_str());
    return kOk;
}

} // namespace

SPECMOE_COMMAND("eval", "score a trained speculation predictor beside the baselines",
                [](ArgParser& p) { declareEvalOptions(p); },
                runEval);

} // namespace specmoe::cli
