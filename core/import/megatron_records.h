#pragma once
// Internal to core/import: Megatron-Core's routing-trace records as read from the JSONL files
// (megatron_importer.cpp), and their join into calls that hold every layer
// (megatron_pipeline.cpp). With pipeline parallelism (PP > 1) each stage's ranks record only
// the layers of their stage; the stages' records of one (step, call) are one router pass of
// the same tokens and are joined.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace specmoe::import::megatron {

struct LayerIds {
    std::vector<int32_t> ids; // [num_tokens, k]
    std::string where;        // file:line of the record
};

// One router call of one rank: every layer of the rank, `rows` tokens each.
struct Call {
    std::map<int, LayerIds> byLayer; // layer value as recorded -> ids
    int64_t rows = -1;
    std::string where; // file:line of its first record
};

struct Rank {
    std::map<std::pair<int64_t, int64_t>, Call> calls; // (step, call index within the step)
    std::map<std::pair<int64_t, int>, int64_t> seen;   // calls so far per (step, layer)
    std::string firstRecord;                           // file:line
};

struct Records {
    std::map<int64_t, Rank> ranks;                // by the records' `rank`
    std::map<int64_t, std::string> filesOfRank;   // router_trace_rank<R>.jsonl files read (records or not)
    int topk = 0;
    int64_t mtpSkipped = 0;
    bool someRowNotAscending = false; // a row lists its ids other than ascending
};

// One sequence's worth of routing: the calls of a pipeline's ranks at one (step, call).
struct JoinedCall {
    std::vector<const std::vector<int32_t>*> layers; // one per joined layer, in Joined::layers order
    int64_t rows = 0;
    std::string where;     // file:line of its first record (stage 0's)
    std::string name;      // "rank 0 step 3 call 1" or "pipeline of ranks 0,4 step 3 call 1"
    std::string requestId; // "r0/s3/c1"
};

struct Joined {
    std::vector<int> layers; // global layer values, ascending
    std::vector<JoinedCall> calls;
    std::vector<std::string> notes; // for the import's warnings ("joined 4 pipeline stages ...")
    int topk = 0;
    Records records; // what the calls point into
};

// Joins the ranks' calls (moves the records in). Ranks that record the same layers are
// separate data (data, tensor or expert parallel ranks: each call a sequence of its own);
// ranks with disjoint layers are pipeline stages, joined per (step, call): the i-th rank of
// every stage (ascending rank: Megatron's default order puts the pipeline outermost) forms
// pipeline i. `stageLayers` (decoder layers per stage; empty: the values are global) turns
// the stage-local values of the training hook into global ones, rank r being in stage
// r / (W / P) for W ranks and P stages. Errors name the file and record: a layer that two
// stages both record, stages with different rank counts, a call that lacks a layer.
Joined join(Records&& records, const std::vector<int>& stageLayers, const std::string& label);

struct SeqRef {
    size_t call;
    int part, parts;
};

} // namespace specmoe::import::megatron
