#pragma once
// The options of `specmoe traces import`, declared with their defaults taken from an
// ImportParams, and read back into one.
#include "app/cli/args.h"
#include "core/import/import_params.h"

namespace specmoe::cli {

void declareImportOptions(ArgParser& parser, const import::ImportParams& defaults = {});
// Throws UsageError on a malformed or missing option.
import::ImportParams readImportOptions(const ArgParser& args, const import::ImportParams& defaults = {});

} // namespace specmoe::cli
