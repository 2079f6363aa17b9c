#pragma once
// Residency modes, memory estimates and the layer placement plan. Plain types only: the
// collector and the GUI size batches with these before any weights are loaded.
#include "core/model/compute_dtype.h"
#include "core/model/config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

// Resident: all weights on one device. Split: layers spread over several GPUs in
// proportion to free memory (like device_map="auto"). Streaming: one layer's weights at a
// time copied from the mapped files (double-buffered). All give the same numbers.
enum class Residency { Resident, Split, Streaming };

std::string residencyName(Residency r);              // "resident", "split", "streaming"
Residency parseResidency(const std::string& name);   // throws specmoe::Error

// Weight bytes in a compute dtype, by part.
struct WeightBytes {
    int64_t embedding = 0;            // embed_tokens
    std::vector<int64_t> layers;      // one entry per decoder layer
    int64_t finalNorm = 0;
    int64_t lmHead = 0;               // 0 when tied
    int64_t total() const;
    int64_t layersTotal() const;      // every decoder layer (streaming's host cache holds this)
};
WeightBytes weightBytes(const ModelConfig& c, ComputeDType dtype);

// Device bytes the weights need in a mode (sum over devices for Split). Streaming holds
// embedding + final norm (+ lm_head when withLmHead) plus two layers (double buffer).
int64_t weightBytesForMode(const ModelConfig& c, ComputeDType dtype, Residency mode,
                           bool withLmHead = false);
// Pinned host staging bytes streaming uses on CUDA (two layers); 0 for other modes.
int64_t stagingBytesForMode(const ModelConfig& c, ComputeDType dtype, Residency mode);

// Peak activation bytes of one route() call for a batch B x T (hidden states, attention
// scores of one query chunk, MoE buffers, captured routing; lm logits when asked).
int64_t activationBytes(const ModelConfig& c, ComputeDType dtype, int64_t batch,
                        int64_t seqLen, int numLookahead = 0, bool withLmLogits = false);

// Largest batch B (>= 0) whose activations fit in `availableBytes` at length T.
int64_t maxBatchForMemory(const ModelConfig& c, ComputeDType dtype, int64_t seqLen,
                          int64_t availableBytes, int numLookahead = 0, bool withLmLogits = false);

// The placement plan of Split mode, a pure function: layers in order, contiguous runs per
// device, each device's share of the layers proportional to its usable bytes
// (free - reserve). `firstBytes` (embedding) goes with the first device used and
// `lastBytes` (final norm, lm_head) with the last. Returns the device index (into
// `freeBytes`) of every layer. Throws specmoe::Error when the total does not fit.
struct PlacementInput {
    std::vector<int64_t> layerBytes;
    std::vector<int64_t> freeBytes;   // per device
    int64_t reservePerDevice = 0;     // activations, CUDA context
    int64_t firstBytes = 0;
    int64_t lastBytes = 0;
};
std::vector<int> planPlacement(const PlacementInput& in);

} // namespace specmoe
