// AnalysisOptions <-> JSON: every field survives a round trip, absent keys keep core's
// defaults, and a wrong type is an Error naming the field.
#include "core/analysis/analysis_options_json.h"
#include "core/util/error.h"

#include <gtest/gtest.h>

using namespace specmoe;

TEST(AnalysisOptionsJson, RoundTrip)
{
    AnalysisOptions o;
    o.maxTokens = 10;
    o.transitionDistances = {4};
    o.layerPairMI = false;
    o.predictContexts = {2};
    o.predictHorizons = {5, 6};
    o.split = {1, 0.5, 0.3};
    o.maxPredictTableEntries = 100;
    o.maxLayerPairEntries = 200;
    o.journeySeqIds = {3, int64_t(1) << 40};
    o.journeyFirstSequences = 4;
    o.maxJourneyTokens = 8;
    o.queryTokens = {"def", "▁the"};
    o.maxQueryResults = 9;
    o.queryIgnoresSpaceMarker = false;
    o.samplesPerCell = 0;
    o.sampleSeed = 2;
    const nlohmann::json j = toJson(o);
    const nlohmann::json defaults = toJson(AnalysisOptions{});
    EXPECT_EQ(j.size(), defaults.size());
    for (const auto& [key, value] : j.items())
        EXPECT_NE(value, defaults.at(key)) << key;
    for (const char* key : {"seed", "trainFraction", "validationFraction"})
        EXPECT_NE(j.at("split").at(key), defaults.at("split").at(key)) << key;
    const AnalysisOptions back = analysisOptionsFromJson(nlohmann::json::parse(j.dump()));
    EXPECT_EQ(toJson(back), j);
    EXPECT_EQ(back.journeySeqIds[1], int64_t(1) << 40);
    EXPECT_EQ(toJson(analysisOptionsFromJson(nlohmann::json::object())), defaults);
}

TEST(AnalysisOptionsJson, WrongTypeNamesTheField)
{
    try {
        analysisOptionsFromJson({{"predictHorizons", "1,2"}});
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("analysis options: field 'predictHorizons' must be an array of integers"),
                  std::string::npos)
            << e.what();
    }
}
