#pragma once
// The options of `specmoe train` and `specmoe eval`, declared with their defaults taken from
// a TrainParams / EvalParams (core's unless a caller passes others), and read back into one.
#include "app/cli/args.h"
#include "core/speculate/train.h"

namespace specmoe::cli {

void declareTrainOptions(ArgParser& parser, const speculate::TrainParams& defaults = {});
// Throws UsageError on a missing or malformed option.
speculate::TrainParams readTrainOptions(const ArgParser& args, const speculate::TrainParams& defaults = {});

void declareEvalOptions(ArgParser& parser, const speculate::EvalParams& defaults = {});
speculate::EvalParams readEvalOptions(const ArgParser& args, const speculate::EvalParams& defaults = {});

} // namespace specmoe::cli
