#pragma once
// The automatic batch size of a collection, one rule for the collector and the GUI's
// proposal: by measured throughput, bounded by a share of the free memory. Filling the
// memory bought no speed on a CPU (the demo's 4 M-parameter model got 2,741 sequences and
// 18 GiB of activations proposed) while a CPU pass saturates at a few thousand tokens; a
// GPU keeps gaining up to far larger passes. Plain types only (the GUI includes this).
#include "core/model/compute_dtype.h"
#include "core/model/config.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe {

// Most sequences one automatic pass holds (a given --batch-size may go beyond).
constexpr int64_t kMaxAutoBatch = 256;
// Padded tokens per pass the unmeasured CPU proposal aims at (a CPU forward pass of the
// `small` preset and of the demo model gains under 5% beyond ~4k tokens; bench_collect).
constexpr int64_t kCpuPassTokens = 4096;
// A batch within this share of the best measured tokens/s counts as as fast.
constexpr double kAutoBatchTolerance = 0.05;

struct AutoBatchInput {
    MixtralConfig config;
    ComputeDType dtype = ComputeDType::Float32; // resolved
    bool cuda = false;
    int64_t seqLen = 0;          // the longest sequence of the corpus (a pass's padded length)
    int64_t sequences = 0;       // in the corpus (no batch beyond it)
    int64_t freeBytes = 0;       // free memory of the device after the weights
    double memoryFraction = 0.8; // share of it the activations may take
    int numLookahead = 0;
    int cores = 1;               // CPU: route() runs one slice of the batch per core, so a
                                 // smaller batch leaves cores idle (the probe starts here)
};

// One measured candidate.
struct BatchMeasure {
    double tokensPerSecond = 0;
    double seconds = 0;          // the measurement's own cost
    int64_t tokens = 0;          // tokens it routed (0: one pass, batch x seqLen)
};

struct AutoBatchChoice {
    int64_t batch = 1;           // sequences of seqLen per pass
    int64_t memoryCap = 0;       // largest batch whose activations fit the memory share
    bool measured = false;       // chosen by measurement (else the unmeasured proposal)
    std::vector<int64_t> candidates;    // measured batch sizes, in order
    std::vector<double> tokensPerSecond; // their throughput
    double probeSeconds = 0;
    std::string note;            // one line for logs: what was chosen and why
};

// Measures a batch of `batch` sequences of seqLen; an empty function means no measurement.
// The collector's takes the best of two passes (another process stealing the CPU only
// ever slows a pass down).
using BatchProbe = std::function<BatchMeasure(int64_t batch)>;

// The memory cap (throws specmoe::Error naming the device's free memory when not even one
// sequence fits), then, with a probe, batches 1 (on a CPU: the core count), 2x, 4x, ... up to the cap (and kMaxAutoBatch,
// and the corpus), stopping when two doublings in a row gained less than the tolerance or
// when the next one would take the probes beyond `probeBudgetSeconds` (it is taken to cost
// twice the last) or `probeBudgetTokens`; the choice is the smallest
// batch within kAutoBatchTolerance of the best. Without a probe: on a CPU the batch of
// kCpuPassTokens tokens (at least the core count), on CUDA the cap (GPUs gain up to large passes), both within the
// cap. `where` names the device in the error.
AutoBatchChoice chooseAutoBatch(const AutoBatchInput& in, const BatchProbe& probe = {},
                                double probeBudgetSeconds = 10, int64_t probeBudgetTokens = INT64_MAX,
                                const std::string& where = "the device");

// The smallest of `candidates` whose tokens/s is within `tolerance` of the best.
int64_t smallestNearBest(const std::vector<int64_t>& candidates, const std::vector<double>& tokensPerSecond,
                         double tolerance = kAutoBatchTolerance);

} // namespace specmoe
