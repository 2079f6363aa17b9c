// A training run's folder read back typed: metrics.jsonl lines (good and damaged), the run's
// state before, during and after training, its best checkpoint and evaluations.
#include "core/speculate/run_folder.h"
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"
#include "synth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// The shared tiny setup with a smaller network and validation set: these tests read the
// folder, not the predictions.
TrainParams tinyParams(const std::string& runDir, BlockSource src)
{
    TrainParams p = test::tinyTrainParams(runDir, std::move(src));
    p.model.embedDim = 8;
    p.model.hiddenDim = 16;
    p.model.tokenBuckets = 32;
    p.maxValidationTokens = 300;
    return p;
}

BlockSource smallSource()
{
    test::SynthSpec s;
    s.layers = 4;
    s.sequences = 30;
    s.lookahead = {1};
    return memorySource(test::synthBlocks(s, 2));
}

} // namespace

TEST(MetricsLog, ParsesEveryLineType)
{
    const MetricsRecord start = parseMetricsLine(
        R"({"type":"start","resumed":true,"epoch":2,"step":40,"dims":{"layers":4,"experts":8,"topk":2,"lookahead":[1]},)"
        R"("horizon":2,"models":["interlayer","ensemble"],"baselines":["frequency","markov"],)"
        R"("tokens":{"train":700,"validation":100,"test":90},"epochs":5,"steps_per_epoch":20,"batch_size":64,)"
        R"("accumulate":2,"learning_rate":0.003,"device":"cuda:0","seed":11,"traces":["/t/a","/t/b"],"time":0.5})",
        "m:1");
    EXPECT_EQ(start.type, MetricsLineType::Start);
    EXPECT_TRUE(start.resumed);
    EXPECT_EQ(*start.epoch, 2.0);
    EXPECT_EQ(start.step, 40);
    EXPECT_EQ(start.dims.layers, 4);
    EXPECT_EQ(start.dims.experts, 8);
    EXPECT_EQ(start.dims.lookahead, std::vector<int>{1});
    EXPECT_EQ(start.models, (std::vector<std::string>{"interlayer", "ensemble"}));
    EXPECT_EQ(start.baselines, (std::vector<std::string>{"frequency", "markov"}));
    EXPECT_EQ(start.trainTokens, 700);
    EXPECT_EQ(start.testTokens, 90);
    EXPECT_EQ(start.stepsPerEpoch, 20);
    EXPECT_EQ(start.accumulate, 2);
    EXPECT_EQ(start.device, "cuda:0");
    EXPECT_EQ(start.seed, 11u);
    EXPECT_EQ(start.traces, (std::vector<std::string>{"/t/a", "/t/b"}));
    EXPECT_EQ(start.time, 0.5);

    const MetricsRecord step = parseMetricsLine(
        R"({"type":"step","epoch":1,"step":10,"lr":0.002,"loss":{"interlayer":0.4,"ensemble":null},"samples_per_s":900,"tokens_per_s":30})",
        "m:2");
    EXPECT_EQ(step.type, MetricsLineType::Step);
    EXPECT_EQ(step.lr, 0.002);
    EXPECT_EQ(step.loss.at("interlayer"), 0.4);
    EXPECT_TRUE(std::isnan(step.loss.at("ensemble"))); // the trainer writes null for NaN
    EXPECT_EQ(step.samplesPerSecond, 900);

    const MetricsRecord val = parseMetricsLine(
        R"({"type":"validation","epoch":1,"step":20,"final":true,"score":0.3,"best":true,"tokens":100,"metrics":)"
        R"({"interlayer":{"h1":{"n":50,"top1":0.8,"exact":0.5,"recall":[0.6,0.9],"logloss":0.2,"ece":0.01},)"
        R"("h2":{"n":40,"top1":0.7,"exact":0.4,"recall":[0.5,0.8],"logloss":0.3,"ece":null}}}})",
        "m:3");
    EXPECT_EQ(val.type, MetricsLineType::Validation);
    EXPECT_TRUE(val.endOfEpoch);
    EXPECT_TRUE(val.best);
    EXPECT_EQ(val.score, 0.3);
    EXPECT_EQ(val.tokens, 100);
    ASSERT_EQ(val.scores.size(), 2u);
    EXPECT_EQ(val.scores[0].predictor, "interlayer");
    EXPECT_EQ(val.scores[0].horizon, 1);
    EXPECT_EQ(val.scores[0].overall.samples, 50);
    EXPECT_EQ(val.scores[0].overall.recall, (std::vector<double>{0.6, 0.9}));
    EXPECT_FALSE(val.scores[0].baseline.has_value());
    EXPECT_EQ(val.scores[1].horizon, 2);
    EXPECT_TRUE(std::isnan(val.scores[1].overall.ece));

    EXPECT_EQ(parseMetricsLine(R"({"type":"checkpoint","epoch":1,"step":20,"path":"/r/checkpoint"})", "m").path,
              "/r/checkpoint");
    EXPECT_EQ(parseMetricsLine(R"({"type":"error","epoch":2,"step":25,"message":"NaN"})", "m").message, "NaN");
    const MetricsRecord end = parseMetricsLine(
        R"({"type":"end","status":"early_stop","epochs":3,"step":60,"best_epoch":2,"best_score":null,"validation":{}})", "m");
    EXPECT_EQ(end.type, MetricsLineType::End);
    EXPECT_EQ(end.status, "early_stop");
    EXPECT_EQ(end.epochs, 3);
    EXPECT_EQ(end.bestEpoch, 2);
    EXPECT_FALSE(end.bestScore.has_value());

    // The EvalReport form and lines of other writers: losses and per-layer values kept.
    const MetricsRecord other = parseMetricsLine(
        R"({"step":5,"epoch":0.5,"loss":{"statistics":0.7},"predictors":[{"name":"markov","baseline":true,)"
        R"("horizons":[{"horizon":1,"overall":{"n":9,"top1":0.5},"perLayer":[{"n":0},{"n":9,"top1":0.5}]}]}]})",
        "m");
    EXPECT_EQ(other.type, MetricsLineType::Other);
    EXPECT_EQ(*other.epoch, 0.5);
    EXPECT_EQ(other.loss.at("statistics"), 0.7);
    ASSERT_EQ(other.scores.size(), 1u);
    EXPECT_EQ(other.scores[0].baseline, std::optional<bool>(true));
    EXPECT_EQ(other.scores[0].overall.top1, 0.5);
    EXPECT_TRUE(std::isnan(other.scores[0].overall.exact)); // not on the line
    ASSERT_EQ(other.scores[0].perLayer.size(), 2u);
    EXPECT_EQ(other.scores[0].perLayer[0].samples, 0);
}

