// Training, honest evaluation and bad input of the speculation predictors, on synthetic
// routing: planted structure must be learned, shuffled layers must not be "learned".
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"
#include "synth.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

// The shared tiny setup, trained a little longer and faster (planted structure must be
// learned within the epochs).
TrainParams tinyParams(const std::string& runDir, BlockSource src)
{
    TrainParams p = test::tinyTrainParams(runDir, std::move(src));
    p.epochs = 4;
    p.learningRate = 1e-2;
    p.split.seed = 11;
    return p;
}

void printReport(const EvalReport& r)
{
    std::printf("%s: %lld tokens\n", r.split.c_str(), (long long)r.tokens);
    for (const auto& p : r.predictors)
        for (const auto& h : p.horizons)
            std::printf("  %-11s h%d top1 %.4f exact %.4f recall@2 %.4f logloss %.4f ece %.4f\n", p.name.c_str(),
                        h.horizon, h.overall.top1, h.overall.exact, h.overall.recallAt(2), h.overall.logloss,
                        h.overall.ece);
}

size_t countLines(const std::string& path)
{
    std::ifstream f(path);
    size_t n = 0;
    std::string line;
    while (std::getline(f, line))
        ++n;
    return n;
}

} // namespace

TEST(Train, PlantedStructureIsLearnedByEveryModel)
{
    test::SynthSpec s;
    s.sequences = 60;
    BlockSource src = memorySource(test::synthBlocks(s, 4));
    test::TempDir dir("spec_planted");
    std::vector<std::string> lines;
    const TrainResult r = train(tinyParams(dir.path(), src), {}, [&](const std::string& l) { lines.push_back(l); });
    EXPECT_GT(r.trainTokens, 4000);
    EXPECT_GT(r.validationTokens, 0);
    EXPECT_GT(r.testTokens, 0);
    EXPECT_GT(r.samplesPerSecond, 0.0);
    const EvalReport rep = test::testSplitReport(dir.path(), src);
    printReport(rep);
    for (const char* m : {kMarkov, kInterLayer, kStatistics, kEnsemble}) {
        SCOPED_TRACE(m);
        EXPECT_GE(rep.overall(m, 1).top1, 0.99);
        EXPECT_GE(rep.overall(m, 1).recallAt(2), 0.98);
    }
    EXPECT_LT(rep.overall(kFrequency, 1).top1, 0.9);
    EXPECT_NEAR(rep.overall(kUniform, 1).top1, 0.25, 0.05);
    // the metrics stream: callback lines are the file's lines
    EXPECT_EQ(lines.size(), countLines(dir.file("metrics.jsonl")));
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines.front().find("\"type\":\"start\""), std::string::npos);
    EXPECT_NE(lines.back().find("\"type\":\"end\""), std::string::npos);
    size_t validations = 0;
    for (const auto& l : lines)
        validations += l.find("\"type\":\"validation\"") != std::string::npos;
    EXPECT_EQ(validations, 4u);
    EXPECT_TRUE(std::filesystem::exists(dir.file("best/predictor.safetensors")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("checkpoint/optimizer.pt")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("report.json")));
    // per-layer rows: the predicted layer l+h, none for layer 0
    const auto* ens = rep.find(kEnsemble);
    ASSERT_NE(ens, nullptr);
    EXPECT_EQ(ens->horizons[0].perLayer[0].samples, 0);
    EXPECT_GT(ens->horizons[0].perLayer[1].samples, 0);
}

TEST(Train, ShuffledLayersAreNotLearned)
{
    test::SynthSpec s;
    s.sequences = 60;
    s.shuffled = true;
    BlockSource src = memorySource(test::synthBlocks(s, 4));
    test::TempDir dir("spec_shuffled");
    TrainParams p = tinyParams(dir.path(), src);
    p.epochs = 3;
    train(p);
    const EvalReport rep = test::testSplitReport(dir.path(), src);
    printReport(rep);
    const Metrics& f = rep.overall(kFrequency, 1);
    const double n = double(f.samples);
    for (const char* m : {kInterLayer, kStatistics, kEnsemble}) {
        SCOPED_TRACE(m);
        const Metrics& x = rep.overall(m, 1);
        // noise: 3 standard errors of a proportion (samples of a token are not independent:
        // doubled), plus a little room
        const double noise = 6.0 * std::sqrt(0.25 / n) + 0.01;
        EXPECT_LE(x.top1, f.top1 + noise);
        EXPECT_LE(x.recallAt(2), f.recallAt(2) + noise);
    }
}

