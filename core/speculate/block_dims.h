#pragma once
// Internal to core/speculate: the dimension check for every block that enters.
#include "core/trace/routing.h"

#include <string>

namespace specmoe::speculate {

// Same dimension check used everywhere a block enters; needWeights: the predictor reads
// router weights, so id-only blocks are refused; needFeatures > 0: it reads that many
// hidden-state features per layer, so blocks without them (or with another F) are refused.
void checkBlockDims(const TraceDims& expected, const RoutingBlock& b, const std::string& where,
                    bool needWeights = false, int needFeatures = 0);

} // namespace specmoe::speculate
