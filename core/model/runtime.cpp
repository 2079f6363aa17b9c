#include "core/model/runtime.h"

#include "core/model/safetensors.h"
#include "core/tensor/torch_compat.h"
#include "core/util/blas_threads.h"
#include "core/util/error.h"
#include "core/util/malloc_tuning.h"
#include "core/util/sysmem.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <thread>

namespace specmoe {
namespace {

std::string shapeText(const std::vector<int64_t>& s)
{
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i)
        t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

at::ScalarType scalarOf(StDType t)
{
    switch (t) {
    case StDType::F32: return at::kFloat;
    case StDType::F16: return at::kHalf;
    case StDType::BF16: return at::kBFloat16;
    default: return at::kFloat;
    }
}

at::ScalarType computeScalar(const std::string& dtype)
{
    if (dtype == "float32") return at::kFloat;
    if (dtype == "bfloat16") return at::kBFloat16;
    if (dtype == "float16") return at::kHalf;
    throw Error("unknown compute dtype \"" + dtype + "\" (float32, bfloat16, float16)");
}

// Weights of one decoder layer in the compute dtype. Experts fused: w13 [E, 2I, H] holds
// cat(w1, w3) per expert, w2 [E, H, I]; q, k, v fused into qkv [(nh + 2 kv) D, H].
struct LayerWeights {
    at::Tensor inNorm, postNorm, qkv, o, gate, w13, w2;
    std::vector<at::Tensor*> all() { return {&inNorm, &postNorm, &qkv, &o, &gate, &w13, &w2}; }
};

// Where one destination slice comes from.
struct Piece {
    std::string name;
    int64_t rowOffset = 0; // first row of the destination (dim 0 after the expert index)
    int expert = -1;       // >= 0: destination is w[expert]
};

} // namespace

// ---------------------------------------------------------------------------------------
bool moeDenseWorthIt(const MixtralConfig& c, int64_t tokens, int64_t dtypeBytes)
{
    const int64_t perExpert = c.hiddenSize * c.intermediateSize;
    const int64_t denseBytes = c.numExperts * tokens * 2 * c.intermediateSize * dtypeBytes;
    return perExpert <= (int64_t(1) << 20) && denseBytes <= (int64_t(1) << 30);
}

c10::Device resolveDevice(const std::string& name)
{
    if (name == "cpu")
        return c10::Device(c10::kCPU);
    const int n = compat::cudaDeviceCount();
    if (name == "auto") {
        int best = -1;
        int64_t bestFree = -1;
        for (int i = 0; i < n; ++i) {
            const int64_t f = compat::cudaMemInfo(i).first;
            if (f > bestFree) {
                bestFree = f;
                best = i;
            }
        }
        return best >= 0 ? c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(best)) : c10::Device(c10::kCPU);
    }
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        int idx = 0;
        if (name.size() > 5) {
            try {
                size_t used = 0;
                idx = std::stoi(name.substr(5), &used);
                if (used != name.size() - 5)
                    throw std::invalid_argument(name);
            } catch (const std::exception&) {
                throw Error("device \"" + name + "\": bad CUDA device index");
            }
        }
        if (n == 0)
            throw Error("device \"" + name + "\": CUDA is not available in this build or machine");
        if (idx < 0 || idx >= n)
            throw Error("device \"" + name + "\": only " + std::to_string(n) + " CUDA device(s) present");
        return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(idx));
    }
    throw Error("unknown device \"" + name + "\" (cpu, cuda, cuda:N, auto)");
}

struct MixtralRuntime::Impl {
    std::string dir;
    RuntimeOptions opts;
    MixtralConfig cfg;
    CheckpointFiles files;
    at::ScalarType dt = at::kFloat;
    std::vector<c10::Device> layerDev;
    c10::Device firstDev{c10::kCPU}, lastDev{c10::kCPU};

    // Per-layer recipes: destination tensor -> pieces.
    struct Recipe {
        std::vector<Piece> inNorm, postNorm, qkv, o, gate, w13, w2;
    };
    std::vector<Recipe> recipes;

    at::Tensor embed, finalNorm, lmHead;
    std::vector<at::Tensor> gates;           // every layer's router, always resident
    std::vector<at::Tensor> postNorm32;      // float32 post-attention norms (mixed mode)
    bool mixed() const { return dt != at::kFloat && opts.float32Residual; }
    std::vector<LayerWeights> layers;        // Resident / Split
    // Streaming: device buffers and pinned host staging, double-buffered.
    LayerWeights devBuf[2], hostBuf[2];
    // Streaming with a host cache: every layer once in (pinned) host memory.
    std::vector<LayerWeights> hostCache;
    std::unique_ptr<compat::SideStream> side;
    int64_t splitParts = 1; // see route()

    Impl(const std::string& d, RuntimeOptions o) : dir(d), opts(std::move(o)), cfg(loadConfig(d)), files(d) {}

    std::vector<int64_t> shapeOf(const std::string& which) const
    {
        const int64_t H = cfg.hiddenSize, D = cfg.headDim, E = cfg.numExperts, I = cfg.intermediateSize;
        if (which == "norm") return {H};
        if (which == "qkv") return {(cfg.numHeads + 2 * cfg.numKvHeads) * D, H};
        if (which == "o") return {H, cfg.numHeads * D};
        if (which == "gate") return {E, H};
        if (which == "w13") return {E, 2 * I, H};
        if (which == "w2") return {E, H, I};
        return {};
    }

