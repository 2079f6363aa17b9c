// The simulation job end to end on synthetic routing held in memory: bounds beside the
// baselines, the model's sizes from config.json and presets, memory budgets turned into
// experts, hardware profiles from JSON, and a trained predictor driving the prefetcher
// through core/speculate's prediction stream.
#include "core/simulate/simulate.h"
#include "core/simulate/simulate_params_json.h"
#include "core/simulate/simulation_file.h"
#include "core/speculate/prediction_stream.h"
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "tests/support/synthetic_routing.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <numeric>

using namespace specmoe;
using namespace specmoe::simulate;
using namespace specmoe::test;

namespace {

TraceDims smallDims()
{
    TraceDims d;
    d.layers = 6;
    d.experts = 8;
    d.topk = 2;
    return d;
}

speculate::BlockSource chainSource(int blocks = 6)
{
    SyntheticRouting spec;
    spec.dims = smallDims();
    spec.sequences = 16;
    spec.minLength = spec.maxLength = 32;
    spec.chain = 0.85; // the next layer's experts follow from this layer's: Markov can see it
    spec.stick = 0.05;
    spec.seed = 3;
    return speculate::memorySource(syntheticBlocks(spec, blocks));
}

// A Mixtral-like config.json at the small dims.
std::string writeConfig(const TempDir& dir)
{
    writeFile(dir.file("config.json"),
              R"({"architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 1024,
                 "intermediate_size": 3584, "num_attention_heads": 8, "num_key_value_heads": 2,
                 "num_hidden_layers": 6, "num_local_experts": 8, "num_experts_per_tok": 2})");
    return dir.path();
}

SimulateParams smallParams(const std::string& modelDir)
{
    SimulateParams p;
    p.source = chainSource();
    p.model = modelDir;
    p.cacheExperts = {2, 4};
    p.policies = {Policy::Lru, Policy::Belady};
    p.predictors = {"frequency", "markov"};
    p.horizons = {1};
    p.budgets = {2};
    p.linkGBps = {25.0};
    p.threads = 2;
    return p;
}

} // namespace

TEST(Simulate, BoundsAndBaselinesOnEverySetting)
{
    TempDir dir("sim-bounds");
    const SimulateParams p = smallParams(writeConfig(dir));
    const SimulationResult r = runSimulation(p);
    EXPECT_GT(r.tokens, 200);
    if (getenv("SIM_DEBUG")) std::printf("%s\n", r.toCsv().c_str());
    EXPECT_EQ(r.split, "test");
    EXPECT_EQ(r.expertBytes, 3.0 * 1024 * 3584 * 2);
    // none: 2 policies x 2 caches; oracle, frequency, markov: x 1 horizon x 1 budget
    ASSERT_EQ(r.rows.size(), 4u + 3u * 4u);
    for (Policy pol : p.policies)
        for (int cache : p.cacheExperts) {
            SCOPED_TRACE(std::string(policyName(pol)) + " cache " + std::to_string(cache));
            const SimulationRow* none = r.find(kNoPrefetch, pol, cache, 25.0, 0, 0);
            const SimulationRow* oracle = r.find(kOracle, pol, cache, 25.0, 2, 1);
            const SimulationRow* markov = r.find("markov", pol, cache, 25.0, 2, 1);
            const SimulationRow* freq = r.find("frequency", pol, cache, 25.0, 2, 1);
            ASSERT_TRUE(none && oracle && markov && freq);
            EXPECT_EQ(none->counters.prefetches, 0);
            EXPECT_EQ(none->counters.requests, oracle->counters.requests);
            // The oracle's prefetches are always used; it moves no byte the compute does not need.
            EXPECT_DOUBLE_EQ(oracle->prefetchPrecision, 1.0);
            EXPECT_GE(oracle->hitRate, markov->hitRate);
            EXPECT_GE(oracle->hitRate, none->hitRate);
            EXPECT_GE(oracle->tokensPerSecond, none->tokensPerSecond);
            // Planted layer-to-layer structure: Markov predicts it, frequency cannot.
            EXPECT_GT(markov->prefetchRecall, freq->prefetchRecall);
            EXPECT_GT(markov->hitRate, none->hitRate);
            EXPECT_NEAR(oracle->bytesPerToken,
                        double(oracle->counters.misses + oracle->counters.prefetches) * r.expertBytes / double(r.tokens),
                        1e-6 * oracle->bytesPerToken);
            EXPECT_EQ(oracle->stallMsPerLayer.size(), 6u);
        }
    // Belady never below LRU without prefetching.
    for (int cache : p.cacheExperts)
        EXPECT_GE(r.find(kNoPrefetch, Policy::Belady, cache, 25.0, 0, 0)->hitRate,
                  r.find(kNoPrefetch, Policy::Lru, cache, 25.0, 0, 0)->hitRate);
    // JSON and CSV carry every row.
    const nlohmann::json j = nlohmann::json::parse(r.toJson());
    EXPECT_EQ(j.at("rows").size(), r.rows.size());
    EXPECT_EQ(j.at("format"), "specmoe-simulation");
    const std::string csv = r.toCsv();
    EXPECT_EQ(size_t(std::count(csv.begin(), csv.end(), '\n')), r.rows.size() + 1);
}