TEST(Train, BadInputGivesClearErrors)
{
    test::SynthSpec s;
    s.sequences = 20;
    test::TempDir dir("spec_bad");
    // horizon beyond the last layer
    {
        TrainParams p = tinyParams(dir.path(), memorySource(test::synthBlocks(s, 1)));
        p.horizon = 6;
        try {
            train(p);
            FAIL() << "no error";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("beyond the last layer"), std::string::npos) << e.what();
        }
    }
    // traces of different models mixed
    {
        test::SynthSpec other = s;
        other.layers = 5;
        std::vector<RoutingBlock> blocks = test::synthBlocks(s, 1);
        blocks.push_back(test::synthBlock(other, 1000));
        EXPECT_THROW(memorySource(blocks), Error);
        BlockSource lying = memorySource(test::synthBlocks(s, 1));
        RoutingBlock odd = test::synthBlock(other, 1000);
        auto inner = lying.forEachBlock;
        lying.forEachBlock = [inner, odd](const BlockVisitor& visit, int64_t m) {
            inner(visit, m);
            visit(odd);
        };
        try {
            train(tinyParams(dir.path(), lying));
            FAIL() << "no error";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("different models"), std::string::npos) << e.what();
        }
    }
    // empty validation split
    {
        test::SynthSpec few = s;
        few.sequences = 3;
        TrainParams p = tinyParams(dir.path(), memorySource(test::synthBlocks(few, 1)));
        p.split.trainFraction = 0.998;
        p.split.validationFraction = 0.001;
        try {
            train(p);
            FAIL() << "no error";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("split is empty"), std::string::npos) << e.what();
        }
    }
    // missing predictor
    EvalParams e;
    e.runDir = dir.file("nothing");
    e.source = memorySource(test::synthBlocks(s, 1));
    EXPECT_THROW(evaluate(e), Error);
}

TEST(Train, NanStopsKeepsCheckpointAndResumeIsDeterministic)
{
    test::SynthSpec s;
    s.sequences = 30;
    BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir a("spec_det_a"), b("spec_det_b");
    TrainParams pa = tinyParams(a.path(), src);
    pa.epochs = 2;
    const TrainResult ra = train(pa);

    TrainParams pb = tinyParams(b.path(), src);
    pb.epochs = 2;
    pb.injectNanAtStep = ra.steps - 3; // inside epoch 2
    try {
        train(pb);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("checkpoint"), std::string::npos) << e.what();
    }
    const std::string state = test::readFile(b.file("checkpoint/state.json"));
    EXPECT_NE(state.find("\"epoch\": 1"), std::string::npos) << state;
    EXPECT_NE(test::readFile(b.file("metrics.jsonl")).find("\"type\":\"error\""), std::string::npos);
    EXPECT_NO_THROW(test::testSplitReport(b.path(), src)); // the kept best checkpoint works

    pb.injectNanAtStep = -1;
    pb.resume = true;
    const TrainResult rb = train(pb);
    EXPECT_TRUE(rb.resumed);
    EXPECT_EQ(rb.steps, ra.steps);
    EXPECT_EQ(test::readFile(a.file("checkpoint/predictor.safetensors")),
              test::readFile(b.file("checkpoint/predictor.safetensors")));
}

