#pragma once
// The options of `specmoe analyze`, declared with their defaults taken from an
// AnalysisOptions, and read back into one.
#include "app/cli/args.h"
#include "core/analysis/analysis.h"

namespace specmoe::cli {

// Core's defaults, except that the command records the journeys of the first 2 sequences
// (at most 512 tokens each) so analysis.json always has a few to show.
AnalysisOptions cliAnalysisDefaults();

void declareAnalyzeOptions(ArgParser& parser, const AnalysisOptions& defaults = cliAnalysisDefaults());
// Throws UsageError on a malformed option. The token-text function is left empty.
AnalysisOptions readAnalyzeOptions(const ArgParser& args, const AnalysisOptions& defaults = cliAnalysisDefaults());

} // namespace specmoe::cli
