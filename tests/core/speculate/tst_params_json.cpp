// TrainParams / EvalParams <-> JSON: every field survives a round trip, absent keys keep
// core's defaults, and a wrong type or an unknown name is an Error naming the field.
#include "core/speculate/params_json.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"

#include <gtest/gtest.h>

using namespace specmoe;
using specmoe::test::errorOf;
using namespace specmoe::speculate;

namespace {

TrainParams trainChanged()
{
    TrainParams p;
    p.traceDirs = {"/t/a", "/t/b"};
    p.maxTokens = 5000;
    p.split = {99, 0.7, 0.2};
    p.horizon = 3;
    p.shuffleBuffer = 512;
    p.maxValidationTokens = 100;
    p.trainInterLayer = false;
    p.trainStatistics = false;
    p.trainHiddenState = false;
    p.trainEnsemble = false;
    p.model = {8, 16, 32, 4, false, false, false, false, 64, !ModelParams().decodeContext, !ModelParams().decodeFeatures};
    p.epochs = 3;
    p.batchSize = 32;
    p.accumulate = 2;
    p.learningRate = 1e-4;
    p.weightDecay = 0.5;
    p.warmupFraction = 0.25;
    p.minLrFactor = 0.5;
    p.gradClip = 0.0;
    p.patience = 0;
    p.evalEverySteps = 50;
    p.runDir = "/runs/r";
    p.resume = true;
    p.device = DeviceSpec::automatic();
    p.threads = 2;
    p.mixedPrecision = true;
    return p;
}

// Every value (nested objects too) differs from the default's, so a field the writer or
// the reader forgot shows.
void expectAllDiffer(const nlohmann::json& j, const nlohmann::json& defaults, const std::string& path = {})
{
    EXPECT_EQ(j.size(), defaults.size()) << path;
    for (const auto& [key, value] : j.items()) {
        if (value.is_object())
            expectAllDiffer(value, defaults.at(key), path + key + ".");
        else
            EXPECT_NE(value, defaults.at(key)) << path + key;
    }
}

} // namespace

TEST(ParamsJson, TrainRoundTrip)
{
    const TrainParams p = trainChanged();
    const nlohmann::json j = toJson(p);
    expectAllDiffer(j, toJson(TrainParams{}));
    const TrainParams back = trainParamsFromJson(nlohmann::json::parse(j.dump()));
    EXPECT_EQ(toJson(back), j);
    EXPECT_EQ(back.split.seed, 99u);
    EXPECT_EQ(back.model.statsDim, 4);
    EXPECT_EQ(back.device, DeviceSpec::automatic());
    EXPECT_EQ(toJson(trainParamsFromJson(nlohmann::json::object())), toJson(TrainParams{}));
}

TEST(ParamsJson, TrainErrorsNameTheField)
{
    auto err = [](const nlohmann::json& j) { return errorOf([&] { trainParamsFromJson(j, "w.json"); }); };
    EXPECT_NE(err({{"epochs", 2.5}}).find("w.json: field 'epochs' must be an integer"), std::string::npos);
    EXPECT_NE(err({{"learningRate", "fast"}}).find("field 'learningRate' must be a number"), std::string::npos);
    EXPECT_NE(err({{"model", {{"hiddenDim", true}}}}).find("w.json: field 'model': field 'hiddenDim'"),
              std::string::npos);
    EXPECT_NE(err({{"split", 3}}).find("field 'split' must be an object"), std::string::npos);
    EXPECT_NE(err({{"traceDirs", "/t/a"}}).find("field 'traceDirs' must be an array of paths"), std::string::npos);
    EXPECT_NE(err({{"device", "cuda:x"}}).find("field 'device': unknown device 'cuda:x'"), std::string::npos);
}

TEST(ParamsJson, EvalRoundTripAndSplit)
{
    EvalParams p;
    p.runDir = "/runs/r";
    p.predictorDir = "/exports/p";
    p.traceDirs = {"/t/a"};
    p.split = std::nullopt;
    p.splitSpec = {7, 0.5, 0.25};
    p.maxTokens = 10;
    p.device = DeviceSpec::cuda(0);
    p.threads = 4;
    const nlohmann::json j = toJson(p);
    expectAllDiffer(j, toJson(EvalParams{}));
    EXPECT_EQ(j.at("split"), "all");
    const EvalParams back = evalParamsFromJson(j);
    EXPECT_EQ(toJson(back), j);
    EXPECT_FALSE(back.split.has_value());
    EXPECT_EQ(evalParamsFromJson({{"split", "val"}}).split, Split::Validation);
    EXPECT_EQ(EvalParams{}.split, Split::Test);
    EXPECT_NE(errorOf([] { evalParamsFromJson({{"split", "holdout"}}); })
                  .find("field 'split': unknown split 'holdout' (train, validation, test or all)"),
              std::string::npos);
}

TEST(ParamsJson, SplitSelectionNames)
{
    for (const char* name : {"train", "validation", "test", "all"})
        EXPECT_EQ(splitSelectionName(parseSplitSelection(name)), name);
    EXPECT_EQ(parseSplitSelection("val"), Split::Validation);
}
