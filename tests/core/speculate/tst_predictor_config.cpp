// PredictorConfig, the one reader of a predictor folder's config.json: the golden exported
// predictor reads with every field, and each way a config.json can be broken gives an
// error naming the file and the field.
#include "core/speculate/predictor_config.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

const std::string kGolden = test::dataPath("golden/predictor");

nlohmann::json goldenJson() { return nlohmann::json::parse(test::readFile(kGolden + "/config.json")); }

} // namespace

TEST(PredictorConfig, ReadsTheGoldenExportedPredictor)
{
    EXPECT_TRUE(isPredictorFolder(kGolden));
    const PredictorConfig c = PredictorConfig::load(kGolden);
    EXPECT_EQ(c.dims.layers, 3);
    EXPECT_EQ(c.dims.experts, 8);
    EXPECT_EQ(c.dims.topk, 2);
    EXPECT_EQ(c.dims.lookahead, (std::vector<int>{1, 2}));
    EXPECT_EQ(c.horizon, 2);
    EXPECT_EQ(c.models(), (std::vector<std::string>{"interlayer", "statistics", "ensemble"}));
    EXPECT_EQ(c.model.embedDim, 4);
    EXPECT_EQ(c.model.hiddenDim, 8);
    EXPECT_EQ(c.model.statsDim, 32);
    EXPECT_EQ(c.model.tokenBuckets, 4096);
    EXPECT_TRUE(c.model.useWeights && c.model.useTokenIds && c.model.useLookahead);
    EXPECT_EQ(c.components, (std::vector<std::string>{"interlayer", "statistics", "frequency", "markov", "lookahead"}));
    EXPECT_EQ(c.fallback, (std::vector<int>{-1, 4, 4, -1, -1, 4}));
    EXPECT_EQ(c.split.seed, 16u);
    EXPECT_DOUBLE_EQ(c.split.trainFraction, 0.6);
    EXPECT_DOUBLE_EQ(c.split.validationFraction, 0.2);
    EXPECT_EQ(c.fingerprint, "53771d44afd5e848/none");
    EXPECT_EQ(c.trainTokens, 149);
    EXPECT_EQ(c.bestEpoch, 1);

    // What save() writes is what was read (the golden file was written by toJson()).
    EXPECT_EQ(c.toJson(), goldenJson());
    ASSERT_TRUE(PredictorConfig::find(kGolden));
    EXPECT_EQ(PredictorConfig::find(kGolden)->toJson(), goldenJson());
}

TEST(PredictorConfig, FolderWithoutConfig)
{
    test::TempDir dir("predictor_config_none");
    EXPECT_FALSE(PredictorConfig::find(dir.path()));
    EXPECT_FALSE(isPredictorFolder(dir.path()));
    try {
        PredictorConfig::load(dir.path());
        FAIL() << "no config.json must throw";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(dir.path() + "/config.json: cannot read the predictor config"),
                  std::string::npos)
            << e.what();
    }
    // config.json alone is not a predictor folder (the weights are missing).
    test::writeFile(dir.file("config.json"), goldenJson().dump());
    EXPECT_FALSE(isPredictorFolder(dir.path()));
    EXPECT_TRUE(PredictorConfig::find(dir.path()));
}

struct BrokenConfig {
    const char* name;
    std::function<std::string()> text; // the config.json written
    const char* message;               // follows "DIR/config.json: "
};

class BrokenPredictorConfig : public ::testing::TestWithParam<BrokenConfig> {};

TEST_P(BrokenPredictorConfig, NamesTheFileAndTheField)
{
    test::TempDir dir("predictor_config_broken");
    test::writeFile(dir.file("config.json"), GetParam().text());
    const std::string expected = dir.file("config.json") + ": " + GetParam().message;
    for (int via = 0; via < 2; ++via) {
        try {
            if (via == 0)
                PredictorConfig::load(dir.path());
            else
                PredictorConfig::find(dir.path());
            FAIL() << GetParam().name << " must throw";
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what() << "\nexpected: " << expected;
        }
    }
}

namespace {

// The golden config with one change.
std::function<std::string()> golden(std::function<void(nlohmann::json&)> edit)
{
    return [edit] {
        nlohmann::json j = goldenJson();
        edit(j);
        return j.dump();
    };
}

std::function<std::string()> text(const char* s)
{
    return [s] { return std::string(s); };
}

} // namespace

INSTANTIATE_TEST_SUITE_P(
    Cases, BrokenPredictorConfig,
    ::testing::Values(
        BrokenConfig{"NotJson", text("{\"format\": \"specmoe-predictor\", "), "not valid JSON"},
        BrokenConfig{"NotAnObject", text("[1, 2]"), "not a specmoe predictor config (field 'format'"},
        BrokenConfig{"ModelConfig", text("{\"model_type\": \"mixtral\"}"), "not a specmoe predictor config"},
        BrokenConfig{"OtherVersion", golden([](nlohmann::json& j) { j["version"] = 2; }),
                     "field 'version' is 2; this version reads 1"},
        BrokenConfig{"MissingField", golden([](nlohmann::json& j) { j["dims"].erase("topk"); }),
                     "field 'dims.topk' is missing"},
        BrokenConfig{"MissingObject", golden([](nlohmann::json& j) { j.erase("ensemble"); }),
                     "field 'ensemble.components' is missing"},
        BrokenConfig{"TextForNumber", golden([](nlohmann::json& j) { j["dims"]["layers"] = "3"; }),
                     "field 'dims.layers' must be an integer"},
        BrokenConfig{"FractionForInteger", golden([](nlohmann::json& j) { j["horizon"] = 1.5; }),
                     "field 'horizon' must be an integer"},
        BrokenConfig{"NumberForFlag", golden([](nlohmann::json& j) { j["model"]["use_weights"] = 1; }),
                     "field 'model.use_weights' must be true or false"},
        BrokenConfig{"NegativeSeed", golden([](nlohmann::json& j) { j["split"]["seed"] = -1; }),
                     "field 'split.seed' must be a non-negative integer"},
        BrokenConfig{"ModelsNotAList", golden([](nlohmann::json& j) { j["models"] = 3; }),
                     "field 'models' must be a list of strings"},
        BrokenConfig{"HorizonTooFar", golden([](nlohmann::json& j) { j["horizon"] = 3; }),
                     "field 'horizon' must be from 1 to layers - 1 (2), not 3"},
        BrokenConfig{"BadDims", golden([](nlohmann::json& j) { j["dims"]["topk"] = 9; }),
                     "field 'dims' holds invalid dimensions"},
        BrokenConfig{"FallbackShape", golden([](nlohmann::json& j) { j["ensemble"]["fallback"] = {{-1, 4, 4}}; }),
                     "field 'ensemble.fallback' must be [horizon][layers] (2 x 3)"}),
    [](const ::testing::TestParamInfo<BrokenConfig>& info) { return std::string(info.param.name); });
