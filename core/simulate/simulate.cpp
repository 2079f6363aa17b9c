// The simulation job: resolve the model, the hardware and the predictors, read the split
// once, then replay every setting of the sweep (in parallel, one engine per setting).
#include "core/simulate/simulate.h"

#include "core/simulate/replay_inputs.h"
#include "core/speculate/train.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

namespace specmoe::simulate {

namespace fs = std::filesystem;

EngineCost engineCost(const ModelShape& model, StorageDType storage, const HardwareProfile& hw, int batch, int topk,
                      int width, double computeMsPerLayer)
{
    EngineCost c;
    c.expertBytes = model.expertBytes(storage);
    c.computeSeconds.resize(size_t(width) + 1);
    const double shared = double(model.sharedExperts) * double(model.sharedExpertParams()) * bytesPerWeight(storage);
    // Every token runs its top-k experts whatever the batch shares; weights are read once.
    const double flops = 2.0 * double(batch) *
                         (double(model.attentionParams) + double(topk) * double(model.expertParams()) +
                          double(model.sharedExperts) * double(model.sharedExpertParams()));
    for (int n = 0; n <= width; ++n) {
        if (computeMsPerLayer > 0) {
            c.computeSeconds[size_t(n)] = computeMsPerLayer * 1e-3;
            continue;
        }
        const double bytes = 2.0 * double(model.attentionParams) + shared + double(n) * c.expertBytes;
        const double memory = bytes / (hw.memoryGBps * 1e9 * hw.memoryEfficiency);
        const double math = flops / (hw.tflops * 1e12 * hw.computeEfficiency);
        c.computeSeconds[size_t(n)] = hw.layerOverheadUs * 1e-6 + std::max(memory, math);
    }
    return c;
}

int cacheExpertsForBudget(double gb, const ModelShape& model, StorageDType storage, int layers, int experts)
{
    const double shared =
        double(layers) * double(model.sharedExperts) * double(model.sharedExpertParams()) * bytesPerWeight(storage);
    const double left = gb * 1e9 - shared;
    if (left <= 0)
        return 0;
    return int(std::min<double>(experts, std::floor(left / (double(layers) * model.expertBytes(storage)))));
}

namespace {

ModelShape resolveModel(const SimulateParams& params, const TraceDims& dims)
{
    if (!params.model.empty()) {
        if (fs::exists(fs::path(params.model) / "config.json"))
            return modelShapeFromConfig(params.model);
        return modelShape(params.model);
    }
    std::string named;
    if (!params.traceDirs.empty())
        named = TraceSet::open(params.traceDirs.front()).model().name;
    if (const ModelShape* s = presetOfTraces(named, dims.layers, dims.experts, dims.topk))
        return *s;
    throw Error("simulate: the size of an expert is unknown for the model of the traces" +
                (named.empty() ? std::string() : " ('" + named + "')") +
                ": name a preset or a checkpoint folder with --model");
}

void checkModel(const ModelShape& m, const TraceDims& d)
{
    if (m.experts != d.experts || m.topk != d.topk || m.layers != d.layers)
        throw Error("simulate: the model " + m.name + " (" + std::to_string(m.layers) + " MoE layers, " +
                    std::to_string(m.experts) + " experts, top-" + std::to_string(m.topk) +
                    ") does not fit the traces (" + describeDims(d) + ")");
}

struct Setting {
    size_t predictor = 0;   // index in the predictor list (0 = none, 1 = oracle)
    size_t horizonIndex = 0;
    Policy policy = Policy::Lru;
    int cache = 0;
    double cacheGB = 0;
    double link = 0;
    int budget = 0;
};

class Simulation {
public:
    Simulation(const SimulateParams& params, const ProgressFn& progress) : m_params(params), m_progress(progress) {}

