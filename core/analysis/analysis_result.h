#pragma once
// The results of the routing analysis (core/analysis/analysis.h) as plain values. They are
// computed once, in one streaming pass over the traces, then cached (JSON) and shown by the
// GUI views and written by `specmoe analyze`; a view change never recomputes. docs/analysis.md
// describes every field and the JSON/CSV files.
//
// Conventions: L layers (the stored MoE layers; `decoderLayer(l)` names a layer as the model
// counts it, dense layers included), E experts, k top-k. Matrices are row-major flat vectors
// ([rows * cols]). "first" means the first-choice (highest probability) expert, "any" means
// any of the top-k. Counts are int64; rates and shares are doubles in [0, 1].
#include "core/trace/routing.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

// Expert load at one layer for one group of tokens (all tokens, or one source).
struct LayerLoad {
    int64_t tokens = 0;                 // tokens counted at this layer
    std::vector<int64_t> firstCounts;   // [E] tokens whose first choice is e
    std::vector<int64_t> anyCounts;     // [E] tokens with e among their top-k
    std::vector<double> weightSums;     // [E] sum of the (renormalized) top-k weights given to e;
                                        // empty when the traces hold no router weights
    std::vector<double> firstShare;     // [E] firstCounts / tokens (sums to 1)
    std::vector<double> anyShare;       // [E] anyCounts / (tokens * k) (sums to 1)
    std::vector<double> anyRate;        // [E] anyCounts / tokens (sums to k)
    std::vector<double> weightShare;    // [E] weightSums / tokens (sums to 1); empty without weights
    // Balance of the first-choice and the any-of-top-k load (shares above).
    double entropyFirstBits = 0, entropyFirstNorm = 0; // H and H / log2(E)
    double entropyAnyBits = 0, entropyAnyNorm = 0;
    double cvFirst = 0, cvAny = 0;                     // std / mean of the counts over experts
    double maxOverUniformFirst = 0, maxOverUniformAny = 0; // max share * E (1 = balanced)
    double minOverUniformFirst = 0, minOverUniformAny = 0; // min share * E
    double tvFromUniformFirst = 0, tvFromUniformAny = 0;   // 0.5 * sum |share - 1/E|
    double klFromUniformFirstBits = 0, klFromUniformAnyBits = 0; // log2(E) - H
    // Co-activation: [E*E] tokens with both i and j in their top-k (i != j); the diagonal
    // holds anyCounts. Symmetric.
    std::vector<int64_t> coactivation;
};

// Consecutive tokens of a sequence at one layer (Mixtral paper, "routing analysis").
struct LayerRepetition {
    int64_t pairs = 0;         // neighbouring token pairs (t-1, t) inside a sequence
    int64_t sameFirst = 0;     // pairs with the same first-choice expert
    int64_t overlap = 0;       // pairs whose top-k sets share at least one expert
    double sameFirstRate = 0;  // sameFirst / pairs
    double overlapRate = 0;    // overlap / pairs
    // Expected sameFirst rate if the two tokens drew independently from this layer's
    // observed first-choice load: sum_e share_e^2 (the uniform rate is 1/E).
    double sameFirstExpectedFromLoad = 0;
};

// All tokens, or the tokens of one source (domain).
struct GroupStats {
    std::string source;    // "" for the overall group
    int64_t sequences = 0;
    int64_t tokens = 0;
    std::vector<LayerLoad> layers;           // [L]
    std::vector<LayerRepetition> repetition; // [L]
};

// Expert transitions from layer `fromLayer` to `fromLayer + distance`, over all tokens.
struct LayerTransition {
    int distance = 1;
    int fromLayer = 0;
    std::vector<int64_t> firstCounts; // [E*E] row a = first choice at l, col b = first at l+d
    std::vector<int64_t> anyCounts;   // [E*E] pairs (a in topk(l), b in topk(l+d)), k*k a token
    std::vector<double> firstProb;    // [E*E] P(first at l+d = b | first at l = a), rows sum to 1
    std::vector<double> anyProb;      // [E*E] P(b in topk(l+d) | a in topk(l)) (rows sum to k)
    double mutualInfoBits = 0;        // MI(first_l ; first_{l+d})
    double normalizedMI = 0;          // MI / min(H_l, H_{l+d}), 0 when either is 0
};