TEST(MetricsLog, MalformedLinesNameFileLineAndField)
{
    const std::vector<std::pair<std::string, std::string>> bad{
        {"not json", "m.jsonl:7: not valid JSON"},
        {"[1, 2]", "m.jsonl:7: not a JSON object"},
        {R"({"type":"step","step":"ten"})", "m.jsonl:7: field 'step' has the wrong type"},
        {R"({"type":"validation","metrics":{"interlayer":{"h1":{"n":5,"top1":"high"}}}})",
         "m.jsonl:7: field 'metrics.interlayer.h1.top1' is not a number"},
        {R"({"type":"start","tokens":[1,2]})", "m.jsonl:7: field 'tokens' is not an object"},
        {R"({"loss":{"interlayer":"low"}})", "m.jsonl:7: field 'loss.interlayer' is not a number"},
    };
    for (const auto& [line, message] : bad) {
        try {
            parseMetricsLine(line, "m.jsonl:7");
            ADD_FAILURE() << "accepted: " << line;
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()).rfind(message, 0), 0u) << e.what();
        }
    }

    test::TempDir t("metrics_log");
    const std::string path = t.file("metrics.jsonl");
    test::writeFile(path, "{\"type\":\"step\",\"step\":10}\n\nnot json\n{\"type\":\"step\",\"step\":\"x\"}\n"
                          "{\"type\":\"step\",\"step\":30}\n{\"type\":\"step\",\"st");
    try {
        readMetricsLog(path);
        FAIL() << "a damaged file was read";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(path + ":3: not valid JSON", 0), 0u) << e.what();
    }
    std::vector<std::string> problems;
    const std::vector<MetricsRecord> lines = readMetricsLog(path, &problems);
    ASSERT_EQ(lines.size(), 2u); // lines 1 and 5; the unfinished last line is left out
    EXPECT_EQ(lines[1].step, 30);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].rfind(path + ":3:", 0), 0u) << problems[0];
    EXPECT_EQ(problems[1].rfind(path + ":4: field 'step'", 0), 0u) << problems[1];
    EXPECT_TRUE(readMetricsLog(t.file("missing.jsonl")).empty());
}

