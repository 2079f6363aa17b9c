// specmoe train: train the expert-speculation predictors on trace folders.
#include "app/cli/command.h"
#include "app/cli/train_options.h"
#include "core/speculate/run_start.h"
#include "core/speculate/train.h"

#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

int runTrain(const ArgParser& a)
{
    namespace sp = specmoe::speculate;
    sp::TrainParams p = readTrainOptions(a);
    const bool quiet = a.flagSet("quiet");
    // A folder holding a run is continued or replaced only when asked (issue 17).
    const sp::RunStartPlan plan = sp::planRunStart(p.runDir, p.resume, a.flagSet("overwrite"));
    if (plan.action == sp::RunStartAction::Refuse)
        throw UsageError(plan.message);
    if (!plan.message.empty())
        std::cerr << "specmoe train: " << plan.message << "\n";
    if (plan.action == sp::RunStartAction::StartOver) {
        sp::clearRun(p.runDir);
        p.resume = false;
    }
    const bool json = a.flagSet("json");
    sp::MetricsFn metrics;
    if (json)
        metrics = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
    const sp::TrainResult r = sp::train(p, consoleProgress(quiet), metrics);
    if (!json) {
        std::printf("trained %d epochs (%lld steps), best epoch %d, %s\n", r.epochsRun, (long long)r.steps,
                    r.bestEpoch, r.stoppedEarly ? "stopped early" : "all epochs");
        std::printf("tokens: train %lld, validation %lld, test %lld; %.0f samples/s\n", (long long)r.trainTokens,
                    (long long)r.validationTokens, (long long)r.testTokens, r.samplesPerSecond);
        const std::string atK = "recall@" + std::to_string(r.validation.dims.topk);
        std::printf("validation (best checkpoint):\n%-12s %2s %7s %7s %9s %9s %7s\n", "predictor", "h", "top1",
                    "exact", atK.c_str(), "logloss", "ece");
        for (const auto& pm : r.validation.predictors)
            for (const auto& h : pm.horizons)
                std::printf("%-12s %2d %7.4f %7.4f %9.4f %9.4f %7.4f\n", pm.name.c_str(), h.horizon, h.overall.top1,
                            h.overall.exact, h.overall.recallAt(r.validation.dims.topk), h.overall.logloss,
                            h.overall.ece);
        for (const auto& u : r.validation.unavailable)
            std::printf("%-12s unavailable: %s\n", u.name.c_str(), u.reason.c_str());
        std::printf("run folder: %s (metrics.jsonl, best/, checkpoint/, report.json)\n", r.runDir.c_str());
    }
    return kOk;
}

} // namespace

SPECMOE_COMMAND("train", "train expert-speculation predictors on trace folders",
                [](ArgParser& p) { declareTrainOptions(p); },
                runTrain);

} // namespace specmoe::cli
