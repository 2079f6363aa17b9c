#include "core/speculate/nets.h"

#include "core/speculate/st_io.h"
#include "core/tensor/torch_compat.h"
#include "core/util/error.h"

#include <torch/nn.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

namespace specmoe::speculate {

namespace fs = std::filesystem;
namespace nn = torch::nn;

// ---------------------------------------------------------------------------------------
nlohmann::json NetConfig::toJson() const
{
    nlohmann::json models = nlohmann::json::array();
    if (inter)
        models.push_back(kInterLayer);
    if (stat)
        models.push_back(kStatistics);
    if (ens)
        models.push_back(kEnsemble);
    nlohmann::json fb = nlohmann::json::array();
    for (int h = 0; h < horizon; ++h) {
        std::vector<int> row(fallback.begin() + h * dims.layers, fallback.begin() + (h + 1) * dims.layers);
        fb.push_back(row);
    }
    return {{"format", "specmoe-predictor"},
            {"version", 1},
            {"dims", {{"layers", dims.layers}, {"experts", dims.experts}, {"topk", dims.topk},
                      {"lookahead", dims.lookahead}}},
            {"horizon", horizon},
            {"model", {{"embed_dim", model.embedDim}, {"hidden_dim", model.hiddenDim},
                       {"token_buckets", model.tokenBuckets}, {"stats_dim", model.statsDim},
                       {"use_weights", model.useWeights}, {"use_token_ids", model.useTokenIds},
                       {"use_lookahead", model.useLookahead}}},
            {"models", models},
            {"ensemble", {{"components", components}, {"fallback", fb}}},
            {"split", {{"seed", split.seed}, {"train_fraction", split.trainFraction},
                       {"validation_fraction", split.validationFraction}}},
            {"fingerprint", fingerprint},
            {"train_tokens", trainTokens},
            {"best_epoch", bestEpoch},
            {"markov_smoothing", kMarkovSmoothing},
            {"uniform_jitter", 1e-4}};
}

NetConfig NetConfig::fromJson(const nlohmann::json& j, const std::string& where)
{
    try {
        if (j.at("format").get<std::string>() != "specmoe-predictor")
            throw Error("not a specmoe predictor");
        if (j.at("version").get<int>() != 1)
            throw Error("unknown version " + j.at("version").dump());
        NetConfig c;
        const auto& d = j.at("dims");
        c.dims.layers = d.at("layers").get<int>();
        c.dims.experts = d.at("experts").get<int>();
        c.dims.topk = d.at("topk").get<int>();
        c.dims.lookahead = d.at("lookahead").get<std::vector<int>>();
        c.horizon = j.at("horizon").get<int>();
        const auto& m = j.at("model");
        c.model.embedDim = m.at("embed_dim").get<int>();
        c.model.hiddenDim = m.at("hidden_dim").get<int>();
        c.model.tokenBuckets = m.at("token_buckets").get<int>();
        c.model.statsDim = m.at("stats_dim").get<int>();
        c.model.useWeights = m.at("use_weights").get<bool>();
        c.model.useTokenIds = m.at("use_token_ids").get<bool>();
        c.model.useLookahead = m.at("use_lookahead").get<bool>();
        const auto models = j.at("models").get<std::vector<std::string>>();
        auto has = [&](const char* n) { return std::find(models.begin(), models.end(), n) != models.end(); };
        c.inter = has(kInterLayer);
        c.stat = has(kStatistics);
        c.ens = has(kEnsemble);
        c.components = j.at("ensemble").at("components").get<std::vector<std::string>>();
        c.fallback.clear();
        for (const auto& row : j.at("ensemble").at("fallback"))
            for (int v : row.get<std::vector<int>>())
                c.fallback.push_back(v);
        c.split.seed = j.at("split").at("seed").get<uint64_t>();
        c.split.trainFraction = j.at("split").at("train_fraction").get<double>();
        c.split.validationFraction = j.at("split").at("validation_fraction").get<double>();
        c.fingerprint = j.value("fingerprint", "");
        c.trainTokens = j.value("train_tokens", int64_t(0));
        c.bestEpoch = j.value("best_epoch", 0);
        if (c.dims.layers <= 0 || c.dims.experts <= 0 || c.dims.topk <= 0 || c.horizon <= 0 ||
            c.horizon >= c.dims.layers)
            throw Error("invalid dimensions or horizon");
        if (int(c.fallback.size()) != c.horizon * c.dims.layers)
            throw Error("ensemble.fallback must be [horizon][layers]");
        return c;
    } catch (const Error& e) {
        throw Error(where + ": " + e.what());
    } catch (const std::exception& e) {
        throw Error(where + ": bad or missing field: " + e.what());
    }
}

// ---------------------------------------------------------------------------------------
static float jitter(int64_t seq, int32_t pos, int l, int h, int e)
{
    uint64_t x = uint64_t(seq) * 0x9e3779b97f4a7c15ULL ^ (uint64_t(uint32_t(pos)) << 20) ^
                 (uint64_t(l) << 8) ^ (uint64_t(h) << 40) ^ (uint64_t(e) << 48);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return float(double(x >> 11) * (1.0 / 9007199254740992.0));
}

template <class T>
static torch::Tensor toTensor(std::vector<T>& v, std::vector<int64_t> shape, torch::ScalarType st)
{
    return torch::from_blob(v.data(), shape, st).clone();
}

Batch buildBatch(const TokenTable& t, const LayerStats& s, const NetConfig& c)
{
    const int64_t B = int64_t(t.size());
    const int L = c.dims.layers, E = c.dims.experts, k = c.dims.topk, H = c.horizon;
    const int D = c.lookInput() ? c.D() : 0;
    const int F = 2 * E + 1;
    std::vector<int64_t> le(size_t(B * L * k)), probeIdx(size_t(B * L * D * k)), tokB(static_cast<size_t>(B));
    std::vector<float> w(size_t(B * L * k)), probeW(size_t(B * L * D * k));
    const size_t nLH = size_t(B * L * H);
    std::vector<float> target(nLH * size_t(E), 0.0f), valid(nLH, 0.0f), feat(nLH * size_t(F), 0.0f);
    std::vector<float> freq(nLH * size_t(E)), markov(nLH * size_t(E)), look(nLH * size_t(E)), uni(nLH * size_t(E));
    const float base = float(k) / float(E);
    for (int64_t b = 0; b < B; ++b) {
        const uint8_t* ids = t.idsRow(size_t(b));
        const uint8_t* lk = t.lookRow(size_t(b));
        const float* wr = t.w.data() + size_t(b) * size_t(L * k);
        for (int l = 0; l < L; ++l) {
            for (int j = 0; j < k; ++j) {
                const size_t at = size_t((b * L + l) * k + j);
                le[at] = int64_t(l) * E + ids[l * k + j];
                w[at] = c.model.useWeights ? wr[l * k + j] : 1.0f / float(k);
            }
            for (int d = 0; d < D; ++d)
                for (int j = 0; j < k; ++j) {
                    const uint8_t e = lk[(l * D + d) * k + j];
                    const size_t at = size_t(((b * L + l) * D + d) * k + j);
                    probeIdx[at] = e == kNoExpert || e >= E ? 0 : (int64_t(l) * D + d) * E + e;
                    probeW[at] = e == kNoExpert || e >= E ? 0.0f : 1.0f / float(k);
                }
            for (int h = 1; h <= H; ++h) {
                const size_t r = size_t((b * L + l) * H + (h - 1));
                float* fq = freq.data() + r * size_t(E);
                float* mk = markov.data() + r * size_t(E);
                float* lo = look.data() + r * size_t(E);
                float* un = uni.data() + r * size_t(E);
                for (int e = 0; e < E; ++e)
                    un[e] = base + 1e-4f * jitter(t.seq[size_t(b)], t.pos[size_t(b)], l, h, e);
                if (l + h >= L) {
                    for (int e = 0; e < E; ++e)
                        fq[e] = mk[e] = lo[e] = base;
                    continue;
                }
                valid[r] = 1.0f;
                for (int j = 0; j < k; ++j)
                    target[r * size_t(E) + ids[(l + h) * k + j]] = 1.0f;
                std::memcpy(fq, s.frequency(l + h), size_t(E) * sizeof(float));
                s.markov(ids + l * k, l, h, mk);
                s.lookahead(t.lookRow(size_t(b)), l, h, lo);
                float* f = feat.data() + r * size_t(F);
                std::memcpy(f, fq, size_t(E) * sizeof(float));
                std::memcpy(f + E, mk, size_t(E) * sizeof(float));
                f[2 * E] = s.entropy(l + h);
            }
        }
        const int buckets = c.model.tokenBuckets;
        tokB[size_t(b)] = c.model.useTokenIds && buckets > 0 ? ((int64_t(t.tok[size_t(b)]) % buckets) + buckets) % buckets : 0;
    }
    Batch bt;
    bt.B = B;
    bt.le = toTensor(le, {B, L, k}, torch::kLong);
    bt.w = toTensor(w, {B, L, k}, torch::kFloat);
    bt.probeIdx = toTensor(probeIdx, {B, L, D * k}, torch::kLong);
    bt.probeW = toTensor(probeW, {B, L, D * k}, torch::kFloat);
    bt.tokB = toTensor(tokB, {B}, torch::kLong);
    bt.target = toTensor(target, {B, L, H, E}, torch::kFloat);
    bt.valid = toTensor(valid, {B, L, H}, torch::kFloat);
    bt.statFeat = toTensor(feat, {B, L, H, F}, torch::kFloat);
    bt.freqP = toTensor(freq, {B, L, H, E}, torch::kFloat);
    bt.markovP = toTensor(markov, {B, L, H, E}, torch::kFloat);
    bt.lookP = toTensor(look, {B, L, H, E}, torch::kFloat);
    bt.uniformP = toTensor(uni, {B, L, H, E}, torch::kFloat);
    return bt;
}

Batch Batch::to(const torch::Device& d) const
{
    if (d.is_cpu())
        return *this;
    Batch o = *this;
    for (torch::Tensor* x : {&o.le, &o.w, &o.probeIdx, &o.probeW, &o.tokB, &o.target, &o.valid,
                             &o.statFeat, &o.freqP, &o.markovP, &o.lookP, &o.uniformP})
        *x = x->to(d);
    return o;
}

torch::Tensor makeBiasIndex(int L, int H)
{
    std::vector<int64_t> v;
    for (int l = 0; l < L; ++l)
        for (int h = 0; h < H; ++h)
            v.push_back(int64_t(h) * L + std::min(l + h + 1, L - 1));
    return torch::tensor(v, torch::kLong);
}

// ---------------------------------------------------------------------------------------
EncoderImpl::EncoderImpl(const NetConfig& c)
{
    const int L = c.dims.layers, E = c.dims.experts, d = c.model.embedDim;
    torch::NoGradGuard ng;
    le = register_module("le", nn::Embedding(L * E, d));
    nn::init::normal_(le->weight, 0.0, 0.5);
    if (c.lookInput()) {
        useProbe = true;
        probe = register_module("probe", nn::Embedding(L * c.D() * E, d));
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

torch::Tensor EncoderImpl::forward(const Batch& b)
{
    torch::Tensor x = (le->forward(b.le) * b.w.unsqueeze(-1)).sum(2) + layerPos.unsqueeze(0);
    if (useProbe)
        x = x + (probe->forward(b.probeIdx) * b.probeW.unsqueeze(-1)).sum(2);
    if (useTok)
        x = x + tok->forward(b.tokB).unsqueeze(1);
    return std::get<0>(gru->forward(x));
}

InterLayerNetImpl::InterLayerNetImpl(const NetConfig& c)
    : L(c.dims.layers), H(c.horizon), E(c.dims.experts)
{
    enc = register_module("enc", Encoder(c));
    head = register_module("head", nn::Linear(c.model.hiddenDim, H * E));
    bias = register_parameter("bias", torch::zeros({H * L, E}));
    biasIdx = makeBiasIndex(L, H);
}

torch::Tensor InterLayerNetImpl::forward(const Batch& b)
{
    torch::Tensor o = enc->forward(b);
    torch::Tensor y = head->forward(o).view({b.B, L, H, E});
    return y + bias.index_select(0, biasIdx.to(bias.device())).view({1, L, H, E});
}

StatNetImpl::StatNetImpl(const NetConfig& c) : L(c.dims.layers), H(c.horizon), E(c.dims.experts)
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

torch::Tensor StatNetImpl::forward(const Batch& b)
{
    torch::Tensor o = enc->forward(b); // [B, L, hid]
    const int64_t hid = o.size(2);
    torch::Tensor s = torch::relu(statProj->forward(b.statFeat) + horizonEmb.unsqueeze(0).unsqueeze(0));
    torch::Tensor z = torch::relu(mix->forward(torch::cat({o.unsqueeze(2).expand({b.B, L, H, hid}), s}, -1)));
    torch::Tensor y = out->forward(z) + bias.index_select(0, biasIdx.to(bias.device())).view({1, L, H, E});
    torch::Tensor lm = torch::logit(b.markovP.clamp(1e-4, 1.0 - 1e-4));
    torch::Tensor lf = torch::logit(b.freqP.clamp(1e-4, 1.0 - 1e-4));
    return y + alpha.view({1, 1, H, 1}) * lm + beta.view({1, 1, H, 1}) * lf;
}

EnsembleNetImpl::EnsembleNetImpl(const NetConfig& c)
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
    const int64_t B = comps.size(0);
    torch::Tensor maxp = std::get<0>(comps.max(-1));
    torch::Tensor topk = std::get<0>(comps.topk(k, -1)).sum(-1) / double(k);
    torch::Tensor q = comps / comps.sum(-1, true).clamp_min(1e-6);
    torch::Tensor ent = -(q * q.clamp_min(1e-9).log()).sum(-1) / std::log(double(std::max(2, E)));
    torch::Tensor f = torch::cat({maxp, topk, ent}, -1);
    torch::Tensor g = gate->forward(f) + gateBias.index_select(0, biasIdx.to(gateBias.device())).view({1, L, H, C});
    torch::Tensor wgt = torch::softmax(g, -1);
    (void)B;
    return (wgt.unsqueeze(-1) * comps).sum(-2);
}

// ---------------------------------------------------------------------------------------
torch::Device parseDevice(const std::string& name)
{
    if (name.empty() || name == "cpu")
        return torch::kCPU;
    if (name == "auto")
        return compat::cudaAvailable() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!compat::cudaAvailable())
            throw Error("device '" + name + "' requested, but this build or machine has no CUDA");
        try {
            return torch::Device(name);
        } catch (const std::exception&) {
            throw Error("unknown device '" + name + "'");
        }
    }
    throw Error("unknown device '" + name + "' (cpu, cuda, cuda:N or auto)");
}

