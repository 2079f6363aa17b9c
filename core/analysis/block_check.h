#pragma once
// Internal to core/analysis: the checks the analysis pass relies on, fast enough for every
// block (RoutingBlock::validate() builds a message string per expert id).
#include "core/trace/routing.h"

namespace specmoe::analysis_detail {

// Sizes, the sequence table and expert ids in range; throws specmoe::Error.
void checkBlock(const RoutingBlock& b);

} // namespace specmoe::analysis_detail
