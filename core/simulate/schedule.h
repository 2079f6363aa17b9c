#pragma once
// The order an offloading engine meets the experts in: decode steps of B concurrent
// sequences (each step decodes one token of every active sequence, layer by layer), and per
// (step, layer) the experts the batch needs. Built once per simulation; every setting of a
// sweep replays the same schedule.
#include "core/trace/routing.h"

#include <cstdint>
#include <vector>

namespace specmoe::simulate {

// Tokens picked for the replay, in sequence order: ids [N, L, k], and where each sequence
// starts.
struct TokenStore {
    int layers = 0, experts = 0, topk = 0;
    std::vector<ExpertId> ids;            // [N, L, k]
    std::vector<int64_t> sequenceStarts;  // first token of each sequence
    int64_t tokens() const { return int64_t(ids.size() / (size_t(layers) * size_t(topk))); }
    int64_t sequences() const { return int64_t(sequenceStarts.size()); }
};

struct Schedule {
    int layers = 0, experts = 0, topk = 0, batch = 1;
    int width = 0;                  // slots per (step, layer): min(batch * topk, experts)
    int64_t steps = 0, tokens = 0;
    // [steps, layers, width]: the experts step s needs at layer l, the ones most tokens of
    // the batch use first (ties: lower id); counts[s * L + l] of them are set.
    std::vector<ExpertId> ids;
    std::vector<uint16_t> counts;   // [steps, layers]
    std::vector<uint16_t> active;   // [steps] tokens decoded in the step
    // stepTokens[s * batch + b]: the store's token decoded by slot b in step s (-1: idle).
    std::vector<int64_t> stepTokens;

    int64_t keys() const { return steps * int64_t(layers); }
    const ExpertId* at(int64_t key) const { return ids.data() + size_t(key) * size_t(width); }
};

// Steps of `batch` slots: a slot takes the next sequence when its sequence ends, so a
// sequence's tokens are decoded in order, one per step.
Schedule buildSchedule(const TokenStore& store, int batch);

// Which experts to prefetch, per source (step, layer) key: ids [keys, width] ranked, counts
// [keys]. `offset` shifts the key read (the oracle reads the schedule itself h keys ahead).
struct PrefetchPlan {
    const ExpertId* ids = nullptr;
    const uint16_t* counts = nullptr;
    int width = 0;
    int64_t offset = 0;
    int64_t keys = 0; // entries held (keys + offset must stay below it)
    bool empty() const { return ids == nullptr; }
};

// The oracle: the true experts of the (step, layer) h keys ahead (the next token's first
// layers when l + h passes the last layer).
PrefetchPlan oraclePlan(const Schedule& s, int horizon);

// A predictor's ranking per token: ids [N, L, width] and scores, for layer l + h from source
// layer l (rows with l + h >= L unset).
struct TokenRanking {
    int width = 0;
    std::vector<ExpertId> ids;
    std::vector<float> scores;
    // The next token's layers ranked from what is known before it starts [L, width] (empty:
    // the predictor defines none; PredictionStream::nextTokenScores): the plan for targets
    // past the last layer, l + h >= L, which are layer l + h - L of the next step.
    std::vector<ExpertId> nextIds;
};
// Ranks nextTokenScores of every layer into ranking.nextIds (scores [L, E]).
void setNextTokenRanking(TokenRanking& ranking, const std::vector<float>& scores, int layers, int experts);
// The ranking of one predictor's scores [N, L, H, E] at horizon h, appended for the tokens
// `rows` (indices into the block's tokens).
void appendRanking(TokenRanking& out, const std::vector<float>& scores, const std::vector<size_t>& rows, int layers,
                   int horizons, int experts, int horizon);

// Owns a plan built from rankings: per step, the scores of the batch's tokens summed per expert
// (targets in the next step: its ranking of the next token's layer, the same for every token).
struct PlanStore {
    std::vector<ExpertId> ids;
    std::vector<uint16_t> counts;
    int width = 0;
    PrefetchPlan plan() const;
};
PlanStore predictorPlan(const Schedule& s, const TokenRanking& ranking, int horizon);

} // namespace specmoe::simulate
