#pragma once
// Training parameters small enough for a test: a small network trained for a few epochs on
// one CPU thread, without early stopping in that time. Header-only: any test linked against
// specmoe_speculate (the core speculation tests, the GUI tests) includes it. Tests set what
// they vary (epochs, network size, validation tokens) on the result.
#include "core/speculate/train.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <utility>

namespace specmoe::test {

inline speculate::TrainParams tinyTrainParams(std::string runDir, speculate::BlockSource source)
{
    speculate::TrainParams p;
    p.source = std::move(source);
    p.runDir = std::move(runDir);
    p.horizon = 2;
    p.epochs = 3;
    p.batchSize = 64;
    p.learningRate = speculate::defaultLearningRate(64); // 3e-3, what the tests were tuned with
    p.patience = 10;
    p.shuffleBuffer = 512;
    p.model.embedDim = 16;
    p.model.hiddenDim = 32;
    p.model.statsDim = 8;
    p.model.tokenBuckets = 64;
    p.threads = 1;
    return p;
}

// The run's best predictor scored on the test split of src (what the planted-structure tests
// compare).
inline speculate::EvalReport testSplitReport(const std::string& runDir, const speculate::BlockSource& src)
{
    speculate::EvalParams e;
    e.runDir = runDir;
    e.source = src;
    e.split = speculate::Split::Test;
    return speculate::evaluate(e);
}

// The last start record of a run's metrics.jsonl (a resumed run's is the last; null if none).
inline nlohmann::json lastStartRecord(const std::string& runDir)
{
    std::ifstream in(runDir + "/metrics.jsonl");
    std::string line;
    nlohmann::json start;
    while (std::getline(in, line))
        if (line.find("\"type\":\"start\"") != std::string::npos)
            start = nlohmann::json::parse(line);
    return start;
}

} // namespace specmoe::test
