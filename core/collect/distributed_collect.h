#pragma once
// A collection run as one rank of several (torchrun, SLURM; docs/cluster.md): the ranks
// meet through c10d (core/dist), each stores its part of the corpus in OUT/rank-NNNNN (a
// trace folder that resumes on its own), and once all are through the barrier rank 0 writes
// OUT/trace-set.json, so OUT reads as one trace everywhere. A rank that dies loses at most
// the shard it was writing; the others finish theirs; rerunning the same command (the same
// world size) completes the missing part. No torch types here.
#include "core/collect/collector.h"
#include "core/dist/launch_env.h"
#include "core/dist/process_group.h"

#include <string>
#include <vector>

namespace specmoe {

struct RankSummary {
    int rank = 0;
    int64_t sequences = 0;      // stored in its folder (earlier runs included)
    int64_t tokens = 0;
    int64_t tokensWritten = 0;  // by this run
    double seconds = 0;         // its collection loop
    bool complete = false;
};

struct DistributedCollectResult {
    CollectResult local;             // this rank's run (its folder: local.outDir)
    dist::LaunchEnv env;
    std::string outDir;              // the set folder (one process: the trace folder)
    std::vector<RankSummary> ranks;  // rank 0: every rank's, in rank order; others: empty
    bool setWritten = false;         // rank 0 wrote OUT/trace-set.json
    double seconds = 0;              // this rank: from the rendezvous to the barrier passed
    int64_t tokensWritten = 0;       // rank 0: all ranks, this run
    double tokensPerSecond = 0;      // rank 0: tokensWritten / the slowest rank's loop seconds
};

// One process (env.worldSize 1): collect(params) into params.outDir. Several: join the
// group, collect this rank's part into OUT/rank-NNNNN (device and threads per rank:
// core/dist/rank_resources.h), then the barrier and rank 0's set manifest. Throws
// specmoe::Error naming the ranks that failed or did not finish (its own part is then
// complete) and the variable or flag at fault in the launch settings.
DistributedCollectResult collectDistributed(const CollectParams& params, const dist::LaunchEnv& env,
                                            const dist::GroupOptions& group = {}, const ProgressFn& progress = {});

} // namespace specmoe
