#pragma once
// Internal to core/model: MixtralRuntime's implementation, one seam per file:
//   runtime_load.cpp          checkpoint tensors checked and placed (residency)
//   runtime_streaming.cpp     streaming residency: double-buffered layer copies
//   runtime_attention.cpp     attention kernels (chunked, fused sdpa)
//   runtime_mla.cpp           multi-head latent attention: its weights and projections
//   runtime_router.cpp        the router function (scores, bias, group-limited top-k)
//   runtime_rope.cpp          rotary inverse frequencies (default, YaRN)
//   runtime_moe.cpp           MoE kernels (grouped, dense) and auto's choice
//   runtime_moe_grouped_mm.cpp  the grouped_mm MoE kernel (grouped GEMMs, no host sync)
//   runtime_route.cpp         the route loop over the layers
//   runtime_batch_slices.cpp  route(): a CPU batch in slices on threads of their own
// Include only from those files and runtime.cpp.
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/tensor/torch_compat.h"

#include <ATen/ATen.h>

#include <array>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace specmoe {
namespace runtime_detail {

// A decoder layer's weights, by slot, in the compute dtype. Experts fused: w13 [E, 2I, H]
// holds cat(gate, up) per expert, w2 [E, H, I]; q, k, v fused into qkv [(nh + 2 kv) D, H]
// (their biases likewise). The shared expert and a dense layer's MLP are fused the same
// way without the expert axis. A slot a layer does not have stays undefined. The router
// is not here: every router stays resident (gates). Multi-head latent attention has its
// own slots instead of Qkv: MlaA = cat(q_a_proj when q is low-rank, kv_a_proj_with_mqa),
// MlaQ = q_b_proj or q_proj, the two latent norms, and MlaKvB = kv_b_proj.
// gpt-oss adds OBias [H], Sinks [heads], and the experts' biases W13Bias [E, 2I] (gate
// then up, like W13) and W2Bias [E, H].
enum Slot : int { InNorm, PostNorm, Qkv, QkvBias, QNorm, KNorm, O, W13, W2, SharedW13, SharedW2, SharedGate,
                  DenseW13, DenseW2, MlaA, MlaQ, MlaQNorm, MlaKvNorm, MlaKvB, OBias, Sinks, W13Bias, W2Bias,
                  kSlots };

struct LayerWeights {
    std::array<at::Tensor, kSlots> t;
    at::Tensor& operator[](int s) { return t[size_t(s)]; }
    const at::Tensor& operator[](int s) const { return t[size_t(s)]; }
};

// Where one destination slice comes from.
struct Piece {
    std::string name;
    int64_t rowOffset = 0; // first row of the destination (dim 0 after the expert index)
    int expert = -1;       // >= 0: destination is w[expert]
    // Conversions of a whole fused tensor on its way in (gpt-oss): `mxfp4`: `name` is the
    // stem of NAME_blocks / NAME_scales (mxfp4.h), dequantized; `transposed`: the source's
    // last two axes swapped (input-major [E, in, out] -> [E, out, in]); `deinterleave`: axis
    // 1 of the result holds gate/up pairs (0::2, 1::2), reordered to gate then up.
    bool mxfp4 = false, transposed = false, deinterleave = false;
};

// The MoE kernels; GroupedMmLoop = grouped_mm served by groupedMm's host-synced loop.
enum class MoeKernel : int { Grouped, Dense, GroupedMm, GroupedMmLoop };

} // namespace runtime_detail

struct MixtralRuntime::Impl {
    using LayerWeights = runtime_detail::LayerWeights;
    using Piece = runtime_detail::Piece;

    std::string dir;
    RuntimeOptions opts;
    ModelConfig cfg;
    CheckpointFiles files;
    at::ScalarType dt = at::kFloat;
    std::vector<c10::Device> layerDev;
    c10::Device firstDev{c10::kCPU}, lastDev{c10::kCPU};

    // Per-layer recipes: slot -> pieces (empty: the layer has no such slot), and the router.
    struct Recipe {
        std::array<std::vector<Piece>, runtime_detail::kSlots> parts;
        std::vector<Piece> gate;
        std::vector<Piece> routerBias; // when cfg.routerBias
        std::vector<Piece> gateBias;   // when cfg.routerLinearBias
        bool moe = false;
    };
    std::vector<Recipe> recipes;
    std::vector<int> moeLayers;   // decoder index of every MoE layer (the routing's layer axis)

