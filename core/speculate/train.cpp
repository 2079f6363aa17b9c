// Training loop of the speculation predictors (docs/speculation.md).
#include "core/speculate/train.h"

#include "core/speculate/background_batches.h"
#include "core/speculate/block_dims.h"
#include "core/speculate/feature_basis_file.h"
#include "core/speculate/folder_swap.h"
#include "core/speculate/grad_clip.h"
#include "core/speculate/micro_step.h"
#include "core/speculate/predictor.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/split_scores.h"
#include "core/speculate/tensor_file.h"
#include "core/speculate/train_distributed.h"
#include "core/tensor/resolve_device.h"
#include "core/tensor/thread_limit.h"
#include "core/tensor/torch_compat.h"
#include "core/util/atomic_file.h"
#include "core/util/blas_threads.h"
#include "core/util/error.h"
#include "core/util/malloc_tuning.h"
#include "core/util/path_json.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <unistd.h>
#include <utility>

namespace specmoe::speculate {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Batches made ahead of the steps: enough to cover a slow block read, few enough that the
// memory stays a few batches.
constexpr size_t kBatchesAhead = 3;

// write(2) of all of `text`: 0, or the errno of the failure (EFBIG past ulimit -f, ENOSPC).
int writeAll(int fd, const std::string& text)
{
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : ENOSPC;
        done += size_t(n);
    }
    return 0;
}

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
nlohmann::json tracesJson(const TrainParams& params)
{
    nlohmann::json a = nlohmann::json::array();
    if (!params.source.valid())
        for (const std::string& d : params.traceDirs) {
            fs::path abs = fs::absolute(d).lexically_normal();
            if (abs.filename().empty()) // "traces/" -> "traces"
                abs = abs.parent_path();
            a.push_back(pathToJson(abs.string())); // runTraceDirs reopens them
        }
    return a;
}

void checkParams(const TrainParams& params)
{
    auto bad = [](const std::string& m) { throw ParamError("train: " + m); };
    if (params.runDir.empty())
        bad("no run folder given");
    if (params.horizon < 1)
        bad("horizon must be at least 1");
    if (params.epochs < 1 || params.batchSize < 1 || params.accumulate < 1)
        bad("epochs, batch size and accumulation must be at least 1");
    if (params.shuffleBuffer < 1)
        bad("the shuffle buffer must hold at least one token");
    if (!(params.learningRate > 0) || !(params.weightDecay >= 0) || !(params.gradClip >= 0))
        bad("learning rate must be > 0, weight decay and gradient clip >= 0");
    // AdamW applies lr / (1 - beta1) = 10 lr (first step) and lr * weight decay as float32
    // scalars: beyond that libtorch throws "value cannot be converted to type float".
    constexpr double kMaxLr = 1e37;
    if (!(params.learningRate <= kMaxLr) || !(params.learningRate * params.weightDecay <= kMaxLr)) {
        char text[96];
        std::snprintf(text, sizeof text, "learning rate %g (times weight decay %g)", params.learningRate,
                      params.weightDecay);
        bad(std::string(text) + " is too large for the optimizer's float32 arithmetic (accepted: a learning " +
            "rate, and a learning rate times the weight decay, of at most 1e+37)");
    }
    if (params.split.trainFraction <= 0 || params.split.validationFraction <= 0 ||
        params.split.trainFraction + params.split.validationFraction > 1.0 + 1e-9)
        bad("split fractions must be > 0 and sum to at most 1");
    if (!params.trainInterLayer && !params.trainStatistics && !params.trainHiddenState && !params.trainEnsemble)
        bad("no model selected");
    if (params.model.embedDim < 1 || params.model.hiddenDim < 1 || params.model.statsDim < 1 || params.model.tokenBuckets < 0 ||
        params.model.mlpDim < 1)
        bad("model sizes must be positive");
}

// The per-epoch state of the training loop.
struct Epoch {
    int index = 0; // 0-based
    Clock::time_point start = Clock::now();
    TokenTable batch;              // the micro-batch being trained on
    int64_t micro = 0;             // micro-batches done
    double lossSum[4] = {0, 0, 0, 0}; // inter-layer, statistics, ensemble, hidden-state since the last step record
    int64_t lossN = 0;
};

// One call of train(); its stages, in order: open the data, count the splits and the
// training statistics (pass 1), build the predictor, resume, write the start record, the
// epochs (micro-steps, optimizer steps, validation, checkpoints), the end record.
class TrainingRun {
public:
    TrainingRun(const TrainParams& params, const ProgressFn& progress, const MetricsFn& metricsFn, DataParallel& dp)
        : m_params(params), m_progress(progress), m_metricsFn(metricsFn),
          m_checkpointDir(params.runDir + "/checkpoint"), m_bestDir(params.runDir + "/best"), m_dp(dp)
    {
    }