void Predictor::build(uint64_t seed)
{
    torch::manual_seed(seed);
    if (cfg.inter)
        inter = InterLayerNet(cfg);
    if (cfg.stat)
        stat = StatNet(cfg);
    if (cfg.ens)
        ens = EnsembleNet(cfg);
    if (int(cfg.fallback.size()) != cfg.horizon * cfg.dims.layers)
        cfg.fallback.assign(size_t(cfg.horizon * cfg.dims.layers), -1);
}

void Predictor::to(const torch::Device& d)
{
    device = d;
    if (inter)
        inter->to(d);
    if (stat)
        stat->to(d);
    if (ens)
        ens->to(d);
}

void Predictor::train(bool on)
{
    if (inter)
        inter->train(on);
    if (stat)
        stat->train(on);
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
    if (ens && (which.empty() || which == kEnsemble))
        add(ens->parameters());
    return out;
}

ForwardOut Predictor::forward(const Batch& b, bool needEnsembleGrad)
{
    ForwardOut o;
    if (inter) {
        o.interLogits = inter->forward(b);
        o.comps.push_back(torch::sigmoid(o.interLogits).detach());
    }
    if (stat) {
        o.statLogits = stat->forward(b);
        o.comps.push_back(torch::sigmoid(o.statLogits).detach());
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

static void collect(const std::string& prefix, const nn::Module& m, std::vector<std::pair<std::string, torch::Tensor>>& out)
{
    for (const auto& p : m.named_parameters(true))
        out.emplace_back(prefix + "." + p.key(), p.value());
}

std::vector<NamedArray> Predictor::weightArrays() const
{
    std::vector<std::pair<std::string, torch::Tensor>> ps;
    if (inter)
        collect(kInterLayer, *inter, ps);
    if (stat)
        collect(kStatistics, *stat, ps);
    if (ens)
        collect(kEnsemble, *ens, ps);
    std::vector<NamedArray> out;
    for (auto& [name, t] : ps) {
        torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
        std::vector<float> v(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        out.push_back(makeF32(name, c.sizes().vec(), v));
    }
    return out;
}

void Predictor::setWeights(const std::vector<NamedArray>& arrays, const std::string& where)
{
    std::map<std::string, const NamedArray*> byName;
    for (const auto& a : arrays)
        byName[a.name] = &a;
    std::vector<std::pair<std::string, torch::Tensor>> ps;
    if (inter)
        collect(kInterLayer, *inter, ps);
    if (stat)
        collect(kStatistics, *stat, ps);
    if (ens)
        collect(kEnsemble, *ens, ps);
    torch::NoGradGuard ng;
    for (auto& [name, t] : ps) {
        auto it = byName.find(name);
        if (it == byName.end())
            throw Error(where + ": tensor '" + name + "' is missing");
        std::vector<float> v = asF32(*it->second, where);
        if (int64_t(v.size()) != t.numel() || it->second->shape != t.sizes().vec())
            throw Error(where + ": tensor '" + name + "' has the wrong shape");
        t.copy_(torch::from_blob(v.data(), t.sizes(), torch::kFloat));
    }
}

void Predictor::save(const std::string& dir) const
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error("cannot create the predictor folder " + dir + ": " + ec.message());
    std::vector<NamedArray> arrays = weightArrays();
    for (auto& a : stats.toArrays())
        arrays.push_back(std::move(a));
    writeTensorFile(dir + "/predictor.safetensors", arrays, {{"format", "specmoe-predictor"}});
    writeText(dir + "/config.json", cfg.toJson().dump(2) + "\n");
}

Predictor Predictor::load(const std::string& dir, const torch::Device& d)
{
    const std::string cfgPath = dir + "/config.json";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readText(cfgPath));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(cfgPath + ": not valid JSON: " + e.what());
    }
    Predictor p;
    p.cfg = NetConfig::fromJson(j, cfgPath);
    const std::string wPath = dir + "/predictor.safetensors";
    const std::vector<NamedArray> arrays = readTensorFile(wPath);
    p.build(0);
    p.setWeights(arrays, wPath);
    p.stats.fromArrays(p.cfg.dims, p.cfg.horizon, arrays, wPath);
    p.to(d);
    p.train(false);
    return p;
}