    // Checks a tensor's presence, dtype and shape against the config.
    void expect(const std::string& name, const std::vector<int64_t>& shape)
    {
        const auto ref = files.get(name);
        const auto& e = *ref.entry;
        const std::string where = ref.file->path() + ": tensor \"" + name + "\"";
        if (e.dtype != StDType::F32 && e.dtype != StDType::F16 && e.dtype != StDType::BF16)
            throw Error(where + ": dtype " + stDTypeName(e.dtype) + " is not a float type (F32, F16, BF16)");
        const std::string cd = cfg.torchDtype;
        const StDType want = cd == "float32" ? StDType::F32 : cd == "bfloat16" ? StDType::BF16
                                                           : cd == "float16"    ? StDType::F16
                                                                                : e.dtype;
        if (e.dtype != want)
            throw Error(where + ": dtype " + stDTypeName(e.dtype) + " contradicts config.json torch_dtype \"" + cd + "\"");
        if (e.shape != shape)
            throw Error(where + ": shape " + shapeText(e.shape) + " but config.json implies " + shapeText(shape));
    }

    void buildRecipes()
    {
        const int64_t H = cfg.hiddenSize, D = cfg.headDim, I = cfg.intermediateSize;
        const int64_t nq = cfg.numHeads * D, nkv = cfg.numKvHeads * D;
        recipes.resize(static_cast<size_t>(cfg.numLayers));
        for (int64_t l = 0; l < cfg.numLayers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            Recipe& r = recipes[static_cast<size_t>(l)];
            r.inNorm = {{p + "input_layernorm.weight"}};
            r.postNorm = {{p + "post_attention_layernorm.weight"}};
            r.qkv = {{p + "self_attn.q_proj.weight", 0}, {p + "self_attn.k_proj.weight", nq},
                     {p + "self_attn.v_proj.weight", nq + nkv}};
            r.o = {{p + "self_attn.o_proj.weight"}};
            expect(p + "input_layernorm.weight", {H});
            expect(p + "post_attention_layernorm.weight", {H});
            expect(p + "self_attn.q_proj.weight", {nq, H});
            expect(p + "self_attn.k_proj.weight", {nkv, H});
            expect(p + "self_attn.v_proj.weight", {nkv, H});
            expect(p + "self_attn.o_proj.weight", {H, nq});
            if (files.has(p + "mlp.experts.gate_up_proj") || files.has(p + "mlp.gate.weight")) {
                // transformers 5 fused layout.
                r.gate = {{p + "mlp.gate.weight"}};
                r.w13 = {{p + "mlp.experts.gate_up_proj"}};
                r.w2 = {{p + "mlp.experts.down_proj"}};
                expect(p + "mlp.gate.weight", shapeOf("gate"));
                expect(p + "mlp.experts.gate_up_proj", shapeOf("w13"));
                expect(p + "mlp.experts.down_proj", shapeOf("w2"));
            } else {
                r.gate = {{p + "block_sparse_moe.gate.weight"}};
                expect(p + "block_sparse_moe.gate.weight", shapeOf("gate"));
                for (int e = 0; e < cfg.numExperts; ++e) {
                    const std::string x = p + "block_sparse_moe.experts." + std::to_string(e) + ".";
                    r.w13.push_back({x + "w1.weight", 0, e});
                    r.w13.push_back({x + "w3.weight", I, e});
                    r.w2.push_back({x + "w2.weight", 0, e});
                    expect(x + "w1.weight", {I, H});
                    expect(x + "w3.weight", {I, H});
                    expect(x + "w2.weight", {H, I});
                }
            }
        }
        expect("model.embed_tokens.weight", {cfg.vocabSize, H});
        expect("model.norm.weight", {H});
        if (!cfg.tieWordEmbeddings && files.has("lm_head.weight"))
            expect("lm_head.weight", {cfg.vocabSize, H});
        if (opts.loadLmHead && !cfg.tieWordEmbeddings && !files.has("lm_head.weight"))
            throw Error(dir + ": tensor \"lm_head.weight\" is missing (needed for LM logits)");
    }

    // Copies the pieces' bytes into dst (a CPU tensor of the compute dtype), converting.
    void fill(at::Tensor& dst, const std::vector<Piece>& pieces)
    {
        for (const auto& pc : pieces) {
            const auto ref = files.get(pc.name);
            const auto& e = *ref.entry;
            at::Tensor target = pc.expert >= 0 ? dst.select(0, pc.expert) : dst;
            target = target.narrow(0, pc.rowOffset, e.shape[0]);
            const at::ScalarType src = scalarOf(e.dtype);
            const auto& mapped = ref.file->file();
            const uint64_t offset = ref.file->dataStart() + e.begin;
            if (src == target.scalar_type() && target.is_contiguous()) {
                mapped.readInto(target.data_ptr(), offset, e.bytes());
            } else {
                at::Tensor tmp = at::empty(e.shape, at::TensorOptions().dtype(src));
                mapped.readInto(tmp.data_ptr(), offset, e.bytes());
                target.copy_(tmp);
            }
            // Read with pread(), not through the mapping: the file's pages never enter this
            // process's resident set (streaming under a memory cap; no double count when
            // resident), and no page of the mapping faults.
        }
    }

    at::Tensor loadCpu(const std::vector<Piece>& pieces, const std::vector<int64_t>& shape, bool pinned = false,
                       c10::optional<at::ScalarType> as = c10::nullopt)
    {
        const at::ScalarType t0 = as ? *as : dt;
        at::Tensor t = pinned ? compat::emptyPinned(shape, t0) : at::empty(shape, at::TensorOptions().dtype(t0));
        fill(t, pieces);
        return t;
    }

