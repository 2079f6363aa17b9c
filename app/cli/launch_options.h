#pragma once
// The launch options of commands that run as ranks of a job (`specmoe collect` under
// torchrun or SLURM, docs/cluster.md): flags that override RANK, WORLD_SIZE, LOCAL_RANK,
// MASTER_ADDR, MASTER_PORT and the SLURM variables, and the rendezvous and barrier timeouts.
#include "app/cli/args.h"
#include "core/dist/launch_env.h"
#include "core/dist/process_group.h"

namespace specmoe::cli {

void declareLaunchOptions(ArgParser& parser);
// Throws UsageError naming the flag or variable whose value is out of range.
dist::LaunchEnv readLaunchEnv(const ArgParser& args);
dist::GroupOptions readGroupOptions(const ArgParser& args);

} // namespace specmoe::cli