    at::Tensor embed, finalNorm, lmHead;
    std::vector<at::Tensor> gates;           // every MoE layer's router (by decoder layer), resident
    std::vector<at::Tensor> gateBias;        // its linear's bias (when cfg.routerLinearBias), with it
    std::vector<at::Tensor> routerBias;      // its score-correction bias, float32 (when cfg.routerBias)
    std::vector<at::Tensor> postNorm32;      // float32 post-attention norms (mixed mode, MoE layers)
    // Feature projection per layer on the layer's device (float32): P_l [F, H], mu_l [H].
    std::vector<at::Tensor> featureP, featureMu;
    bool mixed() const { return dt != at::kFloat && opts.float32Residual; }
    std::vector<LayerWeights> layers;        // Resident / Split
    // Streaming: device buffers and pinned host staging, double-buffered.
    LayerWeights devBuf[2], hostBuf[2];
    // Streaming with a host cache: every layer once in (pinned) host memory.
    std::vector<LayerWeights> hostCache;
    std::unique_ptr<compat::SideStream> side;
    int64_t splitParts = 1; // see route()
    std::vector<char> layerScanned; // per layer: its weights were checked for NaN / inf
    std::set<std::string> expectedNames; // every tensor expect() was asked about
    std::vector<std::string> warnings;   // checkpoint problems that do not stop loading

    Impl(const std::string& d, RuntimeOptions o) : dir(d), opts(std::move(o)), cfg(loadConfig(d)), files(d) {}

    // ---- loading and placing (runtime_load.cpp) -------------------------------------------
    std::vector<int64_t> shapeOf(int slot) const;
    std::vector<int64_t> gateShape() const { return {cfg.numExperts, cfg.hiddenSize}; }
    // anyFloat: any float dtype, whatever torch_dtype says (DeepSeek-V3 keeps its router
    // bias in float32 in a bfloat16 checkpoint).
    void expect(const std::string& name, const std::vector<int64_t>& shape, bool anyFloat = false);
    // An MXFP4 pair NAME_blocks [E, rows, cols / 32, 16] / NAME_scales [E, rows, cols / 32]
    // (uint8) for an output-major [E, rows, cols] matrix.
    void expectMxfp4(const std::string& name, int64_t experts, int64_t rows, int64_t cols);
    void buildInputMajorExperts(const std::string& prefix, Recipe& r); // gpt-oss's fused experts
    at::Tensor readPiece(const Piece& pc, bool scan);                  // a converted piece (Piece flags)
    void buildRecipes();
    void buildLayerRecipe(int64_t l, Recipe& r);
    void buildMlaRecipe(const std::string& prefix, Recipe& r); // runtime_mla.cpp
    void buildMoeRecipe(const std::string& prefix, Recipe& r);
    void buildAttentionRecipe(const std::string& prefix, Recipe& r);
    void checkUnexpected();
    void fill(at::Tensor& dst, const std::vector<Piece>& pieces, bool scan = true);
    at::Tensor loadCpu(const std::vector<Piece>& pieces, const std::vector<int64_t>& shape, bool pinned = false,
                       c10::optional<at::ScalarType> as = c10::nullopt);
    // Slots of layer l, or (l < 0) every slot any layer has (streaming's buffers).
    std::vector<int> slotsOf(int64_t l) const;
    LayerWeights allocLayer(c10::Device dev, bool pinned, int64_t l);
    void fillLayer(LayerWeights& w, size_t l);
    void hintLayer(size_t l);
    void progress(int64_t done, int64_t total);
    bool useHostCache(c10::Device dev) const;
    void place();

    // ---- forward pieces ---------------------------------------------------------------
    // CPU libtorch has no float16 GEMM and a slow, low-precision bfloat16 one: on the CPU,
    // matmuls of those dtypes run in float32 (weights and activations stay in the dtype).
    bool lowCpu(const at::Tensor& t) const
    {
        return (t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16) && t.is_cpu();
    }
    at::Tensor lin(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias = {}) const
    {
        if (!bias.defined()) {
            if (lowCpu(w))
                return at::linear(x.to(at::kFloat), w.to(at::kFloat)).to(w.scalar_type());
            return at::linear(x, w);
        }
        if (lowCpu(w))
            return at::linear(x.to(at::kFloat), w.to(at::kFloat), bias.to(at::kFloat)).to(w.scalar_type());
        return at::linear(x, w, bias);
    }
    at::Tensor mm(const at::Tensor& a, const at::Tensor& b) const
    {
        if (lowCpu(a))
            return at::matmul(a.to(at::kFloat), b.to(at::kFloat)).to(a.scalar_type());
        return at::matmul(a, b);
    }

