#include "core/speculate/networks.h"

#include "core/speculate/gru_sequence.h"

#include <algorithm>
#include <cmath>

namespace specmoe::speculate {

namespace nn = torch::nn;

torch::Tensor makeBiasIndex(int L, int H)
{
    std::vector<int64_t> v;
    for (int l = 0; l < L; ++l)
        for (int h = 0; h < H; ++h)
            v.push_back(int64_t(h) * L + std::min(l + h + 1, L - 1));
    return torch::tensor(v, torch::kLong);
}

// ---------------------------------------------------------------------------------------
EncoderImpl::EncoderImpl(const PredictorConfig& c)
{
    const int L = c.dims.layers, E = c.dims.experts, d = c.model.embedDim;
    torch::NoGradGuard ng;
    le = register_module("le", nn::Embedding(L * E, d));
    nn::init::normal_(le->weight, 0.0, 0.5);
    if (c.lookInput()) {
        useProbe = true;
        probe = register_module("probe", nn::Embedding(L * c.lookaheadCount() * E, d));
        nn::init::normal_(probe->weight, 0.0, 0.5);
    }
    if (c.model.useTokenIds && c.model.tokenBuckets > 0) {
        useTok = true;
        tok = register_module("tok", nn::Embedding(c.model.tokenBuckets, d));
        nn::init::normal_(tok->weight, 0.0, 0.1);
    }
    layerPos = register_parameter("layer_pos", torch::randn({L, d}) * 0.1);
    gru = register_module("gru", nn::GRU(nn::GRUOptions(d, c.model.hiddenDim).batch_first(true)));
}

torch::Tensor EncoderImpl::forward(const Batch& b, const torch::Tensor& extra)
{
    return runGru(input(b, extra));
}

torch::Tensor EncoderImpl::runGru(const torch::Tensor& x) { return runGrus({gru}, {x})[0]; }

torch::Tensor EncoderImpl::input(const Batch& b, const torch::Tensor& extra)
{
    torch::Tensor x = (le->forward(b.le) * b.w.unsqueeze(-1)).sum(2) + layerPos.unsqueeze(0);
    if (extra.defined())
        x = x + extra;
    if (useProbe)
        x = x + (probe->forward(b.probeIdx) * b.probeW.unsqueeze(-1)).sum(2);
    if (useTok)
        x = x + (tok->forward(b.tokB) * b.tokKnown.unsqueeze(-1)).unsqueeze(1);
    return x;
}

InterLayerNetImpl::InterLayerNetImpl(const PredictorConfig& c)
    : L(c.dims.layers), H(c.horizon), E(c.dims.experts)
{
    enc = register_module("enc", Encoder(c));
    head = register_module("head", nn::Linear(c.model.hiddenDim, H * E));
    bias = register_parameter("bias", torch::zeros({H * L, E}));
    biasIdx = makeBiasIndex(L, H);
}

torch::Tensor InterLayerNetImpl::forward(const Batch& b) { return fromEncoded(b, enc->forward(b)); }

torch::Tensor InterLayerNetImpl::fromEncoded(const Batch& b, const torch::Tensor& o)
{
    torch::Tensor y = head->forward(o).view({b.B, L, H, E});
    return y + bias.index_select(0, biasIdx.to(bias.device())).view({1, L, H, E});
}

StatNetImpl::StatNetImpl(const PredictorConfig& c) : L(c.dims.layers), H(c.horizon), E(c.dims.experts)
{
    const int S = c.model.statsDim, hid = c.model.hiddenDim;
    enc = register_module("enc", Encoder(c));
    statProj = register_module("stat_proj", nn::Linear(2 * E + 1, S));
    mix = register_module("mix", nn::Linear(hid + S, hid));
    out = register_module("out", nn::Linear(hid, E));
    {
        torch::NoGradGuard ng;
        out->weight.zero_();
        out->bias.zero_();
    }
    horizonEmb = register_parameter("horizon_emb", torch::randn({H, S}) * 0.1);
    bias = register_parameter("bias", torch::zeros({H * L, E}));
    alpha = register_parameter("alpha", torch::ones({H}));
    beta = register_parameter("beta", torch::zeros({H}));
    biasIdx = makeBiasIndex(L, H);
}

torch::Tensor StatNetImpl::forward(const Batch& b) { return fromEncoded(b, enc->forward(b)); }

torch::Tensor StatNetImpl::fromEncoded(const Batch& b, const torch::Tensor& o)
{
    const int64_t hid = o.size(2); // o [B, L, hid]
    torch::Tensor s = torch::relu(statProj->forward(b.statFeat) + horizonEmb.unsqueeze(0).unsqueeze(0));
    // mix over cat(o, s) as two products: o's share once per (token, layer), not per horizon.
    const torch::Tensor wo = mix->weight.slice(1, 0, hid), ws = mix->weight.slice(1, hid);
    torch::Tensor z = torch::relu(torch::linear(o, wo, mix->bias).unsqueeze(2) + torch::linear(s, ws));
    torch::Tensor y = out->forward(z) + bias.index_select(0, biasIdx.to(bias.device())).view({1, L, H, E});
    torch::Tensor lm = torch::logit(b.markovP.clamp(1e-4, 1.0 - 1e-4));
    torch::Tensor lf = torch::logit(b.freqP.clamp(1e-4, 1.0 - 1e-4));
    return y + alpha.view({1, 1, H, 1}) * lm + beta.view({1, 1, H, 1}) * lf;
}

HiddenStateNetImpl::HiddenStateNetImpl(const PredictorConfig& c)
    : L(c.dims.layers), H(c.horizon), E(c.dims.experts), F(c.featureInput())
{
    const int W = c.model.mlpDim;
    enc = register_module("enc", Encoder(c));
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({int64_t(F)})));
    featGru = register_parameter("feat_gru", torch::randn({L, F, c.model.embedDim}) / std::sqrt(double(F)));
    featIn = register_parameter("feat_in", torch::randn({L, F, W}) / std::sqrt(double(F)));
    layerEmb = register_parameter("layer_emb", torch::zeros({L, W}));
    stateIn = register_module("state_in", nn::Linear(c.model.hiddenDim, W));
    mid = register_module("mid", nn::Linear(W, W));
    out = register_module("out", nn::Linear(W, H * E));
    if (c.previousInput()) {
        prev = register_module("prev", nn::Embedding(L * E, W));
        torch::NoGradGuard ng;
        nn::init::normal_(prev->weight, 0.0, 0.1);
    }
    if (c.previousFeatureInput())
        prevFeat = register_parameter("prev_feat", torch::randn({L * F, W}) / std::sqrt(double(L * F)));
    bias = register_parameter("bias", torch::zeros({H * L, E}));
    biasIdx = makeBiasIndex(L, H);
}

