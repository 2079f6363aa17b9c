#pragma once
// The forward pass of every registered MoE family (core/model/family/) with routing
// capture (ATen, CPU or CUDA). Include only from torch code (.cpp files of collect,
// speculate, demo, tests). The class keeps its first family's name.
#include "core/model/config.h"
#include "core/model/memory.h"
#include "core/tensor/resolve_device.h"
#include "core/util/progress.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <vector>

namespace specmoe {

struct RuntimeOptions {
    DeviceSpec device;                // auto: the CUDA device with the most free memory,
                                      // else the CPU (resolveDevice)
    ComputeDType dtype = ComputeDType::Float32;
    Residency residency = Residency::Resident;
    std::vector<int> lookahead;       // probe distances d >= 1 (e.g. {1, 2}); empty = none
    bool loadLmHead = false;          // load lm_head / final norm so route() can give logits
    // bfloat16 / float16 only: keep the residual stream, the norms' output for the router and
    // the router itself in float32 (weights and matmuls stay in the compute dtype). Routing
    // then follows the float32 model closely; false reproduces transformers' pure-dtype path.
    bool float32Residual = true;
    int threads = 0;                  // CPU threads; 0 = auto (every core), < 0 = leave as
                                      // is. As intra-op threads, except on a CPU device when
                                      // OpenBLAS runs its own thread pool: then one, and
                                      // route() runs slices of the batch on that many threads
                                      // (every core for 0) with single-threaded GEMMs
    // Attention kernel: "auto" (fused scaled-dot-product kernels where libtorch has them
    // for the device, i.e. CUDA; chunked elsewhere), "chunked", "sdpa" (fused or its eager
    // reference). All give the same routing within rounding.
    std::string attention = "auto";
    // MoE kernel: "grouped" (tokens sorted per expert, one matmul pair per expert after a
    // host sync for the per-expert counts), "dense" (every expert on every token as batched
    // matmuls, unchosen ones weighted 0: no host sync and few launches, for tiny experts on
    // a GPU), "grouped_mm" (sorted like grouped, each matmul one grouped GEMM over all
    // experts with the group ends on the device: no host sync where libtorch >= 2.8 has the
    // fused kernel, compat::groupedMmNative(); else a per-expert loop), "auto" (the CPU:
    // grouped; CUDA: dense when an expert is small, see moeDenseWorthIt(), else grouped;
    // grouped_mm by name until a GPU measures it). All give the same routing within rounding.
    std::string moeKernel = "auto";
    // Streaming only: keep every layer in (pinned) host memory after loading and copy from
    // there per batch instead of reading the mapped files each time. -1 = auto (on for
    // CUDA devices when the host has the memory), 0 = off, 1 = on.
    int streamHostCache = -1;
    ProgressFn progress;              // loading progress (stage "load", unit "tensors")
};

// Default probe distances of the CLI and GUI.
inline std::vector<int> defaultLookahead() { return {1, 2}; }

struct RouteOptions {
    bool lmLogits = false;            // also compute lm_head logits (needs loadLmHead)
    bool lookahead = true;            // compute the probes set in RuntimeOptions::lookahead
    bool features = true;             // compute features when a projection is set
    bool routerInputs = false;        // also return every layer's router input (PCA samples)
};

// Routing of one batch; row r of the [B*T] axis is sequence r / T, position r % T. Pad
// positions are computed like real ones (their values mean nothing). L counts the MoE
// layers (config().moeLayers() gives their decoder indices); dense layers route nothing.
struct RoutingResult {
    at::Tensor routerLogits;  // [L, B*T, E] float32 CPU, raw gate outputs
    at::Tensor topkIds;       // [L, B*T, k] int64 CPU, descending probability
    at::Tensor topkWeights;   // [L, B*T, k] float32 CPU, renormalized over the k
    at::Tensor lookaheadIds;  // [L, D, B*T, k] int64 CPU; -1 where l+d >= L; undefined if D=0
    at::Tensor lmLogits;      // [B, T, V] float32 CPU when asked, else undefined
    // [L, B*T, F] float32 CPU: f_l = P_l (hr_l - mu_l) of every layer's router input hr_l,
    // when a feature projection is set (setFeatureProjection) and asked for, else undefined.
    at::Tensor features;
    at::Tensor routerInputs;  // [L, B*T, H] float32 CPU when asked, else undefined
};

class MixtralRuntime {
public:
    // Reads config.json, validates every weight file and tensor against the config, and
    // places the weights as `opts` asks. Throws specmoe::Error on any bad input: among
    // others a NaN or infinite weight (naming the tensor; streamed layers are scanned on
    // their first pass, their norms and every router at load) and tensors of layers beyond
    // num_hidden_layers.
    MixtralRuntime(const std::string& dir, RuntimeOptions opts = {});
    ~MixtralRuntime();
    MixtralRuntime(const MixtralRuntime&) = delete;
    MixtralRuntime& operator=(const MixtralRuntime&) = delete;

    const ModelConfig& config() const;
    const RuntimeOptions& options() const;
    c10::Device device() const;                // compute device of the first layer
    std::vector<c10::Device> layerDevices() const; // per layer (Split spreads them)
    std::string dtype() const;
    // Threads route() splits a batch over (1 = the whole batch on the calling thread).
    int routeThreads() const;
    // Problems of the checkpoint that did not stop loading (tensors of the weight files the
    // model does not use, listed by name), for the caller to show.
    const std::vector<std::string>& warnings() const;
    // The MoE kernel for later route() calls (RuntimeOptions::moeKernel's names; throws
    // specmoe::Error for others). Not while route() runs. Benchmarks alternate kernels with it.
    void setMoeKernel(const std::string& kernel);
    // The kernel the last MoE layer of the last route() ran: "grouped", "dense", "grouped_mm"
    // (libtorch's fused grouped GEMM), "grouped_mm_loop" (grouped_mm through the host-synced
    // loop: no fused kernel for that device, dtype or shape), or "" before any.
    std::string lastMoeKernel() const;

    // ids: [B, T] int64 (any device), right padded; mask: [B, T] (bool or integer, 1 =
    // real token). Throws specmoe::Error for ids outside the vocabulary or bad shapes.
    RoutingResult route(const at::Tensor& ids, const at::Tensor& mask,
                        const RouteOptions& ro = {});

    // Hidden-state features (core/trace/feature_basis.h): projection [L, F, H] and mean
    // [L, H] (float; L = MoE layers), copied to every layer's device as float32; route() then computes
    // f_l = P_l (hr_l - mu_l) from layer l's router input only. Undefined tensors clear it.
    // Throws specmoe::Error for shapes that do not fit the model. Not while route() runs.
    void setFeatureProjection(const at::Tensor& projection, const at::Tensor& mean);
    // MoE layer l's router weight [E, H] as a float32 CPU copy (l counts MoE layers only,
    // as the routing's layer axis does).
    at::Tensor routerWeight(int layer) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The "auto" MoE kernel's rule: dense when an expert matrix has at most 2^20 weights
// (launch-bound sizes) and the dense intermediate [E, tokens, 2I] stays under 1 GiB.
bool moeDenseWorthIt(const ModelConfig& c, int64_t tokens, int64_t dtypeBytes);

} // namespace specmoe
