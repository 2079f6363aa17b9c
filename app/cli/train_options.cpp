#include "app/cli/train_options.h"

#include <cmath>
#include <cstdint>
#include <sstream>

namespace specmoe::cli {

namespace sp = specmoe::speculate;

namespace {

const std::string kModelNames = std::string(sp::kInterLayer) + ", " + sp::kStatistics + ", " + sp::kHiddenState +
                                " and " + sp::kEnsemble + ", separated by commas";

std::string modelsText(const sp::TrainParams& d)
{
    std::string out;
    for (const auto& [on, name] : {std::pair{d.trainInterLayer, sp::kInterLayer},
                                   std::pair{d.trainStatistics, sp::kStatistics},
                                   std::pair{d.trainHiddenState, sp::kHiddenState},
                                   std::pair{d.trainEnsemble, sp::kEnsemble}})
        if (on)
            out += (out.empty() ? "" : ",") + std::string(name);
    return out;
}

// --models: a comma-separated list of predictor names; anything else is a usage error (a
// misspelt name used to leave no model selected, which core reported as a failed job).
void readModels(const ArgParser& a, sp::TrainParams& p)
{
    p.trainInterLayer = p.trainStatistics = p.trainHiddenState = p.trainEnsemble = false;
    std::stringstream list(a.get("models"));
    std::string item;
    while (std::getline(list, item, ',')) {
        if (item == sp::kInterLayer)
            p.trainInterLayer = true;
        else if (item == sp::kStatistics)
            p.trainStatistics = true;
        else if (item == sp::kHiddenState)
            p.trainHiddenState = true;
        else if (item == sp::kEnsemble)
            p.trainEnsemble = true;
        else if (!item.empty())
            throw UsageError("option --models: '" + item + "' is not a predictor (accepted: " + kModelNames + ")");
    }
    if (!p.trainInterLayer && !p.trainStatistics && !p.trainHiddenState && !p.trainEnsemble)
        throw UsageError("option --models: '" + a.get("models") + "' names no predictor (accepted: " + kModelNames + ")");
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
    p.option("lr", "X", "peak learning rate (AdamW); without it, set by the tokens per step (batch size x "
                        "accumulation): 3e-3 at 64, in proportion up to 256, then with the square root",
             numberText(d.learningRate));
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
    p.option("mlp", "N", "width of the hidden-state model's MLP", numberText(d.model.mlpDim));
    p.option("device", "DEV", kDeviceNames, deviceName(d.device));
    p.option("threads", "N", "CPU threads; each step's batch is split over them (0 = all cores)", numberText(d.threads));
    p.flag("mixed-precision", "forward passes in bfloat16 autocast (GPUs with bfloat16 tensor cores; losses, "
                              "gradients and weights stay float32)");
    p.flag("resume", "continue the run in OUT from its checkpoint (none there: start a new run)");
    p.flag("overwrite", "replace the run OUT holds (a folder holding a run is refused otherwise)");
    p.flag("no-token-ids", "do not feed token ids");
    p.flag("no-weights", "ignore router weights");
    p.flag("no-lookahead", "do not feed lookahead probes");
    p.flag("no-decode-context", "the hidden-state model does not read the previous token's routing (read by default; "
                                "valid only in decode, where token t-1 has finished every layer before token t starts: "
                                "train without it for prefill)");
    p.flag("no-decode-features", "with decode context, the hidden-state model does not read the previous token's "
                                 "features of every layer (read by default; valid only in decode)");
    p.flag("no-features", "do not feed hidden-state features (the hidden-state model is then unavailable)");
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
    // Core's train() checks these too, but as a failed job (exit 1); here a bad value is a
    // usage error naming the option, as docs/cli.md promises.
    p.horizon = int(a.getInt("horizon", 1, 1024));
    p.epochs = int(a.getInt("epochs", 1, 1000000));
    p.batchSize = int(a.getInt("batch-size", 1, INT32_MAX));
    p.accumulate = int(a.getInt("accumulate", 1, INT32_MAX));
    p.learningRate = a.getDouble("lr", 0, HUGE_VAL, true);
    if (!a.has("lr") && (a.has("batch-size") || a.has("accumulate")))
        p.learningRate = sp::defaultLearningRate(int64_t(p.batchSize) * p.accumulate);
    p.weightDecay = a.getDouble("weight-decay", 0, HUGE_VAL);
    p.warmupFraction = a.getDouble("warmup", 0, 1);
    p.gradClip = a.getDouble("clip", 0, HUGE_VAL);
    p.patience = int(a.getInt("patience", 0, INT32_MAX));
    p.split.seed = uint64_t(a.getInt("seed"));
    p.split.trainFraction = a.getDouble("train-fraction", 0, 1, true);
    p.split.validationFraction = a.getDouble("val-fraction", 0, 1, true);
    if (p.split.trainFraction + p.split.validationFraction > 1.0 + 1e-9)
        throw UsageError("options --train-fraction " + a.get("train-fraction") + " and --val-fraction " +
                         a.get("val-fraction") + " sum to more than 1 (accepted: each > 0, their sum <= 1)");
    p.maxTokens = a.getInt("max-tokens", 0, INT64_MAX);
    p.maxValidationTokens = a.getInt("max-val-tokens", 0, INT64_MAX);
    p.shuffleBuffer = int(a.getInt("shuffle-buffer", 1, INT32_MAX));
    p.device = parseOption<DeviceSpec>(a, "device", parseDevice);
    p.threads = int(a.getInt("threads", 0, kMaxThreads));
    if (a.flagSet("resume"))
        p.resume = true;
    if (a.flagSet("mixed-precision"))
        p.mixedPrecision = true;
    p.model.hiddenDim = int(a.getInt("hidden", 1, 65536));
    p.model.embedDim = int(a.getInt("embed", 1, 65536));
    p.model.mlpDim = int(a.getInt("mlp", 1, 65536));
    if (a.flagSet("no-token-ids"))
        p.model.useTokenIds = false;
    if (a.flagSet("no-weights"))
        p.model.useWeights = false;
    if (a.flagSet("no-lookahead"))
        p.model.useLookahead = false;
    if (a.flagSet("no-decode-context"))
        p.model.decodeContext = false;
    if (a.flagSet("no-decode-features"))
        p.model.decodeFeatures = false;
    if (a.flagSet("no-features"))
        p.model.useFeatures = false;
    readModels(a, p);
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
    p.maxTokens = a.getInt("max-tokens", 0, INT64_MAX);
    p.device = parseOption<DeviceSpec>(a, "device", parseDevice);
    p.threads = int(a.getInt("threads", 0, kMaxThreads));
    return p;
}

} // namespace specmoe::cli