    LayerWeights allocLayer(c10::Device dev, bool pinned)
    {
        LayerWeights w;
        auto mk = [&](const std::vector<int64_t>& s) {
            return pinned ? compat::emptyPinned(s, dt) : at::empty(s, at::TensorOptions().dtype(dt).device(dev));
        };
        w.inNorm = mk(shapeOf("norm"));
        w.postNorm = mk(shapeOf("norm"));
        w.qkv = mk(shapeOf("qkv"));
        w.o = mk(shapeOf("o"));
        w.gate = mk(shapeOf("gate"));
        w.w13 = mk(shapeOf("w13"));
        w.w2 = mk(shapeOf("w2"));
        return w;
    }

    void fillLayer(LayerWeights& w, size_t l)
    {
        const Recipe& r = recipes[l];
        fill(w.inNorm, r.inNorm);
        fill(w.postNorm, r.postNorm);
        fill(w.qkv, r.qkv);
        fill(w.o, r.o);
        fill(w.gate, r.gate);
        fill(w.w13, r.w13);
        fill(w.w2, r.w2);
    }

    void hintLayer(size_t l)
    {
        const Recipe& r = recipes[l];
        for (const auto* list : {&r.qkv, &r.o, &r.w13, &r.w2})
            for (const auto& pc : *list) {
                const auto ref = files.get(pc.name);
                ref.file->file().willNeed(ref.file->dataStart() + ref.entry->begin, ref.entry->bytes());
            }
    }

    void progress(int64_t done, int64_t total)
    {
        Progress p;
        p.stage = "load";
        p.unit = "layers";
        p.done = done;
        p.total = total;
        reportProgress(opts.progress, p);
    }

    // Streaming's host cache: asked for, or (auto) on CUDA when the layers fit in the
    // host's available memory with 8 GiB and a quarter of it to spare.
    bool useHostCache(c10::Device dev) const
    {
        if (opts.streamHostCache >= 0)
            return opts.streamHostCache > 0;
        if (!dev.is_cuda())
            return false;
        const int64_t need = weightBytes(cfg, opts.dtype).layersTotal();
        const int64_t avail = systemMemory().availableBytes;
        return need + (int64_t(8) << 30) <= avail - avail / 4;
    }

    void place()
    {
        const size_t L = static_cast<size_t>(cfg.numLayers);
        const c10::Device dev = resolveDevice(opts.device);
        layerDev.assign(L, dev);
        if (opts.residency == Residency::Split && dev.is_cuda()) {
            const int n = compat::cudaDeviceCount();
            PlacementInput in;
            const WeightBytes wb = weightBytes(cfg, opts.dtype);
            in.layerBytes = wb.layers;
            in.firstBytes = wb.embedding;
            in.lastBytes = opts.loadLmHead ? wb.finalNorm + wb.lmHead : 0;
            in.reservePerDevice = int64_t(1) << 30;
            for (int i = 0; i < n; ++i)
                in.freeBytes.push_back(compat::cudaMemInfo(i).first);
            const auto plan = planPlacement(in);
            for (size_t l = 0; l < L; ++l)
                layerDev[l] = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(plan[l]));
        }
        firstDev = L ? layerDev.front() : dev;
        lastDev = L ? layerDev.back() : dev;

        embed = loadCpu({{"model.embed_tokens.weight"}}, {cfg.vocabSize, cfg.hiddenSize}).to(firstDev);
        if (opts.loadLmHead) {
            finalNorm = loadCpu({{"model.norm.weight"}}, shapeOf("norm")).to(lastDev);
            lmHead = cfg.tieWordEmbeddings
                         ? embed.to(lastDev)
                         : loadCpu({{"lm_head.weight"}}, {cfg.vocabSize, cfg.hiddenSize}).to(lastDev);
        }
        gates.resize(L);
        postNorm32.resize(L);
        for (size_t l = 0; l < L; ++l) {
            if (mixed()) {
                gates[l] = loadCpu(recipes[l].gate, shapeOf("gate"), false, at::kFloat).to(layerDev[l]);
                postNorm32[l] = loadCpu(recipes[l].postNorm, shapeOf("norm"), false, at::kFloat).to(layerDev[l]);
            } else {
                gates[l] = loadCpu(recipes[l].gate, shapeOf("gate")).to(layerDev[l]);
            }
        }

