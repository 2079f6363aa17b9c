// MixtralRuntime, streaming residency: double-buffered layer copies.
#include "core/model/runtime_impl.h"

#include "core/tensor/torch_compat.h"

#include <ATen/ATen.h>

namespace specmoe {

using namespace runtime_detail;

// ---- streaming -----------------------------------------------------------------------
// Layer l uses buffer l % 2. On CUDA the host fills a pinned buffer and the side stream
// copies it after the compute queued so far; layer l+1's copy overlaps layer l's compute.
void MixtralRuntime::Impl::prefetch(int64_t l)
{
    if (l >= cfg.numLayers)
        return;
    const size_t ul = static_cast<size_t>(l);
    const int b = static_cast<int>(l % 2);
    if (!hostCache.empty()) {
        // Copies from the host cache: on CUDA they run on the side stream after the
        // compute queued so far (pinned memory, so truly asynchronous).
        for (int s : slotsOf(l))
            side->copyAfterCurrent(devBuf[b][s], hostCache[ul][s]);
        side->endGroup();
        return;
    }
    if (!devBuf[b][InNorm].is_cuda()) {
        fillLayer(devBuf[b], ul);
        if (l + 1 < cfg.numLayers)
            hintLayer(ul + 1);
        return;
    }
    // The pinned buffer b was last read by the copy of layer l-2: wait for it.
    side->hostWaitsForAll();
    fillLayer(hostBuf[b], ul);
    for (int s : slotsOf(l))
        side->copyAfterCurrent(devBuf[b][s], hostBuf[b][s]);
    side->endGroup();
    if (l + 1 < cfg.numLayers)
        hintLayer(ul + 1);
}

const LayerWeights& MixtralRuntime::Impl::acquire(int64_t l, bool)
{
    const int b = static_cast<int>(l % 2);
    side->currentWaitsForLatest();
    // Queue the next layer now: on CUDA its copy runs while this layer computes (the
    // copy waits for the compute queued before it, which used buffer (l+1) % 2).
    if (devBuf[b][InNorm].is_cuda())
        prefetch(l + 1);
    return devBuf[b];
}

void MixtralRuntime::Impl::release(int64_t l)
{
    if (!devBuf[0][InNorm].is_cuda())
        prefetch(l + 1);
}

} // namespace specmoe
