// The demo's small Mixtral: module, training loop, hub-layout save, unigram baseline.
#include "core/demo/moe_lm.h"
#include "core/demo/moe_lm_module.h"

#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/util/blas_threads.h"
#include "core/util/error.h"

#include <torch/nn.h>
#include <torch/optim.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>

namespace fs = std::filesystem;

namespace specmoe::demo {

namespace {

std::vector<std::string> hubNames(const MixtralConfig& c)
{
    std::vector<std::string> n;
    n.push_back("model.embed_tokens.weight");
    for (int64_t l = 0; l < c.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        n.push_back(p + "input_layernorm.weight");
        n.push_back(p + "post_attention_layernorm.weight");
        n.push_back(p + "self_attn.q_proj.weight");
        n.push_back(p + "self_attn.k_proj.weight");
        n.push_back(p + "self_attn.v_proj.weight");
        n.push_back(p + "self_attn.o_proj.weight");
        n.push_back(p + "block_sparse_moe.gate.weight");
        for (int64_t e = 0; e < c.numExperts; ++e) {
            const std::string q = p + "block_sparse_moe.experts." + std::to_string(e) + ".";
            n.push_back(q + "w1.weight");
            n.push_back(q + "w2.weight");
            n.push_back(q + "w3.weight");
        }
    }
    n.push_back("model.norm.weight");
    n.push_back("lm_head.weight");
    return n;
}

std::vector<int64_t> hubShape(const MixtralConfig& c, const std::string& name)
{
    const int64_t H = c.hiddenSize, D = c.headDim, I = c.intermediateSize;
    auto ends = [&](const char* s) {
        const size_t n = std::strlen(s);
        return name.size() >= n && name.compare(name.size() - n, n, s) == 0;
    };
    if (name == "model.embed_tokens.weight" || name == "lm_head.weight")
        return {c.vocabSize, H};
    if (ends("layernorm.weight") || name == "model.norm.weight")
        return {H};
    if (ends("q_proj.weight"))
        return {c.numHeads * D, H};
    if (ends("k_proj.weight") || ends("v_proj.weight"))
        return {c.numKvHeads * D, H};
    if (ends("o_proj.weight"))
        return {H, c.numHeads * D};
    if (ends("gate.weight"))
        return {c.numExperts, H};
    if (ends("w1.weight") || ends("w3.weight"))
        return {I, H};
    if (ends("w2.weight"))
        return {H, I};
    throw Error("demo model: no shape for tensor " + name);
}

at::Tensor rmsnorm(const at::Tensor& x, const at::Tensor& w, double eps)
{
    const auto x32 = x.to(at::kFloat);
    const auto normed = x32 * at::rsqrt(x32.pow(2).mean(-1, true) + eps);
    return w * normed.to(x.scalar_type());
}

at::Tensor rotateHalf(const at::Tensor& v)
{
    const int64_t half = v.size(-1) / 2;
    return at::cat({-v.narrow(-1, half, half), v.narrow(-1, 0, half)}, -1);
}

} // namespace

// ---------------------------------------------------------------- module

MoeLm::MoeLm(const MixtralConfig& config, uint64_t seed) : m_config(config)
{
    torch::manual_seed(seed);
    const auto names = hubNames(config);
    const double std = 0.02;
    const double residualStd = std / std::sqrt(2.0 * double(config.numLayers));
    for (const auto& n : names) {
        const auto shape = hubShape(config, n);
        at::Tensor t;
        if (shape.size() == 1)
            t = at::ones(shape, at::kFloat);
        else if (n.find("o_proj") != std::string::npos || n.find(".w2.") != std::string::npos)
            t = at::randn(shape, at::kFloat) * residualStd;
        else
            t = at::randn(shape, at::kFloat) * std;
        t.set_requires_grad(true);
        m_params.emplace_back(n, t);
        m_flat.push_back(t);
    }
}

MoeLm MoeLm::load(const std::string& dir)
{
    const MixtralConfig c = loadConfig(dir);
    MoeLm m(c, 0);
    const CheckpointFiles files(dir);
    at::NoGradGuard ng;
    for (auto& [name, t] : m.m_params) {
        const auto ref = files.get(name);
        const auto& e = *ref.entry;
        if (e.shape != hubShape(c, name))
            throw Error(dir + ": tensor " + name + " has an unexpected shape");
        at::Tensor src;
        if (e.dtype == StDType::F32) {
            src = at::empty(e.shape, at::kFloat);
            std::memcpy(src.data_ptr(), ref.bytes(), e.bytes());
        } else if (e.dtype == StDType::BF16 || e.dtype == StDType::F16) {
            src = at::empty(e.shape, e.dtype == StDType::BF16 ? at::kBFloat16 : at::kHalf);
            std::memcpy(src.data_ptr(), ref.bytes(), e.bytes());
            src = src.to(at::kFloat);
        } else {
            throw Error(dir + ": tensor " + name + " has dtype " + stDTypeName(e.dtype) +
                        " (expected F32, BF16 or F16)");
        }
        t.copy_(src);
    }
    return m;
}

std::vector<at::Tensor> MoeLm::tensors() const { return m_flat; }

at::Tensor& MoeLm::param(const std::string& name)
{
    for (auto& [n, t] : m_params)
        if (n == name)
            return t;
    throw Error("demo model: no tensor " + name);
}

MoeLm::Output MoeLm::forward(const at::Tensor& ids, bool withLogits) const
{
    const auto& c = m_config;
    const int64_t B = ids.size(0), T = ids.size(1), H = c.hiddenSize, D = c.headDim;
    const int64_t nh = c.numHeads, nkv = c.numKvHeads, E = c.numExperts, K = c.topk;
    const int64_t perLayer = 7 + 3 * E;
    const double eps = c.rmsNormEps;

    Output out;
    // 1. embedding, no scaling
    at::Tensor x = m_flat[0].index_select(0, ids.reshape({-1})).view({B, T, H});

    // 4. rotary tables (float32)
    const auto inv = 1.0 / at::pow(c.ropeTheta,
                                   at::arange(0, D, 2, at::kLong).to(at::kFloat) / double(D));
    const auto pos = at::arange(T, at::kFloat);
    const auto freqs = pos.unsqueeze(1) * inv.unsqueeze(0); // [T, D/2]
    const auto emb = at::cat({freqs, freqs}, -1);          // [T, D]
    const auto cosT = emb.cos().to(x.scalar_type()).view({1, 1, T, D});
    const auto sinT = emb.sin().to(x.scalar_type()).view({1, 1, T, D});
    const auto causal = at::ones({T, T}, at::kBool).triu(1); // true = masked

    at::Tensor auxSum;
    for (int64_t l = 0; l < c.numLayers; ++l) {
        const int64_t b = 1 + l * perLayer;
        const auto& wIn = m_flat[size_t(b)];
        const auto& wPost = m_flat[size_t(b + 1)];
        const auto& wq = m_flat[size_t(b + 2)];
        const auto& wk = m_flat[size_t(b + 3)];
        const auto& wv = m_flat[size_t(b + 4)];
        const auto& wo = m_flat[size_t(b + 5)];
        const auto& wg = m_flat[size_t(b + 6)];

        // 5. attention
        const auto h = rmsnorm(x, wIn, eps);
        auto q = at::matmul(h, wq.t()).view({B, T, nh, D}).transpose(1, 2);
        auto k = at::matmul(h, wk.t()).view({B, T, nkv, D}).transpose(1, 2);
        auto v = at::matmul(h, wv.t()).view({B, T, nkv, D}).transpose(1, 2);
        q = q * cosT + rotateHalf(q) * sinT;
        k = k * cosT + rotateHalf(k) * sinT;
        if (nh != nkv) {
            k = k.repeat_interleave(nh / nkv, 1);
            v = v.repeat_interleave(nh / nkv, 1);
        }
        auto scores = at::matmul(q, k.transpose(-2, -1)) * std::pow(double(D), -0.5);
        scores = scores.masked_fill(causal, -std::numeric_limits<float>::infinity());
        const auto probs = at::softmax(scores.to(at::kFloat), -1).to(q.scalar_type());
        const auto att = at::matmul(probs, v).transpose(1, 2).reshape({B, T, nh * D});
        x = x + at::matmul(att, wo.t());

        // 6. sparse MoE on the flattened tokens
        const auto hm = rmsnorm(x, wPost, eps).reshape({B * T, H});
        const auto routerLogits = at::matmul(hm, wg.t()); // [N, E]
        const auto p = at::softmax(routerLogits.to(at::kFloat), -1);
        auto [topw, topi] = at::topk(p, K, -1);
        topw = topw / topw.sum(-1, true);
        topw = topw.to(hm.scalar_type());
        at::Tensor moe = at::zeros_like(hm);
        for (int64_t e = 0; e < E; ++e) {
            const auto sel = topi.eq(e);                          // [N, k]
            const auto rows = sel.any(-1).nonzero().squeeze(1);   // tokens using e
            if (rows.numel() == 0)
                continue;
            const auto we = (topw * sel.to(topw.scalar_type())).sum(-1).index_select(0, rows);
            const auto xe = hm.index_select(0, rows);
            const auto& w1 = m_flat[size_t(b + 7 + 3 * e)];
            const auto& w2 = m_flat[size_t(b + 8 + 3 * e)];
            const auto& w3 = m_flat[size_t(b + 9 + 3 * e)];
            const auto ye = at::matmul(at::silu(at::matmul(xe, w1.t())) * at::matmul(xe, w3.t()),
                                       w2.t());
            moe = moe.index_add(0, rows, ye * we.unsqueeze(1));
        }
        x = x + moe.view({B, T, H});

        // Switch/Mixtral load balancing: E * sum_e f_e * P_e, f_e = share of the (token,
        // slot) assignments that went to e, P_e = mean router probability of e.
        const auto counts = at::zeros({E}, at::kFloat).index_add(
            0, topi.reshape({-1}), at::ones({topi.numel()}, at::kFloat));
        const auto f = (counts / double(topi.numel())).detach();
        const auto aux = double(E) * (f * p.mean(0)).sum();
        auxSum = auxSum.defined() ? auxSum + aux : aux;

        out.routerLogits.push_back(routerLogits);
        out.topkIds.push_back(topi);
    }
    out.auxLoss = auxSum / double(c.numLayers);
    if (withLogits) {
        const size_t last = m_flat.size();
        const auto xn = rmsnorm(x, m_flat[last - 2], eps);
        out.logits = at::matmul(xn, m_flat[last - 1].t());
    }
    return out;
}

std::string MoeLm::save(const std::string& dir) const
{
    fs::create_directories(dir);
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> ts;
    for (const auto& [name, t] : m_params) {
        auto c = t.detach().to(at::kFloat).contiguous();
        keep.push_back(c);
        ts.push_back({name, "F32", c.sizes().vec(), c.data_ptr(), size_t(c.nbytes())});
    }
    const auto files = writeSafetensorsCheckpoint(dir, ts, 0, {{"format", "pt"}});
    MixtralConfig c = m_config;
    c.torchDtype = "float32";
    const fs::path cfg = fs::path(dir) / "config.json";
    {
        std::ofstream out(cfg, std::ios::binary | std::ios::trunc);
        out << configToJson(c);
        if (!out)
            throw Error("demo model: cannot write " + cfg.string());
    }
    return (fs::path(dir) / (files.empty() ? "model.safetensors" : files.front())).string();
}

// ---------------------------------------------------------------- unigram

double unigramCrossEntropy(const std::vector<int64_t>& trainCounts, int64_t vocabSize,
                           const std::vector<int32_t>& targets)
{
    if (targets.empty())
        return 0.0;
    double total = 0;
    for (int64_t v = 0; v < vocabSize; ++v)
        total += double(v < int64_t(trainCounts.size()) ? trainCounts[size_t(v)] : 0) + 1.0;
    double nll = 0;
    for (int32_t t : targets) {
        const double cnt =
            double(t >= 0 && t < int32_t(trainCounts.size()) ? trainCounts[size_t(t)] : 0) + 1.0;
        nll -= std::log(cnt / total);
    }
    return nll / double(targets.size());
}

// ---------------------------------------------------------------- training

namespace {

struct Stream {
    std::vector<int32_t> tokens; // documents concatenated, each starting with BOS
};

Stream concat(const std::vector<std::vector<int32_t>>& docs)
{
    Stream s;
    for (const auto& d : docs)
        s.tokens.insert(s.tokens.end(), d.begin(), d.end());
    return s;
}

double lrFactor(const LmTrainParams& p, int64_t step, double progress)
{
    const double warm = p.warmupSteps > 0 ? std::min(1.0, double(step + 1) / p.warmupSteps) : 1.0;
    const double t = std::clamp(progress, 0.0, 1.0);
    const double cosine = p.minLrFactor + (1.0 - p.minLrFactor) * 0.5 * (1.0 + std::cos(M_PI * t));
    return warm * cosine;
}

MixtralConfig lmConfig(const LmTrainParams& params, int64_t vocabSize)
{
    MixtralConfig config;
    config.vocabSize = vocabSize;
    config.hiddenSize = params.arch.hiddenSize;
    config.intermediateSize = params.arch.intermediateSize;
    config.numLayers = params.arch.layers;
    config.numHeads = params.arch.heads;
    config.numKvHeads = params.arch.kvHeads;
    config.headDim = config.hiddenSize / config.numHeads;
    config.numExperts = params.arch.experts;
    config.topk = params.arch.topk;
    config.ropeTheta = params.arch.ropeTheta;
    config.rmsNormEps = params.arch.rmsNormEps;
    config.maxPositions = std::max<int64_t>(params.arch.maxPositions, params.seqLen);
    config.torchDtype = "float32";
    return config;
}

// The domains' documents as one token stream each, the training token counts (for the
// unigram baseline) and the domains long enough to draw training windows from.
struct LmData {
    std::vector<Stream> train, held;
    std::vector<int64_t> counts;
    std::vector<size_t> usable;
    int64_t trainTokens = 0;
};

LmData lmData(const std::vector<DomainTokens>& data, int64_t vocabSize, int64_t T)
{
    LmData out;
    out.counts.assign(size_t(vocabSize), 0);
    for (const auto& d : data) {
        out.train.push_back(concat(d.trainDocs));
        out.held.push_back(concat(d.heldOutDocs));
        for (int32_t t : out.train.back().tokens)
            if (t >= 0 && t < vocabSize)
                ++out.counts[size_t(t)];
        out.trainTokens += int64_t(out.train.back().tokens.size());
    }
    for (size_t d = 0; d < out.train.size(); ++d)
        if (int64_t(out.train[d].tokens.size()) > T + 1)
            out.usable.push_back(d);
    if (out.usable.empty())
        throw Error("demo model: every domain has fewer than seqLen+1 training tokens");
    return out;
}

// AdamW; no weight decay on norms: they get their own group.
std::unique_ptr<torch::optim::AdamW> lmOptimizer(MoeLm& model, const LmTrainParams& params)
{
    std::vector<at::Tensor> decay, noDecay;
    for (const auto& [n, t] : model.parameters())
        (t.dim() == 1 ? noDecay : decay).push_back(t);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(params.learningRate)
                                       .betas({params.betas1, params.betas2})
                                       .weight_decay(params.weightDecay)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
                                     torch::optim::AdamWOptions(params.learningRate)
                                         .betas({params.betas1, params.betas2})
                                         .weight_decay(0.0)));
    return std::make_unique<torch::optim::AdamW>(std::move(groups));
}

