// MixtralRuntime's attention kernels: chunked (explicit masks, bounded memory) and the
// fused scaled-dot-product kernels (docs/development.md, "Kernels and residency").
#include "core/model/runtime_impl.h"

#include "core/tensor/torch_compat.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace specmoe {

using namespace runtime_detail;


at::Tensor MixtralRuntime::Impl::rotateHalf(const at::Tensor& v)
{
    const int64_t h = v.size(-1) / 2;
    return at::cat({v.narrow(-1, h, h).neg(), v.narrow(-1, 0, h)}, -1);
}

bool MixtralRuntime::Impl::useSdpa(const at::Tensor& x) const
{
    return opts.attention == "sdpa" || (opts.attention == "auto" && compat::fusedSdpa(x));
}

// Attention with the fused kernels. Grouped key/value heads are repeated (query head h
// reads key/value head h / r, as transformers' repeat_kv). Right-padded batches without
// a binding sliding window or sinks need only the causal flag: a real query never sees a
// pad key. maskCache: the [B, 1, T, T (+1 with sinks)] mask, built by the first layer that
// needs it and reused by the others on the same device with the same window.
at::Tensor MixtralRuntime::Impl::attentionSdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t B, int64_t T,
                         const at::Tensor& keyOk, bool rightPadded, at::Tensor& maskCache, double scale,
                         int64_t window, const at::Tensor& sinks) const
{
    const int64_t nh = cfg.numHeads, kv = cfg.numKvHeads, Dv = v.size(-1), r = nh / kv;
    at::Tensor qh = q.transpose(1, 2); // [B, nh, T, D]
    at::Tensor kh = k.transpose(1, 2), vh = v.transpose(1, 2);
    if (r > 1) {
        kh = kh.repeat_interleave(r, 1);
        vh = vh.repeat_interleave(r, 1);
    }
    const bool sink = sinks.defined();
    if (sink) {
        // A sink is one more key every query sees, with a zero value and the logit sinks[h]:
        // q gains a column holding sinks[h], the real keys a zero there, and the sink key
        // 1 / scale there and zeros elsewhere, so that its scaled score is sinks[h]. The
        // columns come 8 at a time (zeros beyond the first): fused kernels want head widths
        // in multiples of 8.
        const int64_t D = qh.size(-1), X = 8;
        at::Tensor qx = at::zeros({B, nh, T, X}, qh.options());
        qx.narrow(-1, 0, 1).copy_(sinks.to(qh.scalar_type()).view({1, nh, 1, 1}).expand({B, nh, T, 1}));
        qh = at::cat({qh, qx}, -1);
        at::Tensor sinkKey = at::zeros({B, nh, 1, D + X}, kh.options());
        sinkKey.narrow(-1, D, 1).fill_(1.0 / scale);
        kh = at::cat({at::cat({kh, at::zeros({B, nh, T, X}, kh.options())}, -1), sinkKey}, 2);
        vh = at::cat({vh, at::zeros({B, nh, 1, Dv}, vh.options())}, 2);
    }
    const bool windowed = window > 0 && window < T;
    at::Tensor& mask = maskCache;
    if ((windowed || sink || !rightPadded) && (!mask.defined() || mask.device() != q.device())) {
        auto lopts = at::TensorOptions().dtype(at::kLong).device(q.device());
        at::Tensor qi = at::arange(T, lopts).view({T, 1}), kj = at::arange(T, lopts).view({1, T});
        at::Tensor vis = kj.le(qi);
        if (windowed)
            vis = vis.logical_and(kj.gt(qi - window));
        // Keys of pads are hidden; the diagonal stays visible so that no row is empty
        // (a pad query's output means nothing, but must not be NaN).
        mask = vis.view({1, 1, T, T}).logical_and(keyOk.view({B, 1, 1, T})).logical_or(qi.eq(kj).view({1, 1, T, T}));
        if (sink) // every query sees its head's sink
            mask = at::cat({mask.expand({B, 1, T, T}), at::ones({B, 1, T, 1}, mask.options())}, -1);
    }
    at::Tensor out = compat::sdpa(qh, kh, vh, mask, !mask.defined(), scale); // [B, nh, T, Dv]
    return out.transpose(1, 2).reshape({B * T, nh * Dv});
}

