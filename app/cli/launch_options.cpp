#include "app/cli/launch_options.h"

#include "core/util/error.h"

#include <climits>
#include <cmath>

namespace specmoe::cli {

void declareLaunchOptions(ArgParser& p)
{
    const dist::GroupOptions d;
    p.option("rank", "N", "this process's rank in a job of several [default: RANK, else SLURM_PROCID, else 0]");
    p.option("world-size", "N", "ranks in the job [default: WORLD_SIZE, else SLURM_NTASKS, else 1]");
    p.option("local-rank", "N", "rank on this machine, picks its GPU [default: LOCAL_RANK, else SLURM_LOCALID]");
    p.option("local-world-size", "N",
             "ranks on this machine, which share its CPU cores [default: LOCAL_WORLD_SIZE, else "
             "SLURM_NTASKS_PER_NODE, else the world size]");
    p.option("master-addr", "HOST", "address of rank 0's machine, for the rendezvous [default: MASTER_ADDR]");
    p.option("master-port", "PORT",
             "port of the rendezvous on rank 0's machine [default: MASTER_PORT, else " +
                 std::to_string(dist::kDefaultMasterPort) + "]");
    p.option("rendezvous-timeout", "S", "seconds to wait for every rank to join", numberText(d.rendezvousSeconds));
    p.option("barrier-timeout", "S", "seconds a rank that finished waits for the others",
             numberText(d.barrierSeconds));
}

dist::LaunchEnv readLaunchEnv(const ArgParser& a)
{
    dist::LaunchFlags f;
    if (a.has("rank"))
        f.rank = int(a.getInt("rank", 0, INT_MAX));
    if (a.has("world-size"))
        f.worldSize = int(a.getInt("world-size", 1, INT_MAX));
    if (a.has("local-rank"))
        f.localRank = int(a.getInt("local-rank", 0, INT_MAX));
    if (a.has("local-world-size"))
        f.localWorldSize = int(a.getInt("local-world-size", 1, INT_MAX));
    f.masterAddr = a.get("master-addr");
    if (a.has("master-port"))
        f.masterPort = int(a.getInt("master-port", 1, 65535));
    try {
        return dist::resolveLaunchEnv(f);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}

dist::GroupOptions readGroupOptions(const ArgParser& a)
{
    dist::GroupOptions g;
    g.rendezvousSeconds = a.getDouble("rendezvous-timeout", 0, HUGE_VAL, true);
    g.barrierSeconds = a.getDouble("barrier-timeout", 0, HUGE_VAL, true);
    return g;
}

} // namespace specmoe::cli