TEST(RunFolder, NotStartedInterruptedFinished)
{
    test::TempDir t("run_folder");
    const std::string dir = t.file("run");
    std::filesystem::create_directories(dir);
    RunFolder none = RunFolder::open(dir);
    EXPECT_EQ(none.state, RunState::NotStarted);
    EXPECT_FALSE(none.start || none.latest || none.best);
    EXPECT_FALSE(RunFolder::isRunFolder(dir));
    EXPECT_FALSE(RunFolder::hasBestCheckpoint(dir));
    EXPECT_TRUE(none.problems.empty());

    // Interrupted in its second epoch: one epoch checkpointed, its best kept.
    const BlockSource src = smallSource();
    TrainParams p = tinyParams(dir, src);
    EXPECT_THROW(train(p, [](const Progress& pr) { return pr.message.rfind("epoch 2/", 0) != 0; }), Cancelled);
    const RunFolder cut = RunFolder::open(dir);
    EXPECT_EQ(cut.state, RunState::Unfinished);
    EXPECT_TRUE(RunFolder::isRunFolder(dir));
    EXPECT_TRUE(RunFolder::hasBestCheckpoint(dir));
    ASSERT_TRUE(cut.start && cut.latest && cut.end);
    EXPECT_EQ(cut.start->epochs, 3);
    EXPECT_EQ(cut.start->horizon, 2);
    EXPECT_EQ(cut.start->dims.layers, 4);
    EXPECT_EQ(cut.latest->type, MetricsLineType::End);
    EXPECT_EQ(cut.end->status, "cancelled");
    EXPECT_EQ(cut.epochsRun, 1);
    EXPECT_EQ(cut.bestEpoch, 1);
    ASSERT_TRUE(cut.best);
    EXPECT_EQ(cut.best->bestEpoch, 1);
    EXPECT_EQ(cut.best->horizon, 2);
    EXPECT_EQ(cut.best->models(), (std::vector<std::string>{kInterLayer, kStatistics, kEnsemble}));
    EXPECT_EQ(cut.best->dims.experts, 8);
    EXPECT_TRUE(cut.traceDirs.empty()); // fed from a BlockSource
    EXPECT_TRUE(cut.latestEvaluation.empty());
    EXPECT_TRUE(cut.problems.empty());

    // Resumed to the end, then evaluated.
    p.resume = true;
    const TrainResult r = train(p);
    const RunFolder done = RunFolder::open(dir);
    EXPECT_EQ(done.state, RunState::Finished);
    EXPECT_EQ(done.epochsRun, r.epochsRun);
    EXPECT_EQ(done.bestEpoch, r.bestEpoch);
    ASSERT_TRUE(done.end && done.best);
    EXPECT_EQ(done.end->status, "done");
    EXPECT_EQ(done.best->bestEpoch, r.bestEpoch);
    EXPECT_FALSE(done.start->resumed); // the first start line
    EvalParams e;
    e.runDir = dir;
    e.source = src;
    const std::string saved = saveEvaluation(dir, evaluate(e));
    EXPECT_EQ(RunFolder::open(dir).latestEvaluation, saved);

    // Every line the trainer wrote parses; the validation lines carry every predictor.
    const std::vector<MetricsRecord> lines = readMetricsLog(RunFolder::metricsFile(dir));
    int validations = 0;
    for (const MetricsRecord& m : lines)
        if (m.type == MetricsLineType::Validation) {
            ++validations;
            EXPECT_EQ(m.scores.size(), size_t(7 * 2)) << "3 models + 4 baselines, 2 horizons";
            EXPECT_GT(m.tokens, 0);
        }
    EXPECT_EQ(validations, r.epochsRun);

    // A damaged line and a damaged best config are named; the rest is still read.
    test::writeFile(RunFolder::metricsFile(dir), test::readFile(RunFolder::metricsFile(dir)) + "{oops\n");
    test::writeFile(RunFolder::bestDir(dir) + "/config.json",
                    "{\"format\":\"specmoe-predictor\",\"version\":1,\"dims\":{\"layers\":\"four\"}}");
    const RunFolder damaged = RunFolder::open(dir);
    EXPECT_EQ(damaged.state, RunState::Finished);
    EXPECT_EQ(damaged.epochsRun, r.epochsRun);
    EXPECT_FALSE(damaged.best);
    ASSERT_EQ(damaged.problems.size(), 2u);
    EXPECT_EQ(damaged.problems[0].rfind(RunFolder::metricsFile(dir) + ":" + std::to_string(lines.size() + 1) + ":", 0), 0u)
        << damaged.problems[0];
    EXPECT_NE(damaged.problems[1].find("best/config.json: field 'dims.layers' must be an integer"), std::string::npos)
        << damaged.problems[1];
}

