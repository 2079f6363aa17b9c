#pragma once
// Routing at the dims of today's large MoEs for the GUI tests and bench_views: DeepSeek-V3
// (256 routed experts + 1 shared, top-8, 3 dense + 58 MoE layers, no router weights, as an
// id-only import gives them) and the bench's 256 x 61 x top-8, over the demo texts, with
// prompt and generated tokens. The routing comes from core's generator
// (core/trace/synthetic_trace.h, the deepseek-v3 preset's structure), the statistics from
// core's analyze(), as for a real trace.
#include "core/analysis/analysis_result.h"
#include "core/trace/routing.h"
#include "tests/support/views_demo_data.h"

#include <cstddef>

namespace specmoe::test {

// Routed experts of the wide fixtures (DeepSeek-V3's 256).
int wideExperts();

// DeepSeek-V3: 58 stored MoE layers (decoder layers 3..60 of 61), 256 routed + 1 shared,
// top-8, no weights (the generator's deepseek-v3 preset).
TraceDims deepseekV3Dims();
// The bench's shape: 61 stored layers, 256 experts, top-8, no weights.
TraceDims wideBenchDims();

// tokens in sequences of sequenceLength over the demo texts (sources code, math, english),
// the last generatedTokens of each generated (SequenceRecord::generatedTokens), routed by
// the deepseek-v3 preset's rules at `dims` (which must have no weights). Deterministic for
// a seed.
DemoRouting makeWideRouting(size_t tokens, const TraceDims& dims, int sequenceLength = 512,
                            int generatedTokens = 64, unsigned seed = 7);

// core's analyze() over the routing, with transitions at distance 1: journeys of the first
// journeySequences sequences, samplesPerCell samples per heatmap cell, and the first
// maxQueryResults journeys of each query text ("the" also matches "▁the"). Without
// pairStatistics the layer-pair MI matrix and the predictability ceiling are left out (the
// bench does not show them).
AnalysisResult wideAnalysis(const DemoRouting& routing, int journeySequences = 3, int samplesPerCell = 16,
                            bool pairStatistics = true, const std::vector<std::string>& queries = {},
                            int maxQueryResults = 200);

} // namespace specmoe::test
