#pragma once
// Internal to core/speculate (torch): one training micro-step's loss and gradients.
// On the CPU the token batch is cut into row shards that run forward and backward at once on
// the intra-op threads, one shard per thread with single-threaded kernels inside (data
// parallel inside the process). Why: the networks' GEMMs are small ([256, 96] x [96, 288]),
// so splitting each one over two threads bought nothing (108k samples/s with 2 threads vs
// 107k with one, Mixtral dims, 2-core machine), while whole shards per thread scale.
#include "core/speculate/predictor.h"
#include "core/tensor/torch_compat.h"

#include <torch/torch.h>

#include <memory>

namespace specmoe::speculate {

struct MicroStepLoss {
    double total = 0.0;
    double parts[4] = {0, 0, 0, 0}; // inter-layer, statistics, ensemble, hidden-state (0: absent)
    // Deferred (MicroStepSettings::deferRead): the values are on their way to the host and
    // total and parts are filled by settle(), which waits for them.
    std::shared_ptr<compat::DeferredRead> pending;
    void settle();
};

struct MicroStepSettings {
    torch::Device device{torch::kCPU};
    double samples = 1.0;  // valid samples of the whole batch: the loss is their mean
    int accumulate = 1;    // the gradients are divided by it
    int shards = 1;        // see microStepShards
    bool injectNan = false; // tests: the loss becomes NaN
    // The forward passes under bfloat16 autocast (TrainParams::mixedPrecision); the losses,
    // gradients and weights stay float32.
    bool mixedPrecision = false;
    // Do not wait for the loss on the host (a GPU would idle while the host reads it): the
    // step's gradients are computed whatever the loss, and the caller settles it later
    // (MicroStepLoss::settle) and stops the run then when it is not finite. One-shard steps
    // only (the CPU's shards read their losses anyway).
    bool deferRead = false;
};

// Row shards for a batch of n tokens on the CPU: one per thread (`threads`, or every core
// when 0, as collection and simulation count them), at least kMinShardTokens tokens each;
// 1 on other devices.
inline constexpr int64_t kMinShardTokens = 32;
int microStepShards(int64_t n, const torch::Device& device, int threads);

// The loss of the batch (mean over its valid samples, the four models' parts summed) and,
// when the total is finite, its gradients divided by `accumulate` added to the parameters'
// .grad. A non-finite loss leaves .grad as it was (unless deferRead: then the gradients are
// added whatever the loss, and the loss comes back pending). The shards' gradients are summed in shard
// order, so a run is repeatable for a given shard count.
MicroStepLoss lossAndGradients(Predictor& predictor, const TokenTable& batch, const MicroStepSettings& s);

} // namespace specmoe::speculate
