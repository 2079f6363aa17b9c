// MixtralRuntime's route loop: input checks, then one pass over the layers (norms,
// attention, router, lookahead probes, MoE) with the results copied to the host at the end.
#include "core/model/runtime_impl.h"

#include "core/tensor/torch_compat.h"
#include "core/util/error.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

namespace specmoe {

using namespace runtime_detail;


// Checks shapes and token ids; returns the ids as a contiguous int64 CPU tensor.
at::Tensor MixtralRuntime::Impl::checkInput(const at::Tensor& idsIn, const at::Tensor& maskIn, const RouteOptions& ro) const
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

// HF: weight * (x32 * rsqrt(mean(x32^2) + eps)).to(dtype). Returns the compute dtype;
// *router (when given) gets the float32 version for the router.
at::Tensor MixtralRuntime::Impl::rmsnorm(const at::Tensor& x, const at::Tensor& w, at::Tensor* router,
                   const at::Tensor& w32) const
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

// Rotary tables [T, 1, D] (float32 as HF computes them, scaled by YaRN's attention factor
// where rope scaling sets one, then cast to the compute dtype).
void MixtralRuntime::Impl::rotaryTables(int64_t T, at::Tensor& cosOut, at::Tensor& sinOut) const
{
    const int64_t D = cfg.headDim;
    const auto fopts = at::TensorOptions().dtype(at::kFloat);
    at::Tensor invFreq = ropeInverseFrequencies();
    at::Tensor ang = at::arange(T, fopts).unsqueeze(1) * invFreq.unsqueeze(0); // [T, D/2]
    at::Tensor emb = at::cat({ang, ang}, -1);
    at::Tensor c = emb.cos(), s = emb.sin();
    if (cfg.ropeAttentionFactor != 1.0) {
        c = c * cfg.ropeAttentionFactor;
        s = s * cfg.ropeAttentionFactor;
    }
    cosOut = c.to(dt).view({T, 1, D});
    sinOut = s.to(dt).view({T, 1, D});
}

// idsCpu: checked by checkInput() (a slice of its result is fine).
RoutingResult MixtralRuntime::Impl::routeChecked(const at::Tensor& idsCpu, const at::Tensor& maskIn, const RouteOptions& ro)
{
    const int64_t B = idsCpu.size(0), T = idsCpu.size(1), N = B * T;
    // L: the MoE layers (the routing's layer axis); decoder layers may be more (dense ones).
    const int64_t L = int64_t(moeLayers.size()), E = cfg.numExperts, K = cfg.topk;
    const int64_t decoderLayers = cfg.numLayers;
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
    const bool wantFeatures = ro.features && !featureP.empty();
    if (wantFeatures)
        res.features = hostTensor({L, N, featureP[0].size(0)}, at::kFloat);
    if (ro.routerInputs)
        res.routerInputs = hostTensor({L, N, cfg.hiddenSize}, at::kFloat);
    if (N == 0)
        return res;

    c10::NoGradGuard noGrad;
    at::Tensor cosCpu, sinCpu;
    rotaryTables(T, cosCpu, sinCpu);
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
    std::vector<at::Tensor> outLogits(static_cast<size_t>(L)), outIds(outLogits), outWeights(outLogits),
        outFeatures(outLogits);
    struct Probe {
        int64_t layer, dist;
        at::Tensor ids;
    };
    std::vector<Probe> outProbes;
    at::Tensor sdpaMask[2]; // see attentionSdpa(): layers without and with a sliding window
    if (stream) {
        prefetch(0);
    }
    int64_t m = -1; // MoE index of the decoder layer l
    for (int64_t l = 0; l < decoderLayers; ++l) {
        const size_t ul = static_cast<size_t>(l);
        const c10::Device dev = layerDev[ul];
        if (dev != cur) {
            cur = dev;
            x = x.to(cur);
            cosT = cosCpu.to(cur);
            sinT = sinCpu.to(cur);
            keyOk = maskCpu.to(cur);
        }
        const bool needMoe = l + 1 < decoderLayers || ro.lmLogits;
        const LayerWeights* w = nullptr;
        if (stream) {
            w = &acquire(l, needMoe);
        } else {
            w = &layers[ul];
        }
        at::Tensor h = rmsnorm(x, (*w)[InNorm]);
        const int64_t window = cfg.windowOf(l);
        at::Tensor& mask = sdpaMask[window > 0 ? 1 : 0];
        x = x + (cfg.mla() ? attentionMla(h, *w, B, T, cosT, sinT, keyOk, rightPadded, mask)
                           : attention(h, *w, B, T, cosT, sinT, keyOk, rightPadded, mask, window));
        if (!recipes[ul].moe) { // a dense layer: its MLP, no routing
            at::Tensor h2 = rmsnorm(x, (*w)[PostNorm]);
            if (needMoe)
                x = x + mlp(h2, (*w)[DenseW13], (*w)[DenseW2]);
            if (stream)
                release(l);
            continue;
        }
        const size_t um = static_cast<size_t>(++m);
        at::Tensor hr; // the router's input (float32 in mixed mode)
        at::Tensor h2 = rmsnorm(x, (*w)[PostNorm], &hr, postNorm32[ul]);
        at::Tensor logits = lin(hr, gates[ul], gateBias[ul]); // [N, E]
        at::Tensor tw;
        at::Tensor ti = selectExperts(logits, routerBias[ul], &tw);
        // Kept on the device until the pass ends: a copy to the host here would make
        // the host wait for the GPU at every layer.
        outLogits[um] = logits;
        outIds[um] = ti;
        outWeights[um] = tw;
        // Features of layer m from hr_m alone (nothing later exists yet), float32.
        if (wantFeatures || ro.routerInputs) {
            const at::Tensor hr32 = hr.to(at::kFloat);
            if (wantFeatures)
                outFeatures[um] = at::linear(hr32 - featureMu[um], featureP[um]);
            // Copied out at once (a sync per layer, only while PCA samples are taken): kept
            // on the device, a batch's inputs would take L*N*H*4 bytes of its memory.
            if (ro.routerInputs)
                res.routerInputs[m].copy_(hr32);
        }
        // Probes: this router input through the routers of the MoE layers d further on.
        for (int64_t di = 0; di < Dn; ++di) {
            const int64_t t = m + dists[static_cast<size_t>(di)];
            if (t >= L)
                continue;
            const size_t tl = static_cast<size_t>(moeLayers[static_cast<size_t>(t)]);
            const at::Tensor& g = gates[tl];
            at::Tensor lg = lin(g.device() == hr.device() ? hr : hr.to(g.device()), g, gateBias[tl]);
            at::Tensor pi = selectExperts(lg, routerBias[tl], nullptr); // layer t's router function
            outProbes.push_back({m, di, pi});
        }
        if (needMoe) {
            at::Tensor y = moe(h2, *w, ti, tw);
            if (cfg.hasSharedExpert())
                y = y + sharedExpert(h2, *w);
            x = x + y;
        }
        if (stream)
            release(l);
    }
    for (size_t l = 0; l < static_cast<size_t>(L); ++l) {
        res.routerLogits[int64_t(l)].copy_(outLogits[l]);
        res.topkIds[int64_t(l)].copy_(outIds[l]);
        res.topkWeights[int64_t(l)].copy_(outWeights[l]);
        if (wantFeatures)
            res.features[int64_t(l)].copy_(outFeatures[l]);
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

} // namespace specmoe