    TrainResult run();

private:
    TrainResult runStages();
    std::string checkpointNote() const;
    void openData();
    PredictorConfig makeConfig() const;
    void countSplits();
    void buildPredictor();
    void resumeFromCheckpoint();
    void keepRunSettings(const nlohmann::json& state);
    void openMetrics();
    bool cutMetricsHistory(const std::string& path);
    void emit(nlohmann::json record);
    void planSteps();
    double learningRateAt(int64_t step) const;
    nlohmann::json unavailableJson() const;
    void writeStartRecord();
    void trainEpoch(Epoch& epoch);
    TokenTable emptyBatch() const; // the run's layout (what the predictor reads), no rows
    void makeBatches(int epochIndex, const BackgroundBatches::Deliver& deliver);
    void microStep(Epoch& epoch);
    void acceptLoss(Epoch& epoch, const MicroStepLoss& loss, int64_t step);
    void settleLoss(Epoch& epoch);
    int64_t validSamples(int64_t tokens) const;
    void optimizerStep(Epoch& epoch);
    EvalReport validate();
    // Validation, best predictor and checkpoint of a finished epoch; true when training stops early.
    bool endEpoch(const Epoch& epoch);
    void requireFiniteWeights(int epochNumber);
    void saveCheckpoint(int epochsDone);
    void finishRun();

    TrainParams m_params; // a copy: a resumed run takes its batch size, accumulation and lr
    const ProgressFn& m_progress;
    const MetricsFn& m_metricsFn;
    const Clock::time_point m_start = Clock::now();
    const std::string m_checkpointDir, m_bestDir;

    BlockSource m_source;
    TraceDims m_dims;
    int m_layers = 0, m_horizon = 0, m_topk = 0, m_lookaheadCount = 0;
    torch::Device m_device{torch::kCPU};
    PredictorConfig m_config;
    LayerStats m_stats;
    int64_t m_splitTokens[3] = {0, 0, 0}; // train, validation, test
    DataParallel& m_dp;
    int64_t m_rankTrainTokens = 0;  // this rank's part of the training split
    int64_t m_microPerEpoch = std::numeric_limits<int64_t>::max(); // agreed over the ranks

    Predictor m_predictor;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<torch::Tensor> m_interParams, m_statParams, m_hiddenParams, m_ensembleParams; // clipped apart
    // metrics.jsonl, written with write(2): its errno names the cause of a failed line.
    std::unique_ptr<int, void (*)(int*)> m_metrics{nullptr, [](int* fd) { ::close(*fd); delete fd; }};
    bool m_metricsFailed = false; // a write failed: no more lines (not even the error's)

    TrainResult m_result;
    int m_startEpoch = 0, m_badEpochs = 0;
    int64_t m_step = 0;
    double m_best = std::numeric_limits<double>::infinity();
    int64_t m_stepsPerEpoch = 0, m_totalSteps = 0, m_warmupSteps = 0;
    double m_trainSeconds = 0.0;
    ProgressMeter m_stepMeter; // on the training clock: validation passes do not count
    int64_t m_samples = 0, m_tokensSeen = 0;
    // Losses read one step late (deferLossHelps): the pending one and its step.
    bool m_deferLossRead = false;
    MicroStepLoss m_pendingLoss;
    int64_t m_pendingStep = 0;
    EvalReport m_bestReport;
    bool m_haveBestReport = false;
};

// Where a failed run stands: the last epoch's checkpoint, or none yet.
std::string TrainingRun::checkpointNote() const
{
    if (RunFolder::isCheckpoint(m_checkpointDir))
        return "; the last good checkpoint is kept in " + m_checkpointDir;
    return "; no checkpoint had been written yet (" + m_checkpointDir + " is written after each epoch)";
}

void TrainingRun::openData()
{
    checkParams(m_params);
    m_source = m_params.source.valid() ? m_params.source : openTraceSource(m_params.traceDirs);
    m_dims = m_source.dims;
    m_layers = m_dims.layers;
    m_horizon = m_params.horizon;
    m_topk = m_dims.topk;
    m_lookaheadCount = int(m_dims.lookahead.size());
    if (m_horizon >= m_layers)
        throw ParamError("train: horizon " + std::to_string(m_horizon) +
                    " reaches beyond the last layer: the traces have " + std::to_string(m_layers) +
                    " layers, so the horizon can be at most " + std::to_string(m_layers - 1));
    // The hidden-state model alone on traces without features leaves nothing to train.
    if (m_params.trainHiddenState && !m_params.trainInterLayer && !m_params.trainStatistics &&
        !hiddenStateUnavailable(m_dims, m_params.model).empty())
        throw ParamError("train: the hidden-state model cannot be trained on " + m_source.description + ": " +
                         hiddenStateUnavailable(m_dims, m_params.model) + "; choose another model as well");
    applyThreadLimit(m_params.threads);
    // [batch, L, H, E] tensors run to megabytes at 128 experts: reuse heap memory instead of
    // faulting fresh mmap'd pages in at every step.
    tuneMallocForTensors();
    m_device = resolveDevice(m_params.device);
    m_deferLossRead = m_params.deferLossRead > 0 ||
                      (m_params.deferLossRead < 0 && deferLossHelps(m_device.is_cpu(), m_dp.active()));
    if (m_dp.writes()) {
        fs::create_directories(m_params.runDir);
        RunFolder::recover(m_params.runDir); // what a killed run left: before anything reads it
    }
}

