#include "core/model/memory.h"

#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace specmoe {

std::string residencyName(Residency r)
{
    switch (r) {
    case Residency::Resident: return "resident";
    case Residency::Split: return "split";
    case Residency::Streaming: return "streaming";
    }
    return "?";
}

Residency parseResidency(const std::string& name)
{
    if (name == "resident") return Residency::Resident;
    if (name == "split") return Residency::Split;
    if (name == "streaming") return Residency::Streaming;
    throw Error("unknown residency mode '" + name + "' (resident, split, streaming)");
}

int64_t WeightBytes::layersTotal() const
{
    return std::accumulate(layers.begin(), layers.end(), int64_t(0));
}

int64_t WeightBytes::total() const
{
    return embedding + layersTotal() + finalNorm + lmHead;
}

WeightBytes weightBytes(const ModelConfig& c, ComputeDType dtype)
{
    const int64_t b = dtypeBytes(dtype);
    const int64_t H = c.hiddenSize;
    WeightBytes w;
    w.embedding = c.vocabSize * H * b;
    for (int64_t l = 0; l < c.numLayers; ++l)
        w.layers.push_back(layerParameterCount(c, l) * b);
    w.finalNorm = H * b;
    w.lmHead = c.tieWordEmbeddings ? 0 : c.vocabSize * H * b;
    return w;
}

int64_t weightBytesForMode(const ModelConfig& c, ComputeDType dtype, Residency mode, bool withLmHead)
{
    const WeightBytes w = weightBytes(c, dtype);
    const int64_t tail = withLmHead ? w.finalNorm + w.lmHead : 0;
    if (mode == Residency::Streaming) {
        // The double buffer holds the largest layer's weights (MoE and dense layers differ).
        const int64_t layer = w.layers.empty() ? 0 : *std::max_element(w.layers.begin(), w.layers.end());
        return w.embedding + tail + std::min<int64_t>(2, c.numLayers) * layer;
    }
    return w.embedding + w.layersTotal() + tail;
}

int64_t stagingBytesForMode(const ModelConfig& c, ComputeDType dtype, Residency mode)
{
    if (mode != Residency::Streaming)
        return 0;
    const WeightBytes w = weightBytes(c, dtype);
    return w.layers.empty() ? 0 : std::min<int64_t>(2, c.numLayers) * *std::max_element(w.layers.begin(), w.layers.end());
}

int64_t activationBytes(const ModelConfig& c, ComputeDType dtype, int64_t batch, int64_t seqLen,
                        int numLookahead, bool withLmLogits)
{
    const int64_t b = dtypeBytes(dtype);
    const int64_t N = batch * seqLen;
    const int64_t H = c.hiddenSize, E = c.numExperts, k = c.topk, I = c.intermediateSize;
    // Hidden states: residual, normed, attention output, q/k/v, MoE out (~8 x [N, H]).
    const int64_t qkv = (c.numHeads + c.numKvHeads) * c.qkHeadDim() + c.numKvHeads * c.valueHeadDim(); // = (nh + 2kv) D
    int64_t bytes = 8 * N * H * b + N * qkv * b * 2;
    // Attention scores of one query chunk (<= 128 queries) in float32 plus the compute dtype.
    const int64_t chunk = std::min<int64_t>(seqLen, 128);
    bytes += batch * c.numHeads * chunk * seqLen * (4 + b) * 2;
    // MoE: gathered rows, fused gate/up and the activation ([N*k, 2I] + [N*k, I] + [N*k, H]).
    bytes += N * k * (H + 3 * I + H) * b;
    // A shared expert or a dense layer's MLP runs on every token ([N, 2Is] + [N, Is] + [N, H]).
    const int64_t always = std::max(c.sharedExpertIntermediateSize, c.denseIntermediateSize);
    bytes += N * (3 * always + H) * b * (always > 0 ? 1 : 0);
    // Router logits and probabilities in float32; captured routing for all layers (CPU side).
    bytes += N * E * 4 * 3 + c.numLayers * N * (E * 4 + k * 12) + c.numLayers * numLookahead * N * k * 8;
    if (withLmLogits)
        bytes += N * c.vocabSize * (b + 4);
    return bytes + (int64_t(64) << 20); // allocator slack
}

int64_t maxBatchForMemory(const ModelConfig& c, ComputeDType dtype, int64_t seqLen, int64_t availableBytes,
                          int numLookahead, bool withLmLogits)
{
    int64_t lo = 0, hi = 1;
    while (hi < (int64_t(1) << 20) &&
           activationBytes(c, dtype, hi, seqLen, numLookahead, withLmLogits) <= availableBytes)
        hi *= 2;
    // lo fits (or is 0), hi does not.
    lo = hi / 2;
    if (lo == 0 && activationBytes(c, dtype, 1, seqLen, numLookahead, withLmLogits) > availableBytes)
        return 0;
    while (hi - lo > 1) {
        const int64_t mid = (lo + hi) / 2;
        if (activationBytes(c, dtype, mid, seqLen, numLookahead, withLmLogits) <= availableBytes)
            lo = mid;
        else
            hi = mid;
    }
    return std::max<int64_t>(lo, 0);
}

std::vector<int> planPlacement(const PlacementInput& in)
{
    const size_t L = in.layerBytes.size();
    const size_t G = in.freeBytes.size();
    if (G == 0)
        throw Error("split placement: no devices");
    std::vector<int64_t> usable(G);
    int64_t totalUsable = 0;
    for (size_t g = 0; g < G; ++g) {
        usable[g] = std::max<int64_t>(0, in.freeBytes[g] - in.reservePerDevice);
        totalUsable += usable[g];
    }
    const int64_t need = std::accumulate(in.layerBytes.begin(), in.layerBytes.end(), int64_t(0)) + in.firstBytes +
                         in.lastBytes;
    if (need > totalUsable)
        throw Error("split placement: the weights need " + std::to_string(need) + " bytes but the devices offer " +
                    std::to_string(totalUsable) + " after reserving " + std::to_string(in.reservePerDevice) +
                    " each");
    // Each device's target share of the total, proportional to usable bytes; fill devices in
    // order up to their target (never beyond what they hold), spilling onward.
    std::vector<int> plan(L, -1);
    std::vector<int64_t> used(G, 0);
    size_t g = 0;
    while (g < G && usable[g] == 0)
        ++g;
    used[g] += in.firstBytes;
    auto target = [&](size_t dev) {
        return static_cast<int64_t>(std::ceil(double(need) * double(usable[dev]) / double(totalUsable)));
    };
    for (size_t l = 0; l < L; ++l) {
        const int64_t b = in.layerBytes[l];
        const int64_t extra = (l + 1 == L) ? in.lastBytes : 0;
        // Move on when this device reached its share or cannot hold the layer.
        while (g < G && (used[g] + b + extra > usable[g] ||
                         (used[g] > 0 && used[g] + b / 2 > target(g) && g + 1 < G && usable[g + 1] > 0))) {
            size_t next = g + 1;
            while (next < G && usable[next] == 0)
                ++next;
            if (next >= G)
                break;
            g = next;
        }
        if (g >= G || used[g] + b + extra > usable[g])
            throw Error("split placement: layer " + std::to_string(l) + " (" + std::to_string(b) +
                        " bytes) fits on no remaining device");
        plan[l] = static_cast<int>(g);
        used[g] += b + extra;
    }
    return plan;
}

} // namespace specmoe
