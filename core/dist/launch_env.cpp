#include "core/dist/launch_env.h"

#include "core/util/error.h"

#include <cstdlib>
#include <cerrno>
#include <climits>
#include <optional>

namespace specmoe::dist {

namespace {

// A variable's value as an integer in [lo, hi]; nullopt when unset or empty.
std::optional<long long> intVar(const std::function<const char*(const char*)>& env, const char* name, long long lo,
                                long long hi)
{
    const char* v = env(name);
    if (!v || !*v)
        return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long long x = std::strtoll(v, &end, 10);
    if (errno != 0 || !end || *end != '\0')
        throw Error(std::string("environment variable ") + name + "='" + v + "' is not an integer");
    if (x < lo || x > hi)
        throw Error(std::string("environment variable ") + name + "=" + v + " is out of range (accepted: " +
                    std::to_string(lo) + " to " + std::to_string(hi) + ")");
    return x;
}

std::string textVar(const std::function<const char*(const char*)>& env, const char* name)
{
    const char* v = env(name);
    return v ? std::string(v) : std::string();
}

// SLURM_NTASKS_PER_NODE may read "4" or "4(x2)"; the leading count is the tasks here.
int slurmTasksPerNode(const std::function<const char*(const char*)>& env)
{
    const char* v = env("SLURM_NTASKS_PER_NODE");
    if (!v || !*v)
        v = env("SLURM_TASKS_PER_NODE");
    if (!v || !*v)
        return -1;
    const int n = std::atoi(v);
    return n > 0 ? n : -1;
}

void fromTorchrun(LaunchEnv& e, const std::function<const char*(const char*)>& env)
{
    e.launcher = "torchrun";
    e.rank = int(*intVar(env, "RANK", 0, INT_MAX));
    e.worldSize = int(intVar(env, "WORLD_SIZE", 1, INT_MAX).value_or(1));
    e.localRank = int(intVar(env, "LOCAL_RANK", 0, INT_MAX).value_or(e.rank));
    e.localWorldSize = int(intVar(env, "LOCAL_WORLD_SIZE", 1, INT_MAX).value_or(e.worldSize));
    e.masterAddr = textVar(env, "MASTER_ADDR");
    e.masterPort = int(intVar(env, "MASTER_PORT", 1, 65535).value_or(0));
}

void fromSlurm(LaunchEnv& e, const std::function<const char*(const char*)>& env)
{
    e.launcher = "slurm";
    e.rank = int(*intVar(env, "SLURM_PROCID", 0, INT_MAX));
    e.worldSize = int(intVar(env, "SLURM_NTASKS", 1, INT_MAX).value_or(1));
    e.localRank = int(intVar(env, "SLURM_LOCALID", 0, INT_MAX).value_or(0));
    const int perNode = slurmTasksPerNode(env);
    e.localWorldSize = perNode > 0 ? perNode : e.worldSize;
    e.masterAddr = textVar(env, "MASTER_ADDR");
    e.masterPort = int(intVar(env, "MASTER_PORT", 1, 65535).value_or(kDefaultMasterPort));
    // One node: rank 0 is on this machine.
    if (e.masterAddr.empty() && intVar(env, "SLURM_NNODES", 1, INT_MAX).value_or(1) == 1)
        e.masterAddr = "127.0.0.1";
}

void applyFlags(LaunchEnv& e, const LaunchFlags& f)
{
    const bool any = f.rank >= 0 || f.worldSize >= 0 || !f.masterAddr.empty() || f.masterPort >= 0;
    if (any && e.launcher.empty())
        e.launcher = "flags";
    if (f.rank >= 0)
        e.rank = f.rank;
    if (f.worldSize >= 0)
        e.worldSize = f.worldSize;
    if (f.localRank >= 0)
        e.localRank = f.localRank;
    if (f.localWorldSize >= 0)
        e.localWorldSize = f.localWorldSize;
    if (!f.masterAddr.empty())
        e.masterAddr = f.masterAddr;
    if (f.masterPort >= 0)
        e.masterPort = f.masterPort;
}

// Names the flag when one was given, else the launcher's variable.
std::string source(const LaunchEnv& e, bool flagGiven, const char* flag, const char* torchrunVar,
                   const char* slurmVar)
{
    if (flagGiven)
        return std::string("--") + flag;
    if (e.launcher == "slurm" && slurmVar)
        return slurmVar;
    return torchrunVar;
}

void check(const LaunchEnv& e, const LaunchFlags& f)
{
    if (e.worldSize < 1)
        throw Error(source(e, f.worldSize >= 0, "world-size", "WORLD_SIZE", "SLURM_NTASKS") + " must be at least 1 (it is " +
                    std::to_string(e.worldSize) + ")");
    if (e.rank < 0 || e.rank >= e.worldSize)
        throw Error(source(e, f.rank >= 0, "rank", "RANK", "SLURM_PROCID") + "=" + std::to_string(e.rank) +
                    " is outside 0.." + std::to_string(e.worldSize - 1) + " (world size " +
                    std::to_string(e.worldSize) + ")");
    if (e.localWorldSize < 1)
        throw Error(source(e, f.localWorldSize >= 0, "local-world-size", "LOCAL_WORLD_SIZE", "SLURM_NTASKS_PER_NODE") +
                    " must be at least 1");
    if (!e.distributed())
        return;
    if (e.masterAddr.empty())
        throw Error(source(e, !f.masterAddr.empty(), "master-addr", "MASTER_ADDR", "MASTER_ADDR") +
                    " is not set: with " + std::to_string(e.worldSize) +
                    " ranks every rank needs the address of rank 0's machine (e.g. export MASTER_ADDR=$(scontrol "
                    "show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1))");
    if (e.masterPort < 1 || e.masterPort > 65535)
        throw Error(source(e, f.masterPort >= 0, "master-port", "MASTER_PORT", "MASTER_PORT") + "=" +
                    std::to_string(e.masterPort) + " is not a port (accepted: 1 to 65535)");
}

} // namespace

std::string LaunchEnv::describe() const
{
    if (!distributed())
        return "one process";
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize) +
           (launcher.empty() ? "" : " (" + launcher + ")") + ", local rank " + std::to_string(localRank) +
           ", rendezvous " + masterAddr + ":" + std::to_string(masterPort);
}

LaunchEnv resolveLaunchEnv(const LaunchFlags& flags, const std::function<const char*(const char*)>& getenvFn)
{
    const std::function<const char*(const char*)> env =
        getenvFn ? getenvFn : [](const char* name) -> const char* { return std::getenv(name); };
    LaunchEnv e;
    const char* rank = env("RANK");
    const char* slurm = env("SLURM_PROCID");
    if (rank && *rank)
        fromTorchrun(e, env);
    else if (slurm && *slurm)
        fromSlurm(e, env);
    applyFlags(e, flags);
    if (e.masterPort == 0 && e.distributed())
        e.masterPort = kDefaultMasterPort;
    check(e, flags);
    return e;
}

} // namespace specmoe::dist
