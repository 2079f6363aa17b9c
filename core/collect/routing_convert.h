#pragma once
// RoutingResult (the runtime's padded [B*T] rows) -> RoutingBlock (pads never stored).
// Torch code only: include from .cpp files and tests.
#include "core/model/runtime.h"
#include "core/trace/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

// One sequence of a padded batch to store: batch row `row`, its first `length` positions.
struct BatchRow {
    int row = 0;
    int32_t length = 0;
    int64_t seqId = 0;
    std::string source;
    std::string docId;
    const int32_t* tokens = nullptr; // `length` token ids
};

// Dims of the block a runtime produces for these options (featureDim: F, 0 = none).
TraceDims traceDims(const MixtralConfig& c, const std::vector<int>& lookahead, bool withLogits, int featureDim = 0);

// Appends `rows` of a batch routed with padded length `seqLen` to `out` (whose dims must
// be set): row b*seqLen + t of every tensor is batch row b, position t. Token offsets
// continue out's table; features (dims.featureDim > 0) come from r.features, float16,
// clamped to the half range. Throws specmoe::Error when the tensors disagree with the dims.
void appendRouting(const RoutingResult& r, int64_t seqLen, const std::vector<BatchRow>& rows,
                   RoutingBlock& out);

} // namespace specmoe
