#pragma once
// Internal to core/speculate: a predictor's configuration and its config.json form.
#include "core/speculate/source.h"
#include "core/speculate/train.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace specmoe::speculate {

struct NetConfig {
    TraceDims dims;
    int horizon = 2;
    ModelParams model;
    bool inter = true, stat = true, ens = true;
    std::vector<std::string> components; // ensemble inputs, in order
    std::vector<int> fallback;           // [H, L] by predicted layer: -1 gate, else component
    SplitSpec split;
    std::string fingerprint;
    int64_t trainTokens = 0;
    int bestEpoch = 0;

    bool lookInput() const { return model.useLookahead && !dims.lookahead.empty(); }
    int lookaheadCount() const { return int(dims.lookahead.size()); } // D: lookahead probes per layer
    nlohmann::json toJson() const;
    static NetConfig fromJson(const nlohmann::json& j, const std::string& where);
};

} // namespace specmoe::speculate
