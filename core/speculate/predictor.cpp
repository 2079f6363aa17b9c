#include "core/speculate/predictor.h"

#include "core/speculate/gru_sequence.h"

#include <algorithm>

namespace specmoe::speculate {

void Predictor::build(uint64_t seed)
{
    torch::manual_seed(seed);
    if (cfg.inter)
        inter = InterLayerNet(cfg);
    if (cfg.stat)
        stat = StatNet(cfg);
    if (cfg.hidden)
        hid = HiddenStateNet(cfg);
    if (cfg.ens)
        ens = EnsembleNet(cfg);
    if (int(cfg.fallback.size()) != cfg.horizon * cfg.dims.layers)
        cfg.fallback.assign(size_t(cfg.horizon * cfg.dims.layers), -1);
}

void Predictor::to(const torch::Device& d)
{
    device = d;
    // The bias indices are not registered buffers (they are not saved), so module->to leaves
    // them: moved here once, else every forward pass copies them, a host sync on CUDA.
    if (inter) {
        inter->to(d);
        inter->biasIdx = inter->biasIdx.to(d);
    }
    if (stat) {
        stat->to(d);
        stat->biasIdx = stat->biasIdx.to(d);
    }
    if (hid) {
        hid->to(d);
        hid->biasIdx = hid->biasIdx.to(d);
    }
    if (ens) {
        ens->to(d);
        ens->biasIdx = ens->biasIdx.to(d);
    }
}

void Predictor::train(bool on)
{
    if (inter)
        inter->train(on);
    if (stat)
        stat->train(on);
    if (hid)
        hid->train(on);
    if (ens)
        ens->train(on);
}

std::vector<torch::Tensor> Predictor::parameters(const std::string& which)
{
    std::vector<torch::Tensor> out;
    auto add = [&](const std::vector<torch::Tensor>& v) { out.insert(out.end(), v.begin(), v.end()); };
    if (inter && (which.empty() || which == kInterLayer))
        add(inter->parameters());
    if (stat && (which.empty() || which == kStatistics))
        add(stat->parameters());
    if (hid && (which.empty() || which == kHiddenState))
        add(hid->parameters());
    if (ens && (which.empty() || which == kEnsemble))
        add(ens->parameters());
    return out;
}

ForwardOut Predictor::forward(const Batch& b, bool needEnsembleGrad)
{
    // The models' GRUs over layers run as one recurrence (runGrus), then each model's heads.
    std::vector<torch::nn::GRU> grus;
    std::vector<torch::Tensor> inputs;
    if (inter) {
        grus.push_back(inter->enc->gru);
        inputs.push_back(inter->enc->input(b));
    }
    if (stat) {
        grus.push_back(stat->enc->gru);
        inputs.push_back(stat->enc->input(b));
    }
    if (hid) {
        grus.push_back(hid->enc->gru);
        inputs.push_back(hid->encoderInput(b));
    }
    const std::vector<torch::Tensor> encoded = runGrus(grus, inputs);
    size_t next = 0;
    ForwardOut o;
    if (inter) {
        o.interLogits = inter->fromEncoded(b, encoded[next++]);
        o.comps.push_back(torch::sigmoid(o.interLogits).detach());
    }
    if (stat) {
        o.statLogits = stat->fromEncoded(b, encoded[next++]);
        o.comps.push_back(torch::sigmoid(o.statLogits).detach());
    }
    if (hid) {
        o.hiddenLogits = hid->fromEncoded(b, encoded[next++]);
        o.comps.push_back(torch::sigmoid(o.hiddenLogits).detach());
    }
    o.comps.push_back(b.freqP);
    o.comps.push_back(b.markovP);
    if (!cfg.dims.lookahead.empty())
        o.comps.push_back(b.lookP);
    if (ens) {
        torch::Tensor st = torch::stack(o.comps, 3);
        if (needEnsembleGrad)
            o.ensRaw = ens->forward(st);
        else {
            torch::NoGradGuard ng;
            o.ensRaw = ens->forward(st);
        }
    }
    return o;
}

std::vector<std::pair<std::string, torch::Tensor>> Predictor::predictAll(const Batch& b)
{
    torch::NoGradGuard ng;
    ForwardOut o = forward(b, false);
    std::vector<std::pair<std::string, torch::Tensor>> r;
    const torch::Tensor mask = b.valid.unsqueeze(-1);
    const int L = cfg.dims.layers, H = cfg.horizon, C = int(o.comps.size());
    if (inter)
        r.emplace_back(kInterLayer, torch::sigmoid(o.interLogits) * mask);
    if (stat)
        r.emplace_back(kStatistics, torch::sigmoid(o.statLogits) * mask);
    if (hid)
        r.emplace_back(kHiddenState, torch::sigmoid(o.hiddenLogits) * mask);
    if (ens) {
        std::vector<float> sel(size_t(L * H * (C + 1)), 0.0f);
        for (int l = 0; l < L; ++l)
            for (int h = 0; h < H; ++h) {
                const int t = std::min(l + h + 1, L - 1);
                const int f = cfg.fallback[size_t(h * L + t)];
                sel[size_t((l * H + h) * (C + 1) + (f < 0 || f >= C ? C : f))] = 1.0f;
            }
        torch::Tensor s = torch::from_blob(sel.data(), {1, L, H, C + 1, 1}, torch::kFloat).clone().to(b.valid.device());
        torch::Tensor all = torch::cat({torch::stack(o.comps, 3), o.ensRaw.unsqueeze(3)}, 3);
        r.emplace_back(kEnsemble, (all * s).sum(3) * mask);
    }
    r.emplace_back(kFrequency, b.freqP * mask);
    r.emplace_back(kMarkov, b.markovP * mask);
    if (!cfg.dims.lookahead.empty())
        r.emplace_back(kLookahead, b.lookP * mask);
    r.emplace_back(kUniform, b.uniformP * mask);
    for (auto& p : r)
        p.second = p.second.to(torch::kCPU).contiguous();
    return r;
}

} // namespace specmoe::speculate