        if (opts.residency == Residency::Streaming) {
            const bool cache = useHostCache(dev);
            for (int i = 0; i < 2; ++i) {
                devBuf[i] = allocLayer(dev, false);
                if (dev.is_cuda() && !cache)
                    hostBuf[i] = allocLayer(c10::Device(c10::kCPU), true);
            }
            if (cache) {
                hostCache.resize(L);
                for (size_t l = 0; l < L; ++l) {
                    hostCache[l] = allocLayer(c10::Device(c10::kCPU), dev.is_cuda());
                    fillLayer(hostCache[l], l);
                    progress(int64_t(l + 1), int64_t(L));
                }
            }
            side = std::make_unique<compat::SideStream>(dev);
            progress(int64_t(L), int64_t(L));
            return;
        }
        layers.resize(L);
        for (size_t l = 0; l < L; ++l) {
            LayerWeights cpu = allocLayer(c10::Device(c10::kCPU), false);
            fillLayer(cpu, l);
            if (layerDev[l].is_cpu()) {
                layers[l] = cpu;
            } else {
                for (size_t i = 0; i < cpu.all().size(); ++i)
                    *layers[l].all()[i] = cpu.all()[i]->to(layerDev[l]);
            }
            progress(int64_t(l + 1), int64_t(L));
        }
    }

    // ---- forward pieces ---------------------------------------------------------------
    // CPU libtorch has no float16 GEMM and a slow, low-precision bfloat16 one: on the CPU,
    // matmuls of those dtypes run in float32 (weights and activations stay in the dtype).
    bool lowCpu(const at::Tensor& t) const
    {
        return (t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16) && t.is_cpu();
    }
    at::Tensor lin(const at::Tensor& x, const at::Tensor& w) const
    {
        if (lowCpu(w))
            return at::linear(x.to(at::kFloat), w.to(at::kFloat)).to(w.scalar_type());
        return at::linear(x, w);
    }
    at::Tensor mm(const at::Tensor& a, const at::Tensor& b) const
    {
        if (lowCpu(a))
            return at::matmul(a.to(at::kFloat), b.to(at::kFloat)).to(a.scalar_type());
        return at::matmul(a, b);
    }

    // HF: weight * (x32 * rsqrt(mean(x32^2) + eps)).to(dtype). Returns the compute dtype;
    // *router (when given) gets the float32 version for the router.
    at::Tensor rmsnorm(const at::Tensor& x, const at::Tensor& w, at::Tensor* router = nullptr,
                       const at::Tensor& w32 = {}) const
    {
        if (x.scalar_type() == at::kFloat && dt == at::kFloat) {
            at::Tensor r = at::rsqrt(x.pow(2).mean(-1, true).add_(cfg.rmsNormEps));
            at::Tensor out = (x * r).mul_(w);
            if (router)
                *router = out;
            return out;
        }
        at::Tensor x32 = x.to(at::kFloat);
        at::Tensor n32 = x32 * at::rsqrt(x32.pow(2).mean(-1, true).add_(cfg.rmsNormEps));
        if (router)
            *router = opts.float32Residual ? n32 * w32 : w * n32.to(dt);
        return w * n32.to(dt);
    }

    static at::Tensor rotateHalf(const at::Tensor& v)
    {
        const int64_t h = v.size(-1) / 2;
        return at::cat({v.narrow(-1, h, h).neg(), v.narrow(-1, 0, h)}, -1);
    }

    bool useSdpa(const at::Tensor& x) const
    {
        return opts.attention == "sdpa" || (opts.attention == "auto" && compat::fusedSdpa(x));
    }

    // Attention with the fused kernels. Grouped key/value heads are repeated (query head h
    // reads key/value head h / r, as transformers' repeat_kv). Right-padded batches without
    // a binding sliding window need only the causal flag: a real query never sees a pad key.
    // maskCache: the [B, 1, T, T] mask, built by the first layer that needs it and reused
    // by the others on the same device.
    at::Tensor attentionSdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t B, int64_t T,
                             const at::Tensor& keyOk, bool rightPadded, at::Tensor& maskCache) const
    {
        const int64_t nh = cfg.numHeads, kv = cfg.numKvHeads, D = cfg.headDim, r = nh / kv;
        at::Tensor qh = q.transpose(1, 2); // [B, nh, T, D]
        at::Tensor kh = k.transpose(1, 2), vh = v.transpose(1, 2);
        if (r > 1) {
            kh = kh.repeat_interleave(r, 1);
            vh = vh.repeat_interleave(r, 1);
        }
        const bool window = cfg.slidingWindow > 0 && cfg.slidingWindow < T;
        at::Tensor& mask = maskCache;
        if ((window || !rightPadded) && (!mask.defined() || mask.device() != q.device())) {
            auto lopts = at::TensorOptions().dtype(at::kLong).device(q.device());
            at::Tensor qi = at::arange(T, lopts).view({T, 1}), kj = at::arange(T, lopts).view({1, T});
            at::Tensor vis = kj.le(qi);
            if (window)
                vis = vis.logical_and(kj.gt(qi - cfg.slidingWindow));
            // Keys of pads are hidden; the diagonal stays visible so that no row is empty
            // (a pad query's output means nothing, but must not be NaN).
            mask = vis.view({1, 1, T, T}).logical_and(keyOk.view({B, 1, 1, T})).logical_or(qi.eq(kj).view({1, 1, T, T}));
        }
        const double scale = 1.0 / std::sqrt(double(D));
        at::Tensor out = compat::sdpa(qh, kh, vh, mask, !mask.defined(), scale); // [B, nh, T, D]
        return out.transpose(1, 2).reshape({B * T, nh * D});
    }

    // h: [B, T, H] normed; returns attention output projected [B*T, H].
    at::Tensor attention(const at::Tensor& hN, const LayerWeights& w, int64_t B, int64_t T, const at::Tensor& cos,
                         const at::Tensor& sin, const at::Tensor& keyOk, bool rightPadded, at::Tensor& sdpaMask) const
    {
        const int64_t nh = cfg.numHeads, kv = cfg.numKvHeads, D = cfg.headDim, r = nh / kv;
        at::Tensor qkv = lin(hN, w.qkv); // [N, (nh + 2kv) D]
        at::Tensor q = qkv.narrow(1, 0, nh * D).view({B, T, nh, D});
        at::Tensor k = qkv.narrow(1, nh * D, kv * D).view({B, T, kv, D});
        at::Tensor v = qkv.narrow(1, (nh + kv) * D, kv * D).view({B, T, kv, D});
        // cos/sin: [T, 1, D]
        q = q * cos + rotateHalf(q) * sin;
        k = k * cos + rotateHalf(k) * sin;
        if (useSdpa(q))
            return lin(attentionSdpa(q, k, v, B, T, keyOk, rightPadded, sdpaMask), w.o);
        // [B, kv, T, r, D]: a chunk of query positions is contiguous per (b, kv head).
        q = q.view({B, T, kv, r, D}).permute({0, 2, 1, 3, 4}).contiguous();
        k = k.permute({0, 2, 1, 3}).contiguous(); // [B, kv, S, D]
        v = v.permute({0, 2, 1, 3}).contiguous();
        const double scale = 1.0 / std::sqrt(double(D));
        at::Tensor out = at::empty({B, T, kv, r, D}, q.options());
        const int64_t chunk = T >= 128 ? 64 : T;
        const bool low = lowCpu(q);
        const auto fopts = q.options().dtype(at::kFloat);
        const float lowest = std::numeric_limits<float>::lowest();
        at::Tensor qpos = at::arange(T, at::TensorOptions().dtype(at::kLong).device(q.device()));
        // Additive masks (float32, as the softmax): 0 where visible, the lowest float where
        // hidden, like transformers' causal mask. Pad keys are hidden.
        at::Tensor padBias = at::zeros({B, T}, fopts).masked_fill_(keyOk.logical_not(), lowest);
        for (int64_t t0 = 0; t0 < T; t0 += chunk) {
            const int64_t t1 = std::min(T, t0 + chunk), C = t1 - t0;
            int64_t s0 = 0;
            if (cfg.slidingWindow > 0)
                s0 = std::max<int64_t>(0, t0 - cfg.slidingWindow + 1);
            const int64_t S = t1 - s0;
            at::Tensor qc = q.narrow(2, t0, C).reshape({B * kv, C * r, D});
            at::Tensor kc = k.narrow(2, s0, S).reshape({B * kv, S, D});
            at::Tensor vc = v.narrow(2, s0, S).reshape({B * kv, S, D});
            // Visible: key position j <= query position i (and i - j < window), key not pad.
            at::Tensor qi = qpos.narrow(0, t0, C).view({C, 1});
            at::Tensor kj = qpos.narrow(0, s0, S).view({1, S});
            at::Tensor hidden = kj.gt(qi);
            if (cfg.slidingWindow > 0)
                hidden = hidden.logical_or(kj.le(qi - cfg.slidingWindow));
            at::Tensor bias = padBias.narrow(1, s0, S).view({B, 1, 1, 1, S}) +
                              at::zeros({C, S}, fopts).masked_fill_(hidden, lowest).view({1, 1, C, 1, S});
            at::Tensor scores;
            if (low) { // scores rounded to the dtype and scaled in it, as transformers does
                scores = mm(qc, kc.transpose(1, 2)).mul_(scale).to(at::kFloat);
                scores = scores.view({B, kv, C, r, S}).add_(bias).view({B * kv, C * r, S});
            } else {
                // bias + scale * q k^T in one pass: the mask, written once, is the output the
                // GEMM accumulates into (no zero-fill, scaling or masking passes).
                scores = bias.expand({B, kv, C, r, S}).contiguous().view({B * kv, C * r, S});
                scores.baddbmm_(qc, kc.transpose(1, 2), 1.0, scale);
            }
            at::Tensor probs = at::_softmax_out(scores, scores, -1, false);
            if (probs.scalar_type() != q.scalar_type())
                probs = probs.to(q.scalar_type());
            at::Tensor oc = mm(probs, vc).view({B, kv, C, r, D});
            out.narrow(1, t0, C).copy_(oc.permute({0, 2, 1, 3, 4}));
        }
        return lin(out.view({B * T, nh * D}), w.o);
    }

    bool useDense(const at::Tensor& x) const
    {
        if (opts.moeKernel != "auto")
            return opts.moeKernel == "dense";
        return x.is_cuda() && moeDenseWorthIt(cfg, x.size(0), x.element_size());
    }

    // Every expert on every token ([E, N, 2I] batched matmuls), combined with the routing
    // weights scattered into [N, E] (zero for unchosen experts): no host sync, few launches.
    at::Tensor moeDense(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx, const at::Tensor& wts) const
    {
        const int64_t N = x.size(0), E = cfg.numExperts, I = cfg.intermediateSize;
        const bool low = lowCpu(x);
        const at::ScalarType ct = low ? at::kFloat : x.scalar_type();
        at::Tensor xin = x.to(ct), w13 = w.w13.to(ct), w2 = w.w2.to(ct);
        at::Tensor a = at::matmul(xin.unsqueeze(0), w13.transpose(1, 2)); // [E, N, 2I]
        if (low)
            a = a.to(x.scalar_type()).to(at::kFloat);
        at::Tensor hcur = at::silu(a.narrow(2, 0, I));
        if (low)
            hcur = hcur.to(x.scalar_type()).to(at::kFloat);
        hcur.mul_(a.narrow(2, I, I));
        if (low)
            hcur = hcur.to(x.scalar_type()).to(at::kFloat);
        at::Tensor y = at::bmm(hcur, w2.transpose(1, 2)); // [E, N, H]
        if (low)
            y = y.to(x.scalar_type()).to(at::kFloat);
        at::Tensor gate = at::zeros({N, E}, wts.options().dtype(at::kFloat)).scatter_(1, idx, wts.to(at::kFloat));
        gate = gate.to(x.scalar_type()).to(ct).t().unsqueeze(-1); // [E, N, 1]
        return y.mul_(gate).sum(0).to(x.scalar_type());
    }

    // Sparse MoE by grouping tokens per expert. x: [N, H]; idx [N, k] int64; wts [N, k].
    at::Tensor moe(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx, const at::Tensor& wts) const
    {
        if (useDense(x))
            return moeDense(x, w, idx, wts);
        const int64_t N = x.size(0), k = idx.size(1), E = cfg.numExperts, I = cfg.intermediateSize;
        at::Tensor flat = idx.reshape({-1});
        at::Tensor order = std::get<1>(at::sort(flat, /*stable=*/true, 0, false));
        at::Tensor counts = at::bincount(flat, {}, E).to(at::kCPU);
        const int64_t* cnt = counts.data_ptr<int64_t>();
        at::Tensor tok = at::div(order, k, "floor");
        at::Tensor xs = x.index_select(0, tok);                 // [N*k, H] grouped by expert
        at::Tensor ys = at::empty_like(xs);
        int64_t off = 0;
        for (int64_t e = 0; e < E; ++e) {
            const int64_t n = cnt[e];
            if (n == 0)
                continue;
            at::Tensor dst = ys.narrow(0, off, n);
            if (lowCpu(xs)) {
                const at::Tensor w13 = w.w13.select(0, e).to(at::kFloat);
                at::Tensor a = at::linear(xs.narrow(0, off, n).to(at::kFloat), w13).to(xs.scalar_type()).to(at::kFloat);
                at::Tensor hcur = at::silu(a.narrow(1, 0, I)).to(xs.scalar_type()).to(at::kFloat).mul_(a.narrow(1, I, I));
                dst.copy_(at::linear(hcur.to(xs.scalar_type()).to(at::kFloat), w.w2.select(0, e).to(at::kFloat)));
            } else {
                at::Tensor a = lin(xs.narrow(0, off, n), w.w13.select(0, e)); // [n, 2I]
                at::Tensor hcur = at::silu(a.narrow(1, 0, I)).mul_(a.narrow(1, I, I));
                at::linear_out(dst, hcur, w.w2.select(0, e));
            }
            off += n;
        }
        at::Tensor ws = wts.reshape({-1}).index_select(0, order).to(x.scalar_type()).unsqueeze(1);
        ys.mul_(ws);
        if (lowCpu(ys)) // no float16 index_add on the CPU
            return at::zeros(x.sizes(), x.options().dtype(at::kFloat)).index_add_(0, tok, ys.to(at::kFloat)).to(x.scalar_type());
        at::Tensor out = at::zeros_like(x);
        out.index_add_(0, tok, ys);
        (void)N;
        return out;
    }

    // Checks shapes and token ids; returns the ids as a contiguous int64 CPU tensor.
    at::Tensor checkInput(const at::Tensor& idsIn, const at::Tensor& maskIn, const RouteOptions& ro) const
    {
        if (idsIn.dim() != 2)
            throw Error("route: input ids must be [batch, length], got " + std::to_string(idsIn.dim()) + " dims");
        if (!maskIn.defined() || maskIn.sizes() != idsIn.sizes())
            throw Error("route: attention mask must have the shape of the ids");
        if (ro.lmLogits && !opts.loadLmHead)
            throw Error("route: LM logits asked but the runtime was opened without loadLmHead");
        const int64_t T = idsIn.size(1), N = idsIn.numel();
        at::Tensor idsCpu = idsIn.to(at::kCPU).to(at::kLong).contiguous();
        const int64_t* p = idsCpu.data_ptr<int64_t>();
        for (int64_t i = 0; i < N; ++i)
            if (p[i] < 0 || p[i] >= cfg.vocabSize)
                throw Error("route: token id " + std::to_string(p[i]) + " at sequence " + std::to_string(i / T) +
                            ", position " + std::to_string(i % T) + " is outside the vocabulary [0, " +
                            std::to_string(cfg.vocabSize) + ") of " + dir + "/config.json");
        return idsCpu;
    }

    // On a CPU with a pthreads OpenBLAS (auto threads), the batch is cut into `splitParts`
    // slices routed on as many threads, each with single-threaded GEMMs: the element-wise
    // work then uses every core too, and no thread pool spins against another. The rows
    // of a sequence never depend on the other sequences, so the results are the same.
    RoutingResult route(const at::Tensor& idsIn, const at::Tensor& maskIn, const RouteOptions& ro)
    {
        const at::Tensor ids = checkInput(idsIn, maskIn, ro);
        const int64_t B = ids.size(0), parts = std::min<int64_t>(splitParts, B);
        if (parts < 2)
            return routeChecked(ids, maskIn, ro);
        const at::Tensor mask = maskIn.to(at::kCPU);
        std::vector<RoutingResult> out(static_cast<size_t>(parts));
        std::vector<std::exception_ptr> err(out.size());
        {
            const ScopedBlasThreads blas(1); // single-threaded GEMMs while the slices run
            std::vector<std::thread> workers;
            for (int64_t j = 0; j < parts; ++j) {
                const int64_t b0 = B * j / parts, b1 = B * (j + 1) / parts;
                workers.emplace_back([&, j, b0, b1] {
                    try {
                        out[size_t(j)] = routeChecked(ids.narrow(0, b0, b1 - b0), mask.narrow(0, b0, b1 - b0), ro);
                    } catch (...) {
                        err[size_t(j)] = std::current_exception();
                    }
                });
            }
            for (auto& w : workers)
                w.join();
        }
        for (const auto& e : err)
            if (e)
                std::rethrow_exception(e);
        auto cat = [&](at::Tensor RoutingResult::*f, int64_t dim) {
            std::vector<at::Tensor> v;
            for (auto& r : out)
                v.push_back(r.*f);
            return v.front().defined() ? at::cat(v, dim) : at::Tensor();
        };
        RoutingResult res;
        res.routerLogits = cat(&RoutingResult::routerLogits, 1);
        res.topkIds = cat(&RoutingResult::topkIds, 1);
        res.topkWeights = cat(&RoutingResult::topkWeights, 1);
        res.lookaheadIds = cat(&RoutingResult::lookaheadIds, 2);
        res.lmLogits = cat(&RoutingResult::lmLogits, 0);
        return res;
    }

    // idsCpu: checked by checkInput() (a slice of its result is fine).
    RoutingResult routeChecked(const at::Tensor& idsCpu, const at::Tensor& maskIn, const RouteOptions& ro)
    {
        const int64_t B = idsCpu.size(0), T = idsCpu.size(1), N = B * T;
        const int64_t L = cfg.numLayers, E = cfg.numExperts, K = cfg.topk;
        std::vector<int> dists;
        if (ro.lookahead)
            dists = opts.lookahead;
        const int64_t Dn = static_cast<int64_t>(dists.size());

        // Results of a CUDA pass land in pinned host memory: one fast copy per layer at
        // the end instead of slow pageable ones.
        const bool pin = firstDev.is_cuda() || lastDev.is_cuda();
        auto hostTensor = [&](at::IntArrayRef sizes, at::ScalarType t) {
            return pin ? compat::emptyPinned(sizes, t) : at::empty(sizes, at::TensorOptions().dtype(t));
        };
        RoutingResult res;
        res.routerLogits = hostTensor({L, N, E}, at::kFloat);
        res.topkIds = hostTensor({L, N, K}, at::kLong);
        res.topkWeights = hostTensor({L, N, K}, at::kFloat);
        if (Dn > 0)
            res.lookaheadIds = hostTensor({L, Dn, N, K}, at::kLong).fill_(-1);
        if (N == 0)
            return res;

        c10::NoGradGuard noGrad;
        const auto fopts = at::TensorOptions().dtype(at::kFloat);
        // Rotary tables (float32 as HF computes them, then cast to the compute dtype).
        const int64_t D = cfg.headDim;
        at::Tensor invFreq = at::pow(cfg.ropeTheta, at::arange(0, D, 2, at::TensorOptions().dtype(at::kLong))
                                                         .to(at::kFloat)
                                                         .div(double(D)))
                                 .reciprocal();
        at::Tensor ang = at::arange(T, fopts).unsqueeze(1) * invFreq.unsqueeze(0); // [T, D/2]
        at::Tensor emb = at::cat({ang, ang}, -1);
        at::Tensor cosCpu = emb.cos().to(dt).view({T, 1, D});
        at::Tensor sinCpu = emb.sin().to(dt).view({T, 1, D});
        at::Tensor maskCpu = maskIn.to(at::kCPU).ne(0);
        // Right padded: no real token after a pad in any row.
        const bool rightPadded =
            T < 2 || maskCpu.narrow(1, 1, T - 1).to(at::kByte).le(maskCpu.narrow(1, 0, T - 1).to(at::kByte)).all().item<bool>();

        c10::Device cur = firstDev;
        at::Tensor cosT = cosCpu.to(cur), sinT = sinCpu.to(cur), keyOk = maskCpu.to(cur);
        at::Tensor x = embed.index_select(0, idsCpu.view({-1}).to(cur)); // [N, H]
        if (mixed())
            x = x.to(at::kFloat);
        const bool stream = opts.residency == Residency::Streaming;
        std::vector<at::Tensor> outLogits(static_cast<size_t>(L)), outIds(outLogits), outWeights(outLogits);
        struct Probe {
            int64_t layer, dist;
            at::Tensor ids;
        };
        std::vector<Probe> outProbes;
        at::Tensor sdpaMask; // see attentionSdpa()
        if (stream) {
            prefetch(0);
        }
        for (int64_t l = 0; l < L; ++l) {
            const size_t ul = static_cast<size_t>(l);
            const c10::Device dev = layerDev[ul];
            if (dev != cur) {
                cur = dev;
                x = x.to(cur);
                cosT = cosCpu.to(cur);
                sinT = sinCpu.to(cur);
                keyOk = maskCpu.to(cur);
            }
            const bool needMoe = l + 1 < L || ro.lmLogits;
            const LayerWeights* w = nullptr;
            if (stream) {
                w = &acquire(l, needMoe);
            } else {
                w = &layers[ul];
            }
            at::Tensor h = rmsnorm(x, w->inNorm);
            x = x + attention(h, *w, B, T, cosT, sinT, keyOk, rightPadded, sdpaMask);
            at::Tensor hr; // the router's input (float32 in mixed mode)
            at::Tensor h2 = rmsnorm(x, w->postNorm, &hr, postNorm32[ul]);
            at::Tensor logits = lin(hr, gates[ul]); // [N, E]
            at::Tensor probs = at::softmax(logits.to(at::kFloat), -1);
            auto [tw, ti] = at::topk(probs, K, -1, true, true);
            tw = tw / tw.sum(-1, true);
            // Kept on the device until the pass ends: a copy to the host here would make
            // the host wait for the GPU at every layer.
            outLogits[ul] = logits;
            outIds[ul] = ti;
            outWeights[ul] = tw;
            for (int64_t di = 0; di < Dn; ++di) {
                const int64_t t = l + dists[static_cast<size_t>(di)];
                if (t >= L)
                    continue;
                at::Tensor g = gates[static_cast<size_t>(t)];
                at::Tensor lg = lin(g.device() == hr.device() ? hr : hr.to(g.device()), g);
                auto pi = std::get<1>(at::topk(at::softmax(lg.to(at::kFloat), -1), K, -1, true, true));
                outProbes.push_back({l, di, pi});
            }
            if (needMoe)
                x = x + moe(h2, *w, ti, tw);
            if (stream)
                release(l);
        }
        for (size_t l = 0; l < static_cast<size_t>(L); ++l) {
            res.routerLogits[int64_t(l)].copy_(outLogits[l]);
            res.topkIds[int64_t(l)].copy_(outIds[l]);
            res.topkWeights[int64_t(l)].copy_(outWeights[l]);
        }
        for (const auto& p : outProbes)
            res.lookaheadIds[p.layer][p.dist].copy_(p.ids);
        if (ro.lmLogits) {
            x = x.to(lastDev);
            at::Tensor hf = rmsnorm(x, finalNorm);
            res.lmLogits = lin(hf, lmHead).to(at::kFloat).to(at::kCPU).view({B, T, cfg.vocabSize});
        }
        return res;
    }

    // ---- streaming -----------------------------------------------------------------------
    // Layer l uses buffer l % 2. On CUDA the host fills a pinned buffer and the side stream
    // copies it after the compute queued so far; layer l+1's copy overlaps layer l's compute.
    void prefetch(int64_t l)
    {
        if (l >= cfg.numLayers)
            return;
        const size_t ul = static_cast<size_t>(l);
        const int b = static_cast<int>(l % 2);
        if (!hostCache.empty()) {
            // Copies from the host cache: on CUDA they run on the side stream after the
            // compute queued so far (pinned memory, so truly asynchronous).
            auto dst = devBuf[b].all();
            auto src = hostCache[ul].all();
            for (size_t i = 0; i < dst.size(); ++i)
                side->copyAfterCurrent(*dst[i], *src[i]);
            side->endGroup();
            return;
        }
        if (!devBuf[b].qkv.is_cuda()) {
            fillLayer(devBuf[b], ul);
            if (l + 1 < cfg.numLayers)
                hintLayer(ul + 1);
            return;
        }
        // The pinned buffer b was last read by the copy of layer l-2: wait for it.
        side->hostWaitsForAll();
        fillLayer(hostBuf[b], ul);
        auto dst = devBuf[b].all();
        auto src = hostBuf[b].all();
        for (size_t i = 0; i < dst.size(); ++i)
            side->copyAfterCurrent(*dst[i], *src[i]);
        side->endGroup();
        if (l + 1 < cfg.numLayers)
            hintLayer(ul + 1);
    }

    const LayerWeights& acquire(int64_t l, bool)
    {
        const int b = static_cast<int>(l % 2);
        side->currentWaitsForLatest();
        // Queue the next layer now: on CUDA its copy runs while this layer computes (the
        // copy waits for the compute queued before it, which used buffer (l+1) % 2).
        if (devBuf[b].qkv.is_cuda())
            prefetch(l + 1);
        return devBuf[b];
    }

    void release(int64_t l)
    {
        if (!devBuf[0].qkv.is_cuda())
            prefetch(l + 1);
    }
};