PredictorConfig TrainingRun::makeConfig() const
{
    PredictorConfig cfg;
    cfg.dims = m_dims;
    cfg.horizon = m_horizon;
    cfg.model = m_params.model;
    // Id-only traces: the encoders read the expert ids alone (recorded in config.json).
    cfg.model.useWeights = m_params.model.useWeights && m_dims.hasWeights;
    cfg.inter = m_params.trainInterLayer;
    cfg.stat = m_params.trainStatistics;
    cfg.ens = m_params.trainEnsemble;
    if (m_params.trainHiddenState) {
        // Traces without features: reported unavailable (config.json, reports), not an error.
        cfg.hiddenUnavailable = hiddenStateUnavailable(m_dims, m_params.model);
        cfg.hidden = cfg.hiddenUnavailable.empty();
    }
    // The basis travels with a predictor that reads the features, so an engine can compute
    // them from its own hidden states.
    if (cfg.hidden && m_source.featureBasis) {
        checkFeatureBasis(*m_source.featureBasis, m_dims.layers, m_dims.featureDim, m_source.description);
        cfg.featureKind = m_source.featureBasis->kind;
        cfg.featureBasisFile = kFeatureBasisFile;
    }
    if (cfg.inter)
        cfg.components.push_back(kInterLayer);
    if (cfg.stat)
        cfg.components.push_back(kStatistics);
    if (cfg.hidden)
        cfg.components.push_back(kHiddenState);
    cfg.components.push_back(kFrequency);
    cfg.components.push_back(kMarkov);
    if (m_lookaheadCount > 0)
        cfg.components.push_back(kLookahead);
    cfg.split = m_params.split;
    cfg.fingerprint = m_source.fingerprint;
    return cfg;
}

// Pass 1: split sizes and the statistics of the training split.
void TrainingRun::countSplits()
{
    m_stats.init(m_dims, m_horizon);
    int64_t* counts = m_splitTokens;
    const size_t lk = size_t(m_layers) * size_t(m_topk);
    const size_t lookahead = size_t(m_lookaheadCount);
    ProgressMeter statsMeter;
    m_dp.startPass();
    m_source.forEachBlock(
        [&](const RoutingBlock& b) {
            checkBlockDims(m_dims, b, m_source.description, false, m_config.featureInput());
            for (size_t t = 0; t < b.numTokens(); ++t) {
                const Split s = splitOf(b.seqIds[t], m_params.split);
                ++counts[int(s)];
                if (s == Split::Train && m_dp.owns(b.seqIds[t]))
                    ++m_rankTrainTokens;
                // Every rank counts the whole training split: the same global statistics everywhere.
                if (s == Split::Train)
                    m_stats.count(b.topkIds.data() + t * lk, lookahead ? b.lookaheadIds.data() + t * lk * lookahead : nullptr);
            }
            Progress pr;
            pr.stage = "statistics";
            pr.unit = "tokens";
            pr.done = counts[0] + counts[1] + counts[2];
            pr.total = m_params.maxTokens;
            statsMeter.measure(pr);
            reportProgress(m_progress, pr);
            return true;
        },
        m_params.maxTokens);
    m_stats.finalize();
    const int64_t all = counts[0] + counts[1] + counts[2];
    if (counts[0] == 0)
        throw Error("train: the training split is empty (" + std::to_string(all) + " tokens read from " +
                    m_source.description + "; splits are drawn per sequence, so more sequences are needed)");
    if (counts[1] == 0)
        throw Error("train: the validation split is empty (" + std::to_string(all) + " tokens read from " +
                    m_source.description + "): use more sequences or a larger validation fraction");
    m_config.trainTokens = counts[0];
}

void TrainingRun::buildPredictor()
{
    Predictor& p = m_predictor;
    p.cfg = m_config;
    p.stats = m_stats;
    if (!m_config.featureBasisFile.empty())
        p.basis = m_source.featureBasis;
    p.build(m_params.split.seed);
    {
        // Start the per-layer output biases at the training frequencies.
        torch::NoGradGuard ng;
        for (int h = 0; h < m_horizon; ++h)
            for (int t = 0; t < m_layers; ++t) {
                std::vector<float> f(m_stats.frequency(t), m_stats.frequency(t) + m_dims.experts);
                torch::Tensor lf = torch::logit(torch::tensor(f).clamp(1e-4, 1 - 1e-4));
                if (p.inter)
                    p.inter->bias[h * m_layers + t].copy_(lf);
                if (p.hid)
                    p.hid->bias[h * m_layers + t].copy_(lf);
            }
    }
    p.to(m_device);
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        p.parameters(), torch::optim::AdamWOptions(m_params.learningRate).weight_decay(m_params.weightDecay));
    m_interParams = p.parameters(kInterLayer);
    m_statParams = p.parameters(kStatistics);
    m_hiddenParams = p.parameters(kHiddenState);
    m_ensembleParams = p.parameters(kEnsemble);

    m_result.runDir = m_params.runDir;
    m_result.bestCheckpoint = m_bestDir;
    m_result.trainTokens = m_splitTokens[0];
    m_result.validationTokens = m_splitTokens[1];
    m_result.testTokens = m_splitTokens[2];
}