// ---------------------------------------------------------------------------------------
void checkBlockDims(const TraceDims& a, const RoutingBlock& b, const std::string& where)
{
    const TraceDims& d = b.dims;
    if (a.layers != d.layers || a.experts != d.experts || a.topk != d.topk || a.lookahead != d.lookahead)
        throw Error(where + ": a block has " + std::to_string(d.layers) + " layers, " +
                    std::to_string(d.experts) + " experts, top-" + std::to_string(d.topk) +
                    ", where the predictor expects " + std::to_string(a.layers) + ", " +
                    std::to_string(a.experts) + ", top-" + std::to_string(a.topk) +
                    " (traces of different models mixed?)");
}

int SplitScores::index(const std::string& n) const
{
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == n)
            return int(i);
    return -1;
}

namespace {
struct StopStream {};
} // namespace

SplitScores scoreSplit(Predictor& p, const BlockSource& src, std::optional<Split> split,
                       int64_t maxTokens, int batchTokens, const ProgressFn& progress)
{
    const int L = p.cfg.dims.layers, E = p.cfg.dims.experts, k = p.cfg.dims.topk, H = p.cfg.horizon;
    SplitScores s;
    if (p.inter)
        s.names.push_back(kInterLayer);
    if (p.stat)
        s.names.push_back(kStatistics);
    if (p.ens)
        s.names.push_back(kEnsemble);
    s.names.push_back(kFrequency);
    s.names.push_back(kMarkov);
    if (!p.cfg.dims.lookahead.empty())
        s.names.push_back(kLookahead);
    s.names.push_back(kUniform);
    s.acc.assign(s.names.size(), std::vector<std::vector<MetricAccumulator>>(
                                     size_t(H), std::vector<MetricAccumulator>(size_t(L), MetricAccumulator(E, k))));
    p.train(false);
    TokenTable tt;
    tt.init(p.cfg.dims);
    auto flush = [&]() {
        if (tt.size() == 0)
            return;
        Batch b = buildBatch(tt, p.stats, p.cfg).to(p.device);
        torch::NoGradGuard ng;
        ForwardOut o = p.forward(b, false);
        std::vector<torch::Tensor> probs;
        if (p.inter)
            probs.push_back(torch::sigmoid(o.interLogits));
        if (p.stat)
            probs.push_back(torch::sigmoid(o.statLogits));
        if (p.ens)
            probs.push_back(o.ensRaw);
        probs.push_back(b.freqP);
        probs.push_back(b.markovP);
        if (!p.cfg.dims.lookahead.empty())
            probs.push_back(b.lookP);
        probs.push_back(b.uniformP);
        for (size_t m = 0; m < probs.size(); ++m) {
            torch::Tensor c = probs[m].to(torch::kCPU, torch::kFloat).contiguous();
            const float* ptr = c.data_ptr<float>();
            for (size_t bi = 0; bi < tt.size(); ++bi) {
                const uint8_t* ids = tt.idsRow(bi);
                for (int l = 0; l < L; ++l)
                    for (int h = 1; h <= H && l + h < L; ++h)
                        s.acc[m][size_t(h - 1)][size_t(l + h)].add(
                            ptr + ((bi * size_t(L) + size_t(l)) * size_t(H) + size_t(h - 1)) * size_t(E),
                            ids + (l + h) * k);
            }
        }
        s.tokens += int64_t(tt.size());
        tt.clear();
        Progress pr;
        pr.stage = "evaluate";
        pr.unit = "tokens";
        pr.done = s.tokens;
        pr.total = maxTokens;
        reportProgress(progress, pr);
    };
    try {
        src.forEachBlock(
            [&](const RoutingBlock& blk) {
                checkBlockDims(p.cfg.dims, blk, src.description);
                for (size_t t = 0; t < blk.numTokens(); ++t) {
                    if (split && splitOf(blk.seqIds[t], p.cfg.split) != *split)
                        continue;
                    if (maxTokens > 0 && s.tokens + int64_t(tt.size()) >= maxTokens)
                        throw StopStream{};
                    tt.append(blk, t);
                    if (int(tt.size()) >= batchTokens)
                        flush();
                }
            },
            0);
    } catch (const StopStream&) {
    }
    flush();
    return s;
}

