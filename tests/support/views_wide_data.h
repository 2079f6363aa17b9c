#pragma once
// Routing at the dims of today's large MoEs for the GUI tests and bench_views: DeepSeek-V3
// (256 routed experts + 1 shared, top-8, 3 dense + 58 MoE layers, no router weights, as an
// id-only import gives them) and the bench's 256 x 61 x top-8, over the demo texts, with
// prompt and generated tokens. Made here, not by tests/support/synthetic_routing.h, which
// stops at 255 experts.
//
// wideAnalysis() fills the parts of an AnalysisResult the views read (loads, repetition,
// first-choice transitions at distance 1, co-activation, journeys, samples) by counting,
// because core's analyze() is being extended to id-only traces and 256 experts (issue 18,
// the "wide" work); the views' converters (fromAnalysis) then run on it unchanged.
#include "core/analysis/analysis_result.h"
#include "core/trace/routing.h"
#include "tests/support/views_demo_data.h"

#include <cstddef>

namespace specmoe::test {

// Routed experts for the wide fixtures: 256 once ExpertId holds ids beyond 255 (schema 2's
// uint16), else 128 (Qwen3-MoE's count) so the fixtures run on either build.
int wideExperts();

// DeepSeek-V3: 58 stored MoE layers (decoder layers 3..60 of 61), wideExperts() routed + 1
// shared, top-8, no weights.
TraceDims deepseekV3Dims();
// The bench's shape: 61 stored layers, wideExperts(), top-8, no weights.
TraceDims wideBenchDims();

// tokens in sequences of sequenceLength, the last generatedTokens of each generated
// (SequenceRecord::generatedTokens); routing follows the token, repeats between neighbours
// and favours a few experts per layer. Deterministic for a seed.
DemoRouting makeWideRouting(size_t tokens, const TraceDims& dims, int sequenceLength = 512,
                            int generatedTokens = 64, unsigned seed = 7);

// The statistics the views show, counted from the routing (see above): journeys of the
// first journeySequences sequences, the first samplesPerCell occurrences per cell;
// without pairStatistics no co-activation and no top-k overlap (k^2 per token and layer:
// the bench skips them).
// queries: token texts whose first maxQueryResults journeys are recorded (as core's
// analysis queries: "the" also matches "▁the").
AnalysisResult wideAnalysis(const DemoRouting& routing, int journeySequences = 3, int samplesPerCell = 16,
                            bool pairStatistics = true, const std::vector<std::string>& queries = {},
                            int maxQueryResults = 200);

} // namespace specmoe::test