void TrainingRun::resumeFromCheckpoint()
{
    // The writer recovered the folder (openData); another rank may look before it did.
    const std::string found = RunFolder::checkpointCopy(m_params.runDir);
    const std::string ckDir = found.empty() ? m_checkpointDir : found;
    if (!m_params.resume || !fs::exists(ckDir + "/state.json"))
        return;
    nlohmann::json st = nlohmann::json::parse(readFile(ckDir + "/state.json"));
    const PredictorConfig old = PredictorConfig::load(ckDir);
    // Name what differs, so the user knows which option to give back (e.g. after a default changed).
    std::string differs;
    const auto check = [&differs](bool same, const std::string& what) {
        if (!same)
            differs += (differs.empty() ? "" : ", ") + what;
    };
    const auto onOff = [](bool v) { return std::string(v ? "on" : "off"); };
    check(sameRouting(old.dims, m_dims), "the traces' dimensions");
    check(old.horizon == m_horizon, "horizon " + std::to_string(old.horizon));
    check(old.components == m_config.components, "the models trained");
    check(old.model.hiddenDim == m_params.model.hiddenDim, "hidden " + std::to_string(old.model.hiddenDim));
    check(old.model.embedDim == m_params.model.embedDim, "embed " + std::to_string(old.model.embedDim));
    if (m_config.hidden) {
        check(old.model.mlpDim == m_params.model.mlpDim, "mlp " + std::to_string(old.model.mlpDim));
        check(old.model.decodeContext == m_params.model.decodeContext,
              "decode context " + onOff(old.model.decodeContext));
        check(old.model.decodeFeatures == m_params.model.decodeFeatures,
              "decode features " + onOff(old.model.decodeFeatures));
    }
    if (!differs.empty())
        throw Error("train: cannot resume from " + ckDir + ": it was trained with other settings (" + differs +
                    "); give those settings again, or train into a new folder");
    m_predictor.setWeights(readTensorFile(ckDir + "/predictor.safetensors"), ckDir + "/predictor.safetensors");
    m_predictor.cfg.fallback = old.fallback;
    torch::load(*m_optimizer, ckDir + "/optimizer.pt", m_device); // state onto the training device
    keepRunSettings(st);
    m_startEpoch = st.at("epoch").get<int>();
    m_step = st.at("step").get<int64_t>();
    m_best = st.at("best_score").is_null() ? m_best : st.at("best_score").get<double>();
    m_result.bestEpoch = st.at("best_epoch").get<int>();
    m_badEpochs = st.at("bad_epochs").get<int>();
    m_result.resumed = true;
}

// The batch size, accumulation, peak learning rate and precision the run was trained with,
// from its checkpoint (or, for a checkpoint written before it kept them, the run's start
// record).
void TrainingRun::keepRunSettings(const nlohmann::json& state)
{
    nlohmann::json from = state;
    if (!from.contains("batch_size")) {
        std::ifstream in(m_params.runDir + "/metrics.jsonl");
        std::string line;
        while (std::getline(in, line)) {
            const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_object() && j.value("type", "") == "start") {
                from = j;
                break;
            }
        }
    }
    if (from.contains("batch_size") && from["batch_size"].is_number_integer())
        m_params.batchSize = std::max(1, from["batch_size"].get<int>());
    if (from.contains("accumulate") && from["accumulate"].is_number_integer())
        m_params.accumulate = std::max(1, from["accumulate"].get<int>());
    if (from.contains("learning_rate") && from["learning_rate"].is_number() && from["learning_rate"].get<double>() > 0)
        m_params.learningRate = from["learning_rate"].get<double>();
    // Written before the setting existed: float32.
    const auto mp = from.find("mixed_precision");
    m_params.mixedPrecision = mp != from.end() && mp->is_boolean() && mp->get<bool>();
}

void TrainingRun::openMetrics()
{
    if (!m_dp.writes())
        return;
    const std::string path = RunFolder::metricsFile(m_params.runDir);
    const bool checkpointLine = !m_result.resumed || cutMetricsHistory(path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (m_result.resumed ? 0 : O_TRUNC), 0644);
    if (fd < 0)
        throw Error("train: cannot write " + path + ": " + std::strerror(errno));
    m_metrics.reset(new int(fd));
    if (!checkpointLine) // killed between the checkpoint's swap and its line: the line it lacks
        emit({{"type", "checkpoint"}, {"epoch", m_startEpoch}, {"step", m_step}, {"path", pathToJson(m_checkpointDir)}});
}

