#pragma once
// Synthetic routing for tests and benchmarks: the one generator every test and bench uses,
// so "realistic enough" routing is defined once. Deterministic: a sequence's tokens and
// routing depend only on (spec, seqId), so blocks of consecutive sequences concatenate to
// the block of all of them (the trace tests write them in pieces and compare).
//
// Per token and layer the top-k set comes from one of four rules, picked at random with the
// spec's probabilities (what is left goes to the last rule):
//   chain:    perm_l(set at layer l-1), a fixed permutation per layer (cross-layer structure
//             a speculation predictor can learn; at the first layer: a skewed draw);
//   stick:    the previous token's set at this layer (consecutive-token repetition; for a
//             sequence's first token: a skewed draw);
//   token:    the first choice is a function of (token id, layer) (same word, same expert);
//   skewed:   a fresh draw, expert (r + layer) % E with r from weights 1 / (1 + r)^skew
//             (uneven load with a different favourite per layer).
// Free slots of the set are filled with distinct skewed draws.
#include "core/trace/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::test {

struct SyntheticRouting {
    TraceDims dims = defaultDims();    // lookahead probes and logits when dims asks for them
    int sequences = 16;                // per block
    int minLength = 16, maxLength = 16; // tokens per sequence, drawn per sequence in [min, max]
    std::vector<std::string> sources{"wiki", "code", "math"}; // source of seqId = sources[id % n]
    int vocabulary = 32000;            // token ids in [0, vocabulary)
    // Token streams per source (e.g. the ids of a text): a sequence of source i reads stream i
    // from an offset of its own, wrapping around. Empty: random ids.
    std::vector<std::vector<int32_t>> tokenStreams;
    double chain = 0.0, stick = 0.0, token = 0.0; // rule probabilities (see above)
    double skew = 1.0;
    // Router weights: the first choice gets firstWeight + weightSpread * U(0, 1) (Mixtral-like
    // 0.5 .. 0.8 by default), the others share the rest equally.
    double firstWeight = 0.5, weightSpread = 0.3;
    double probeAccuracy = 0.8;        // chance a lookahead probe names the true expert
    uint64_t seed = 7;

    static TraceDims defaultDims(); // 4 layers, 8 experts, top-2, no probes, no logits
};

// Dims of Mixtral-8x7B routing (32 layers, 8 experts, top-2).
TraceDims mixtralDims(std::vector<int> lookahead = {}, bool logits = false);

// spec.sequences sequences with ids firstSeqId, firstSeqId + 1, ...
RoutingBlock syntheticBlock(const SyntheticRouting& spec, int64_t firstSeqId = 0);
// `blocks` blocks of spec.sequences sequences each, consecutive sequence ids from 0.
std::vector<RoutingBlock> syntheticBlocks(const SyntheticRouting& spec, int blocks);
// Sequences of `tokens` tokens in all (the last one cut short), ids from 0, for benchmarks
// that size their data in tokens: in blocks of whole sequences of at most maxBlockTokens
// tokens each (a longer sequence comes alone), or in one block.
std::vector<RoutingBlock> syntheticTokenBlocks(const SyntheticRouting& spec, int64_t tokens, int64_t maxBlockTokens);
RoutingBlock syntheticTokens(const SyntheticRouting& spec, int64_t tokens);

// Permutes every layer's rows (ids, weights, logits) across the tokens of the block, each
// layer independently: per-layer usage stays, every cross-layer and cross-token structure
// goes. Probes are left as they were.
void shuffleLayers(RoutingBlock& block, uint64_t seed);

} // namespace specmoe::test
