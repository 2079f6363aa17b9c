// Training loop of the speculation predictors (docs/speculation.md).
#include "core/speculate/train.h"

#include "core/speculate/block_dims.h"
#include "core/speculate/predictor.h"
#include "core/speculate/split_scores.h"
#include "core/speculate/st_io.h"
#include "core/speculate/torch_device.h"
#include "core/util/error.h"

#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace specmoe::speculate {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

nlohmann::json metricsJson(const Metrics& m) { return nlohmann::json::parse(m.toJson()); }

nlohmann::json reportMetrics(const EvalReport& r)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& p : r.predictors) {
        nlohmann::json hj = nlohmann::json::object();
        for (const auto& h : p.horizons)
            hj["h" + std::to_string(h.horizon)] = metricsJson(h.overall);
        j[p.name] = hj;
    }
    return j;
}

// Mean validation log-loss of the trained models over the horizons (lower is better).
double scoreOf(const EvalReport& r)
{
    double s = 0.0;
    int n = 0;
    for (const auto& p : r.predictors) {
        if (p.baseline)
            continue;
        for (const auto& h : p.horizons) {
            s += h.overall.logloss;
            ++n;
        }
    }
    return n ? s / n : 0.0;
}

// The trace folders as absolute paths, so evaluation can find them from anywhere (empty when
// the blocks come from a BlockSource).
nlohmann::json tracesJson(const TrainParams& P)
{
    nlohmann::json a = nlohmann::json::array();
    if (!P.source.valid())
        for (const std::string& d : P.traceDirs) {
            fs::path abs = fs::absolute(d).lexically_normal();
            if (abs.filename().empty()) // "traces/" -> "traces"
                abs = abs.parent_path();
            a.push_back(abs.string());
        }
    return a;
}

void checkParams(const TrainParams& P)
{
    auto bad = [](const std::string& m) { throw Error("train: " + m); };
    if (P.runDir.empty())
        bad("no run folder given");
    if (P.horizon < 1)
        bad("horizon must be at least 1");
    if (P.epochs < 1 || P.batchSize < 1 || P.accumulate < 1)
        bad("epochs, batch size and accumulation must be at least 1");
    if (P.shuffleBuffer < 1)
        bad("the shuffle buffer must hold at least one token");
    if (!(P.learningRate > 0) || P.weightDecay < 0 || P.gradClip < 0)
        bad("learning rate must be > 0, weight decay and gradient clip >= 0");
    if (P.split.trainFraction <= 0 || P.split.validationFraction <= 0 ||
        P.split.trainFraction + P.split.validationFraction > 1.0 + 1e-9)
        bad("split fractions must be > 0 and sum to at most 1");
    if (!P.trainInterLayer && !P.trainStatistics && !P.trainEnsemble)
        bad("no model selected");
    if (P.model.embedDim < 1 || P.model.hiddenDim < 1 || P.model.statsDim < 1 || P.model.tokenBuckets < 0)
        bad("model sizes must be positive");
}

} // namespace

