// Inference cost of the hidden-state model at Mixtral-8x7B dims (prints numbers, asserts nothing).
//   bench_hidden_state [--features F] [--mlp W] [--no-decode-context] [--decode-features] [--reps N]
// Per token and layer, what an engine runs during layer l once the router input hr_l exists:
// the features f_l = P_l (hr_l - mu_l) (hidden 4096 -> F), one GRU step over layer l's routing
// plus the features' input (HiddenStateNetImpl::featureInput), the MLP -> H*E logits
// (HiddenStateNetImpl::step; with decode context the previous token's context, computed once
// per token, is counted as 1/L of its cost per layer; with decode features it also maps the
// previous token's features of every layer, which the engine computed for that token). Median latency of one such step at batch 1
// and 64 on one CPU thread, the projection alone beside it, the FLOPs by formula and their
// share of one Mixtral-8x7B layer's FLOPs per token (attention projections + router + 2 experts).
// Output: human lines and one JSON line ({"bench":"hidden_state", ...}).
#include "core/speculate/networks.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

constexpr int kL = 32, kE = 8, kK = 2, kH = 2, kModel = 4096, kKv = 1024, kFfn = 14336;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class Fn>
double medianMicros(int reps, Fn&& fn)
{
    for (int i = 0; i < std::max(10, reps / 10); ++i) // warm-up: allocations, caches
        fn(i);
    std::vector<double> t;
    t.reserve(size_t(reps));
    for (int i = 0; i < reps; ++i) {
        const auto a = std::chrono::steady_clock::now();
        fn(i);
        t.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count());
    }
    return median(std::move(t));
}

} // namespace