    SimulationResult run()
    {
        openSource();
        openPredictors();
        measureComputeTime();
        readInputs();
        planSettings();
        replayAll();
        return std::move(m_result);
    }

private:
    void openSource()
    {
        m_source = m_params.source.valid() ? m_params.source : speculate::openTraceSource(m_params.traceDirs);
        const TraceDims& d = m_source.dims;
        m_result.dims = d;
        m_result.model = resolveModel(m_params, d);
        checkModel(m_result.model, d);
        if (m_params.batch < 1 || m_params.batch > 4096)
            throw Error("simulate: batch " + std::to_string(m_params.batch) + " (accepted: 1..4096)");
        for (int h : m_params.horizons)
            if (h < 1 || h >= d.layers)
                throw Error("simulate: horizon " + std::to_string(h) + " (accepted: 1.." + std::to_string(d.layers - 1) +
                            ")");
        for (int m : m_params.budgets)
            if (m < 1 || m > d.experts)
                throw Error("simulate: prefetch budget " + std::to_string(m) + " (accepted: 1.." +
                            std::to_string(d.experts) + ")");
        for (double g : m_params.linkGBps)
            if (!(g > 0))
                throw Error("simulate: a link bandwidth must be > 0 GB/s");
    }

    void openPredictors()
    {
        m_names = {kNoPrefetch, kOracle};
        for (const std::string& p : m_params.predictors)
            if (std::find(m_names.begin(), m_names.end(), p) == m_names.end())
                m_names.push_back(p);
        m_split = m_params.splitSpec;
        const auto baselines = speculate::PredictionStream::trainingSplitBaselines();
        // Saved predictors first: the split they were trained on is the one replayed.
        bool savedSplit = false;
        for (size_t i = 2; i < m_names.size(); ++i) {
            const std::string& name = m_names[i];
            if (std::find(baselines.begin(), baselines.end(), name) != baselines.end())
                continue;
            std::string dir = name, model;
            const size_t colon = name.rfind(':');
            if (colon != std::string::npos && !fs::exists(name)) {
                dir = name.substr(0, colon);
                model = name.substr(colon + 1);
            }
            PredictorInput in;
            in.name = name;
            in.stream = speculate::PredictionStream::fromPredictor(dir, model, m_params.device);
            const SplitSpec s = in.stream->split();
            if (savedSplit && (s.seed != m_split.seed || s.trainFraction != m_split.trainFraction ||
                               s.validationFraction != m_split.validationFraction))
                throw Error("simulate: the predictors were trained on different splits (" + name +
                            "): their test splits differ");
            m_split = s;
            savedSplit = true;
            checkHorizons(*in.stream, name);
            m_inputs.predictors.push_back(std::move(in));
        }
        const int maxH = *std::max_element(m_params.horizons.begin(), m_params.horizons.end());
        for (size_t i = 2; i < m_names.size(); ++i)
            if (std::find(baselines.begin(), baselines.end(), m_names[i]) != baselines.end()) {
                PredictorInput in;
                in.name = m_names[i];
                in.stream = speculate::PredictionStream::fromTrainingSplit(m_source, m_split, maxH, m_names[i],
                                                                           m_progress);
                m_inputs.predictors.push_back(std::move(in));
            }
    }

    void checkHorizons(const speculate::PredictionStream& s, const std::string& name) const
    {
        for (int h : m_params.horizons)
            if (h > s.horizon())
                throw Error("simulate: " + name + " predicts horizons 1.." + std::to_string(s.horizon()) +
                            ", not " + std::to_string(h));
    }

    // Our runtime's forward at the replay's batch on this machine, when asked: the layer time
    // every setting uses.
    void measureComputeTime()
    {
        m_computeMs = m_params.computeMsPerLayer;
        if (m_params.measureComputeModel.empty())
            return;
        MeasureParams mp;
        mp.modelDir = m_params.measureComputeModel;
        mp.batch = m_params.batch;
        mp.device = m_params.device;
        m_result.computeMeasurement = measureCompute(mp, m_progress);
        m_computeMs = m_result.computeMeasurement->msPerLayer;
    }