// A resume continues the history of its checkpoint: the lines after it (an interrupted
// epoch's steps, a failed attempt's start, error and end lines) would show as the run's own
// curves and epochs. They move to metrics-discarded.jsonl (appended first, so a kill between
// the two writes duplicates them there rather than losing them). Returns whether the
// checkpoint's own line is in the history kept.
bool TrainingRun::cutMetricsHistory(const std::string& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return true; // no history to complete
    const std::string text = readFile(path, "the run's metrics");
    bool checkpointLine = false;
    const size_t keep = metricsHistoryEnd(text, m_startEpoch, &checkpointLine);
    if (keep >= text.size())
        return checkpointLine;
    const std::string discarded = m_params.runDir + "/metrics-discarded.jsonl";
    std::string lost = text.substr(keep);
    if (lost.back() != '\n')
        lost += '\n'; // an unfinished line stays a line of its own
    const int fd = ::open(discarded.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int e = fd < 0 ? errno : writeAll(fd, lost);
    if (fd >= 0)
        ::close(fd);
    if (e)
        throw Error("train: cannot write " + discarded + ": " + std::strerror(e) + "; " + path + " is kept as it was");
    writeFileAtomic(path, text.substr(0, keep));
    return checkpointLine;
}

void TrainingRun::emit(nlohmann::json record)
{
    if (!m_dp.writes() || m_metricsFailed)
        return;
    record["time"] = seconds(m_start);
    const std::string line = record.dump();
    if (const int e = writeAll(*m_metrics, line + "\n")) { // disk full, ulimit -f: stop rather than train unrecorded
        m_metricsFailed = true;
        throw Error("train: cannot write " + RunFolder::metricsFile(m_params.runDir) + ": " + std::strerror(e) +
                    checkpointNote());
    }
    if (m_metricsFn)
        m_metricsFn(line);
}

void TrainingRun::planSteps()
{
    int64_t microPerEpoch = (m_splitTokens[0] + m_params.batchSize - 1) / m_params.batchSize;
    if (m_dp.active()) {
        // Every rank runs as many micro-batches per epoch as the rank with the fewest has.
        m_microPerEpoch = m_dp.agreeMin((m_rankTrainTokens + m_params.batchSize - 1) / m_params.batchSize,
                                        "the micro-batches per epoch");
        if (m_microPerEpoch < 1)
            throw Error("train: rank " + std::to_string(m_dp.rank()) + ": some rank holds no training sequence (" +
                        std::to_string(m_rankTrainTokens) + " training tokens here): use fewer ranks or more sequences");
        microPerEpoch = m_microPerEpoch;
    }
    m_stepsPerEpoch = std::max<int64_t>(1, (microPerEpoch + m_params.accumulate - 1) / m_params.accumulate);
    m_totalSteps = m_stepsPerEpoch * m_params.epochs;
    m_warmupSteps = std::max<int64_t>(1, int64_t(std::llround(m_params.warmupFraction * double(m_totalSteps))));
}

// Linear warm-up, then cosine down to minLrFactor * learningRate.
double TrainingRun::learningRateAt(int64_t step) const
{
    const double lr = m_params.learningRate;
    if (step < m_warmupSteps)
        return lr * double(step + 1) / double(m_warmupSteps);
    const double x = std::min(1.0, double(step - m_warmupSteps) / double(std::max<int64_t>(1, m_totalSteps - m_warmupSteps)));
    return lr * (m_params.minLrFactor + (1.0 - m_params.minLrFactor) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * x)));
}

// {"lookahead": "the traces hold no ..."}: baselines these traces cannot feed.
nlohmann::json TrainingRun::unavailableJson() const
{
    nlohmann::json u = nlohmann::json::object();
    for (const UnavailablePredictor& x : unavailablePredictors(m_config))
        u[x.name] = x.reason;
    return u;
}

void TrainingRun::writeStartRecord()
{
    const PredictorConfig& cfg = m_config;
    nlohmann::json models = nlohmann::json::array(), baselines = {kFrequency, kMarkov};
    if (cfg.inter) models.push_back(kInterLayer);
    if (cfg.stat) models.push_back(kStatistics);
    if (cfg.hidden) models.push_back(kHiddenState);
    if (cfg.ens) models.push_back(kEnsemble);
    if (m_lookaheadCount > 0) baselines.push_back(kLookahead);
    baselines.push_back(kUniform);
    const int64_t* counts = m_splitTokens;
    emit({{"type", "start"}, {"resumed", m_result.resumed}, {"epoch", m_startEpoch}, {"step", m_step},
          {"dims", {{"layers", m_layers}, {"experts", m_dims.experts}, {"topk", m_topk}, {"lookahead", m_dims.lookahead}}},
          {"horizon", m_horizon}, {"models", models}, {"baselines", baselines},
          {"tokens", {{"train", counts[0]}, {"validation", counts[1]}, {"test", counts[2]}}},
          {"epochs", m_params.epochs}, {"steps_per_epoch", m_stepsPerEpoch}, {"batch_size", m_params.batchSize},
          {"accumulate", m_params.accumulate}, {"learning_rate", m_params.learningRate},
          {"mixed_precision", m_params.mixedPrecision}, {"device", deviceName(m_params.device)},
          {"seed", m_params.split.seed}, {"traces", tracesJson(m_params)}, {"unavailable", unavailableJson()}});
}

EvalReport TrainingRun::validate()
{
    SplitScores vs = scoreSplit(m_predictor, m_source, Split::Validation, m_params.maxValidationTokens, 256, {});
    chooseFallback(m_predictor, vs);
    return makeReport(m_predictor, vs, "validation");
}

