// `specmoe info --model DIR`: a checkpoint's architecture, size and memory needs.
#include "app/cli/command.h"
#include "core/model/config.h"
#include "core/model/memory.h"
#include "core/safetensors/safetensors.h"
#include "core/specmoe_core.h"
#include "core/util/error.h"

#include <cstdio>
#include <iostream>
#include <optional>

namespace specmoe::cli {
namespace {

std::string human(int64_t bytes)
{
    char buf[32];
    const double b = double(bytes);
    if (b >= 1024.0 * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    else
        std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
    return buf;
}

std::string numberText(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Heads and head widths; multi-head latent attention with its ranks.
std::string attentionText(const ModelConfig& c)
{
    const std::string heads = std::to_string(c.numHeads) + " heads, ";
    if (!c.mla())
        return heads + std::to_string(c.numKvHeads) + " kv heads, head_dim " + std::to_string(c.headDim);
    return heads + "latent (MLA): q_lora_rank " + (c.qLoraRank > 0 ? std::to_string(c.qLoraRank) : "none") +
           ", kv_lora_rank " + std::to_string(c.kvLoraRank) + ", q/k head " + std::to_string(c.qkNopeHeadDim) + "+" +
           std::to_string(c.qkRopeHeadDim) + " rotary, v head " + std::to_string(c.vHeadDim);
}

// ", sliding window W" (every layer) or ", sliding window W on n of L layers" (layer_types).
std::string windowText(const ModelConfig& c)
{
    if (c.slidingWindow <= 0)
        return "";
    std::string s = ", sliding window " + std::to_string(c.slidingWindow);
    if (c.layerTypes.empty())
        return s;
    int64_t n = 0;
    for (int64_t l = 0; l < c.numLayers; ++l)
        n += c.windowOf(l) > 0 ? 1 : 0;
    return s + " on " + std::to_string(n) + " of " + std::to_string(c.numLayers) + " layers";
}

// The attention's variant: ", q/k/v bias, q/k head norm", ... (empty for plain attention).
std::string attentionVariantText(const ModelConfig& c)
{
    std::string s = c.attentionBias ? (c.oProjBias ? ", q/k/v/o bias" : ", q/k/v bias") : "";
    if (c.attentionSinks)
        s += ", sinks";
    if (c.qkNorm == QkNorm::PerHead)
        s += ", q/k head norm";
    else if (c.qkNorm == QkNorm::Projection)
        s += ", q/k norm over the projection";
    if (c.clipQkv > 0) {
        char buf[48];
        std::snprintf(buf, sizeof buf, ", q/k/v clipped to +-%g", c.clipQkv);
        s += buf;
    }
    return s;
}

} // namespace

int printModelInfo(const std::string& dir, ComputeDType requested)
{
    // The estimates need a size: auto as a collection on this machine's first device would
    // resolve it (the GPU when there is one).
    const ComputeDType dtype = resolveComputeDType(requested, !buildInfo().cudaDevices.empty()).dtype;
    const MixtralConfig c = loadConfig(dir);
    // Weights are validated when there are some; config.json alone is enough for the figures.
    std::optional<CheckpointFiles> files;
    if (hasCheckpointFiles(dir))
        files.emplace(dir);
    std::cout << "\nmodel            " << dir << "\n"
              << "architecture     " << c.architecture << " (" << c.modelType << "), config " << configHash(c) << "\n"
              << "layers           " << c.numLayers << ", hidden " << c.hiddenSize << ", intermediate "
              << c.intermediateSize << ", vocab " << c.vocabSize << "\n"
              << "attention        " << attentionText(c) << attentionVariantText(c) << ", rope_theta " << c.ropeTheta
              << (c.ropeType != "default" ? ", " + c.ropeType + " x" + numberText(c.ropeFactor) : std::string())
              << windowText(c) << "\n"
              << "family           " << c.family << ", routing " << c.routing() << ", MoE layers "
              << c.moeLayerCount() << " of " << c.numLayers << "\n"
              << "experts          " << c.numExperts << ", top-" << c.topk
              << (c.hasSharedExpert() ? ", shared expert " + std::to_string(c.sharedExpertIntermediateSize) +
                                            (c.sharedExpertGate ? " (sigmoid-gated)" : "")
                                      : std::string())
              << (c.expertBias ? ", biased" : "")
              << (c.expertActivation == ModelConfig::ExpertActivation::ClampedSwiglu
                      ? ", clamped SwiGLU (limit " + numberText(c.swigluLimit) + ")"
                      : std::string())
              << (c.expertQuant.empty() ? std::string()
                                        : ", stored " + c.expertQuant + " (dequantized on load: the memory below "
                                                                        "counts them in the compute dtype)")
              << "\n"
              << "parameters       " << parameterCount(c) << " (" << parameterCount(c, false) << " without lm_head)\n"
              << "stored dtype     " << c.torchDtype << "\n"
              << "files            "
              << (files ? std::to_string(files->files().size()) + " safetensors, " + std::to_string(files->names().size()) +
                              " tensors, " + human(int64_t(files->bytesOnDisk())) + " on disk"
                        : std::string("none: config.json only (the figures below come from it)"))
              << "\n"
              << "memory for weights (routing only; +lm_head when logits are asked):\n";
    for (ComputeDType d : {ComputeDType::Float32, ComputeDType::BFloat16, ComputeDType::Float16}) {
        const std::string name = dtypeName(d);
        std::cout << "  " << name << (d == dtype ? " *" : "  ") << std::string(10 - name.size(), ' ');
        for (Residency r : {Residency::Resident, Residency::Split, Residency::Streaming}) {
            std::cout << residencyName(r) << " " << human(weightBytesForMode(c, d, r));
            if (r == Residency::Streaming) {
                // On CUDA streaming reads from a host copy of every layer when it fits
                // (RuntimeOptions::streamHostCache), else from two pinned staging layers.
                std::cout << " (+" << human(stagingBytesForMode(c, d, r)) << " pinned host, or "
                          << human(weightBytes(c, d).layersTotal()) << " with the host cache)";
            }
            std::cout << (r == Residency::Streaming ? "\n" : ", ");
        }
    }
    std::cout << "activations      " << dtypeName(dtype) << ", batch 8 x 512: " << human(activationBytes(c, dtype, 8, 512, 2))
              << "\n";
    return kOk;
}

} // namespace specmoe::cli