// h: [B, T, H] normed; returns attention output projected [B*T, H].
at::Tensor MixtralRuntime::Impl::attention(const at::Tensor& hN, const LayerWeights& w, int64_t B, int64_t T, const at::Tensor& cos,
                     const at::Tensor& sin, const at::Tensor& keyOk, bool rightPadded, at::Tensor& sdpaMask,
                     int64_t window) const
{
    const int64_t nh = cfg.numHeads, kv = cfg.numKvHeads, D = cfg.headDim;
    at::Tensor qkv = lin(hN, w[Qkv], w[QkvBias]); // [N, (nh + 2kv) D]
    at::Tensor q = qkv.narrow(1, 0, nh * D);
    at::Tensor k = qkv.narrow(1, nh * D, kv * D);
    at::Tensor v = qkv.narrow(1, (nh + kv) * D, kv * D);
    if (cfg.qkNorm == QkNorm::Projection) { // over all heads at once, before the split (OLMoE)
        q = rmsnorm(q, w[QNorm]);
        k = rmsnorm(k, w[KNorm]);
    }
    q = q.view({B, T, nh, D});
    k = k.view({B, T, kv, D});
    v = v.view({B, T, kv, D});
    if (cfg.qkNorm == QkNorm::PerHead) { // per-head RMSNorm before rotary (Qwen3-MoE)
        q = rmsnorm(q, w[QNorm]);
        k = rmsnorm(k, w[KNorm]);
    }
    if (cfg.clipQkv > 0) { // clip_qkv: after the q/k norms, as transformers' OLMoE
        const double c = cfg.clipQkv;
        q = q.clamp(-c, c);
        k = k.clamp(-c, c);
        v = v.clamp(-c, c);
    }
    // cos/sin: [T, 1, D]
    q = q * cos + rotateHalf(q) * sin;
    k = k * cos + rotateHalf(k) * sin;
    return attend(q, k, v, w, B, T, keyOk, rightPadded, sdpaMask, 1.0 / std::sqrt(double(D)) * cfg.softmaxScaleFactor,
                  window);
}

at::Tensor MixtralRuntime::Impl::attend(at::Tensor q, at::Tensor k, at::Tensor v, const LayerWeights& w, int64_t B,
                                        int64_t T, const at::Tensor& keyOk, bool rightPadded, at::Tensor& sdpaMask,
                                        double scale, int64_t window) const
{
    const int64_t nh = cfg.numHeads, kv = k.size(2), D = q.size(-1), Dv = v.size(-1), r = nh / kv;
    if (window < 0)
        window = cfg.slidingWindow;
    const at::Tensor& sinks = w[Sinks];
    if (useSdpa(q))
        return lin(attentionSdpa(q, k, v, B, T, keyOk, rightPadded, sdpaMask, scale, window, sinks), w[O], w[OBias]);
    // [B, kv, T, r, D]: a chunk of query positions is contiguous per (b, kv head).
    q = q.view({B, T, kv, r, D}).permute({0, 2, 1, 3, 4}).contiguous();
    k = k.permute({0, 2, 1, 3}).contiguous(); // [B, kv, S, D]
    v = v.permute({0, 2, 1, 3}).contiguous(); // [B, kv, S, Dv]
    at::Tensor out = at::empty({B, T, kv, r, Dv}, q.options());
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
        if (window > 0)
            s0 = std::max<int64_t>(0, t0 - window + 1);
        const int64_t S = t1 - s0;
        at::Tensor qc = q.narrow(2, t0, C).reshape({B * kv, C * r, D});
        at::Tensor kc = k.narrow(2, s0, S).reshape({B * kv, S, D});
        at::Tensor vc = v.narrow(2, s0, S).reshape({B * kv, S, Dv});
        // Visible: key position j <= query position i (and i - j < window), key not pad.
        at::Tensor qi = qpos.narrow(0, t0, C).view({C, 1});
        at::Tensor kj = qpos.narrow(0, s0, S).view({1, S});
        at::Tensor hidden = kj.gt(qi);
        if (window > 0)
            hidden = hidden.logical_or(kj.le(qi - window));
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
        at::Tensor probs = sinks.defined() ? softmaxWithSinks(scores, sinks, B, kv, C, r, low, q.scalar_type())
                                           : at::_softmax_out(scores, scores, -1, false);
        if (probs.scalar_type() != q.scalar_type())
            probs = probs.to(q.scalar_type());
        at::Tensor oc = mm(probs, vc).view({B, kv, C, r, Dv});
        out.narrow(1, t0, C).copy_(oc.permute({0, 2, 1, 3, 4}));
    }
    return lin(out.view({B * T, nh * Dv}), w[O], w[OBias]);
}

// transformers' gpt-oss eager attention: the sink logit joins the row, the max is taken
// off, softmax, the sink's column dropped. In bfloat16 / float16 the logits and their
// shifted values are rounded to the dtype as transformers computes them in it.
at::Tensor MixtralRuntime::Impl::softmaxWithSinks(const at::Tensor& scores, const at::Tensor& sinks, int64_t B,
                                                  int64_t kv, int64_t C, int64_t r, bool low,
                                                  at::ScalarType dtype) const
{
    const int64_t S = scores.size(-1);
    at::Tensor col = sinks.to(at::kFloat).view({1, kv, 1, r, 1}).expand({B, kv, C, r, 1}).reshape({B * kv, C * r, 1});
    at::Tensor full = at::cat({scores, col}, -1);
    full = full - std::get<0>(full.max(-1, true));
    if (low)
        full = full.to(dtype).to(at::kFloat);
    return at::softmax(full, -1).narrow(-1, 0, S);
}

} // namespace specmoe