TEST(RunFolder, TraceDirsFromTheStartLine)
{
    test::TempDir t("run_traces");
    test::writeFile(t.file("metrics.jsonl"),
                    "{\"type\":\"start\",\"traces\":[\"/data/a\",\"/data/b\"]}\n{\"type\":\"start\",\"traces\":[\"/x\"]}\n");
    EXPECT_EQ(runTraceDirs(t.path()), (std::vector<std::string>{"/data/a", "/data/b"}));
    EXPECT_EQ(RunFolder::open(t.path()).traceDirs, (std::vector<std::string>{"/data/a", "/data/b"}));
    EXPECT_EQ(RunFolder::open(t.path()).state, RunState::Unfinished);
}

// The committed golden run and predictor (tests/data/golden) read through the typed readers.
TEST(RunFolder, GoldenRunReadsTyped)
{
    const std::string run = test::dataPath("golden/run");
    const RunFolder r = RunFolder::open(run);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front();
    EXPECT_EQ(r.state, RunState::Finished);
    EXPECT_EQ(r.epochsRun, 1);
    EXPECT_EQ(r.bestEpoch, 1);
    ASSERT_TRUE(r.start && r.latest && r.end);
    EXPECT_EQ(r.start->horizon, 2);
    EXPECT_EQ(r.start->stepsPerEpoch, 5);
    EXPECT_EQ(r.start->batchSize, 32);
    EXPECT_EQ(r.start->seed, 16u);
    EXPECT_EQ(r.start->trainTokens, 149);
    EXPECT_EQ(r.start->testTokens, 54);
    EXPECT_EQ(r.start->baselines, (std::vector<std::string>{"frequency", "markov", "lookahead", "uniform"}));
    EXPECT_EQ(r.traceDirs, (std::vector<std::string>{"/tmp/tmp.DTWJM2CsSQ/golden/trace"}));
    EXPECT_EQ(r.latest->type, MetricsLineType::End);
    EXPECT_EQ(r.end->status, "done");
    EXPECT_DOUBLE_EQ(*r.end->bestScore, 0.3658225425745294);
    EXPECT_EQ(r.latestEvaluation, run + "/evaluation-test.json");
    EXPECT_FALSE(r.best); // the golden run keeps no checkpoints

    const std::vector<MetricsRecord> lines = readMetricsLog(RunFolder::metricsFile(run));
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_DOUBLE_EQ(lines[1].loss.at("interlayer"), 0.536423921585083);
    EXPECT_DOUBLE_EQ(lines[1].lr, 0.003);
    const MetricsRecord& val = lines[2];
    EXPECT_EQ(val.type, MetricsLineType::Validation);
    EXPECT_TRUE(val.endOfEpoch && val.best);
    EXPECT_EQ(val.tokens, 29);
    const LoggedScores* markov = nullptr;
    for (const LoggedScores& s : val.scores)
        if (s.predictor == "markov" && s.horizon == 2)
            markov = &s;
    ASSERT_TRUE(markov);
    EXPECT_EQ(markov->overall.samples, 29);
    EXPECT_DOUBLE_EQ(markov->overall.top1, 0.517241);
    EXPECT_DOUBLE_EQ(markov->overall.recall.at(1), 0.5);

    const PredictorConfig p = PredictorConfig::load(test::dataPath("golden/predictor"));
    EXPECT_EQ(p.models(), (std::vector<std::string>{"interlayer", "statistics", "ensemble"}));
    EXPECT_EQ(p.horizon, 2);
    EXPECT_EQ(p.bestEpoch, 1);
    EXPECT_EQ(p.dims.layers, 3);
    EXPECT_EQ(p.dims.lookahead, (std::vector<int>{1, 2}));
    EXPECT_EQ(p.trainTokens, 149);
}