    void readInputs()
    {
        ReadSpec spec;
        spec.split = m_params.split;
        spec.splitSpec = m_split;
        spec.maxTokens = m_params.maxTokens;
        spec.decodeOnly = m_params.decodeOnly;
        spec.horizons = m_params.horizons;
        const int maxBudget = m_params.budgets.empty()
                                  ? m_source.dims.topk
                                  : *std::max_element(m_params.budgets.begin(), m_params.budgets.end());
        spec.rankingWidth = std::min(maxBudget, m_source.dims.experts);
        spec.countHotSet = std::find(m_params.policies.begin(), m_params.policies.end(), Policy::Static) !=
                           m_params.policies.end();
        readReplayInputs(m_source, spec, m_inputs, m_progress);
        if (m_inputs.store.tokens() == 0)
            throw Error("simulate: the " + speculate::splitSelectionName(m_params.split) + " split of " +
                        m_source.description + " holds no token to replay");
        m_schedule = buildSchedule(m_inputs.store, m_params.batch);
        m_inputs.store.ids = {}; // the schedule holds what the replays need
        for (PredictorInput& p : m_inputs.predictors) {
            std::vector<PlanStore> plans;
            for (size_t h = 0; h < m_params.horizons.size(); ++h) {
                plans.push_back(predictorPlan(m_schedule, p.rankings[h], m_params.horizons[h]));
                p.rankings[h] = TokenRanking{};
            }
            m_plans.push_back(std::move(plans));
            m_result.predictors.push_back({p.name, p.seconds, m_schedule.tokens});
        }
        m_planIndex.assign(m_names.size(), 0);
        for (size_t p = 2; p < m_names.size(); ++p)
            for (size_t i = 0; i < m_inputs.predictors.size(); ++i)
                if (m_inputs.predictors[i].name == m_names[p])
                    m_planIndex[p] = i;
        if (std::find(m_params.policies.begin(), m_params.policies.end(), Policy::Belady) != m_params.policies.end())
            m_nextUse = buildNextUseIndex(m_schedule);
        m_result.split = speculate::splitSelectionName(m_params.split);
        m_result.tokens = m_schedule.tokens;
        m_result.sequences = m_inputs.store.sequences();
        m_result.steps = m_schedule.steps;
        m_result.batch = m_params.batch;
        m_result.warmupSteps = m_params.warmupSteps;
        m_result.storage = m_params.storage;
        m_result.hardware = m_params.hardware;
        m_result.computeMsPerLayer = m_computeMs;
        m_result.expertBytes = m_result.model.expertBytes(m_params.storage);
        m_cost = engineCost(m_result.model, m_params.storage, m_params.hardware, m_params.batch, m_source.dims.topk,
                            m_schedule.width, m_computeMs);
    }

    void planSettings()
    {
        const TraceDims& d = m_source.dims;
        std::vector<std::pair<int, double>> caches;
        const double perExpertGB = double(d.layers) * m_result.expertBytes / 1e9;
        const double sharedGB = double(d.layers) * double(m_result.model.sharedExperts) *
                                double(m_result.model.sharedExpertParams()) * bytesPerWeight(m_params.storage) / 1e9;
        for (int c : m_params.cacheExperts) {
            if (c < 0 || c > d.experts)
                throw Error("simulate: a cache of " + std::to_string(c) + " experts per layer (accepted: 0.." +
                            std::to_string(d.experts) + ")");
            caches.emplace_back(c, sharedGB + c * perExpertGB);
        }
        for (double g : m_params.cacheGB) {
            if (!(g >= 0))
                throw Error("simulate: a cache budget must be >= 0 GB");
            caches.emplace_back(cacheExpertsForBudget(g, m_result.model, m_params.storage, d.layers, d.experts), g);
        }
        if (caches.empty())
            caches.emplace_back(d.experts / 2, sharedGB + (d.experts / 2) * perExpertGB);
        std::vector<double> links = m_params.linkGBps;
        if (links.empty())
            links.push_back(m_params.hardware.linkGBps);
        std::vector<int> budgets = m_params.budgets;
        if (budgets.empty())
            budgets.push_back(d.topk);
        for (size_t p = 0; p < m_names.size(); ++p)
            for (Policy pol : m_params.policies)
                for (const auto& [cache, gb] : caches)
                    for (double link : links) {
                        if (p == 0) {
                            m_settings.push_back({0, 0, pol, cache, gb, link, 0});
                            continue;
                        }
                        for (size_t h = 0; h < m_params.horizons.size(); ++h)
                            for (int m : budgets)
                                m_settings.push_back({p, h, pol, cache, gb, link, m});
                    }
    }

