#pragma once
// Rewrites a trace folder into another with a different shard size (or filter settings),
// keeping sequence ids, order, fingerprint, run configuration, skip statistics and the
// hidden-state features with their basis (unless dropped).
#include "core/util/progress.h"

#include <string>
#include <vector>

namespace specmoe {

struct ReshardOptions {
    double shardSizeMB = 256;
    int deflateLevel = -1;  // < 0: keep the source's
    int chunkTokens = 0;    // 0: keep the source's
    bool overwrite = false; // clear a destination that already holds a trace
    // Hidden-state features and their basis are copied; true drops them (a routing-only copy,
    // 2*L*F bytes per token smaller).
    bool dropFeatures = false;
};

struct ReshardResult {
    size_t shards = 0;
    int64_t tokens = 0;
    int64_t sequences = 0;
};

// src and dst must be different folders. Throws specmoe::Error.
ReshardResult reshardTrace(const std::string& srcDir, const std::string& dstDir,
                           const ReshardOptions& options = {}, const ProgressFn& progress = {});

// Writes the trace set of `srcDirs` (trace folders or set folders, in that order) as one
// folder (`specmoe traces merge`): the members' sequences in member order, the run's
// fingerprint and configuration. Refuses an incomplete set. Throws specmoe::Error naming
// the member at fault.
ReshardResult mergeTraces(const std::vector<std::string>& srcDirs, const std::string& dstDir,
                          const ReshardOptions& options = {}, const ProgressFn& progress = {});

} // namespace specmoe
