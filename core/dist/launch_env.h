#pragma once
// Where this process stands in a job of several processes (ranks): read from the variables
// torchrun or SLURM set, or from command-line flags (docs/cluster.md). Torch-free.
#include <functional>
#include <string>

namespace specmoe::dist {

// Values given on the command line; unset ones (-1, "") come from the environment.
struct LaunchFlags {
    int rank = -1;
    int worldSize = -1;
    int localRank = -1;
    int localWorldSize = -1;
    std::string masterAddr;
    int masterPort = -1;
};

struct LaunchEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;          // index among this machine's ranks (its GPU)
    int localWorldSize = 1;     // ranks on this machine (they share its cores)
    std::string masterAddr;     // where rank 0 serves the rendezvous store
    int masterPort = 0;
    std::string launcher;       // "torchrun", "slurm", "flags" or "" (one process)

    bool distributed() const { return worldSize > 1; }
    // "rank 1 of 4 (torchrun), rendezvous 10.0.0.1:29500", for logs.
    std::string describe() const;
};

constexpr int kDefaultMasterPort = 29500; // torch.distributed's, when SLURM gives none

// Reads RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT (torchrun);
// without RANK, SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, SLURM_NTASKS_PER_NODE (srun), with
// MASTER_ADDR needed when the job spans several nodes. Flags override the environment.
// Throws specmoe::Error naming the variable or flag whose value is malformed or out of range
// (a rank outside [0, world size), a port outside 1..65535, a missing MASTER_ADDR).
// `getenv` is injectable for tests.
LaunchEnv resolveLaunchEnv(const LaunchFlags& flags = {},
                           const std::function<const char*(const char*)>& getenv = nullptr);

} // namespace specmoe::dist
