#include "core/analysis/analysis_options_json.h"

#include "core/trace/split_json.h"
#include "core/util/json_fields.h"

namespace specmoe {

nlohmann::json toJson(const AnalysisOptions& o)
{
    return {{"maxTokens", o.maxTokens},
            {"transitionDistances", o.transitionDistances},
            {"layerPairMI", o.layerPairMI},
            {"predictContexts", o.predictContexts},
            {"predictHorizons", o.predictHorizons},
            {"split", splitSpecToJson(o.split)},
            {"maxPredictTableEntries", o.maxPredictTableEntries},
            {"maxLayerPairEntries", o.maxLayerPairEntries},
            {"journeySeqIds", o.journeySeqIds},
            {"journeyFirstSequences", o.journeyFirstSequences},
            {"maxJourneyTokens", o.maxJourneyTokens},
            {"queryTokens", o.queryTokens},
            {"maxQueryResults", o.maxQueryResults},
            {"queryIgnoresSpaceMarker", o.queryIgnoresSpaceMarker},
            {"samplesPerCell", o.samplesPerCell},
            {"sampleSeed", o.sampleSeed}};
}

AnalysisOptions analysisOptionsFromJson(const nlohmann::json& json, const std::string& where)
{
    AnalysisOptions o;
    const JsonFields f(json, where);
    f.read("maxTokens", o.maxTokens);
    f.read("transitionDistances", o.transitionDistances);
    f.read("layerPairMI", o.layerPairMI);
    f.read("predictContexts", o.predictContexts);
    f.read("predictHorizons", o.predictHorizons);
    readSplitSpec(f, "split", o.split);
    f.read("maxPredictTableEntries", o.maxPredictTableEntries);
    f.read("maxLayerPairEntries", o.maxLayerPairEntries);
    f.read("journeySeqIds", o.journeySeqIds);
    f.read("journeyFirstSequences", o.journeyFirstSequences);
    f.read("maxJourneyTokens", o.maxJourneyTokens);
    f.read("queryTokens", o.queryTokens);
    f.read("maxQueryResults", o.maxQueryResults);
    f.read("queryIgnoresSpaceMarker", o.queryIgnoresSpaceMarker);
    f.read("samplesPerCell", o.samplesPerCell);
    f.read("sampleSeed", o.sampleSeed);
    return o;
}

} // namespace specmoe
