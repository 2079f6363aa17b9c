#pragma once
// The options of `specmoe collect`, declared with their defaults taken from a CollectParams
// (core's defaults unless a caller passes others), and read back into one.
#include "app/cli/args.h"
#include "core/collect/collector.h"

namespace specmoe::cli {

void declareCollectOptions(ArgParser& parser, const CollectParams& defaults = {});
// Throws UsageError on a missing or malformed option.
CollectParams readCollectOptions(const ArgParser& args, const CollectParams& defaults = {});

} // namespace specmoe::cli
