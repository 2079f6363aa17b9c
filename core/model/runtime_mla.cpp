// Multi-head latent attention (DeepSeek-V2 / V3): its weights and its projections. The
// attention itself (masks, chunked and fused kernels) is attend() in runtime_attention.cpp.
#include "core/model/runtime_impl.h"

#include "core/model/family/model_family.h"

#include <ATen/ATen.h>

#include <cmath>

namespace specmoe {

using namespace runtime_detail;

namespace {

// transformers builds q_a_layernorm and kv_a_layernorm without the config's eps: RMSNorm's
// default, 1e-6.
constexpr double kLatentNormEps = 1e-6;

// Rotary pairs (2i, 2i+1) regrouped as (i, i + D/2), so that rotate-half rotates them; q
// and k regrouped alike leave q.k unchanged (transformers' rope_interleave path does this;
// DeepSeek-V2's complex rotation of the pairs gives the same products).
at::Tensor deinterleave(const at::Tensor& x)
{
    const int64_t D = x.size(-1);
    std::vector<int64_t> pairs(x.sizes().begin(), x.sizes().end());
    pairs.back() = D / 2;
    pairs.push_back(2);
    return x.reshape(pairs).transpose(-1, -2).reshape(x.sizes());
}

} // namespace

void MixtralRuntime::Impl::buildMlaRecipe(const std::string& p, Recipe& r)
{
    const WeightNames& n = familyNamed(cfg.family).names;
    const int64_t H = cfg.hiddenSize, nh = cfg.numHeads, qr = cfg.qLoraRank, kvr = cfg.kvLoraRank;
    const int64_t qk = cfg.qkHeadDim(), rope = cfg.qkRopeHeadDim;
    auto& parts = r.parts;
    if (qr > 0) {
        parts[MlaA] = {{p + n.qAProj, 0}, {p + n.kvAProj, qr}};
        parts[MlaQNorm] = {{p + n.qANorm}};
        parts[MlaQ] = {{p + n.qBProj}};
        expect(p + n.qAProj, {qr, H});
        expect(p + n.qANorm, {qr});
        expect(p + n.qBProj, {nh * qk, qr});
    } else {
        parts[MlaA] = {{p + n.kvAProj}};
        parts[MlaQ] = {{p + n.qProj}};
        expect(p + n.qProj, {nh * qk, H});
    }
    parts[MlaKvNorm] = {{p + n.kvANorm}};
    parts[MlaKvB] = {{p + n.kvBProj}};
    parts[O] = {{p + n.oProj}};
    expect(p + n.kvAProj, {kvr + rope, H});
    expect(p + n.kvANorm, {kvr});
    expect(p + n.kvBProj, {nh * (cfg.qkNopeHeadDim + cfg.vHeadDim), kvr});
    expect(p + n.oProj, {H, nh * cfg.vHeadDim});
}

// hN: [B*T, H] normed. transformers' DeepseekV3Attention / DeepseekV2Attention: q per head
// = [nope | rope]; keys = [kv_b(norm(latent)) nope part | one rotary key part shared by
// every head]; values from kv_b as well.
at::Tensor MixtralRuntime::Impl::attentionMla(const at::Tensor& hN, const LayerWeights& w, int64_t B, int64_t T,
                                              const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& keyOk,
                                              bool rightPadded, at::Tensor& sdpaMask) const
{
    const int64_t nh = cfg.numHeads, qr = cfg.qLoraRank, kvr = cfg.kvLoraRank;
    const int64_t nope = cfg.qkNopeHeadDim, rope = cfg.qkRopeHeadDim, vd = cfg.vHeadDim;
    auto latentNorm = [&](const at::Tensor& x, const at::Tensor& weight) {
        at::Tensor x32 = x.to(at::kFloat);
        at::Tensor n32 = x32 * at::rsqrt(x32.pow(2).mean(-1, true).add_(kLatentNormEps));
        return weight * n32.to(x.scalar_type());
    };
    at::Tensor a = lin(hN, w[MlaA]); // [N, (qr) + kvr + rope]
    at::Tensor q = qr > 0 ? lin(latentNorm(a.narrow(1, 0, qr), w[MlaQNorm]), w[MlaQ]) : lin(hN, w[MlaQ]);
    const int64_t off = qr > 0 ? qr : 0;
    at::Tensor kv = lin(latentNorm(a.narrow(1, off, kvr), w[MlaKvNorm]), w[MlaKvB]).view({B, T, nh, nope + vd});
    at::Tensor kRot = a.narrow(1, off + kvr, rope).reshape({B, T, 1, rope});
    q = q.view({B, T, nh, nope + rope});
    at::Tensor qRot = q.narrow(3, nope, rope);
    if (cfg.ropeInterleave) {
        qRot = deinterleave(qRot);
        kRot = deinterleave(kRot);
    }
    qRot = qRot * cos + rotateHalf(qRot) * sin; // cos/sin: [T, 1, rope]
    kRot = kRot * cos + rotateHalf(kRot) * sin;
    at::Tensor qf = at::cat({q.narrow(3, 0, nope), qRot}, -1);
    at::Tensor kf = at::cat({kv.narrow(3, 0, nope), kRot.expand({B, T, nh, rope})}, -1);
    at::Tensor v = kv.narrow(3, nope, vd);
    const double scale = 1.0 / std::sqrt(double(nope + rope)) * cfg.softmaxScaleFactor;
    return attend(qf, kf, v, w, B, T, keyOk, rightPadded, sdpaMask, scale);
}

} // namespace specmoe