// History-only predictability: the best top-1 accuracy any predictor reaches at layer
// `targetLayer` from the first-choice experts of the `context` layers ending at
// targetLayer - horizon (layers targetLayer-horizon-context+1 .. targetLayer-horizon).
// The predictor is the empirical conditional mode on the training split; it is scored on
// held-out sequences (split by a hash of the seqId).
struct PredictabilityCell {
    int context = 1;
    int horizon = 1;
    int targetLayer = 0;
    int64_t trainTokens = 0;
    int64_t testTokens = 0;
    double heldOutAccuracy = 0;   // conditional mode (train) scored on test
    double inSampleAccuracy = 0;  // conditional mode scored on the same tokens (all): upper bound
    double baselineAccuracy = 0;  // most frequent expert at targetLayer (train), scored on test
    double unseenContextShare = 0; // test tokens whose context never occurred in train
                                   // (predicted by the baseline)
};

struct PredictabilitySummary {
    int context = 1;
    int horizon = 1;
    double meanHeldOutAccuracy = 0;  // token-weighted over target layers
    double meanInSampleAccuracy = 0;
    double meanBaselineAccuracy = 0;
};

struct Predictability {
    double testFraction = 0;
    int64_t trainSequences = 0;
    int64_t testSequences = 0;
    std::vector<PredictabilityCell> cells;       // every (context, horizon, targetLayer)
    std::vector<PredictabilitySummary> summary;  // every (context, horizon)
    std::vector<int> skippedContexts; // contexts whose table would exceed the size limit
};

// One token's route through all layers.
struct TokenJourney {
    int64_t seqId = 0;
    std::string source;
    int32_t position = 0;
    int32_t tokenId = 0;
    std::string text;             // piece text from the caller's tokenText function ("" without)
    std::vector<ExpertId> experts; // [L*k] top-k ids per layer, descending probability
    std::vector<float> weights;    // [L*k] their renormalized weights; empty without weights
};

struct SequenceJourney {
    int64_t seqId = 0;
    std::string source;
    std::string docId;
    int32_t length = 0;                 // tokens in the sequence
    std::vector<TokenJourney> tokens;   // the first maxJourneyTokens tokens
};

// The journeys of every occurrence of a token text (bounded).
struct TokenQueryResult {
    std::string query;
    int64_t matches = 0;                // occurrences seen in the pass (may exceed journeys)
    std::vector<TokenJourney> journeys; // the first maxQueryResults occurrences
};

// One token occurrence routed to an expert (for "which tokens went here" lists).
struct TokenSample {
    int64_t seqId = 0;
    int32_t position = 0;
    int32_t tokenId = 0;
    uint8_t rank = 0;     // 0 = first choice, 1 = second, ...
    float weight = 0;     // renormalized top-k weight (0 when the traces hold none: hasWeights)
    std::string text;     // "" without a tokenText function
};

// Uniform random samples (reservoir, fixed seed) of the token occurrences per (layer, expert).
struct TokenSamples {
    int perCell = 0;                          // capacity per (layer, expert)
    std::vector<std::vector<TokenSample>> firstChoice; // [L*E] occurrences as first choice
    std::vector<std::vector<TokenSample>> anyChoice;   // [L*E] occurrences at any rank
    std::vector<int64_t> firstSeen;           // [L*E] occurrences seen (= load counts)
    std::vector<int64_t> anySeen;             // [L*E]

    // The samples of one heatmap cell; empty when out of range.
    const std::vector<TokenSample>& at(int layer, int expert, bool firstOnly) const;
    int experts = 0; // E, for at()
};