// Batches made on a thread of their own (batchThread 1) or between the steps (0): the same
// weights bit for bit; a trace that breaks during epoch 2's training stream stops the run
// with the reader's own message and epoch 1's checkpoint kept, in both.
TEST(Train, BatchesOnTheirOwnThreadGiveTheSameRunAndTheReadersErrors)
{
    test::SynthSpec s;
    s.sequences = 30;
    const std::vector<RoutingBlock> blocks = test::synthBlocks(s, 3);
    const std::thread::id trainingThread = std::this_thread::get_id();
    std::string weights[2];
    for (int mode : {0, 1}) {
        // Streams in order: the counting pass, epoch 1's training, its validation, epoch 2's
        // training (the 4th, which breaks at its 2nd block), ...
        auto streams = std::make_shared<std::vector<bool>>(); // per stream: off the training thread
        BlockSource breaking = memorySource(blocks);
        auto inner = breaking.forEachBlock;
        breaking.forEachBlock = [inner, trainingThread, streams](const BlockVisitor& visit, int64_t m) {
            streams->push_back(std::this_thread::get_id() != trainingThread);
            const bool breaks = streams->size() == 4;
            int seen = 0;
            inner([&](const RoutingBlock& b) {
                if (breaks && ++seen == 2)
                    throw Error("traces/shard-00000.h5: sequence 17: CRC mismatch");
                return visit(b);
            }, m);
        };
        test::TempDir dir("spec_broken_stream"), whole("spec_whole_run");
        TrainParams p = tinyParams(dir.path(), breaking);
        p.epochs = 3;
        p.batchThread = mode;
        try {
            train(p);
            FAIL() << "no error, mode " << mode;
        } catch (const Error& e) {
            EXPECT_STREQ(e.what(), "traces/shard-00000.h5: sequence 17: CRC mismatch");
        }
        ASSERT_EQ(streams->size(), 4u);
        EXPECT_EQ(*streams, (std::vector<bool>{false, mode == 1, false, mode == 1})) << "mode " << mode;
        EXPECT_NE(test::readFile(dir.file("checkpoint/state.json")).find("\"epoch\": 1"), std::string::npos);

        TrainParams w = tinyParams(whole.path(), memorySource(blocks));
        w.epochs = 2;
        w.batchThread = mode;
        train(w);
        weights[mode] = test::readFile(whole.file("checkpoint/predictor.safetensors"));
    }
    EXPECT_FALSE(weights[0].empty());
    EXPECT_EQ(weights[0], weights[1]);
    EXPECT_TRUE(batchThreadHelps(false)); // a GPU step leaves the cores to the batches
    EXPECT_FALSE(batchThreadHelps(true));
}

// A learning rate that makes the weights explode, and routing weights that are NaN: the
// loss becomes NaN; training stops with the documented message (step, checkpoint), never
// with libtorch's "all elements of input should be between 0 and 1" from the ensemble's
// binary cross-entropy (an exception on the CPU, a device assert on CUDA).
TEST(Train, DivergingOrNanInputStopsWithTheNanLossError)
{
    test::SynthSpec s;
    s.sequences = 30;
    const std::vector<RoutingBlock> good = test::synthBlocks(s, 3);
    std::vector<RoutingBlock> nan = good;
    for (RoutingBlock& b : nan)
        for (size_t i = 0; i < b.topkWeights.size(); i += 3)
            b.topkWeights[i] = 0x7e00; // half NaN
    struct Case {
        const char* what;
        std::vector<RoutingBlock> blocks;
        double lr;
    };
    for (const Case& c : {Case{"lr 1e30", good, 1e30}, Case{"NaN weights", nan, 1e-2}}) {
        test::TempDir dir("spec_diverge");
        TrainParams p = tinyParams(dir.path(), memorySource(c.blocks));
        p.epochs = 2;
        p.learningRate = c.lr;
        std::string msg;
        try {
            train(p);
        } catch (const Error& e) {
            msg = e.what();
        } catch (const std::exception& e) {
            FAIL() << c.what << ": not a specmoe::Error: " << e.what();
        }
        EXPECT_NE(msg.find("the loss became NaN at step "), std::string::npos) << c.what << ": " << msg;
        EXPECT_NE(msg.find("training stopped"), std::string::npos) << c.what << ": " << msg;
        EXPECT_NE(msg.find(dir.file("checkpoint")), std::string::npos) << c.what << ": " << msg;
        EXPECT_NE(test::readFile(dir.file("metrics.jsonl")).find("\"type\":\"error\""), std::string::npos) << c.what;
    }
}

// A NaN found after the first epoch's checkpoint says that checkpoint is kept; one found
// before any says there is none yet (no false promise).
TEST(Train, NanMessageSaysWhetherACheckpointExists)
{
    test::SynthSpec s;
    s.sequences = 30;
    BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir dir("spec_nan_first");
    TrainParams p = tinyParams(dir.path(), src);
    p.epochs = 2;
    p.injectNanAtStep = 0;
    try {
        train(p);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no checkpoint had been written yet"), std::string::npos) << e.what();
    }
}

