#pragma once
// Routing analysis: one streaming pass over routing traces computes every statistic the
// analysis views show and `specmoe analyze` exports (expert load, co-activation, layer
// transitions and mutual information, consecutive-token repetition, history-only
// predictability, token journeys, per-(layer, expert) token samples). Pure C++, no torch.
//
//   AnalysisAccumulator acc(opts);          // or analyze(traceSet, opts, progress)
//   for (const RoutingBlock& b : blocks) acc.add(b);
//   AnalysisResult r = acc.finish();
//
// Blocks must hold whole sequences (a sequence split over two consecutive blocks is joined
// for the repetition statistics; journeys only see the tokens of the block they started in
// unless it continues). The result is a plain value (analysis_result.h) with JSON I/O.
#include "core/analysis/analysis_result.h"
#include "core/trace/routing.h"
#include "core/trace/split.h"
#include "core/util/progress.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace specmoe {

class TraceSet; // core/trace/trace_set.h

// Maps a token id to its piece text (e.g. a SentencePiece tokenizer's IdToPiece).
using TokenTextFn = std::function<std::string(int32_t tokenId)>;

struct AnalysisOptions {
    int64_t maxTokens = 0;                     // stop after this many tokens (0 = all)
    std::vector<int> transitionDistances{1, 2, 3};
    bool layerPairMI = true;                   // full [L*L] mutual-information matrix

    // Predictability ceiling.
    std::vector<int> predictContexts{1, 2, 3}; // c: layers of history
    std::vector<int> predictHorizons{1, 2, 3}; // h: predict layer l+h from layers ..l
    // Held out: speculation's test split of the same spec (core/trace/split.h), so the
    // ceiling is measured on the predictors' test sequences; train and validation train.
    SplitSpec split;
    // Counters per context c, all (h, l) and both splits (4 bytes each); larger c are
    // skipped. 2^25 holds c = 1 at 256 experts and 58 layers.
    int64_t maxPredictTableEntries = int64_t(1) << 25;
    // Counters of the layer-pair MI matrix (L(L-1)/2 * E^2, 4 bytes each); above it the
    // matrix is skipped (AnalysisResult::layerPairMISkipped). 128 experts x 48 layers need
    // 18.5 M, 256 x 58 need 108 M.
    int64_t maxLayerPairEntries = int64_t(1) << 25;

    // Token journeys.
    std::vector<int64_t> journeySeqIds;        // sequences to record in full
    int journeyFirstSequences = 0;             // also record the first N sequences seen
    int maxJourneyTokens = 2048;               // tokens kept per recorded sequence
    std::vector<std::string> queryTokens;      // token texts to find (e.g. "def")
    int maxQueryResults = 200;                 // journeys kept per query
    bool queryIgnoresSpaceMarker = true;       // "def" also matches "▁def" (SentencePiece)
    TokenTextFn tokenText;                     // optional; needed for queries and texts

    // Token samples per (layer, expert) cell.
    int samplesPerCell = 32;                   // 0 = none
    uint64_t sampleSeed = 0x5a3b1e;

    // Whether slot 0 of a token's k ids is its first choice (the ids are in rank order).
    // analyze(TraceSet) clears it for traces whose manifest says otherwise
    // (origin.ids_ranked false: imported ids in an engine's unknown order). Without rank
    // order the statistics of first choices alone (predictability ceiling, layer-pair MI
    // matrix) are skipped; the others read slot 0 as listed (AnalysisResult::idsRanked).
    bool idsRanked = true;

    // Progress is reported after each block, at most ten times a second.
};

// Consumes blocks one after another and keeps only fixed-size counters (plus the bounded
// journeys and samples). Dimensions are taken from the first block; later blocks must match.
class AnalysisAccumulator {
public:
    explicit AnalysisAccumulator(AnalysisOptions options = {});
    ~AnalysisAccumulator();
    AnalysisAccumulator(AnalysisAccumulator&&) noexcept;
    AnalysisAccumulator& operator=(AnalysisAccumulator&&) noexcept;

    // Adds the block's tokens (at most up to options.maxTokens in all). Throws
    // specmoe::Error when the block is invalid or its dims differ from earlier blocks.
    void add(const RoutingBlock& block);
    // True once maxTokens tokens were added.
    bool full() const;
    int64_t tokens() const;
    const AnalysisOptions& options() const;

    // The statistics of everything added so far (can be called more than once).
    AnalysisResult finish() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Calls the visitor (core/trace/routing.h) with every block, in order, until it returns false.
using BlockSource = std::function<void(const BlockVisitor&)>;

// The full analysis over a block source. totalTokens (0 = unknown) only feeds progress.
AnalysisResult analyze(const BlockSource& source, const AnalysisOptions& options = {},
                       const ProgressFn& progress = {}, int64_t totalTokens = 0);
// Over blocks in memory (tests, demos).
AnalysisResult analyze(const std::vector<RoutingBlock>& blocks,
                       const AnalysisOptions& options = {}, const ProgressFn& progress = {});
// Over a trace folder opened with TraceSet::open (sets result.traceDir).
AnalysisResult analyze(const TraceSet& traces, const AnalysisOptions& options = {},
                       const ProgressFn& progress = {});

// Does piece match the query text (exact, or after dropping a leading word start, "▁" or a
// space, from either when ignoreSpaceMarker; core/util/piece_text.h)?
bool tokenTextMatches(const std::string& piece, const std::string& query, bool ignoreSpaceMarker);

// Every journey of a token text across a block source, up to maxResults (one pass, stops
// early once full). Cheaper than a full analyze when only a query is wanted.
TokenQueryResult findTokenJourneys(const BlockSource& source, const std::string& query,
                                   const TokenTextFn& tokenText, int maxResults = 200,
                                   bool ignoreSpaceMarker = true, const ProgressFn& progress = {});

// The journey of one sequence of a block (e.g. from TraceSet::readSequence), without a pass.
SequenceJourney sequenceJourney(const RoutingBlock& block, const SequenceRecord& sequence,
                                const TokenTextFn& tokenText = {}, int maxTokens = 2048);

// A BlockSource over a TraceSet (streams whole sequences, up to maxTokens; 0 = all).
BlockSource blockSource(const TraceSet& traces, int64_t maxTokens = 0);

} // namespace specmoe