void TrainingRun::optimizerStep(Epoch& epoch)
{
    const double lr = learningRateAt(m_step);
    for (auto& g : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
    m_dp.averageGradients(m_predictor.parameters(), m_step);
    if (m_params.gradClip > 0) {
        for (const auto* ps : {&m_interParams, &m_statParams, &m_hiddenParams, &m_ensembleParams})
            if (!ps->empty())
                clipGradNorm(*ps, m_params.gradClip); // no host read of the norm
    }
    m_optimizer->step();
    m_optimizer->zero_grad();
    ++m_step;
    if (m_params.injectNanWeightAfterSteps >= 0 && m_step == m_params.injectNanWeightAfterSteps) {
        torch::NoGradGuard ng;
        m_predictor.parameters().front().view({-1})[0].fill_(std::numeric_limits<double>::quiet_NaN());
    }
    const int epochNumber = epoch.index + 1;
    if (m_step % 10 == 0 || m_step == 1) {
        settleLoss(epoch);
        nlohmann::json loss = nlohmann::json::object();
        const double n = double(std::max<int64_t>(1, epoch.lossN));
        if (m_config.inter) loss[kInterLayer] = epoch.lossSum[0] / n;
        if (m_config.stat) loss[kStatistics] = epoch.lossSum[1] / n;
        if (m_config.hidden) loss[kHiddenState] = epoch.lossSum[3] / n;
        if (m_config.ens) loss[kEnsemble] = epoch.lossSum[2] / n;
        const double sec = m_trainSeconds + seconds(epoch.start);
        emit({{"type", "step"}, {"epoch", epochNumber}, {"step", m_step}, {"lr", lr}, {"loss", loss},
              {"samples_per_s", sec > 0 ? double(m_samples) / sec : 0.0},
              {"tokens_per_s", sec > 0 ? double(m_tokensSeen) / sec : 0.0}});
        epoch.lossSum[0] = epoch.lossSum[1] = epoch.lossSum[2] = epoch.lossSum[3] = 0;
        epoch.lossN = 0;
    }
    Progress pr;
    pr.stage = "train";
    pr.unit = "steps";
    pr.done = m_step;
    pr.total = m_totalSteps;
    m_stepMeter.measureAt(pr, m_trainSeconds + seconds(epoch.start));
    pr.message = "epoch " + std::to_string(epochNumber) + "/" + std::to_string(m_params.epochs);
    reportProgress(m_progress, pr);
    if (m_params.evalEverySteps > 0 && m_step % m_params.evalEverySteps == 0) {
        settleLoss(epoch);
        EvalReport report = validate();
        m_predictor.train(true);
        emit({{"type", "validation"}, {"epoch", epochNumber}, {"step", m_step}, {"final", false},
              {"score", scoreOf(report)}, {"tokens", report.tokens}, {"metrics", reportMetrics(report)}});
    }
}

void TrainingRun::microStep(Epoch& epoch)
{
    const int64_t tokens = int64_t(epoch.batch.size());
    MicroStepSettings settings;
    settings.device = m_device;
    settings.samples = double(std::max<int64_t>(1, validSamples(tokens)));
    settings.accumulate = m_params.accumulate;
    settings.shards = microStepShards(tokens, m_device, m_params.threads);
    settings.injectNan = m_params.injectNanAtStep >= 0 && m_step == m_params.injectNanAtStep;
    settings.mixedPrecision = m_params.mixedPrecision;
    settings.deferRead = m_deferLossRead;
    MicroStepLoss loss = lossAndGradients(m_predictor, epoch.batch, settings);
    if (loss.pending) {
        settleLoss(epoch); // the previous step's: its values reached the host long ago
        m_pendingLoss = std::move(loss);
        m_pendingStep = m_step;
    } else {
        acceptLoss(epoch, loss, m_step);
    }
    m_samples += validSamples(int64_t(epoch.batch.size()));
    m_tokensSeen += int64_t(epoch.batch.size());
    epoch.batch.clear();
    if (++epoch.micro % m_params.accumulate == 0)
        optimizerStep(epoch);
}

// A micro-step's loss on the host: added to the epoch's sums, or the run stops when it is not
// finite (the checkpoint of the last epoch stays as it was).
void TrainingRun::acceptLoss(Epoch& epoch, const MicroStepLoss& loss, int64_t step)
{
    const double lv = loss.total;
    if (!std::isfinite(lv)) {
        const std::string msg = "train: the loss became " + std::string(std::isnan(lv) ? "NaN" : "infinite") +
                                " at step " + std::to_string(step) + " (epoch " + std::to_string(epoch.index + 1) +
                                "); training stopped" + checkpointNote() +
                                " (try a lower learning rate or a smaller gradient clip)";
        emit({{"type", "error"}, {"epoch", epoch.index + 1}, {"step", step}, {"message", msg}});
        throw Error(msg);
    }
    for (int i = 0; i < 4; ++i)
        epoch.lossSum[i] += loss.parts[i];
    ++epoch.lossN;
}

// The deferred loss of the last micro-step, if any, read and accepted: before the step lines
// (their mean losses), a validation and the end of the epoch, and one step later otherwise.
void TrainingRun::settleLoss(Epoch& epoch)
{
    if (!m_pendingLoss.pending)
        return;
    m_pendingLoss.settle();
    acceptLoss(epoch, m_pendingLoss, m_pendingStep);
}

// Training samples of a micro-batch: every (token, layer l, horizon h) with l + h inside the
// model (what the batch's valid mask counts), known on the host without a device read.
int64_t TrainingRun::validSamples(int64_t tokens) const
{
    int64_t perToken = 0;
    for (int h = 1; h <= m_horizon; ++h)
        perToken += std::max(0, m_layers - h);
    return tokens * perToken;
}

// The training split once, in micro-batches: made on a thread of their own a few batches
// ahead of the steps, or on this thread between them (the same batches in the same order).
void TrainingRun::trainEpoch(Epoch& epoch)
{
    m_predictor.train(true);
    m_dp.startPass();
    const int epochIndex = epoch.index;
    if (m_params.batchThread > 0 || (m_params.batchThread < 0 && batchThreadHelps(m_device.is_cpu()))) {
        BackgroundBatches batches([this, epochIndex](const BackgroundBatches::Deliver& deliver) {
            makeBatches(epochIndex, deliver);
        }, kBatchesAhead);
        while (epoch.micro < m_microPerEpoch && batches.next(epoch.batch))
            microStep(epoch);
    } else {
        epoch.batch = emptyBatch();
        makeBatches(epochIndex, [&](TokenTable& batch) {
            if (epoch.micro >= m_microPerEpoch)
                return false;
            std::swap(epoch.batch, batch); // batch gets the emptied table back, its memory kept
            microStep(epoch);
            return epoch.micro < m_microPerEpoch;
        });
    }
    if (epoch.micro % m_params.accumulate != 0)
        optimizerStep(epoch);
    settleLoss(epoch);
    m_trainSeconds += seconds(epoch.start);
}

TokenTable TrainingRun::emptyBatch() const
{
    TokenTable t;
    t.init(m_dims, m_config.model.useWeights, m_config.featureInput() > 0, m_config.previousInput(),
           m_config.previousFeatureInput());
    return t;
}

// The epoch's training tokens (this rank's) through a shuffle buffer seeded by the run's seed
// and the epoch, in batches of batchSize; the last may be smaller.
void TrainingRun::makeBatches(int epochIndex, const BackgroundBatches::Deliver& deliver)
{
    TokenTable batch = emptyBatch();
    ShuffleBuffer buf(m_dims, size_t(m_params.shuffleBuffer),
                      m_params.split.seed * 1000003ULL + uint64_t(epochIndex) * 7919ULL + 17ULL, batch.W, batch.F > 0,
                      batch.P, batch.PF);
    const size_t full = size_t(m_params.batchSize);
    bool wanted = true; // false once the steps stopped taking batches
    m_source.forEachBlock(
        [&](const RoutingBlock& b) {
            checkBlockDims(m_dims, b, m_source.description, false, m_config.featureInput());
            for (size_t t = 0; t < b.numTokens() && wanted; ++t) {
                if (splitOf(b.seqIds[t], m_params.split) != Split::Train || !m_dp.owns(b.seqIds[t]))
                    continue;
                buf.push(b, t, batch);
                if (batch.size() >= full)
                    wanted = deliver(batch);
            }
            return wanted;
        },
        m_params.maxTokens);
    while (wanted && buf.pop(batch))
        if (batch.size() >= full)
            wanted = deliver(batch);
    if (wanted && batch.size() > 0)
        deliver(batch);
}

bool TrainingRun::endEpoch(const Epoch& epoch)
{
    const int epochNumber = epoch.index + 1;
    requireFiniteWeights(epochNumber);
    EvalReport rep = validate();
    const double score = scoreOf(rep);
    const bool improved = score < m_best - 1e-9;
    if (improved) {
        m_best = score;
        m_badEpochs = 0;
        m_result.bestEpoch = epochNumber;
        m_predictor.cfg.bestEpoch = epochNumber;
        if (m_dp.writes()) {
            replaceFolder(m_bestDir, "the best predictor", [this](const std::string& tmp) { m_predictor.save(tmp); });
        }
        m_bestReport = rep;
        m_haveBestReport = true;
    } else {
        ++m_badEpochs;
    }
    emit({{"type", "validation"}, {"epoch", epochNumber}, {"step", m_step}, {"final", true},
          {"score", score}, {"best", improved}, {"tokens", rep.tokens}, {"metrics", reportMetrics(rep)}});
    saveCheckpoint(epochNumber);
    m_result.epochsRun = epochNumber;
    if (m_badEpochs >= m_params.patience && epochNumber < m_params.epochs) {
        m_result.stoppedEarly = true;
        return true;
    }
    return false;
}

// An optimizer step can leave NaN or infinite weights that no later loss sees (the last
// step of an epoch): they stop the run before validation and before any write of best/ or
// checkpoint/, so those keep the last finite predictor.
void TrainingRun::requireFiniteWeights(int epochNumber)
{
    const std::string bad = m_predictor.firstNonFiniteParameter();
    if (bad.empty())
        return;
    const std::string msg = "train: the weights became NaN or infinite (tensor \"" + bad + "\") by step " +
                            std::to_string(m_step) + " (epoch " + std::to_string(epochNumber) + "); training stopped" +
                            checkpointNote() + " (try a lower learning rate or a smaller gradient clip)";
    emit({{"type", "error"}, {"epoch", epochNumber}, {"step", m_step}, {"message", msg}});
    throw Error(msg);
}

// Checkpoint of the epoch (written aside, then swapped in: folder_swap.h). endEpoch() checked
// the weights are finite.
void TrainingRun::saveCheckpoint(int epochsDone)
{
    if (!m_dp.writes())
        return;
    nlohmann::json st = {{"epoch", epochsDone}, {"step", m_step}, {"best_epoch", m_result.bestEpoch},
                         {"bad_epochs", m_badEpochs}, {"seed", m_params.split.seed},
                         {"batch_size", m_params.batchSize}, {"accumulate", m_params.accumulate},
                         {"learning_rate", m_params.learningRate}, {"mixed_precision", m_params.mixedPrecision}};
    st["best_score"] = std::isfinite(m_best) ? nlohmann::json(m_best) : nlohmann::json(nullptr);
    replaceFolder(m_checkpointDir, "the checkpoint", [&](const std::string& tmp) {
        m_predictor.save(tmp);
        try {
            torch::save(*m_optimizer, tmp + "/optimizer.pt");
        } catch (const c10::Error& e) {
            throw Error(tmp + "/optimizer.pt: " + compat::errorText(e));
        }
        writeFileAtomic(tmp + "/state.json", st.dump(2) + "\n"); // last: the copy is complete
    });
    emit({{"type", "checkpoint"}, {"epoch", epochsDone}, {"step", m_step}, {"path", pathToJson(m_checkpointDir)}});
}

// The best predictor's validation report, report.json and the end record.
void TrainingRun::finishRun()
{
    if (m_result.epochsRun == 0)
        m_result.epochsRun = m_startEpoch;
    if (!m_haveBestReport) {
        if (!fs::exists(m_bestDir + "/config.json"))
            throw Error("train: no best checkpoint in " + m_bestDir);
        Predictor bp = Predictor::load(m_bestDir, m_device);
        SplitScores vs = scoreSplit(bp, m_source, Split::Validation, m_params.maxValidationTokens, 256, {});
        m_bestReport = makeReport(bp, vs, "validation");
    }
    m_result.validation = m_bestReport;
    m_result.steps = m_step;
    m_result.bestScore = m_best;
    m_result.seconds = seconds(m_start);
    m_result.samplesPerSecond = m_trainSeconds > 0 ? double(m_samples) / m_trainSeconds : 0.0;
    m_result.tokensPerSecond = m_trainSeconds > 0 ? double(m_tokensSeen) / m_trainSeconds : 0.0;
    if (m_dp.writes())
        writeFileAtomic(m_params.runDir + "/report.json", m_result.validation.toJson(true) + "\n");
    emit({{"type", "end"}, {"status", m_result.stoppedEarly ? "early_stop" : "done"}, {"epochs", m_result.epochsRun},
          {"step", m_step}, {"best_epoch", m_result.bestEpoch},
          {"best_score", std::isfinite(m_best) ? nlohmann::json(m_best) : nlohmann::json(nullptr)},
          {"samples_per_s", m_result.samplesPerSecond}, {"tokens_per_s", m_result.tokensPerSecond},
          {"validation", reportMetrics(m_result.validation)}});
}

TrainResult TrainingRun::run()
{
    try {
        return runStages();
    } catch (const c10::Error& e) {
        // libtorch refused something the checks above let through: one line naming the
        // step and the input, no C++ stack trace.
        const std::string input = m_source.description.empty() ? "the traces" : m_source.description;
        const std::string msg = "train: libtorch failed at step " + std::to_string(m_step) + " on " + input + ": " +
                                compat::errorText(e) + checkpointNote();
        try {
            if (m_metrics)
                emit({{"type", "error"}, {"step", m_step}, {"message", msg}});
        } catch (const Error&) {
            // the metrics' own write failure: the libtorch error is the one to name
        }
        throw Error(msg);
    }
}

TrainResult TrainingRun::runStages()
{
    openData();
    m_config = makeConfig();
    countSplits();
    buildPredictor();
    resumeFromCheckpoint();
    m_dp.start(m_predictor.parameters(), m_startEpoch, m_step);
    openMetrics();
    planSteps();
    writeStartRecord();
    m_stepMeter = ProgressMeter(m_step); // a resumed run's earlier steps are not in the rate
    // With CPU shards, everything between and after the steps (validation, the best
    // predictor's report) runs with one BLAS thread, as the shards do: OpenBLAS's own pool
    // spun against the shards' OpenMP team (a validation of 131k tokens: 9.0 s with it, 2.5 s
    // without, 2 cores). Restored when train() returns.
    const bool sharded = microStepShards(m_params.batchSize, m_device, m_params.threads) > 1;
    const ScopedBlasThreads blas(sharded ? 1 : 0);
    // A run killed after its early stop's checkpoint stops there again (not one epoch later).
    if (m_result.resumed && m_badEpochs >= m_params.patience && m_startEpoch < m_params.epochs)
        m_result.stoppedEarly = true;
    try {
        for (int index = m_startEpoch; index < m_params.epochs && !m_result.stoppedEarly; ++index) {
            Epoch epoch;
            epoch.index = index;
            trainEpoch(epoch);
            if (endEpoch(epoch))
                break;
        }
    } catch (const Cancelled&) {
        emit({{"type", "end"}, {"status", "cancelled"}, {"step", m_step}});
        throw;
    }
    finishRun();
    return m_result;
}

} // namespace

double defaultLearningRate(int64_t tokensPerStep)
{
    const double r = double(std::max<int64_t>(1, tokensPerStep)) / 64.0;
    return 3e-3 * (r <= 4.0 ? r : 4.0 * std::sqrt(r / 4.0));
}

bool batchThreadHelps(bool cpu) { return !cpu; }

bool deferLossHelps(bool cpu, bool ranks) { return !cpu && !ranks; }

TrainResult train(const TrainParams& params, const ProgressFn& progress, const MetricsFn& metricsFn)
{
    DataParallel dp(params.group, params.groupSeconds);
    try {
        return TrainingRun(params, progress, metricsFn, dp).run();
    } catch (const std::exception& e) {
        dp.reportFailure(e.what()); // the other ranks name it
        throw;
    }
}

} // namespace specmoe::speculate
