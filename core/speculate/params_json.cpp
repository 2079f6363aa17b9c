#include "core/speculate/params_json.h"

#include "core/trace/split_json.h"
#include "core/util/json_fields.h"
#include "core/util/path_json.h"

namespace specmoe::speculate {
namespace {

std::optional<Split> parseSelection(const std::string& name) { return parseSplitSelection(name); }

} // namespace

nlohmann::json toJson(const TrainParams& p)
{
    const ModelParams& m = p.model;
    return {{"traceDirs", pathsToJson(p.traceDirs)},
            {"maxTokens", p.maxTokens},
            {"split", splitSpecToJson(p.split)},
            {"horizon", p.horizon},
            {"shuffleBuffer", p.shuffleBuffer},
            {"maxValidationTokens", p.maxValidationTokens},
            {"trainInterLayer", p.trainInterLayer},
            {"trainStatistics", p.trainStatistics},
            {"trainHiddenState", p.trainHiddenState},
            {"trainEnsemble", p.trainEnsemble},
            {"model",
             {{"embedDim", m.embedDim},
              {"hiddenDim", m.hiddenDim},
              {"tokenBuckets", m.tokenBuckets},
              {"statsDim", m.statsDim},
              {"useWeights", m.useWeights},
              {"useTokenIds", m.useTokenIds},
              {"useLookahead", m.useLookahead},
              {"useFeatures", m.useFeatures},
              {"mlpDim", m.mlpDim},
              {"decodeContext", m.decodeContext},
              {"decodeFeatures", m.decodeFeatures}}},
            {"epochs", p.epochs},
            {"batchSize", p.batchSize},
            {"accumulate", p.accumulate},
            {"learningRate", p.learningRate},
            {"weightDecay", p.weightDecay},
            {"warmupFraction", p.warmupFraction},
            {"minLrFactor", p.minLrFactor},
            {"gradClip", p.gradClip},
            {"patience", p.patience},
            {"evalEverySteps", p.evalEverySteps},
            {"runDir", pathToJson(p.runDir)},
            {"resume", p.resume},
            {"device", deviceName(p.device)},
            {"threads", p.threads},
            {"mixedPrecision", p.mixedPrecision}};
}

TrainParams trainParamsFromJson(const nlohmann::json& json, const std::string& where)
{
    TrainParams p;
    const JsonFields f(json, where);
    f.readPaths("traceDirs", p.traceDirs);
    f.read("maxTokens", p.maxTokens);
    readSplitSpec(f, "split", p.split);
    f.read("horizon", p.horizon);
    f.read("shuffleBuffer", p.shuffleBuffer);
    f.read("maxValidationTokens", p.maxValidationTokens);
    f.read("trainInterLayer", p.trainInterLayer);
    f.read("trainStatistics", p.trainStatistics);
    f.read("trainHiddenState", p.trainHiddenState);
    f.read("trainEnsemble", p.trainEnsemble);
    f.object("model", [&](const JsonFields& m) {
        m.read("embedDim", p.model.embedDim);
        m.read("hiddenDim", p.model.hiddenDim);
        m.read("tokenBuckets", p.model.tokenBuckets);
        m.read("statsDim", p.model.statsDim);
        m.read("useWeights", p.model.useWeights);
        m.read("useTokenIds", p.model.useTokenIds);
        m.read("useLookahead", p.model.useLookahead);
        m.read("useFeatures", p.model.useFeatures);
        m.read("mlpDim", p.model.mlpDim);
        m.read("decodeContext", p.model.decodeContext);
        m.read("decodeFeatures", p.model.decodeFeatures);
    });
    f.read("epochs", p.epochs);
    f.read("batchSize", p.batchSize);
    f.read("accumulate", p.accumulate);
    f.read("learningRate", p.learningRate);
    f.read("weightDecay", p.weightDecay);
    f.read("warmupFraction", p.warmupFraction);
    f.read("minLrFactor", p.minLrFactor);
    f.read("gradClip", p.gradClip);
    f.read("patience", p.patience);
    f.read("evalEverySteps", p.evalEverySteps);
    f.readPath("runDir", p.runDir);
    f.read("resume", p.resume);
    f.read<DeviceSpec>("device", p.device, specmoe::parseDevice);
    f.read("threads", p.threads);
    f.read("mixedPrecision", p.mixedPrecision);
    return p;
}

nlohmann::json toJson(const EvalParams& p)
{
    return {{"runDir", pathToJson(p.runDir)},
            {"predictorDir", pathToJson(p.predictorDir)},
            {"traceDirs", pathsToJson(p.traceDirs)},
            {"split", splitSelectionName(p.split)},
            {"splitSpec", splitSpecToJson(p.splitSpec)},
            {"maxTokens", p.maxTokens},
            {"device", deviceName(p.device)},
            {"threads", p.threads}};
}

EvalParams evalParamsFromJson(const nlohmann::json& json, const std::string& where)
{
    EvalParams p;
    const JsonFields f(json, where);
    f.readPath("runDir", p.runDir);
    f.readPath("predictorDir", p.predictorDir);
    f.readPaths("traceDirs", p.traceDirs);
    f.read<std::optional<Split>>("split", p.split, parseSelection);
    readSplitSpec(f, "splitSpec", p.splitSpec);
    f.read("maxTokens", p.maxTokens);
    f.read<DeviceSpec>("device", p.device, specmoe::parseDevice);
    f.read("threads", p.threads);
    return p;
}

} // namespace specmoe::speculate