struct AnalysisResult {
    int formatVersion = 1;
    // Dimensions of the traces analysed.
    int layers = 0;
    int experts = 0;
    int topk = 0;
    bool hasWeights = true;      // false: id-only traces; the weight statistics are absent
    // false: the traces' ids are not in rank order (origin.ids_ranked), so slot 0 is not the
    // first choice: the predictability ceiling and the layer-pair MI matrix are absent, and
    // every other "first" statistic (load, transitions, same-first repetition, samples'
    // rank) reads slot 0 as the engine listed it.
    bool idsRanked = true;
    std::vector<int> moeLayers;  // decoder-layer index of each stored layer; empty = 0..L-1
    int decoderLayers = 0;       // decoder layers of the model (dense ones included); 0 = layers
    int sharedExperts = 0;       // always-on experts (not routed, so not in the statistics)
    int64_t sequences = 0;
    int64_t tokens = 0;
    std::string traceDir; // informational; "" when fed blocks directly

    // Random-assignment reference rates, computed from E and k.
    double randomSameFirstRate = 0; // 1 / E
    double randomOverlapRate = 0;   // 1 - C(E-k, k) / C(E, k)

    GroupStats overall;
    std::vector<GroupStats> sources; // one per source label, sorted by name

    std::vector<int> transitionDistances;       // e.g. {1, 2, 3}
    std::vector<LayerTransition> transitions;   // every (distance, fromLayer) with l+d < L,
                                                // ordered by distance then fromLayer
    std::vector<double> mutualInfoBits;         // [L*L] MI(first_i ; first_j); diag = H_i
    std::vector<double> normalizedMI;           // [L*L] MI / min(H_i, H_j)
    bool layerPairMISkipped = false; // the matrix's tables exceeded maxLayerPairEntries

    Predictability predictability;
    std::vector<SequenceJourney> journeys;
    std::vector<TokenQueryResult> queries;
    TokenSamples samples;

    // The decoder-layer index of stored layer l (what users call the layer).
    int decoderLayer(int l) const
    {
        return l >= 0 && size_t(l) < moeLayers.size() ? moeLayers[size_t(l)] : l;
    }
    // Lookups; nullptr when absent.
    const GroupStats* source(const std::string& name) const;
    const LayerTransition* transition(int distance, int fromLayer) const;
};

// JSON (nlohmann ADL hooks): missing fields keep their defaults; AnalysisResult checks
// formatVersion.
#define SPECMOE_ANALYSIS_JSON(T)                                                               \
    void to_json(nlohmann::json& j, const T& v);                                               \
    void from_json(const nlohmann::json& j, T& v);
SPECMOE_ANALYSIS_JSON(LayerLoad)
SPECMOE_ANALYSIS_JSON(LayerRepetition)
SPECMOE_ANALYSIS_JSON(GroupStats)
SPECMOE_ANALYSIS_JSON(LayerTransition)
SPECMOE_ANALYSIS_JSON(PredictabilityCell)
SPECMOE_ANALYSIS_JSON(PredictabilitySummary)
SPECMOE_ANALYSIS_JSON(Predictability)
SPECMOE_ANALYSIS_JSON(TokenJourney)
SPECMOE_ANALYSIS_JSON(SequenceJourney)
SPECMOE_ANALYSIS_JSON(TokenQueryResult)
SPECMOE_ANALYSIS_JSON(TokenSample)
SPECMOE_ANALYSIS_JSON(TokenSamples)
SPECMOE_ANALYSIS_JSON(AnalysisResult)
#undef SPECMOE_ANALYSIS_JSON

// Whole-result files; throw specmoe::Error naming the file on failure.
void saveAnalysisJson(const AnalysisResult& r, const std::string& path);
AnalysisResult loadAnalysisJson(const std::string& path);

// Writes the CSV tables of docs/analysis.md into dir (created when missing); returns the
// file names written.
std::vector<std::string> writeAnalysisCsv(const AnalysisResult& r, const std::string& dir);

} // namespace specmoe
