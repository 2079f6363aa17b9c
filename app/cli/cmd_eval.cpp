// specmoe eval: score a trained predictor and the baselines on a split of trace folders.
#include "app/cli/command.h"
#include "core/speculate/train.h"
#include "core/util/atomic_file.h"

#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

int runEval(const ArgParser& a)
{
    namespace sp = specmoe::speculate;
    sp::EvalParams p;
    p.runDir = a.get("run");
    p.predictorDir = a.get("predictor");
    if (p.runDir.empty() && p.predictorDir.empty())
        throw UsageError("--run DIR or --predictor DIR is required");
    p.traceDirs = a.getAll("traces"); // empty: those the run was trained on
    if (p.traceDirs.empty() && p.runDir.empty())
        throw UsageError("--traces DIR is required with --predictor");
    p.split = a.get("split");
    p.maxTokens = a.getInt("max-tokens");
    p.device = a.get("device");
    p.threads = int(a.getInt("threads"));
    const sp::EvalReport r = sp::evaluate(p, consoleProgress(a.flagSet("quiet")));
    if (a.has("json"))
        writeFileAtomic(a.get("json"), r.toJson(true) + "\n");
    if (p.predictorDir.empty() && !a.flagSet("no-save")) {
        // Kept in the run, as the workbench keeps its evaluations (it shows the newest).
        const std::string kept = sp::saveEvaluation(p.runDir, r);
        std::printf("report: %s\n", kept.c_str());
    }
    const int k = r.dims.topk;
    std::printf("%s split: %lld tokens\n%-12s %2s %7s %7s %9s %9s %9s %7s\n", r.split.c_str(), (long long)r.tokens,
                "predictor", "h", "top1", "exact", "recall@1", "recall@k", "logloss", "ece");
    for (const auto& pm : r.predictors)
        for (const auto& h : pm.horizons)
            std::printf("%-12s %2d %7.4f %7.4f %9.4f %9.4f %9.4f %7.4f\n", pm.name.c_str(), h.horizon,
                        h.overall.top1, h.overall.exact, h.overall.recallAt(1), h.overall.recallAt(k),
                        h.overall.logloss, h.overall.ece);
    return kOk;
}

} // namespace

SPECMOE_COMMAND("eval", "score a trained speculation predictor beside the baselines",
                [](ArgParser& p) {
                    p.option("run", "DIR", "training run folder (uses its best checkpoint)");
                    p.option("predictor", "DIR", "exported predictor folder (instead of --run)");
                    p.multiOption("traces", "DIR", "trace folder (repeat; default with --run: those it was trained on)");
                    p.option("split", "NAME", "train, validation, test or all", "test");
                    p.option("max-tokens", "N", "score at most N tokens (0 = all)", "0");
                    p.option("json", "FILE", "write the full report (per layer) as JSON");
                    p.flag("no-save", "do not keep the report in the run (RUN/evaluation-SPLIT.json)");
                    p.option("device", "DEV", "cpu, cuda, cuda:N or auto", "cpu");
                    p.option("threads", "N", "intra-op threads (0 = default)", "0");
                    p.flag("quiet", "no progress line");
                },
                runEval);

} // namespace specmoe::cli
