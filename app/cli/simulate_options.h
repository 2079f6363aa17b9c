#pragma once
// The options of `specmoe simulate`, declared with their defaults taken from a
// SimulateParams, and read back into one.
#include "app/cli/args.h"
#include "core/simulate/simulate.h"

namespace specmoe::cli {

void declareSimulateOptions(ArgParser& parser, const simulate::SimulateParams& defaults = simulate::SimulateParams{});
// Throws UsageError on a malformed option (a profile file that does not read: specmoe::Error).
simulate::SimulateParams readSimulateOptions(const ArgParser& args,
                                             const simulate::SimulateParams& defaults = simulate::SimulateParams{});

} // namespace specmoe::cli
