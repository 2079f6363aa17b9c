// specmoe train: train the expert-speculation predictors on trace folders.
#include "app/cli/command.h"
#include "core/speculate/train.h"

#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

int runTrain(const ArgParser& a)
{
    namespace sp = specmoe::speculate;
    sp::TrainParams p;
    p.traceDirs = a.getAll("traces");
    if (p.traceDirs.empty())
        throw UsageError("--traces DIR is required");
    p.runDir = a.get("out");
    if (p.runDir.empty())
        throw UsageError("--out DIR is required");
    p.horizon = int(a.getInt("horizon"));
    p.epochs = int(a.getInt("epochs"));
    p.batchSize = int(a.getInt("batch-size"));
    p.accumulate = int(a.getInt("accumulate"));
    p.learningRate = a.getDouble("lr");
    p.weightDecay = a.getDouble("weight-decay");
    p.warmupFraction = a.getDouble("warmup");
    p.gradClip = a.getDouble("clip");
    p.patience = int(a.getInt("patience"));
    p.split.seed = uint64_t(a.getInt("seed"));
    p.split.trainFraction = a.getDouble("train-fraction");
    p.split.validationFraction = a.getDouble("val-fraction");
    p.maxTokens = a.getInt("max-tokens");
    p.maxValidationTokens = a.getInt("max-val-tokens");
    p.shuffleBuffer = int(a.getInt("shuffle-buffer"));
    p.device = a.get("device");
    p.threads = int(a.getInt("threads"));
    p.resume = a.flagSet("resume");
    p.model.hiddenDim = int(a.getInt("hidden"));
    p.model.embedDim = int(a.getInt("embed"));
    p.model.useTokenIds = !a.flagSet("no-token-ids");
    p.model.useWeights = !a.flagSet("no-weights");
    p.model.useLookahead = !a.flagSet("no-lookahead");
    const std::string models = a.get("models");
    p.trainInterLayer = models.find("interlayer") != std::string::npos;
    p.trainStatistics = models.find("statistics") != std::string::npos;
    p.trainEnsemble = models.find("ensemble") != std::string::npos;
    const bool quiet = a.flagSet("quiet");
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
        std::printf("validation (best checkpoint):\n%-12s %2s %7s %7s %9s %9s %7s\n", "predictor", "h", "top1",
                    "exact", "recall@k", "logloss", "ece");
        for (const auto& pm : r.validation.predictors)
            for (const auto& h : pm.horizons)
                std::printf("%-12s %2d %7.4f %7.4f %9.4f %9.4f %7.4f\n", pm.name.c_str(), h.horizon, h.overall.top1,
                            h.overall.exact, h.overall.recallAt(r.validation.dims.topk), h.overall.logloss,
                            h.overall.ece);
        std::printf("run folder: %s (metrics.jsonl, best/, checkpoint/, report.json)\n", r.runDir.c_str());
    }
    return kOk;
}

} // namespace

SPECMOE_COMMAND("train", "train expert-speculation predictors on trace folders",
                [](ArgParser& p) {
                    p.multiOption("traces", "DIR", "trace folder (repeat for several of one model)");
                    p.option("out", "DIR", "run folder (checkpoints, metrics.jsonl, report.json)");
                    p.option("models", "LIST", "models to train", "interlayer,statistics,ensemble");
                    p.option("horizon", "H", "predict layers l+1..l+H", "2");
                    p.option("epochs", "N", "epochs", "8");
                    p.option("batch-size", "N", "tokens per step", "64");
                    p.option("accumulate", "N", "gradient accumulation steps", "1");
                    p.option("lr", "X", "peak learning rate (AdamW)", "0.003");
                    p.option("weight-decay", "X", "AdamW weight decay", "0.01");
                    p.option("warmup", "X", "warmup share of all steps (then cosine)", "0.05");
                    p.option("clip", "X", "gradient-norm clip per model (0 = off)", "1.0");
                    p.option("patience", "N", "early stopping patience in epochs", "2");
                    p.option("seed", "N", "seed of the split and of training", "1234");
                    p.option("train-fraction", "X", "share of sequences for training", "0.8");
                    p.option("val-fraction", "X", "share of sequences for validation", "0.1");
                    p.option("max-tokens", "N", "read at most N tokens (0 = all)", "0");
                    p.option("max-val-tokens", "N", "validation tokens scored per epoch (0 = all)", "20000");
                    p.option("shuffle-buffer", "N", "tokens held for shuffling", "16384");
                    p.option("hidden", "N", "GRU state size", "96");
                    p.option("embed", "N", "embedding size", "48");
                    p.option("device", "DEV", "cpu, cuda, cuda:N or auto", "cpu");
                    p.option("threads", "N", "intra-op threads (0 = default)", "0");
                    p.flag("resume", "continue from OUT/checkpoint");
                    p.flag("no-token-ids", "do not feed token ids");
                    p.flag("no-weights", "ignore router weights");
                    p.flag("no-lookahead", "do not feed lookahead probes");
                    p.flag("json", "print metrics.jsonl lines on stdout");
                    p.flag("quiet", "no progress line");
                },
                runTrain);

} // namespace specmoe::cli
