// Training with mixed precision (TrainParams::mixedPrecision, bfloat16 autocast around the
// forward passes; issue 22): on the CPU's row shards it learns planted routing as well as
// float32 does, the run records the setting, and a resumed run keeps the setting it started
// with, ending with the weights of the run trained without a stop.
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "synth.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

TrainParams mixedParams(const std::string& runDir, const BlockSource& src)
{
    TrainParams p = test::tinyTrainParams(runDir, src);
    p.epochs = 3;
    p.learningRate = 1e-2;
    p.split.seed = 11;
    p.threads = 2; // 64-token batches in two shards: autocast on in each shard's thread
    p.mixedPrecision = true;
    return p;
}

} // namespace

TEST(TrainMixedPrecision, LearnsAsFloat32DoesAndRecordsTheSetting)
{
    test::SynthSpec s;
    s.sequences = 40;
    const BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir mixed("spec_mixed"), exact("spec_exact");
    train(mixedParams(mixed.path(), src));
    TrainParams f = mixedParams(exact.path(), src);
    f.mixedPrecision = false;
    train(f);
    EXPECT_TRUE(test::lastStartRecord(mixed.path()).at("mixed_precision").get<bool>());
    EXPECT_FALSE(test::lastStartRecord(exact.path()).at("mixed_precision").get<bool>());
    // Not the float32 run under another name.
    EXPECT_NE(test::readFile(mixed.file("checkpoint/predictor.safetensors")),
              test::readFile(exact.file("checkpoint/predictor.safetensors")));
    const EvalReport m = test::testSplitReport(mixed.path(), src);
    const EvalReport e = test::testSplitReport(exact.path(), src);
    for (const char* name : {kInterLayer, kStatistics, kEnsemble})
        for (int h = 1; h <= 2; ++h) {
            SCOPED_TRACE(std::string(name) + " h" + std::to_string(h));
            std::printf("%s h%d recall@2 %.4f vs %.4f, logloss %.4f vs %.4f\n", name, h,
                        m.overall(name, h).recallAt(2), e.overall(name, h).recallAt(2),
                        m.overall(name, h).logloss, e.overall(name, h).logloss);
            EXPECT_GE(m.overall(name, h).recallAt(2), 0.9);
            EXPECT_NEAR(m.overall(name, h).recallAt(2), e.overall(name, h).recallAt(2), 0.02);
            EXPECT_NEAR(m.overall(name, h).logloss, e.overall(name, h).logloss,
                        0.1 * e.overall(name, h).logloss + 0.01);
        }
}

TEST(TrainMixedPrecision, AResumedRunKeepsItsPrecision)
{
    test::SynthSpec s;
    s.sequences = 30;
    const BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir whole("spec_mixed_whole"), parts("spec_mixed_parts");
    TrainParams p = mixedParams(whole.path(), src);
    p.epochs = 2;
    const TrainResult w = train(p);

    p.runDir = parts.path();
    p.injectNanAtStep = w.steps - 1; // stops inside epoch 2: epoch 1's checkpoint stays
    EXPECT_THROW(train(p), Error);
    TrainParams q = p;
    q.injectNanAtStep = -1;
    q.resume = true;
    q.mixedPrecision = false; // as asked by a resume without the option
    const TrainResult r = train(q);
    EXPECT_TRUE(r.resumed);
    EXPECT_TRUE(test::lastStartRecord(parts.path()).at("mixed_precision").get<bool>());
    EXPECT_EQ(r.steps, w.steps);
    EXPECT_EQ(test::readFile(whole.file("checkpoint/predictor.safetensors")),
              test::readFile(parts.file("checkpoint/predictor.safetensors")));
}