TEST(Simulate, SameResultWithOneOrTwoThreadsAndCancels)
{
    TempDir dir("sim-threads");
    SimulateParams p = smallParams(writeConfig(dir));
    p.threads = 1;
    const SimulationResult one = runSimulation(p);
    p.threads = 2;
    const SimulationResult two = runSimulation(p);
    ASSERT_EQ(one.rows.size(), two.rows.size());
    for (size_t i = 0; i < one.rows.size(); ++i) {
        EXPECT_EQ(one.rows[i].predictor, two.rows[i].predictor);
        EXPECT_EQ(one.rows[i].counters.hits, two.rows[i].counters.hits);
        EXPECT_EQ(one.rows[i].counters.seconds, two.rows[i].counters.seconds);
    }
    int calls = 0;
    EXPECT_THROW(runSimulation(p, [&](const Progress& pr) { return pr.unit != "settings" || ++calls < 2; }), Cancelled);
}

TEST(Simulate, BadParametersNameWhatIsAccepted)
{
    TempDir dir("sim-bad");
    const std::string model = writeConfig(dir);
    auto fails = [&](const std::function<void(SimulateParams&)>& edit, const std::string& needle) {
        SimulateParams p = smallParams(model);
        edit(p);
        try {
            runSimulation(p);
            ADD_FAILURE() << "no error for " << needle;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    fails([](SimulateParams& p) { p.horizons = {6}; }, "horizon 6 (accepted: 1..5)");
    fails([](SimulateParams& p) { p.budgets = {9}; }, "budget 9 (accepted: 1..8)");
    fails([](SimulateParams& p) { p.cacheExperts = {9}; }, "9 experts per layer (accepted: 0..8)");
    fails([](SimulateParams& p) { p.predictors = {"lookahead"}; }, "lookahead probes");
    fails([](SimulateParams& p) { p.predictors = {"/nonexistent/run"}; }, "/nonexistent/run");
    fails([](SimulateParams& p) { p.model = "mixtral-8x7b"; }, "does not fit the traces");
    fails([](SimulateParams& p) { p.model = "no-such-model"; }, "presets:");
}

TEST(ModelShape, FromConfigPresetsAndBudgets)
{
    TempDir dir("sim-shape");
    const ModelShape s = modelShapeFromConfig(writeConfig(dir));
    EXPECT_EQ(s.expertParams(), 3 * 1024 * 3584);
    EXPECT_EQ(s.attentionParams, 1024 * 1024 + 2 * 1024 * 256 + 1024 * 1024 + 1024 * 8);
    const ModelShape& m = modelShape("mixtral-8x7b");
    EXPECT_EQ(m.expertBytes(StorageDType::BF16), 3.0 * 4096 * 14336 * 2);
    EXPECT_EQ(findModelShape("mistralai/Mixtral-8x7B-v0.1"), &m);
    // 352.3 MB an expert, 11.27 GB a slot in every one of 32 layers: 45 GB hold 3.
    EXPECT_EQ(cacheExpertsForBudget(45.0, m, StorageDType::BF16, 32, 8), 3);
    EXPECT_EQ(cacheExpertsForBudget(1000.0, m, StorageDType::BF16, 32, 8), 8);
    EXPECT_EQ(cacheExpertsForBudget(45.0, m, StorageDType::Int4, 32, 8), 8);
    // DeepSeek-V3's shared expert is resident first.
    const ModelShape& ds = modelShape("deepseek-v3");
    const double sharedGB = 58.0 * ds.sharedExpertParams() * 2 / 1e9;
    EXPECT_EQ(cacheExpertsForBudget(sharedGB * 0.99, ds, StorageDType::BF16, 58, 256), 0);
    EXPECT_EQ(parseStorageDType("4bit"), StorageDType::Int4);
    EXPECT_THROW(parseStorageDType("fp8"), Error);
    writeFile(dir.file("config.json"), R"({"hidden_size": 16})");
    EXPECT_THROW(modelShapeFromConfig(dir.path()), Error);
}

// The traces' layer axis holds the MoE layers only: a checkpoint folder whose first layers
// are dense (DeepSeek) or that lists mlp_only_layers (Qwen) was refused as "does not fit
// the traces" when num_hidden_layers was taken as the MoE layer count.
TEST(ModelShape, DenseLayersOfTheConfigAreNotCounted)
{
    const std::string fixtures = std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/";
    EXPECT_EQ(modelShapeFromConfig(fixtures + "deepseek-v3-tiny").layers, 2); // 3 layers, layer 0 dense
    EXPECT_EQ(modelShapeFromConfig(fixtures + "qwen2-moe-tiny").layers, 3);   // 4 layers, layer 1 dense
    EXPECT_EQ(modelShapeFromConfig(fixtures + "olmoe-tiny").layers, 3);       // every layer MoE

    // A DeepSeek-style folder of 7 decoder layers, the first dense, replays traces of its 6 MoE layers.
    TempDir dir("sim-dense");
    writeFile(dir.file("config.json"),
              R"({"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "hidden_size": 1024,
                 "moe_intermediate_size": 512, "intermediate_size": 4096, "num_attention_heads": 8,
                 "num_hidden_layers": 7, "first_k_dense_replace": 1, "n_routed_experts": 8,
                 "num_experts_per_tok": 2, "n_shared_experts": 1})");
    SimulateParams p = smallParams(dir.path());
    p.predictors = {"frequency"};
    const SimulationResult r = runSimulation(p);
    EXPECT_GT(r.tokens, 200);
    EXPECT_EQ(r.expertBytes, 3.0 * 1024 * 512 * 2);
}

TEST(HardwareProfile, JsonRoundTripAndErrors)
{
    const HardwareProfile& a100 = hardwareProfile("a100-80gb");
    EXPECT_EQ(a100.linkGBps, 25.0);
    const HardwareProfile back = profileFromJson(profileToJson(a100), "x");
    EXPECT_EQ(back.name, a100.name);
    EXPECT_EQ(back.memoryGBps, a100.memoryGBps);
    EXPECT_EQ(profileFromJson(R"({"link_gbps": 12.5})", "edit", a100).linkGBps, 12.5);
    try {
        profileFromJson(R"({"link_gbps": -1})", "my.json");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("my.json"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("link_gbps"), std::string::npos) << e.what();
    }
    EXPECT_THROW(hardwareProfile("tpu"), Error);
}

TEST(EngineCost, MemoryBoundDecodeReadsTheActiveExperts)
{
    const ModelShape& m = modelShape("mixtral-8x7b");
    HardwareProfile hw = hardwareProfile("h100-sxm");
    const EngineCost c = engineCost(m, StorageDType::BF16, hw, 1, 2, 2, 0.0);
    // one token: attention (bf16) + n experts read at 80% of 3.35 TB/s
    for (int n = 0; n <= 2; ++n)
        EXPECT_NEAR(c.computeSeconds[size_t(n)],
                    (2.0 * double(m.attentionParams) + n * m.expertBytes(StorageDType::BF16)) / (3350e9 * 0.8), 1e-12);
    const EngineCost measured = engineCost(m, StorageDType::BF16, hw, 1, 2, 2, 1.5);
    EXPECT_DOUBLE_EQ(measured.computeSeconds[1], 1.5e-3);
}

// --measure-compute: our runtime's forward of the tiny fixture, timed here at the replay's
// batch, is the layer time of every setting (over --compute-ms and the profile), and the file
// says how it was measured.
TEST(Simulate, MeasuredComputeTimeIsUsed)
{
    TempDir dir("sim-measure");
    SimulateParams p = smallParams(writeConfig(dir));
    p.batch = 2;
    p.computeMsPerLayer = 1000.0; // the measurement wins
    p.policies = {Policy::Lru};
    p.cacheExperts = {2};
    p.measureComputeModel = dataPath("hf-tiny-mixtral");
    const SimulationResult r = runSimulation(p);
    ASSERT_TRUE(r.computeMeasurement.has_value());
    const ComputeMeasurement& m = *r.computeMeasurement;
    EXPECT_EQ(m.layers, 3);
    EXPECT_EQ(m.batch, 2);
    EXPECT_EQ(m.device, "cpu");
    EXPECT_GT(m.msPerLayer, 0.0);
    EXPECT_LT(m.msPerLayer, 1000.0);
    EXPECT_DOUBLE_EQ(m.msPerLayer, m.medianMs / 3.0);
    EXPECT_DOUBLE_EQ(r.computeMsPerLayer, m.msPerLayer);
    for (const SimulationRow& row : r.rows) {
        SCOPED_TRACE(row.predictor);
        // every counted step's 6 layers took the measured time
        EXPECT_NEAR(row.counters.computeSeconds, double(row.counters.steps) * 6.0 * m.msPerLayer * 1e-3,
                    1e-9 * row.counters.computeSeconds);
    }
    const SimulationResult back = simulationFromJson(r.toJson(), "sim.json");
    ASSERT_TRUE(back.computeMeasurement.has_value());
    EXPECT_EQ(back.computeMeasurement->modelDir, m.modelDir);
    EXPECT_DOUBLE_EQ(back.computeMeasurement->msPerLayer, m.msPerLayer);
    EXPECT_NE(nlohmann::json::parse(r.toJson()).at("compute_measurement").at("method").get<std::string>().find(
                  "forwards of [2, 1] tokens"),
              std::string::npos);
    // Without it, the file says nothing was measured.
    p.measureComputeModel.clear();
    const SimulationResult given = runSimulation(p);
    EXPECT_FALSE(given.computeMeasurement.has_value());
    EXPECT_DOUBLE_EQ(given.computeMsPerLayer, 1000.0);
    EXPECT_TRUE(nlohmann::json::parse(given.toJson()).at("compute_measurement").is_null());
    EXPECT_FALSE(simulationFromJson(given.toJson(), "sim.json").computeMeasurement.has_value());
    p.measureComputeModel = dir.file("no-model");
    try {
        runSimulation(p);
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no-model"), std::string::npos) << e.what();
    }
}

TEST(PredictionStream, TrainedPredictorDrivesThePrefetcher)
{
    const speculate::BlockSource src = chainSource(3);
    TempDir run("sim-run");
    speculate::TrainParams tp = tinyTrainParams(run.path(), src);
    tp.epochs = 1;
    tp.trainStatistics = false;
    tp.trainHiddenState = false;
    tp.trainEnsemble = false;
    speculate::train(tp);
    // The stream's scores are the predictor's (predictBlock) for the model asked for.
    auto stream = speculate::PredictionStream::fromPredictor(run.path(), speculate::kInterLayer);
    EXPECT_EQ(stream->horizon(), 2);
    RoutingBlock block;
    src.forEachBlock([&](const RoutingBlock& b) { block = b; return false; }, 0);
    std::vector<float> scores;
    stream->predict(block, scores);
    const speculate::BlockPredictions ref = speculate::predictBlock(run.path() + "/best", block);
    ASSERT_EQ(ref.models.front(), speculate::kInterLayer);
    ASSERT_EQ(scores.size(), ref.probs.front().size());
    for (size_t i = 0; i < scores.size(); ++i)
        ASSERT_FLOAT_EQ(scores[i], ref.probs.front()[i]) << i;
    EXPECT_THROW(speculate::PredictionStream::fromPredictor(run.path(), "no-model"), Error);

    // Across the token boundary only frequency scores anything (the next token is not sampled
    // yet): the stored statistics' frequency of the layer, as the within-token rows give it.
    std::vector<float> next;
    EXPECT_FALSE(stream->nextTokenScores(0, next));
    EXPECT_FALSE(speculate::PredictionStream::fromPredictor(run.path(), speculate::kMarkov)->nextTokenScores(0, next));
    auto freq = speculate::PredictionStream::fromPredictor(run.path(), speculate::kFrequency);
    std::vector<float> within;
    freq->predict(block, within);
    const size_t E = 8, H = 2;
    for (int layer = 1; layer < 6; ++layer) {
        ASSERT_TRUE(freq->nextTokenScores(layer, next));
        ASSERT_EQ(next.size(), E);
        // token 0, source layer - 1, horizon 1 targets `layer`
        for (size_t e = 0; e < E; ++e)
            EXPECT_FLOAT_EQ(next[e], within[(size_t(layer - 1) * H) * E + e]) << layer << " " << e;
    }
    auto counted = speculate::PredictionStream::fromTrainingSplit(src, tp.split, 2, speculate::kFrequency);
    ASSERT_TRUE(counted->nextTokenScores(0, next));
    EXPECT_NEAR(std::accumulate(next.begin(), next.end(), 0.0), 2.0, 1e-3); // top-2: k per token
    EXPECT_FALSE(
        speculate::PredictionStream::fromTrainingSplit(src, tp.split, 2, speculate::kMarkov)->nextTokenScores(0, next));
    EXPECT_THROW(freq->nextTokenScores(6, next), Error);

    // In a simulation: the run's Markov baseline (its stored statistics of the same training
    // split) replays exactly as the Markov baseline counted from the traces.
    TempDir dir("sim-run-model");
    SimulateParams p = smallParams(writeConfig(dir));
    p.source = src;
    p.splitSpec = tp.split;
    p.predictors = {"markov", run.path() + ":markov", run.path()};
    const SimulationResult r = runSimulation(p);
    for (int cache : p.cacheExperts) {
        const SimulationRow* counted = r.find("markov", Policy::Lru, cache, 25.0, 2, 1);
        const SimulationRow* stored = r.find(run.path() + ":markov", Policy::Lru, cache, 25.0, 2, 1);
        const SimulationRow* model = r.find(run.path(), Policy::Lru, cache, 25.0, 2, 1);
        ASSERT_TRUE(counted && stored && model);
        EXPECT_EQ(counted->counters.hits, stored->counters.hits);
        EXPECT_EQ(counted->counters.prefetches, stored->counters.prefetches);
        EXPECT_GT(model->counters.prefetches, 0);
    }
    ASSERT_EQ(r.predictors.size(), 3u);
    for (const PredictorTiming& t : r.predictors)
        EXPECT_GT(t.seconds, 0.0) << t.name;
}

TEST(SimulateParamsJson, RoundTripAndErrorsNameTheField)
{
    SimulateParams p;
    p.traceDirs = {"/a", "/b"};
    p.split = std::nullopt;
    p.batch = 4;
    p.model = "olmoe";
    p.storage = StorageDType::Int4;
    p.hardware = hardwareProfile("l4");
    p.hardware.linkLatencyUs = 3;
    p.cacheExperts = {1, 2};
    p.cacheGB = {1.5};
    p.policies = {Policy::Belady, Policy::Static};
    p.protectPrefetched = false;
    p.predictors = {"markov", "/runs/r:ensemble"};
    p.horizons = {1, 2};
    p.budgets = {3};
    p.linkGBps = {12.5, 25};
    p.measureComputeModel = "/models/tiny";
    const SimulateParams q = simulateParamsFromJson(toJson(p));
    EXPECT_EQ(toJson(q), toJson(p));
    EXPECT_EQ(q.hardware.linkLatencyUs, 3.0);
    EXPECT_EQ(q.policies.size(), 2u);
    EXPECT_EQ(toJson(simulateParamsFromJson(nlohmann::json::object())), toJson(SimulateParams{}));
    try {
        simulateParamsFromJson(nlohmann::json{{"policies", {"lru", "fifo"}}}, "job 3");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("job 3"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("policies"), std::string::npos) << e.what();
    }
    EXPECT_THROW(simulateParamsFromJson(nlohmann::json{{"linkGBps", "fast"}}), Error);
    EXPECT_THROW(simulateParamsFromJson(nlohmann::json{{"hardware", {{"link_gbps", 0}}}}), Error);
}

// One rule says when the share of the gap means something (the CLI, the demo's report and the
// workbench all use it).
TEST(GapVerdict, SaysWhereTheShareOfTheGapMeansSomething)
{
    using simulate::GapVerdict;
    EXPECT_EQ(simulate::gapVerdict(100, 100.5, 100.2), GapVerdict::OracleGainsLittle);
    EXPECT_EQ(simulate::gapVerdict(100, 120, 90), GapVerdict::AllSlower);
    EXPECT_EQ(simulate::gapVerdict(100, 120, 125), GapVerdict::BeyondOracle);
    EXPECT_EQ(simulate::gapVerdict(100, 120, 110), GapVerdict::ClosesGap);
    EXPECT_EQ(simulate::gapVerdict(100, 120, 110, false), GapVerdict::NoPredictor);
    EXPECT_EQ(simulate::gapVerdictText(GapVerdict::ClosesGap, 0.5), "closes 50% of the gap");
    EXPECT_EQ(simulate::gapVerdictText(GapVerdict::BeyondOracle, 1.5),
              "beats the oracle: its plan also keeps experts in the cache");
}