TEST(Train, CudaTrainingAndResumeWhenAvailable)
{
    test::SynthSpec s;
    s.sequences = 60;
    s.lookahead = {1};
    BlockSource src = memorySource(test::synthBlocks(s, 4));
    test::TempDir dir("spec_cuda");
    TrainParams p = tinyParams(dir.path(), src);
    p.device = DeviceSpec::cuda();
    p.epochs = 3;
    p.injectNanAtStep = 100; // inside epoch 2: the resume below continues on the device
    try {
        train(p);
        FAIL() << "no error";
    } catch (const Error& e) {
        if (std::string(e.what()).find("no CUDA") != std::string::npos)
            GTEST_SKIP() << e.what();
        EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
    }
    p.injectNanAtStep = -1;
    p.resume = true;
    const TrainResult r = train(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.epochsRun, 3);
    EvalParams e;
    e.runDir = dir.path();
    e.source = src;
    e.device = DeviceSpec::cuda();
    const EvalReport rep = evaluate(e);
    printReport(rep);
    for (const char* m : {kMarkov, kInterLayer, kStatistics, kEnsemble})
        EXPECT_GE(rep.overall(m, 1).top1, 0.99) << m;
    // the same predictor scored on the CPU gives the same figures
    e.device = DeviceSpec::cpu();
    const EvalReport cpu = evaluate(e);
    for (const char* m : {kInterLayer, kStatistics, kEnsemble})
        EXPECT_NEAR(cpu.overall(m, 1).recallAt(2), rep.overall(m, 1).recallAt(2), 1e-3) << m;
}

// The learning rate without --lr follows the tokens per step: 3e-3 at 64 (the earlier
// default), in proportion up to 256 (the default batch), then with the square root.
TEST(Train, DefaultLearningRateFollowsTheTokensPerStep)
{
    EXPECT_DOUBLE_EQ(defaultLearningRate(64), 3e-3);
    EXPECT_DOUBLE_EQ(defaultLearningRate(128), 6e-3);
    EXPECT_DOUBLE_EQ(defaultLearningRate(256), 1.2e-2);
    EXPECT_DOUBLE_EQ(defaultLearningRate(1024), 2.4e-2);
    EXPECT_DOUBLE_EQ(defaultLearningRate(0), defaultLearningRate(1));
    const TrainParams d;
    EXPECT_DOUBLE_EQ(d.learningRate, defaultLearningRate(int64_t(d.batchSize) * d.accumulate));
}

// A resumed run keeps its batch size, accumulation and learning rate, whatever the resume
// asks for (a default that changed since would otherwise change its steps mid-run): it ends
// with the weights of the same run trained without a stop. A checkpoint from before they
// were kept in state.json takes them from the run's start record.
TEST(Train, ResumeKeepsTheRunsBatchAccumulationAndLearningRate)
{
    test::SynthSpec s;
    s.sequences = 30;
    const BlockSource src = memorySource(test::synthBlocks(s, 3));
    for (const bool oldCheckpoint : {false, true}) {
        SCOPED_TRACE(oldCheckpoint);
        test::TempDir whole("spec_keep_whole"), parts("spec_keep_parts");
        TrainParams p = tinyParams(whole.path(), src);
        p.epochs = 2;
        p.batchSize = 32;
        p.accumulate = 2;
        p.learningRate = 7e-3;
        const TrainResult w = train(p);

        p.runDir = parts.path();
        p.injectNanAtStep = w.steps - 1; // stops inside epoch 2: the checkpoint of epoch 1 stays
        EXPECT_THROW(train(p), Error);
        if (oldCheckpoint) { // as written before: no batch_size, accumulate, learning_rate
            nlohmann::json st = nlohmann::json::parse(test::readFile(parts.file("checkpoint/state.json")));
            ASSERT_EQ(st.at("batch_size").get<int>(), 32);
            st.erase("batch_size");
            st.erase("accumulate");
            st.erase("learning_rate");
            std::ofstream(parts.file("checkpoint/state.json")) << st.dump(2);
        }
        TrainParams q = p;
        q.injectNanAtStep = -1;
        q.resume = true;
        q.batchSize = 256; // the new defaults
        q.accumulate = 1;
        q.learningRate = defaultLearningRate(256);
        const TrainResult r = train(q, {}, {});
        EXPECT_TRUE(r.resumed);
        const nlohmann::json start = test::lastStartRecord(parts.path());
        EXPECT_EQ(start.at("batch_size").get<int>(), 32);
        EXPECT_EQ(start.at("accumulate").get<int>(), 2);
        EXPECT_DOUBLE_EQ(start.at("learning_rate").get<double>(), 7e-3);
        EXPECT_EQ(r.steps, w.steps);
        EXPECT_EQ(test::readFile(whole.file("checkpoint/predictor.safetensors")),
                  test::readFile(parts.file("checkpoint/predictor.safetensors")));
    }
}