TrainResult train(const TrainParams& P, const ProgressFn& progress, const MetricsFn& metricsFn)
{
    const auto t0 = Clock::now();
    checkParams(P);
    BlockSource src = P.source.valid() ? P.source : openTraceSource(P.traceDirs);
    const TraceDims dims = src.dims;
    const int L = dims.layers, H = P.horizon, k = dims.topk, D = int(dims.lookahead.size());
    if (H >= L)
        throw Error("train: horizon " + std::to_string(H) + " reaches beyond the last layer: the traces have " +
                    std::to_string(L) + " layers, so the horizon can be at most " + std::to_string(L - 1));
    if (P.threads > 0)
        torch::set_num_threads(P.threads);
    const torch::Device dev = parseDevice(P.device);
    fs::create_directories(P.runDir);

    NetConfig cfg;
    cfg.dims = dims;
    cfg.horizon = H;
    cfg.model = P.model;
    cfg.inter = P.trainInterLayer;
    cfg.stat = P.trainStatistics;
    cfg.ens = P.trainEnsemble;
    if (cfg.inter)
        cfg.components.push_back(kInterLayer);
    if (cfg.stat)
        cfg.components.push_back(kStatistics);
    cfg.components.push_back(kFrequency);
    cfg.components.push_back(kMarkov);
    if (D > 0)
        cfg.components.push_back(kLookahead);
    cfg.split = P.split;
    cfg.fingerprint = src.fingerprint;

    // Pass 1: split sizes and the statistics of the training split.
    LayerStats stats;
    stats.init(dims, H);
    int64_t counts[3] = {0, 0, 0};
    const size_t lk = size_t(L) * size_t(k);
    src.forEachBlock(
        [&](const RoutingBlock& b) {
            checkBlockDims(dims, b, src.description);
            for (size_t t = 0; t < b.numTokens(); ++t) {
                const Split s = splitOf(b.seqIds[t], P.split);
                ++counts[int(s)];
                if (s == Split::Train)
                    stats.count(b.topkIds.data() + t * lk, D ? b.lookaheadIds.data() + t * lk * size_t(D) : nullptr);
            }
            Progress pr;
            pr.stage = "statistics";
            pr.unit = "tokens";
            pr.done = counts[0] + counts[1] + counts[2];
            pr.total = P.maxTokens;
            reportProgress(progress, pr);
        },
        P.maxTokens);
    stats.finalize();
    const int64_t all = counts[0] + counts[1] + counts[2];
    if (counts[0] == 0)
        throw Error("train: the training split is empty (" + std::to_string(all) + " tokens read from " +
                    src.description + "; splits are drawn per sequence, so more sequences are needed)");
    if (counts[1] == 0)
        throw Error("train: the validation split is empty (" + std::to_string(all) + " tokens read from " +
                    src.description + "): use more sequences or a larger validation fraction");
    cfg.trainTokens = counts[0];

    Predictor p;
    p.cfg = cfg;
    p.stats = stats;
    p.build(P.split.seed);
    {
        // Start the per-layer output biases at the training frequencies.
        torch::NoGradGuard ng;
        for (int h = 0; h < H; ++h)
            for (int t = 0; t < L; ++t) {
                std::vector<float> f(stats.frequency(t), stats.frequency(t) + dims.experts);
                torch::Tensor lf = torch::logit(torch::tensor(f).clamp(1e-4, 1 - 1e-4));
                if (p.inter)
                    p.inter->bias[h * L + t].copy_(lf);
            }
    }
    p.to(dev);

    const std::string ckDir = P.runDir + "/checkpoint", bestDir = P.runDir + "/best";
    torch::optim::AdamW opt(p.parameters(), torch::optim::AdamWOptions(P.learningRate).weight_decay(P.weightDecay));

    TrainResult R;
    R.runDir = P.runDir;
    R.bestCheckpoint = bestDir;
    R.trainTokens = counts[0];
    R.validationTokens = counts[1];
    R.testTokens = counts[2];
    int startEpoch = 0, badEpochs = 0;
    int64_t step = 0;
    double best = std::numeric_limits<double>::infinity();
    if (P.resume && fs::exists(ckDir + "/state.json")) {
        const std::string where = ckDir;
        nlohmann::json st = nlohmann::json::parse(readText(ckDir + "/state.json"));
        const NetConfig old = NetConfig::fromJson(nlohmann::json::parse(readText(ckDir + "/config.json")), ckDir + "/config.json");
        if (old.dims.layers != L || old.dims.experts != dims.experts || old.dims.topk != k ||
            old.horizon != H || old.components != cfg.components || old.model.hiddenDim != P.model.hiddenDim ||
            old.model.embedDim != P.model.embedDim)
            throw Error("train: cannot resume from " + where + ": it was trained with other data dimensions or settings");
        p.setWeights(readTensorFile(ckDir + "/predictor.safetensors"), ckDir + "/predictor.safetensors");
        p.cfg.fallback = old.fallback;
        torch::load(opt, ckDir + "/optimizer.pt", dev); // state onto the training device
        startEpoch = st.at("epoch").get<int>();
        step = st.at("step").get<int64_t>();
        best = st.at("best_score").is_null() ? best : st.at("best_score").get<double>();
        R.bestEpoch = st.at("best_epoch").get<int>();
        badEpochs = st.at("bad_epochs").get<int>();
        R.resumed = true;
    }

    std::ofstream jf(P.runDir + "/metrics.jsonl", R.resumed ? std::ios::app : std::ios::trunc);
    if (!jf)
        throw Error("train: cannot write " + P.runDir + "/metrics.jsonl");
    auto emit = [&](nlohmann::json j) {
        j["time"] = seconds(t0);
        const std::string line = j.dump();
        jf << line << "\n";
        jf.flush();
        if (metricsFn)
            metricsFn(line);
    };

    const int64_t microPerEpoch = (counts[0] + P.batchSize - 1) / P.batchSize;
    const int64_t stepsPerEpoch = std::max<int64_t>(1, (microPerEpoch + P.accumulate - 1) / P.accumulate);
    const int64_t totalSteps = stepsPerEpoch * P.epochs;
    const int64_t warm = std::max<int64_t>(1, int64_t(std::llround(P.warmupFraction * double(totalSteps))));
    auto lrAt = [&](int64_t s) {
        if (s < warm)
            return P.learningRate * double(s + 1) / double(warm);
        const double x = std::min(1.0, double(s - warm) / double(std::max<int64_t>(1, totalSteps - warm)));
        return P.learningRate * (P.minLrFactor + (1.0 - P.minLrFactor) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * x)));
    };

    {
        nlohmann::json models = nlohmann::json::array(), baselines = {kFrequency, kMarkov};
        if (cfg.inter) models.push_back(kInterLayer);
        if (cfg.stat) models.push_back(kStatistics);
        if (cfg.ens) models.push_back(kEnsemble);
        if (D > 0) baselines.push_back(kLookahead);
        baselines.push_back(kUniform);
        emit({{"type", "start"}, {"resumed", R.resumed}, {"epoch", startEpoch}, {"step", step},
              {"dims", {{"layers", L}, {"experts", dims.experts}, {"topk", k}, {"lookahead", dims.lookahead}}},
              {"horizon", H}, {"models", models}, {"baselines", baselines},
              {"tokens", {{"train", counts[0]}, {"validation", counts[1]}, {"test", counts[2]}}},
              {"epochs", P.epochs}, {"steps_per_epoch", stepsPerEpoch}, {"batch_size", P.batchSize},
              {"accumulate", P.accumulate}, {"learning_rate", P.learningRate}, {"device", P.device},
              {"seed", P.split.seed}, {"traces", tracesJson(P)}});
    }

    const std::vector<torch::Tensor> pInter = p.parameters(kInterLayer), pStat = p.parameters(kStatistics),
                                     pEns = p.parameters(kEnsemble);
    double trainSeconds = 0.0;
    int64_t samples = 0, tokensSeen = 0;
    EvalReport bestReport;
    bool haveBestReport = false;
    const std::string ckNote = "; the last good checkpoint is kept in " + ckDir;

    auto validate = [&]() {
        SplitScores vs = scoreSplit(p, src, Split::Validation, P.maxValidationTokens, 256, {});
        chooseFallback(p, vs);
        return makeReport(p, vs, "validation");
    };

    try {
        for (int epoch = startEpoch; epoch < P.epochs; ++epoch) {
            const auto te = Clock::now();
            p.train(true);
            ShuffleBuffer buf(dims, size_t(P.shuffleBuffer), P.split.seed * 1000003ULL + uint64_t(epoch) * 7919ULL + 17ULL);
            TokenTable mb;
            mb.init(dims);
            int64_t micro = 0;
            double lossSum[3] = {0, 0, 0};
            int64_t lossN = 0;
            auto optimizerStep = [&]() {
                const double lr = lrAt(step);
                for (auto& g : opt.param_groups())
                    static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
                if (P.gradClip > 0) {
                    for (const auto* ps : {&pInter, &pStat, &pEns})
                        if (!ps->empty())
                            torch::nn::utils::clip_grad_norm_(*ps, P.gradClip);
                }
                opt.step();
                opt.zero_grad();
                ++step;
                if (step % 10 == 0 || step == 1) {
                    nlohmann::json loss = nlohmann::json::object();
                    const double n = double(std::max<int64_t>(1, lossN));
                    if (cfg.inter) loss[kInterLayer] = lossSum[0] / n;
                    if (cfg.stat) loss[kStatistics] = lossSum[1] / n;
                    if (cfg.ens) loss[kEnsemble] = lossSum[2] / n;
                    const double sec = trainSeconds + seconds(te);
                    emit({{"type", "step"}, {"epoch", epoch + 1}, {"step", step}, {"lr", lr}, {"loss", loss},
                          {"samples_per_s", sec > 0 ? double(samples) / sec : 0.0},
                          {"tokens_per_s", sec > 0 ? double(tokensSeen) / sec : 0.0}});
                    lossSum[0] = lossSum[1] = lossSum[2] = 0;
                    lossN = 0;
                }
                Progress pr;
                pr.stage = "train";
                pr.unit = "steps";
                pr.done = step;
                pr.total = totalSteps;
                const double sec = trainSeconds + seconds(te);
                pr.rate = sec > 0 ? double(step - 0) / sec : 0.0;
                pr.message = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(P.epochs);
                reportProgress(progress, pr);
                if (P.evalEverySteps > 0 && step % P.evalEverySteps == 0) {
                    EvalReport r = validate();
                    p.train(true);
                    emit({{"type", "validation"}, {"epoch", epoch + 1}, {"step", step}, {"final", false},
                          {"score", scoreOf(r)}, {"tokens", r.tokens}, {"metrics", reportMetrics(r)}});
                }
            };
            auto microStep = [&]() {
                Batch b = buildBatch(mb, p.stats, p.cfg).to(dev);
                ForwardOut o = p.forward(b, true);
                torch::Tensor nValid = b.valid.sum().clamp_min(1.0);
                torch::Tensor total = torch::zeros({}, b.valid.options());
                auto masked = [&](const torch::Tensor& perElem) { return (perElem.mean(-1) * b.valid).sum() / nValid; };
                double parts[3] = {0, 0, 0};
                if (o.interLogits.defined()) {
                    torch::Tensor l = masked(torch::binary_cross_entropy_with_logits(o.interLogits, b.target, {}, {}, at::Reduction::None));
                    total = total + l;
                    parts[0] = l.item<double>();
                }
                if (o.statLogits.defined()) {
                    torch::Tensor l = masked(torch::binary_cross_entropy_with_logits(o.statLogits, b.target, {}, {}, at::Reduction::None));
                    total = total + l;
                    parts[1] = l.item<double>();
                }
                if (o.ensRaw.defined()) {
                    torch::Tensor l = masked(torch::binary_cross_entropy(o.ensRaw.clamp(1e-6, 1.0 - 1e-6), b.target, {}, at::Reduction::None));
                    total = total + l;
                    parts[2] = l.item<double>();
                }
                if (P.injectNanAtStep >= 0 && step == P.injectNanAtStep)
                    total = total * std::numeric_limits<double>::quiet_NaN();
                const double lv = total.item<double>();
                if (!std::isfinite(lv)) {
                    const std::string msg = "train: the loss became " + std::string(std::isnan(lv) ? "NaN" : "infinite") +
                                            " at step " + std::to_string(step) + " (epoch " + std::to_string(epoch + 1) +
                                            "); training stopped" + ckNote +
                                            " (try a lower learning rate or a smaller gradient clip)";
                    emit({{"type", "error"}, {"epoch", epoch + 1}, {"step", step}, {"message", msg}});
                    throw Error(msg);
                }
                (total / double(P.accumulate)).backward();
                for (int i = 0; i < 3; ++i)
                    lossSum[i] += parts[i];
                ++lossN;
                samples += int64_t(b.valid.sum().item<double>());
                tokensSeen += int64_t(mb.size());
                mb.clear();
                if (++micro % P.accumulate == 0)
                    optimizerStep();
            };
            src.forEachBlock(
                [&](const RoutingBlock& b) {
                    checkBlockDims(dims, b, src.description);
                    for (size_t t = 0; t < b.numTokens(); ++t) {
                        if (splitOf(b.seqIds[t], P.split) != Split::Train)
                            continue;
                        buf.push(b, t, mb);
                        if (int(mb.size()) >= P.batchSize)
                            microStep();
                    }
                },
                P.maxTokens);
            while (buf.pop(mb))
                if (int(mb.size()) >= P.batchSize)
                    microStep();
            if (mb.size() > 0)
                microStep();
            if (micro % P.accumulate != 0)
                optimizerStep();
            trainSeconds += seconds(te);

            EvalReport rep = validate();
            const double score = scoreOf(rep);
            const bool improved = score < best - 1e-9;
            if (improved) {
                best = score;
                badEpochs = 0;
                R.bestEpoch = epoch + 1;
                p.cfg.bestEpoch = epoch + 1;
                fs::remove_all(bestDir + ".tmp");
                p.save(bestDir + ".tmp");
                fs::remove_all(bestDir);
                fs::rename(bestDir + ".tmp", bestDir);
                bestReport = rep;
                haveBestReport = true;
            } else {
                ++badEpochs;
            }
            emit({{"type", "validation"}, {"epoch", epoch + 1}, {"step", step}, {"final", true},
                  {"score", score}, {"best", improved}, {"tokens", rep.tokens}, {"metrics", reportMetrics(rep)}});

            // Checkpoint of the epoch (written aside, then swapped in).
            const std::string tmp = ckDir + ".tmp";
            fs::remove_all(tmp);
            p.save(tmp);
            torch::save(opt, tmp + "/optimizer.pt");
            nlohmann::json st = {{"epoch", epoch + 1}, {"step", step}, {"best_epoch", R.bestEpoch},
                                 {"bad_epochs", badEpochs}, {"seed", P.split.seed}};
            st["best_score"] = std::isfinite(best) ? nlohmann::json(best) : nlohmann::json(nullptr);
            writeText(tmp + "/state.json", st.dump(2) + "\n");
            fs::remove_all(ckDir);
            fs::rename(tmp, ckDir);
            emit({{"type", "checkpoint"}, {"epoch", epoch + 1}, {"step", step}, {"path", ckDir}});
            R.epochsRun = epoch + 1;
            if (badEpochs >= P.patience && epoch + 1 < P.epochs) {
                R.stoppedEarly = true;
                break;
            }
        }
    } catch (const Cancelled&) {
        emit({{"type", "end"}, {"status", "cancelled"}, {"step", step}});
        throw;
    }
    if (R.epochsRun == 0)
        R.epochsRun = startEpoch;

    if (!haveBestReport) {
        if (!fs::exists(bestDir + "/config.json"))
            throw Error("train: no best checkpoint in " + bestDir);
        Predictor bp = Predictor::load(bestDir, dev);
        SplitScores vs = scoreSplit(bp, src, Split::Validation, P.maxValidationTokens, 256, {});
        bestReport = makeReport(bp, vs, "validation");
    }
    R.validation = bestReport;
    R.steps = step;
    R.bestScore = best;
    R.seconds = seconds(t0);
    R.samplesPerSecond = trainSeconds > 0 ? double(samples) / trainSeconds : 0.0;
    R.tokensPerSecond = trainSeconds > 0 ? double(tokensSeen) / trainSeconds : 0.0;
    writeText(P.runDir + "/report.json", R.validation.toJson(true) + "\n");
    emit({{"type", "end"}, {"status", R.stoppedEarly ? "early_stop" : "done"}, {"epochs", R.epochsRun},
          {"step", step}, {"best_epoch", R.bestEpoch},
          {"best_score", std::isfinite(best) ? nlohmann::json(best) : nlohmann::json(nullptr)},
          {"samples_per_s", R.samplesPerSecond}, {"tokens_per_s", R.tokensPerSecond},
          {"validation", reportMetrics(R.validation)}});
    return R;
}

} // namespace specmoe::speculate