torch::Tensor HiddenStateNetImpl::forward(const Batch& b) { return fromEncoded(b, enc->runGru(encoderInput(b))); }

torch::Tensor HiddenStateNetImpl::encoderInput(const Batch& b)
{
    TORCH_CHECK(b.feat.defined() && b.feat.size(2) == F, "hidden-state model: the batch holds no features of dim ", F);
    torch::Tensor x = norm->forward(b.feat).transpose(0, 1); // [L, B, F]: row l is layer l's only
    // The GRU carries the features of layers <= l to source layer l (causal over layers).
    return enc->input(b, torch::bmm(x, featGru).transpose(0, 1));
}

torch::Tensor HiddenStateNetImpl::fromEncoded(const Batch& b, const torch::Tensor& o)
{
    torch::Tensor x = norm->forward(b.feat).transpose(0, 1); // [L, B, F]
    torch::Tensor z = torch::bmm(x, featIn).transpose(0, 1); // [B, L, W]
    z = z + layerEmb.unsqueeze(0) + stateIn->forward(o);
    if (prev) {
        TORCH_CHECK(b.prevLe.defined(), "hidden-state model: the batch holds no previous token's routing");
        TORCH_CHECK(!prevFeat.defined() || b.prevFeat.defined(),
                    "hidden-state model: the batch holds no previous token's features");
        z = z + previousContext(b.prevLe, b.prevW, b.prevFeat).unsqueeze(1);
    }
    z = torch::gelu(mid->forward(torch::gelu(z)));
    torch::Tensor y = out->forward(z).view({b.B, L, H, E});
    return y + bias.index_select(0, biasIdx.to(bias.device())).view({1, L, H, E});
}

torch::Tensor HiddenStateNetImpl::featureInput(int layer, const torch::Tensor& features)
{
    return torch::matmul(norm->forward(features), featGru[layer]);
}

torch::Tensor HiddenStateNetImpl::previousContext(const torch::Tensor& rows, const torch::Tensor& weights,
                                                  const torch::Tensor& features)
{
    torch::Tensor c = (prev->forward(rows) * weights.unsqueeze(-1)).sum(1);
    if (!prevFeat.defined())
        return c;
    // The first token of a sequence has no previous token: its zero rows would still give
    // the LayerNorm's shift, so they are masked out.
    const torch::Tensor known = (weights.sum(1, true) > 0).to(c.scalar_type());
    const torch::Tensor x = norm->forward(features).reshape({features.size(0), int64_t(L) * F});
    return c + torch::matmul(x, prevFeat) * known;
}

torch::Tensor HiddenStateNetImpl::step(int layer, const torch::Tensor& features, const torch::Tensor& state,
                                       const torch::Tensor& previous)
{
    torch::Tensor z = torch::matmul(norm->forward(features), featIn[layer]) + layerEmb[layer] + stateIn->forward(state);
    if (previous.defined())
        z = z + previous;
    z = torch::gelu(mid->forward(torch::gelu(z)));
    torch::Tensor rows = biasIdx.slice(0, int64_t(layer) * H, int64_t(layer + 1) * H).to(bias.device());
    return out->forward(z).view({features.size(0), H, E}) + bias.index_select(0, rows).unsqueeze(0);
}

EnsembleNetImpl::EnsembleNetImpl(const PredictorConfig& c)
    : L(c.dims.layers), H(c.horizon), E(c.dims.experts), C(int(c.components.size())), k(c.dims.topk)
{
    gate = register_module("gate", nn::Linear(3 * C, C));
    {
        torch::NoGradGuard ng;
        gate->weight.zero_();
        gate->bias.zero_();
    }
    gateBias = register_parameter("gate_bias", torch::zeros({H * L, C}));
    biasIdx = makeBiasIndex(L, H);
}

torch::Tensor EnsembleNetImpl::forward(const torch::Tensor& comps)
{
    torch::Tensor maxp = std::get<0>(comps.max(-1));
    torch::Tensor topk = std::get<0>(comps.topk(k, -1)).sum(-1) / double(k);
    torch::Tensor q = comps / comps.sum(-1, true).clamp_min(1e-6);
    torch::Tensor ent = -(q * q.clamp_min(1e-9).log()).sum(-1) / std::log(double(std::max(2, E)));
    torch::Tensor f = torch::cat({maxp, topk, ent}, -1);
    torch::Tensor g = gate->forward(f) + gateBias.index_select(0, biasIdx.to(gateBias.device())).view({1, L, H, C});
    torch::Tensor wgt = torch::softmax(g, -1);
    return (wgt.unsqueeze(-1) * comps).sum(-2);
}

} // namespace specmoe::speculate