int main(int argc, char** argv)
{
    int F = 64, reps = 2000, width = ModelParams().mlpDim;
    bool decode = ModelParams().decodeContext, decodeFeatures = ModelParams().decodeFeatures;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--no-decode-context"))
            decode = false;
        else if (!std::strcmp(argv[i], "--decode-features"))
            decodeFeatures = true;
        else if (!std::strcmp(argv[i], "--no-decode-features"))
            decodeFeatures = false;
        else if (i + 1 < argc && !std::strcmp(argv[i], "--features"))
            F = std::atoi(argv[++i]);
        else if (i + 1 < argc && !std::strcmp(argv[i], "--mlp"))
            width = std::atoi(argv[++i]);
        else if (i + 1 < argc && !std::strcmp(argv[i], "--reps"))
            reps = std::atoi(argv[++i]);
    }
    at::set_num_threads(1);
    PredictorConfig c;
    c.dims.layers = kL;
    c.dims.experts = kE;
    c.dims.topk = kK;
    c.dims.featureDim = F;
    c.horizon = kH;
    c.hidden = true;
    c.model.mlpDim = width;
    c.model.decodeContext = decode;
    c.model.decodeFeatures = decodeFeatures;
    decodeFeatures = c.previousFeatureInput();
    const ModelParams& m = c.model;
    torch::manual_seed(1);
    HiddenStateNet net(c);
    net->eval();
    torch::NoGradGuard ng;
    const torch::Tensor P = torch::randn({kL, F, kModel}) / 64.0, mu = torch::randn({kL, kModel});
    torch::Tensor wih, whh, bih, bhh;
    for (const auto& p : net->enc->gru->named_parameters()) {
        if (p.key() == "weight_ih_l0") wih = p.value();
        if (p.key() == "weight_hh_l0") whh = p.value();
        if (p.key() == "bias_ih_l0") bih = p.value();
        if (p.key() == "bias_hh_l0") bhh = p.value();
    }

    nlohmann::json out = {{"bench", "hidden_state"}, {"features", F}, {"layers", kL}, {"experts", kE},
                          {"hidden", kModel}, {"mlp", m.mlpDim}, {"gru", m.hiddenDim}, {"embed", m.embedDim},
                          {"horizon", kH}, {"threads", 1}, {"decode_context", decode},
                          {"decode_features", decodeFeatures}};
    for (const int B : {1, 64}) {
        const torch::Tensor hr = torch::randn({B, kModel}), state = torch::randn({B, m.hiddenDim});
        const torch::Tensor ids = torch::randint(0, kE, {B, kK}, torch::kLong);
        const torch::Tensor w = torch::full({B, kK}, 0.5f), tok = torch::randint(0, m.tokenBuckets, {B}, torch::kLong);
        const torch::Tensor prevRows = torch::randint(0, kL * kE, {B, kL * kK}, torch::kLong);
        const torch::Tensor prevW = torch::full({B, kL * kK}, 0.5f);
        const torch::Tensor prevFeat = decodeFeatures ? torch::randn({B, kL, F}) : torch::Tensor();
        torch::Tensor sink, previous;
        const double step = medianMicros(reps, [&](int i) {
            const int l = i % kL;
            if (decode && l == 0) // once per token: the previous token's routing of every layer
                previous = net->previousContext(prevRows, prevW, prevFeat);               // [B, W]
            const torch::Tensor f = torch::matmul(hr - mu[l], P[l].t());                  // [B, F]
            const torch::Tensor x = (net->enc->le->forward(ids + int64_t(l) * kE) * w.unsqueeze(-1)).sum(1) +
                                    net->enc->layerPos[l] + net->enc->tok->forward(tok) +
                                    net->featureInput(l, f);                              // [B, d]
            const torch::Tensor h = at::gru_cell(x, state, wih, whh, bih, bhh);           // [B, hid]
            sink = net->step(l, f, h, previous);                                          // [B, H, E]
        });
        const double proj = medianMicros(reps, [&](int i) {
            const int l = i % kL;
            sink = torch::matmul(hr - mu[l], P[l].t());
        });
        std::printf("batch %2d: one layer step %.1f us (%.2f us per token-layer); the projection alone %.1f us\n", B,
                    step, step / B, proj);
        out["b" + std::to_string(B)] = {{"step_us", step}, {"per_token_layer_us", step / B}, {"projection_us", proj}};
    }

    // FLOPs per token and layer (a multiply-add = 2).
    const double W = m.mlpDim, hid = m.hiddenDim, d = m.embedDim;
    const double projection = 2.0 * F * kModel + kModel;
    const double gru = 2.0 * 3.0 * (d * hid + hid * hid) + 2.0 * kK * d + 2.0 * F * d; // + the features' input
    // + the decode context: 2 L k W per token, once (1/L of it per layer), with decode features
    // also 2 L F W + 10 L F (their LayerNorm and map).
    const double mlp = 2.0 * (F * W + hid * W + W * W + W * kH * kE) + 10.0 * F + (decode ? 2.0 * kK * W : 0.0) +
                       (decodeFeatures ? 2.0 * F * W + 10.0 * F : 0.0);
    const double model = projection + gru + mlp;
    const double attention = 2.0 * kModel * (kModel + 2.0 * kKv + kModel); // q, k, v, o projections
    const double router = 2.0 * kModel * kE;
    const double experts = 2.0 * 3.0 * 2.0 * double(kModel) * kFfn;       // 2 experts x 3 matrices
    const double layer = attention + router + experts;
    std::printf("FLOPs per token-layer: projection %.0f, GRU step %.0f, MLP %.0f, total %.0f (%.3f MFLOP)\n", projection,
                gru, mlp, model, model / 1e6);
    std::printf("Mixtral-8x7B layer per token: attention projections %.1f + router %.2f + 2 experts %.1f = %.1f MFLOP "
                "(+ 4 x 4096 x T for attention over T keys)\n",
                attention / 1e6, router / 1e6, experts / 1e6, layer / 1e6);
    std::printf("share of the layer: %.3f %% (projection alone %.3f %%)\n", 100.0 * model / layer,
                100.0 * projection / layer);
    out["flops"] = {{"projection", projection}, {"gru", gru}, {"mlp", mlp}, {"total", model}, {"mixtral_layer", layer},
                    {"share", model / layer}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