// [batchSize, T + 1] windows at random offsets, domain by domain in turn.
at::Tensor trainingBatch(const LmData& streams, const LmTrainParams& params, int64_t step, std::mt19937_64& rng)
{
    const int64_t T = params.seqLen;
    at::Tensor batch = at::empty({params.batchSize, T + 1}, at::kLong);
    auto* bp = batch.data_ptr<int64_t>();
    for (int b = 0; b < params.batchSize; ++b) {
        const auto& s = streams.train[streams.usable[size_t(b + step * params.batchSize) % streams.usable.size()]].tokens;
        std::uniform_int_distribution<size_t> pick(0, s.size() - size_t(T) - 1);
        const size_t off = pick(rng);
        for (int64_t t = 0; t <= T; ++t)
            bp[b * (T + 1) + t] = s[off + size_t(t)];
    }
    return batch;
}

// The training loop: steps until maxSteps or the time budget (re-planned from the measured
// throughput when planSeconds is set). Fills steps, curve, seconds and the train loss.
void trainLmSteps(MoeLm& model, torch::optim::AdamW& opt, const LmData& streams, int64_t vocabSize,
                  const LmTrainParams& params, const ProgressFn& progress, LmTrainResult& result)
{
    using clock = std::chrono::steady_clock;
    const int64_t T = params.seqLen;
    std::mt19937_64 rng(params.seed * 7919 + 1);
    const auto t0 = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
    ProgressMeter meter;
    double smooth = 0, smoothAux = 0;
    int64_t step = 0;
    double budget = params.seconds;      // re-planned from the throughput when planSeconds is set
    double rateFrom = -1;           // time when step 2 began: the first steps warm up
    torch::nn::functional::CrossEntropyFuncOptions ceOpts;
    for (;; ++step) {
        const double el = elapsed();
        if (step == 2)
            rateFrom = el;
        if (params.planSeconds && step >= 4 && (step % 4 == 0) && el > rateFrom) {
            const double tps = double((step - 2) * params.batchSize * T) / (el - rateFrom);
            budget = params.planSeconds(tps);
        }
        if (params.maxSteps > 0 && step >= params.maxSteps)
            break;
        if (budget > 0 && el >= budget && step > 0)
            break;
        const double frac = params.maxSteps > 0 ? double(step) / double(params.maxSteps)
                                           : (budget > 0 ? el / budget : 0.0);
        const double lr = params.learningRate * lrFactor(params, step, frac);
        for (auto& g : opt.param_groups())
            static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);

        const at::Tensor batch = trainingBatch(streams, params, step, rng);
        const auto inputs = batch.narrow(1, 0, T).contiguous();
        const auto targets = batch.narrow(1, 1, T).contiguous();
        const auto o = model.forward(inputs);
        const auto ce = torch::nn::functional::cross_entropy(
            o.logits.reshape({-1, vocabSize}), targets.reshape({-1}), ceOpts);
        const auto loss = ce + params.auxLossCoef * o.auxLoss;
        opt.zero_grad();
        loss.backward();
        if (params.gradClip > 0)
            torch::nn::utils::clip_grad_norm_(model.tensors(), params.gradClip);
        opt.step();

        const double l = ce.item<double>(), a = o.auxLoss.item<double>();
        if (!std::isfinite(l))
            throw Error("demo model: training loss became " + std::to_string(l) + " at step " +
                        std::to_string(step));
        smooth = step == 0 ? l : 0.95 * smooth + 0.05 * l;
        smoothAux = step == 0 ? a : 0.95 * smoothAux + 0.05 * a;
        result.trainTokensSeen += int64_t(params.batchSize) * T;
        if (step % 10 == 0)
            result.curve.push_back({step, elapsed(), smooth, smoothAux});

        Progress pr;
        pr.stage = "train-lm";
        pr.done = step + 1;
        pr.total = params.maxSteps;
        pr.unit = "steps";
        meter.measure(pr);
        if (params.maxSteps <= 0) // a time budget instead of a step count
            pr.eta_seconds = std::max(0.0, budget - elapsed());
        char msg[128];
        std::snprintf(msg, sizeof msg, "loss %.3f  balance %.3f  lr %.2e", smooth, smoothAux, lr);
        pr.message = msg;
        reportProgress(progress, pr);
    }
    result.steps = step;
    result.finalTrainLoss = smooth;
    result.curve.push_back({step, elapsed(), smooth, smoothAux});
    result.seconds = elapsed();
}

