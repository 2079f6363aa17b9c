// The launch environment of a rank: torchrun's and SLURM's variables, flags over them, and
// errors that name the variable or flag at fault.
#include "core/dist/launch_env.h"
#include "core/util/error.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace specmoe;
using namespace specmoe::dist;

namespace {

LaunchEnv resolve(const std::map<std::string, std::string>& vars, const LaunchFlags& flags = {})
{
    return resolveLaunchEnv(flags, [&vars](const char* name) -> const char* {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
}

std::string errorOf(const std::map<std::string, std::string>& vars, const LaunchFlags& flags = {})
{
    try {
        resolve(vars, flags);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(LaunchEnv, NoVariablesIsOneProcess)
{
    const LaunchEnv e = resolve({});
    EXPECT_FALSE(e.distributed());
    EXPECT_EQ(e.rank, 0);
    EXPECT_EQ(e.worldSize, 1);
    EXPECT_EQ(e.launcher, "");
    EXPECT_EQ(e.describe(), "one process");
}

TEST(LaunchEnv, Torchrun)
{
    const LaunchEnv e = resolve({{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"},
                                 {"MASTER_ADDR", "10.0.0.7"}, {"MASTER_PORT", "29411"}});
    EXPECT_TRUE(e.distributed());
    EXPECT_EQ(e.rank, 3);
    EXPECT_EQ(e.worldSize, 8);
    EXPECT_EQ(e.localRank, 1);
    EXPECT_EQ(e.localWorldSize, 2);
    EXPECT_EQ(e.masterAddr, "10.0.0.7");
    EXPECT_EQ(e.masterPort, 29411);
    EXPECT_EQ(e.launcher, "torchrun");
    EXPECT_NE(e.describe().find("rank 3 of 8 (torchrun)"), std::string::npos) << e.describe();
}

TEST(LaunchEnv, SlurmOnOneNodeAndOnSeveral)
{
    LaunchEnv e = resolve({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "1"},
                           {"SLURM_NTASKS_PER_NODE", "2"}, {"SLURM_NNODES", "1"}});
    EXPECT_EQ(e.launcher, "slurm");
    EXPECT_EQ(e.rank, 1);
    EXPECT_EQ(e.worldSize, 2);
    EXPECT_EQ(e.localWorldSize, 2);
    EXPECT_EQ(e.masterAddr, "127.0.0.1"); // one node: rank 0 is here
    EXPECT_EQ(e.masterPort, kDefaultMasterPort);
    // Several nodes need MASTER_ADDR, and say so.
    const std::string err = errorOf({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_NNODES", "2"},
                                     {"SLURM_TASKS_PER_NODE", "4(x2)"}});
    EXPECT_NE(err.find("MASTER_ADDR is not set"), std::string::npos) << err;
    e = resolve({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_NNODES", "2"}, {"SLURM_TASKS_PER_NODE", "4(x2)"},
                 {"MASTER_ADDR", "node1"}});
    EXPECT_EQ(e.localWorldSize, 4);
    EXPECT_EQ(e.masterAddr, "node1");
}

TEST(LaunchEnv, FlagsOverrideTheEnvironment)
{
    LaunchFlags f;
    f.rank = 1;
    f.worldSize = 2;
    f.masterAddr = "127.0.0.1";
    f.masterPort = 30000;
    LaunchEnv e = resolve({}, f);
    EXPECT_EQ(e.launcher, "flags");
    EXPECT_EQ(e.rank, 1);
    EXPECT_EQ(e.masterPort, 30000);
    e = resolve({{"RANK", "0"}, {"WORLD_SIZE", "4"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "1234"}}, f);
    EXPECT_EQ(e.launcher, "torchrun");
    EXPECT_EQ(e.worldSize, 2);
    EXPECT_EQ(e.masterAddr, "127.0.0.1");
}

TEST(LaunchEnv, BadValuesNameTheVariableOrFlag)
{
    std::string e = errorOf({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}});
    EXPECT_NE(e.find("RANK=2 is outside 0..1"), std::string::npos) << e;
    e = errorOf({{"RANK", "x"}, {"WORLD_SIZE", "2"}});
    EXPECT_NE(e.find("RANK='x' is not an integer"), std::string::npos) << e;
    e = errorOf({{"RANK", "0"}, {"WORLD_SIZE", "0"}});
    EXPECT_NE(e.find("WORLD_SIZE=0 is out of range"), std::string::npos) << e;
    e = errorOf({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}});
    EXPECT_NE(e.find("MASTER_PORT=70000 is out of range"), std::string::npos) << e;
    e = errorOf({{"RANK", "0"}, {"WORLD_SIZE", "2"}});
    EXPECT_NE(e.find("MASTER_ADDR is not set"), std::string::npos) << e;
    LaunchFlags f;
    f.rank = 5;
    f.worldSize = 3;
    f.masterAddr = "h";
    e = errorOf({}, f);
    EXPECT_NE(e.find("--rank=5 is outside 0..2"), std::string::npos) << e;
    e = errorOf({{"SLURM_PROCID", "4"}, {"SLURM_NTASKS", "4"}});
    EXPECT_NE(e.find("SLURM_PROCID=4 is outside 0..3"), std::string::npos) << e;
}