MixtralRuntime::MixtralRuntime(const std::string& dir, RuntimeOptions opts)
{
    tuneMallocForTensors(); // activations reuse heap memory instead of faulting it in anew
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // With a pthreads OpenBLAS, libtorch's intra-op threads would only spin against BLAS's
    // own pool (see blas_threads.h): one intra-op thread, and route() runs slices of the
    // batch on `cores` threads with single-threaded GEMMs (Impl::route()).
    const bool cpuBlasPool = resolveDevice(opts.device).is_cpu() && blasHasOwnThreadPool();
    const bool splitBatch = opts.threads == 0 && cpuBlasPool && opts.residency != Residency::Streaming;
    if (opts.threads == 0)
        at::set_num_threads(cpuBlasPool ? 1 : cores);
    else if (opts.threads > 0)
        at::set_num_threads(opts.threads);
    for (int d : opts.lookahead)
        if (d < 1)
            throw Error("lookahead distance " + std::to_string(d) + " must be at least 1");
    computeDTypeBytes(opts.dtype); // validates the name
    if (opts.attention != "auto" && opts.attention != "chunked" && opts.attention != "sdpa")
        throw Error("unknown attention kernel \"" + opts.attention + "\" (auto, chunked, sdpa)");
    if (opts.moeKernel != "auto" && opts.moeKernel != "grouped" && opts.moeKernel != "dense")
        throw Error("unknown MoE kernel \"" + opts.moeKernel + "\" (auto, grouped, dense)");
    m_impl = std::make_unique<Impl>(dir, std::move(opts));
    m_impl->dt = computeScalar(m_impl->opts.dtype);
    m_impl->splitParts = splitBatch ? cores : 1;
    m_impl->buildRecipes();
    m_impl->place();
}

MixtralRuntime::~MixtralRuntime() = default;

const MixtralConfig& MixtralRuntime::config() const { return m_impl->cfg; }
const RuntimeOptions& MixtralRuntime::options() const { return m_impl->opts; }
c10::Device MixtralRuntime::device() const { return m_impl->firstDev; }
std::vector<c10::Device> MixtralRuntime::layerDevices() const { return m_impl->layerDev; }
std::string MixtralRuntime::dtype() const { return m_impl->opts.dtype; }
int MixtralRuntime::routeThreads() const { return static_cast<int>(m_impl->splitParts); }

RoutingResult MixtralRuntime::route(const at::Tensor& ids, const at::Tensor& mask, const RouteOptions& ro)
{
    return m_impl->route(ids, mask, ro);
}

} // namespace specmoe
