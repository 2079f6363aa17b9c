#pragma once
// Internal to core/simulate: one pass over the traces gathers what every setting replays:
// the tokens of the split (in sequence order), each predictor's ranking per token and
// horizon (its inference timed apart), and the training split's expert use (the static
// policy's hot set).
#include "core/simulate/engine.h"
#include "core/simulate/schedule.h"
#include "core/speculate/prediction_stream.h"
#include "core/speculate/source.h"
#include "core/trace/split.h"
#include "core/util/progress.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::simulate {

struct PredictorInput {
    std::string name;                                    // as the user named it
    std::unique_ptr<speculate::PredictionStream> stream;
    std::vector<TokenRanking> rankings;                  // per horizon of ReadSpec::horizons
    double seconds = 0;
};

struct ReadSpec {
    std::optional<Split> split;
    SplitSpec splitSpec;
    int64_t maxTokens = 0;
    bool decodeOnly = false;
    std::vector<int> horizons;
    int rankingWidth = 1;   // experts ranked per (token, layer)
    bool countHotSet = false;
};

struct ReplayInputs {
    TokenStore store;
    std::vector<PredictorInput> predictors;
    HotSet hot;             // when asked for
};

// Fills `inputs` (its predictors' streams already opened) from the source.
void readReplayInputs(const speculate::BlockSource& source, const ReadSpec& spec, ReplayInputs& inputs,
                      const ProgressFn& progress);

// The tokens `rows` of a block as a block of their own (sequences cut to the rows kept).
RoutingBlock selectTokens(const RoutingBlock& block, const std::vector<size_t>& rows);

} // namespace specmoe::simulate
