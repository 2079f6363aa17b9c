#include "app/cli/train_options.h"

namespace specmoe::cli {

namespace sp = specmoe::speculate;

namespace {

std::string modelsText(const sp::TrainParams& d)
{
    std::string out;
    for (const auto& [on, name] : {std::pair{d.trainInterLayer, sp::kInterLayer},
                                   std::pair{d.trainStatistics, sp::kStatistics},
                                   std::pair{d.trainEnsemble, sp::kEnsemble}})
        if (on)
            out += (out.empty() ? "" : ",") + std::string(name);
    return out;
}

} // namespace

void declareTrainOptions(ArgParser& p, const sp::TrainParams& d)
{
    p.multiOption("traces", "DIR", "trace folder (repeat for several of one model)");
    p.option("out", "DIR", "run folder (checkpoints, metrics.jsonl, report.json)");
    p.option("models", "LIST", "models to train", modelsText(d));
    p.option("horizon", "H", "predict layers l+1..l+H", numberText(d.horizon));
    p.option("epochs", "N", "epochs", numberText(d.epochs));
    p.option("batch-size", "N", "tokens per step", numberText(d.batchSize));
    p.option("accumulate", "N", "gradient accumulation steps", numberText(d.accumulate));
    p.option("lr", "X", "peak learning rate (AdamW)", numberText(d.learningRate));
    p.option("weight-decay", "X", "AdamW weight decay", numberText(d.weightDecay));
    p.option("warmup", "X", "warmup share of all steps (then cosine)", numberText(d.warmupFraction));
    p.option("clip", "X", "gradient-norm clip per model (0 = off)", numberText(d.gradClip));
    p.option("patience", "N", "early stopping patience in epochs", numberText(d.patience));
    p.option("seed", "N", "seed of the split and of training", numberText(d.split.seed));
    p.option("train-fraction", "X", "share of sequences for training", numberText(d.split.trainFraction));
    p.option("val-fraction", "X", "share of sequences for validation", numberText(d.split.validationFraction));
    p.option("max-tokens", "N", "read at most N tokens (0 = all)", numberText(d.maxTokens));
    p.option("max-val-tokens", "N", "validation tokens scored per epoch (0 = all)",
             numberText(d.maxValidationTokens));
    p.option("shuffle-buffer", "N", "tokens held for shuffling", numberText(d.shuffleBuffer));
    p.option("hidden", "N", "GRU state size", numberText(d.model.hiddenDim));
    p.option("embed", "N", "embedding size", numberText(d.model.embedDim));
    p.option("device", "DEV", kDeviceNames, deviceName(d.device));
    p.option("threads", "N", "intra-op threads (0 = default)", numberText(d.threads));
    p.flag("resume", "continue from OUT/checkpoint");
    p.flag("no-token-ids", "do not feed token ids");
    p.flag("no-weights", "ignore router weights");
    p.flag("no-lookahead", "do not feed lookahead probes");
    p.flag("json", "print metrics.jsonl lines on stdout");
    p.flag("quiet", "no progress line");
}

sp::TrainParams readTrainOptions(const ArgParser& a, const sp::TrainParams& defaults)
{
    sp::TrainParams p = defaults;
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
    p.device = parseOption<DeviceSpec>(a, "device", parseDevice);
    p.threads = int(a.getInt("threads"));
    if (a.flagSet("resume"))
        p.resume = true;
    p.model.hiddenDim = int(a.getInt("hidden"));
    p.model.embedDim = int(a.getInt("embed"));
    if (a.flagSet("no-token-ids"))
        p.model.useTokenIds = false;
    if (a.flagSet("no-weights"))
        p.model.useWeights = false;
    if (a.flagSet("no-lookahead"))
        p.model.useLookahead = false;
    const std::string models = a.get("models");
    p.trainInterLayer = models.find(sp::kInterLayer) != std::string::npos;
    p.trainStatistics = models.find(sp::kStatistics) != std::string::npos;
    p.trainEnsemble = models.find(sp::kEnsemble) != std::string::npos;
    return p;
}

void declareEvalOptions(ArgParser& p, const sp::EvalParams& d)
{
    p.option("run", "DIR", "training run folder (uses its best checkpoint)");
    p.option("predictor", "DIR", "exported predictor folder (instead of --run)");
    p.multiOption("traces", "DIR", "trace folder (repeat; default with --run: those it was trained on)");
    p.option("split", "NAME", "train, validation, test or all", sp::splitSelectionName(d.split));
    p.option("max-tokens", "N", "score at most N tokens (0 = all)", numberText(d.maxTokens));
    p.option("json", "FILE", "write the full report (per layer) as JSON");
    p.flag("no-save", "do not keep the report in the run (RUN/evaluation-SPLIT.json)");
    p.option("device", "DEV", kDeviceNames, deviceName(d.device));
    p.option("threads", "N", "intra-op threads (0 = default)", numberText(d.threads));
    p.flag("quiet", "no progress line");
}

sp::EvalParams readEvalOptions(const ArgParser& a, const sp::EvalParams& defaults)
{
    sp::EvalParams p = defaults;
    p.runDir = a.get("run");
    p.predictorDir = a.get("predictor");
    if (p.runDir.empty() && p.predictorDir.empty())
        throw UsageError("--run DIR or --predictor DIR is required");
    p.traceDirs = a.getAll("traces"); // empty: those the run was trained on
    if (p.traceDirs.empty() && p.runDir.empty())
        throw UsageError("--traces DIR is required with --predictor");
    p.split = parseOption<std::optional<sp::Split>>(a, "split", sp::parseSplitSelection);
    p.maxTokens = a.getInt("max-tokens");
    p.device = parseOption<DeviceSpec>(a, "device", parseDevice);
    p.threads = int(a.getInt("threads"));
    return p;
}

} // namespace specmoe::cli
