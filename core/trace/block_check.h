#pragma once
// Internal to core/trace: values a shard must hold, checked on every block read, so that a
// damaged or hand-made trace gives an error naming the shard and the sequence instead of an
// index error deep in training (libtorch) or a wrong statistic.
#include "core/trace/routing.h"

#include <string>

namespace specmoe::shard {

// Throws specmoe::Error "<label>: sequence S (token t, layer l): ..." for the first value out
// of range: a top-k id >= the expert count; a lookahead id >= it other than kNoExpert; a
// top-k weight negative, NaN or infinite; a router logit or a feature NaN or infinite; a
// token id below kUnknownToken (core/trace/token_id.h); a negative position. The block's
// arrays must have their dims' sizes (the reader makes them so).
void checkBlockValues(const RoutingBlock& b, const std::string& label);

} // namespace specmoe::shard