void chooseFallback(Predictor& p, const SplitScores& s)
{
    const int L = p.cfg.dims.layers, H = p.cfg.horizon, k = p.cfg.dims.topk;
    p.cfg.fallback.assign(size_t(H * L), -1);
    const int gi = s.index(kEnsemble);
    if (gi < 0)
        return;
    for (int h = 0; h < H; ++h)
        for (int t = h + 1; t < L; ++t) {
            Metrics best = s.acc[size_t(gi)][size_t(h)][size_t(t)].result();
            if (best.samples == 0)
                continue;
            for (size_t c = 0; c < p.cfg.components.size(); ++c) {
                const int ci = s.index(p.cfg.components[c]);
                if (ci < 0)
                    continue;
                Metrics m = s.acc[size_t(ci)][size_t(h)][size_t(t)].result();
                const double dr = m.recallAt(k) - best.recallAt(k);
                if (dr > 1e-12 || (std::fabs(dr) <= 1e-12 && m.logloss < best.logloss)) {
                    best = m;
                    p.cfg.fallback[size_t(h * L + t)] = int(c);
                }
            }
        }
}

EvalReport makeReport(const Predictor& p, const SplitScores& s, const std::string& split)
{
    const int L = p.cfg.dims.layers, H = p.cfg.horizon;
    EvalReport r;
    r.split = split;
    r.tokens = s.tokens;
    r.dims = p.cfg.dims;
    for (size_t m = 0; m < s.names.size(); ++m) {
        PredictorMetrics pm;
        pm.name = s.names[m];
        pm.baseline = pm.name != kInterLayer && pm.name != kStatistics && pm.name != kEnsemble;
        for (int h = 0; h < H; ++h) {
            HorizonMetrics hm;
            hm.horizon = h + 1;
            MetricAccumulator all;
            for (int t = 0; t < L; ++t) {
                const MetricAccumulator* a = &s.acc[m][size_t(h)][size_t(t)];
                if (pm.name == kEnsemble) {
                    const int f = p.cfg.fallback[size_t(h * L + t)];
                    if (f >= 0 && f < int(p.cfg.components.size())) {
                        const int ci = s.index(p.cfg.components[size_t(f)]);
                        if (ci >= 0)
                            a = &s.acc[size_t(ci)][size_t(h)][size_t(t)];
                    }
                }
                hm.perLayer.push_back(a->result());
                all.merge(*a);
            }
            hm.overall = all.samples() ? all.result() : MetricAccumulator(p.cfg.dims.experts, p.cfg.dims.topk).result();
            pm.horizons.push_back(std::move(hm));
        }
        r.predictors.push_back(std::move(pm));
    }
    return r;
}

} // namespace specmoe::speculate
