#pragma once
// Where the speculation code gets its routing from: a function that yields RoutingBlocks
// in a deterministic order. Trace folders (core/trace TraceSet) and in-memory synthetic
// blocks (tests, benchmarks) both fit behind it. No torch here.
#include "core/speculate/feature_basis_file.h"
#include "core/trace/routing.h"
#include "core/trace/split.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::speculate {

struct BlockSource {
    TraceDims dims;                 // dims every block must have
    std::string fingerprint;        // model identity ("" = unknown); mixing models is an error
    std::string description;        // for messages, e.g. the folder list
    // How the blocks' hidden-state features were computed from the router inputs (nullptr:
    // no features, or not known); a predictor that reads them carries it into its folder.
    std::shared_ptr<const FeatureBasis> featureBasis;
    // Calls the visitor with every block, same order every time, until it returns false or
    // about maxTokens were visited (0 = all; the block that reaches it is the last).
    std::function<void(const BlockVisitor& visit, int64_t maxTokens)> forEachBlock;

    bool valid() const { return bool(forEachBlock); }
};

// Opens one or more trace folders written by `specmoe collect`. Throws specmoe::Error when
// a folder cannot be read or when the folders come from different models (fingerprint or
// dimensions disagree).
BlockSource openTraceSource(const std::vector<std::string>& dirs);

// A source over blocks held in memory (tests). Blocks are validated on creation.
BlockSource memorySource(std::vector<RoutingBlock> blocks);

// The splits are core/trace's (split.h), shared with the analysis.
using specmoe::Split;
using specmoe::SplitSpec;
using specmoe::splitOf;
const char* splitName(Split s);
Split parseSplit(const std::string& name); // "train", "validation"/"val", "test"
// What an evaluation scores: one split, or every sequence (nullopt, named "all").
std::string splitSelectionName(const std::optional<Split>& split);
std::optional<Split> parseSplitSelection(const std::string& name); // a split's name or "all"

} // namespace specmoe::speculate
