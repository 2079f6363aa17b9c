#pragma once
// Which split a sequence belongs to, for every consumer of traces: speculation trains,
// validates and tests predictors on these splits, and the analysis measures its
// predictability ceiling on the same test split, so the two compare on the same sequences.
#include <cstdint>

namespace specmoe {

enum class Split { Train = 0, Validation = 1, Test = 2 };

struct SplitSpec {
    uint64_t seed = 1234;
    double trainFraction = 0.8;
    double validationFraction = 0.1; // the rest is test

    double testFraction() const { return 1.0 - trainFraction - validationFraction; }
};

// A hash of (seqId, seed), never of the tokens: a sequence stays in its split whatever
// else the traces hold.
Split splitOf(int64_t seqId, const SplitSpec& spec);

} // namespace specmoe
