#include "tests/support/views_wide_data.h"

#include "core/analysis/analysis.h"
#include "core/trace/synthetic_trace.h"

#include <stdexcept>

namespace specmoe::test {

int wideExperts()
{
    return syntheticPreset("deepseek-v3").dims.experts;
}

TraceDims deepseekV3Dims()
{
    TraceDims d = syntheticPreset("deepseek-v3").dims;
    d.hasWeights = false;
    return d;
}

TraceDims wideBenchDims()
{
    TraceDims d;
    d.layers = 61;
    d.experts = wideExperts();
    d.topk = 8;
    d.hasWeights = false;
    return d;
}

DemoRouting makeWideRouting(size_t tokens, const TraceDims& dims, int sequenceLength, int generatedTokens, unsigned seed)
{
    if (dims.hasWeights)
        throw std::invalid_argument("wide routing: makes id-only traces (dims.hasWeights = false)");
    SyntheticRouting spec = presetRouting(syntheticPreset("deepseek-v3"), /*weights=*/false);
    spec.dims = dims;
    spec.minLength = spec.maxLength = sequenceLength;
    spec.generatedTokens = generatedTokens;
    spec.sources = {"code", "math", "english"};
    spec.seed = seed;
    DemoRouting out;
    spec.tokenStreams = demoTokenStreams(&out.vocab);
    spec.vocabulary = int(out.vocab.size());
    out.block = std::make_shared<RoutingBlock>(syntheticTokens(spec, int64_t(tokens)));
    return out;
}

AnalysisResult wideAnalysis(const DemoRouting& routing, int journeySequences, int samplesPerCell, bool pairStatistics,
                            const std::vector<std::string>& queries, int maxQueryResults)
{
    AnalysisOptions o;
    o.transitionDistances = {1};
    o.journeyFirstSequences = journeySequences;
    o.samplesPerCell = samplesPerCell;
    o.queryTokens = queries;
    o.maxQueryResults = maxQueryResults;
    o.tokenText = routing.textFn();
    if (!pairStatistics) {
        o.layerPairMI = false;
        o.predictContexts.clear();
    }
    // The block is handed over in place (a vector of blocks would copy it: ~1 GB at the
    // bench's 1 M tokens).
    const RoutingBlock& block = *routing.block;
    return analyze([&block](const BlockVisitor& visit) { visit(block); }, o, {}, int64_t(block.numTokens()));
}

} // namespace specmoe::test
