#pragma once
// Token ids in a trace (RoutingBlock::tokenIds, /tokens/token_id): a tokenizer's id, or
// kUnknownToken where the trace's source gave none (engine traces without token ids, e.g.
// Megatron-Core's routing records; docs/trace-format.md). The unknown id is not a tokenizer
// id: analysis never asks a token-text function for it (no text, no query match), the
// predictors give it no token embedding, the views show "#?". Below it nothing is valid
// (RoutingBlock::validate and the shard readers refuse it).
#include <cstdint>

namespace specmoe {

constexpr int32_t kUnknownToken = -1;

} // namespace specmoe
