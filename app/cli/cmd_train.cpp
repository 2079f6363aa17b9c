// specmoe train: train the expert-speculation predictors on trace folders.
#include "app/cli/command.h"
#include "app/cli/launch_options.h"
#include "app/cli/train_options.h"
#include "core/dist/rank_resources.h"
#include "core/speculate/run_start.h"
#include "core/speculate/train.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

const std::string kStartKey = "specmoe/train/start";

// Rank 0 (or the one process) decides whether the run folder is continued, replaced or
// refused (issue 17); the other ranks follow its word through the store.
void planRun(speculate::TrainParams& p, const ArgParser& a, dist::ProcessGroup* group, double seconds)
{
    namespace sp = specmoe::speculate;
    if (group && group->rank() != 0) {
        const std::string word = group->get(kStartKey, seconds);
        if (word != "resume" && word != "fresh")
            throw Error("train: rank " + std::to_string(group->rank()) + ": rank 0 refused the run folder: " + word);
        p.resume = word == "resume";
        return;
    }
    const sp::RunStartPlan plan = sp::planRunStart(p.runDir, p.resume, a.flagSet("overwrite"));
    if (plan.action == sp::RunStartAction::Refuse) {
        if (group)
            group->set(kStartKey, plan.message);
        throw UsageError(plan.message);
    }
    if (!plan.message.empty())
        std::cerr << "specmoe train: " << plan.message << "\n";
    if (plan.action == sp::RunStartAction::StartOver) {
        sp::clearRun(p.runDir);
        p.resume = false;
    }
    if (group)
        group->set(kStartKey, p.resume ? "resume" : "fresh");
}

// The default horizon serves deep models; traces of fewer MoE layers (make-model's tiny
// DeepSeek and gpt-oss presets have 2) train at the largest horizon they hold rather than
// refuse an option the user never gave. An unreadable trace is left to train(), which names it.
void fitDefaultHorizon(speculate::TrainParams& p)
{
    int layers = 0;
    try {
        if (!p.traceDirs.empty())
            layers = TraceSet::open(p.traceDirs.front()).dims().layers;
    } catch (const std::exception&) {
        return;
    }
    if (layers < 2 || p.horizon < layers)
        return;
    std::cerr << "specmoe train: note: the traces have " << layers << " MoE layers: horizon " << layers - 1
              << " (the default is " << p.horizon << ")\n";
    p.horizon = layers - 1;
}

int runTrain(const ArgParser& a)
{
    namespace sp = specmoe::speculate;
    sp::TrainParams p = readTrainOptions(a);
    if (!a.has("horizon"))
        fitDefaultHorizon(p);
    const dist::LaunchEnv env = readLaunchEnv(a);
    const dist::GroupOptions groupOptions = readGroupOptions(a);
    if (env.distributed()) {
        if (!a.flagSet("quiet"))
            std::cerr << "specmoe train: " << env.describe() << (env.rank == 0 ? ", writing " + p.runDir : "") << "\n";
        p.device = dist::rankDevice(p.device, env);
        p.threads = dist::rankThreads(p.threads, env);
        // The update averages world size x batch tokens: the default learning rate is that batch's.
        if (!a.has("lr"))
            p.learningRate = sp::defaultLearningRate(int64_t(p.batchSize) * p.accumulate * env.worldSize);
        p.group = dist::ProcessGroup::join(env, groupOptions);
        p.groupSeconds = groupOptions.rendezvousSeconds;
    }
    planRun(p, a, p.group.get(), groupOptions.rendezvousSeconds);
    // One progress line and one report per job: rank 0's.
    const bool quiet = a.flagSet("quiet") || env.rank != 0;
    const bool json = a.flagSet("json");
    sp::MetricsFn metrics;
    if (json)
        metrics = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
    const sp::TrainResult r = sp::train(p, consoleProgress(quiet), metrics);
    if (env.rank != 0) {
        std::printf("rank %d: trained %d epochs (%lld steps) on its part of the training split\n", env.rank,
                    r.epochsRun, (long long)r.steps);
        return kOk;
    }
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
                [](ArgParser& p) {
                    declareTrainOptions(p);
                    declareLaunchOptions(p);
                },
                runTrain);

} // namespace specmoe::cli
