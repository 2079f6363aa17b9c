#pragma once
// Where the speculation code gets its routing from: a function that yields RoutingBlocks
// in a deterministic order. Trace folders (core/trace TraceSet) and in-memory synthetic
// blocks (tests, benchmarks) both fit behind it. No torch here.
#include "core/trace/routing.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe::speculate {

using BlockFn = std::function<void(const RoutingBlock&)>;

struct BlockSource {
    TraceDims dims;                 // dims every block must have
    std::string fingerprint;        // model identity ("" = unknown); mixing models is an error
    std::string description;        // for messages, e.g. the folder list
    // Calls fn for every block, same order every time; stops after about maxTokens (0 = all).
    std::function<void(const BlockFn& fn, int64_t maxTokens)> forEachBlock;

    bool valid() const { return bool(forEachBlock); }
};

// Opens one or more trace folders written by `specmoe collect`. Throws specmoe::Error when
// a folder cannot be read or when the folders come from different models (fingerprint or
// dimensions disagree).
BlockSource openTraceSource(const std::vector<std::string>& dirs);

// A source over blocks held in memory (tests). Blocks are validated on creation.
BlockSource memorySource(std::vector<RoutingBlock> blocks);

// Which split a sequence belongs to: a hash of (seqId, seed), never of the token.
enum class Split { Train = 0, Validation = 1, Test = 2 };
struct SplitSpec {
    uint64_t seed = 1234;
    double trainFraction = 0.8;
    double validationFraction = 0.1; // the rest is test
};
Split splitOf(int64_t seqId, const SplitSpec& spec);
const char* splitName(Split s);
Split parseSplit(const std::string& name); // "train", "validation"/"val", "test"

} // namespace specmoe::speculate
