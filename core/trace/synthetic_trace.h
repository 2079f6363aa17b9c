#pragma once
// Synthetic routing with the structure predictors exploit in real MoE models, for tests,
// benchmarks and users without a model to collect from (`specmoe traces synth`): the one
// generator of synthetic routing in the project. Deterministic: a sequence's tokens and
// routing depend only on (spec, seqId), so blocks of consecutive sequences concatenate to
// the block of all of them.
//
// Per token and layer the top-k set comes from one of four rules, picked at random with the
// spec's probabilities (chain, stick, token; what is left is noise):
//   chain:  perm_l(set at layer l-1), a fixed permutation per layer (layer-to-layer
//           dependence; at the first layer: a skewed draw);
//   stick:  the previous token's set at this layer (token-to-token dependence; for a
//           sequence's first token: a skewed draw);
//   token:  the first choice is a function of (token id, layer) (same word, same expert);
//   noise:  a fresh draw, expert (r + layer) % E with rank r drawn with weights
//           1 / (1 + r)^skew (skewed popularity with a different favourite per layer).
// With `slotwise` each of the k slots picks its rule on its own (slot j follows slot j of
// the layer above, of the previous token, or hash(token, layer, j)), so top-8 sets overlap
// partly as in real routing; otherwise the rule makes the whole set. Free slots and
// duplicates are filled with distinct skewed draws, so `noise` is the share of slots with
// no structure (plus the few duplicates).
#include "core/trace/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

struct SyntheticRouting {
    TraceDims dims = defaultDims();    // probes, logits, weights when dims asks for them
    int sequences = 16;                // per block (syntheticBlock)
    int minLength = 16, maxLength = 16; // tokens per sequence, drawn per sequence in [min, max]
    // The last `generatedTokens` tokens of each sequence are marked as decoded (phase), and
    // such sequences get a request id "req-<seqId>"; 0 = all prompt.
    int generatedTokens = 0;
    std::vector<std::string> sources{"wiki", "code", "math"}; // source of seqId = sources[id % n]
    int vocabulary = 32000;            // token ids in [0, vocabulary)
    // Token streams per source (e.g. the ids of a text): a sequence of source i reads stream i
    // from an offset of its own, wrapping around. Empty: random ids.
    std::vector<std::vector<int32_t>> tokenStreams;
    double chain = 0.0, stick = 0.0, token = 0.0; // rule probabilities (see above)
    bool slotwise = false;
    double skew = 1.0;
    // Router weights: the first choice gets firstWeight + weightSpread * U(0, 1) (Mixtral-like
    // 0.5 .. 0.8 by default), the others share the rest equally.
    double firstWeight = 0.5, weightSpread = 0.3;
    double probeAccuracy = 0.8;        // chance a lookahead probe names the true expert
    uint64_t seed = 7;

    static TraceDims defaultDims(); // 4 layers, 8 experts, top-2, no probes, no logits
    // The share of token-layers (slots with `slotwise`) routed by no rule.
    double noise() const { return 1.0 - chain - stick - token; }
};

// A model whose routing a preset imitates: its dims and what the manifest says about it.
struct SyntheticPreset {
    std::string name;        // "qwen3-30b-a3b"
    std::string family;      // "qwen3_moe"
    std::string modelName;   // "Qwen/Qwen3-30B-A3B"
    std::string routing;     // "softmax_topk"
    TraceDims dims;
};

// mixtral-8x7b, mixtral-8x22b, qwen3-30b-a3b, deepseek-v3, olmoe, gpt-oss-120b.
const std::vector<SyntheticPreset>& syntheticPresets();
// Throws specmoe::Error naming the known presets.
const SyntheticPreset& syntheticPreset(const std::string& name);
// Routing at the preset's dims with real-model-like structure (slotwise; chain 0.45, stick
// 0.2, token 0.15, noise 0.2 unless `noise` says otherwise: the rules keep their ratios),
// 512-token sequences, router weights when `weights`, no probes.
SyntheticRouting presetRouting(const SyntheticPreset& preset, bool weights = true, double noise = 0.2);

// Dims of Mixtral-8x7B routing (32 layers, 8 experts, top-2).
TraceDims mixtralDims(std::vector<int> lookahead = {}, bool logits = false);

// spec.sequences sequences with ids firstSeqId, firstSeqId + 1, ...
RoutingBlock syntheticBlock(const SyntheticRouting& spec, int64_t firstSeqId = 0);
// `blocks` blocks of spec.sequences sequences each, consecutive sequence ids from 0.
std::vector<RoutingBlock> syntheticBlocks(const SyntheticRouting& spec, int blocks);
// Sequences of `tokens` tokens in all (the last one cut short), ids from 0, in blocks of
// whole sequences of at most maxBlockTokens tokens each (a longer sequence comes alone),
// handed to `visit` one by one (memory: one block); false from visit stops.
void syntheticStream(const SyntheticRouting& spec, int64_t tokens, int64_t maxBlockTokens,
                     const BlockVisitor& visit);
// The same blocks, collected; or all in one block.
std::vector<RoutingBlock> syntheticTokenBlocks(const SyntheticRouting& spec, int64_t tokens, int64_t maxBlockTokens);
RoutingBlock syntheticTokens(const SyntheticRouting& spec, int64_t tokens);

// Permutes every layer's rows (ids, weights, logits) across the tokens of the block, each
// layer independently: per-layer usage stays, every cross-layer and cross-token structure
// goes. Probes are left as they were.
void shuffleLayers(RoutingBlock& block, uint64_t seed);

} // namespace specmoe