    // ---- attention (runtime_attention.cpp) -----------------------------------------------
    static at::Tensor rotateHalf(const at::Tensor& v);
    bool useSdpa(const at::Tensor& x) const;
    // window: the layer's sliding window (0: none); sinks: its per-head sink logits or
    // undefined (runtime_attention.cpp).
    at::Tensor attentionSdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t B, int64_t T,
                             const at::Tensor& keyOk, bool rightPadded, at::Tensor& maskCache, double scale,
                             int64_t window, const at::Tensor& sinks) const;
    // Rotary positions applied; q [B, T, nh, Dqk], k [B, T, kv, Dqk], v [B, T, kv, Dv] ->
    // softmax(scale q k^T + mask) v projected by o_proj, [B*T, H].
    at::Tensor attend(at::Tensor q, at::Tensor k, at::Tensor v, const LayerWeights& w, int64_t B, int64_t T,
                      const at::Tensor& keyOk, bool rightPadded, at::Tensor& sdpaMask, double scale,
                      int64_t window = -1) const; // window < 0: cfg.slidingWindow
    at::Tensor attention(const at::Tensor& hN, const LayerWeights& w, int64_t B, int64_t T, const at::Tensor& cos,
                         const at::Tensor& sin, const at::Tensor& keyOk, bool rightPadded, at::Tensor& sdpaMask,
                         int64_t window) const;
    // Multi-head latent attention (runtime_mla.cpp); cos / sin [T, 1, qkRopeHeadDim].
    // softmax over [scores, the head's sink logit] without the sink column (chunked kernel):
    // scores [B * kv, C * r, S] float32, heads h = kv head * r + j.
    at::Tensor softmaxWithSinks(const at::Tensor& scores, const at::Tensor& sinks, int64_t B, int64_t kv, int64_t C,
                                int64_t r, bool low, at::ScalarType dtype) const;
    at::Tensor attentionMla(const at::Tensor& hN, const LayerWeights& w, int64_t B, int64_t T, const at::Tensor& cos,
                            const at::Tensor& sin, const at::Tensor& keyOk, bool rightPadded,
                            at::Tensor& sdpaMask) const;

    // ---- the router function (runtime_router.cpp) -----------------------------------------
    // Router logits [N, E] -> the chosen experts [N, k] int64 (descending choice score) and,
    // when asked, their weights [N, k] float32. bias: the layer's score-correction bias
    // (undefined when the family has none).
    at::Tensor selectExperts(const at::Tensor& logits, const at::Tensor& bias, at::Tensor* weights) const;

    // ---- MoE (runtime_moe.cpp) -----------------------------------------------------------
    using MoeKernel = runtime_detail::MoeKernel;
    MoeKernel moeKernelFor(const at::Tensor& x, const LayerWeights& w) const; // the option, or auto's choice
    mutable std::atomic<int> lastMoeKernel{-1};                                // the last layer's kernel
    at::Tensor moeDense(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx, const at::Tensor& wts) const;
    at::Tensor moe(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx, const at::Tensor& wts) const;
    // runtime_moe_grouped_mm.cpp: grouped GEMMs over every expert, group ends on the device.
    at::Tensor moeGroupedMm(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx,
                            const at::Tensor& wts) const;
    // ys [N*k, H]: expert outputs in the sorted order (`order`, token `tok` of each row), in
    // x's dtype -> sum over each token's experts weighted by wts [N, k], [N, H].
    at::Tensor combineExperts(const at::Tensor& x, at::Tensor ys, const at::Tensor& tok, const at::Tensor& order,
                              const at::Tensor& wts) const;
    // The experts' activation of a = [.., 2I] (gate then up): silu(gate) * up, or gpt-oss's
    // clamped SwiGLU (cfg.expertActivation). `low`: a float32 tensor holding values of
    // x's dtype; each step is rounded to that dtype, as transformers computes in it.
    at::Tensor expertAct(const at::Tensor& a, int64_t I, at::ScalarType dtype, bool low) const;
    // One always-on MLP (a shared expert or a dense layer): w2(silu(gate x) * up x).
    at::Tensor mlp(const at::Tensor& x, const at::Tensor& w13, const at::Tensor& w2) const;
    // The shared expert's contribution, sigmoid-gated where the family gates it.
    at::Tensor sharedExpert(const at::Tensor& x, const LayerWeights& w) const;

    // ---- the route loop (runtime_route.cpp) ----------------------------------------------
    at::Tensor checkInput(const at::Tensor& idsIn, const at::Tensor& maskIn, const RouteOptions& ro) const;
    at::Tensor rmsnorm(const at::Tensor& x, const at::Tensor& w, at::Tensor* router = nullptr,
                       const at::Tensor& w32 = {}) const;
    void rotaryTables(int64_t T, at::Tensor& cosOut, at::Tensor& sinOut) const;
    at::Tensor ropeInverseFrequencies() const; // [headDim / 2] float32 (default or YaRN)
    RoutingResult routeChecked(const at::Tensor& idsCpu, const at::Tensor& maskIn, const RouteOptions& ro);

    // ---- batch slices on threads (runtime_batch_slices.cpp) ------------------------------
    RoutingResult route(const at::Tensor& idsIn, const at::Tensor& maskIn, const RouteOptions& ro);

    // ---- streaming (runtime_streaming.cpp) -----------------------------------------------
    void prefetch(int64_t l);
    const LayerWeights& acquire(int64_t l, bool);
    void release(int64_t l);
};

} // namespace specmoe
