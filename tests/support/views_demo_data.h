#pragma once
// Fixtures of the GUI tests and bench_views: synthetic routing (the shared generator,
// tests/support/synthetic_routing.h) over short code, maths and English texts, analysed by
// core's analyze(), and plausible metrics.jsonl lines of a training run.
#include "core/analysis/analysis_result.h"
#include "core/trace/routing.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::test {

struct DemoRouting {
    std::shared_ptr<RoutingBlock> block;
    std::vector<std::string> vocab; // token id -> piece ("▁" marks a leading space)
    std::function<std::string(int32_t)> textFn() const;
};

// The demo texts (code, maths, English) as token-id streams; vocab gets the pieces.
std::vector<std::vector<int32_t>> demoTokenStreams(std::vector<std::string>* vocab);

// tokens: total tokens (sequences of ~sequenceLength tokens, sources cycling code / maths /
// English). Deterministic for a seed.
DemoRouting makeDemoRouting(size_t tokens, int layers = 32, int experts = 8, int topk = 2,
                            int sequenceLength = 512, unsigned seed = 7);

// core's analyze() over the routing: journeys of the first `journeySequences` sequences,
// queries for the given texts, `samplesPerCell` token samples per heatmap cell.
AnalysisResult analyzeDemo(const DemoRouting& routing, int journeySequences = 3,
                           const std::vector<std::string>& queries = {"def", "the"}, int samplesPerCell = 24);

// Plausible metrics.jsonl lines of a training run: three predictors and four baselines,
// horizons 1..horizons, evaluations every evalEvery steps.
std::vector<std::string> makeDemoMetricLines(int steps = 2000, int evalEvery = 100, int horizons = 3,
                                             int layers = 32, unsigned seed = 3);

// The same run as the trainer writes it (docs/speculation.md, "metrics.jsonl schema"): a
// start line, step lines every 10 steps with the training losses, validation lines every
// evalEvery steps with {predictor: {"hN": metrics}} (overall values, no per-layer rows) and
// an end line.
std::vector<std::string> makeDemoTrainerLines(int steps = 2000, int evalEvery = 100, int horizons = 3,
                                              unsigned seed = 3);

} // namespace specmoe::test