// Held-out cross-entropy of one domain against the unigram on the same targets: windows
// of T+1 tokens (the last one may be shorter), evalBatch equal-length windows per pass.
// Returns the summed negative log-likelihood of the MoE.
double heldOutNll(MoeLm& model, const std::vector<int32_t>& s, const LmData& streams, int64_t vocabSize,
                  const LmTrainParams& params, DomainLoss& dl)
{
    const int64_t T = params.seqLen;
    const int64_t evalBatch = std::max(1, params.evalBatch);
    std::vector<size_t> offsets;
    std::vector<int64_t> lengths;
    int64_t scored = 0;
    for (size_t off = 0; off + 2 <= s.size() && scored < params.evalTokensPerDomain; off += size_t(T)) {
        const int64_t len = std::min<int64_t>(T + 1, int64_t(s.size() - off));
        offsets.push_back(off);
        lengths.push_back(len);
        scored += len - 1;
    }
    std::vector<int32_t> tg;
    double nll = 0;
    for (size_t w0 = 0; w0 < offsets.size();) {
        size_t w1 = w0 + 1;
        while (w1 < offsets.size() && int64_t(w1 - w0) < evalBatch && lengths[w1] == lengths[w0])
            ++w1;
        const int64_t B = int64_t(w1 - w0), len = lengths[w0];
        at::Tensor ids = at::empty({B, len}, at::kLong);
        int64_t* ip = ids.data_ptr<int64_t>();
        for (int64_t b = 0; b < B; ++b)
            for (int64_t t = 0; t < len; ++t) {
                ip[b * len + t] = s[offsets[w0 + size_t(b)] + size_t(t)];
                if (t > 0)
                    tg.push_back(s[offsets[w0 + size_t(b)] + size_t(t)]);
            }
        const auto in = ids.narrow(1, 0, len - 1).contiguous();
        const auto tgt = ids.narrow(1, 1, len - 1).reshape({-1});
        const auto o = model.forward(in);
        const auto ce = torch::nn::functional::cross_entropy(
            o.logits.reshape({-1, vocabSize}), tgt,
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        nll += ce.item<double>();
        w0 = w1;
    }
    dl.tokens = scored;
    dl.moeLoss = scored > 0 ? nll / double(scored) : 0.0;
    dl.unigramLoss = unigramCrossEntropy(streams.counts, vocabSize, tg);
    return nll;
}

// Per-domain and overall held-out losses of the model and of the unigram.
void heldOutLosses(MoeLm& model, const std::vector<DomainTokens>& data, const LmData& streams, int64_t vocabSize,
                   const LmTrainParams& params, LmTrainResult& result)
{
    at::NoGradGuard ng;
    double moeSum = 0, uniSum = 0;
    int64_t n = 0;
    for (size_t i = 0; i < streams.held.size(); ++i) {
        DomainLoss dl;
        dl.domain = data[i].name;
        moeSum += heldOutNll(model, streams.held[i].tokens, streams, vocabSize, params, dl);
        uniSum += dl.unigramLoss * double(dl.tokens);
        n += dl.tokens;
        result.domains.push_back(dl);
    }
    result.heldOutLoss = n > 0 ? moeSum / double(n) : 0.0;
    result.unigramLoss = n > 0 ? uniSum / double(n) : 0.0;
}

} // namespace

LmTrainResult trainMoeLm(const std::vector<DomainTokens>& data, int64_t vocabSize,
                         const std::string& modelDir, const LmTrainParams& params,
                         const ProgressFn& progress)
{
    if (data.empty())
        throw Error("demo model: no training data");
    if (params.threads > 0)
        at::set_num_threads(params.threads);
    const ScopedBlasThreads blas(params.blasThreads);
    const MixtralConfig config = lmConfig(params, vocabSize);

    LmTrainResult result;
    const LmData streams = lmData(data, vocabSize, params.seqLen);
    result.trainTokensAvailable = streams.trainTokens;
    MoeLm model(config, params.seed);
    const std::unique_ptr<torch::optim::AdamW> opt = lmOptimizer(model, params);
    trainLmSteps(model, *opt, streams, vocabSize, params, progress, result);
    heldOutLosses(model, data, streams, vocabSize, params, result);

    result.modelDir = modelDir;
    result.weightsFile = model.save(modelDir);
    result.configFile = (fs::path(modelDir) / "config.json").string();
    result.config = loadConfig(modelDir);
    result.parameters = parameterCount(result.config, true);
    return result;
}

} // namespace specmoe::demo