    SimulationRow replayOne(const Setting& s) const
    {
        EngineSetting e;
        e.policy = s.policy;
        e.capacity = s.cache;
        e.linkBytesPerSecond = s.link * 1e9;
        e.linkLatencySeconds = m_params.hardware.linkLatencyUs * 1e-6;
        e.budget = s.budget;
        e.horizon = s.budget > 0 ? m_params.horizons[s.horizonIndex] : 1;
        e.protectPrefetched = m_params.protectPrefetched;
        e.warmupSteps = m_params.warmupSteps;
        PrefetchPlan plan;
        if (s.predictor == 1)
            plan = oraclePlan(m_schedule, e.horizon);
        else if (s.predictor >= 2)
            plan = m_plans[m_planIndex[s.predictor]][s.horizonIndex].plan();
        SimulationRow row;
        row.predictor = m_names[s.predictor];
        row.policy = s.policy;
        row.cacheExperts = s.cache;
        row.cacheGB = s.cacheGB;
        row.linkGBps = s.link;
        row.budget = s.budget;
        row.horizon = s.budget > 0 ? e.horizon : 0;
        row.counters = replay(m_schedule, e, m_cost, plan, &m_inputs.hot, m_nextUse.steps.empty() ? nullptr : &m_nextUse);
        deriveFigures(row, m_params.batch);
        return row;
    }

    void replayAll()
    {
        const size_t n = m_settings.size();
        m_result.rows.resize(n);
        int threads = m_params.threads > 0 ? m_params.threads : int(std::max(1u, std::thread::hardware_concurrency()));
        threads = std::max(1, std::min<int>(threads, int(n)));
        std::atomic<size_t> next{0};
        std::atomic<bool> stop{false};
        std::mutex mutex;
        std::exception_ptr failure;
        size_t done = 0;
        ProgressMeter meter;
        const auto t0 = std::chrono::steady_clock::now();
        auto worker = [&]() {
            for (size_t i; !stop && (i = next++) < n;) {
                try {
                    SimulationRow row = replayOne(m_settings[i]);
                    std::lock_guard<std::mutex> lock(mutex);
                    m_result.rows[i] = std::move(row);
                    Progress p;
                    p.stage = "simulate";
                    p.unit = "settings";
                    p.done = int64_t(++done);
                    p.total = int64_t(n);
                    p.message = m_result.rows[i].predictor + " " + policyName(m_settings[i].policy);
                    meter.measure(p);
                    reportProgress(m_progress, p);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (!failure)
                        failure = std::current_exception();
                    stop = true;
                }
            }
        };
        std::vector<std::thread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(worker);
        worker();
        for (auto& t : pool)
            t.join();
        if (failure)
            std::rethrow_exception(failure);
        m_result.replaySeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        m_result.tokenLayers = int64_t(n) * m_schedule.tokens * m_schedule.layers;
    }

    const SimulateParams& m_params;
    const ProgressFn& m_progress;
    speculate::BlockSource m_source;
    SplitSpec m_split;
    std::vector<std::string> m_names;
    ReplayInputs m_inputs;
    Schedule m_schedule;
    std::vector<std::vector<PlanStore>> m_plans; // [saved and baseline predictors, in m_inputs order][horizon]
    std::vector<size_t> m_planIndex;             // predictor name index -> m_plans index
    NextUseIndex m_nextUse;
    EngineCost m_cost;
    double m_computeMs = 0;
    std::vector<Setting> m_settings;
    SimulationResult m_result;
};

} // namespace

SimulationResult runSimulation(const SimulateParams& params, const ProgressFn& progress)
{
    if (params.horizons.empty() || params.policies.empty())
        throw Error("simulate: at least one horizon and one cache policy are needed");
    Simulation sim(params, progress);
    return sim.run();
}

} // namespace specmoe::simulate
