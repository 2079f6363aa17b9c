// Losses read one step late (TrainParams::deferLossRead, the GPU's default: no host sync per
// step): the same run, metrics lines and weights as reading them at once; a NaN loss stops
// the run with the same message and the last epoch's checkpoint, and the resumed run ends
// where the uninterrupted one did. Forced on the CPU here (one shard a step, as on a GPU).
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"
#include "synth.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

TrainParams deferredParams(const std::string& runDir, const BlockSource& src, int defer)
{
    TrainParams p = test::tinyTrainParams(runDir, src);
    p.epochs = 2;
    p.batchSize = 32;
    p.split.seed = 5;
    p.threads = 1; // one shard a step: the path a GPU takes
    p.deferLossRead = defer;
    return p;
}

// metrics.jsonl without the clock's fields and the checkpoint's path (the run folders differ).
std::string timelessMetrics(const std::string& runDir)
{
    std::istringstream in(test::readFile(runDir + "/metrics.jsonl"));
    std::string line, out;
    while (std::getline(in, line)) {
        nlohmann::json j = nlohmann::json::parse(line);
        for (const char* k : {"time", "samples_per_s", "tokens_per_s", "path"})
            j.erase(k);
        out += j.dump() + "\n";
    }
    return out;
}

// The run's error, and the last training step its progress reported before it.
std::string errorOf(const TrainParams& p, int64_t* lastStep)
{
    const ProgressFn progress = [&](const Progress& pr) {
        if (pr.stage == "train")
            *lastStep = pr.done;
        return true;
    };
    try {
        train(p, progress);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(TrainDeferredLoss, SameRunAsReadingAtOnce)
{
    test::SynthSpec s;
    s.sequences = 30;
    const BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir now("spec_loss_now"), later("spec_loss_later");
    const TrainResult a = train(deferredParams(now.path(), src, 0));
    const TrainResult b = train(deferredParams(later.path(), src, 1));
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_GT(a.steps, 10); // step lines at 1, 10, 20, ...: sums settled before each
    EXPECT_EQ(test::readFile(now.file("checkpoint/predictor.safetensors")),
              test::readFile(later.file("checkpoint/predictor.safetensors")));
    EXPECT_EQ(timelessMetrics(now.path()), timelessMetrics(later.path()));
}

TEST(TrainDeferredLoss, ANanLossStopsTheRunAsBeforeAndResumes)
{
    test::SynthSpec s;
    s.sequences = 30;
    const BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir whole("spec_nan_whole"), now("spec_nan_now"), later("spec_nan_later");
    const TrainResult w = train(deferredParams(whole.path(), src, 1));
    // Inside epoch 2, and at a step with no step line after it in the epoch's middle.
    const int64_t bad = w.steps - 4;
    TrainParams p = deferredParams(now.path(), src, 0), q = deferredParams(later.path(), src, 1);
    p.injectNanAtStep = q.injectNanAtStep = bad;
    int64_t stepsNow = 0, stepsLater = 0;
    const std::string expected = errorOf(p, &stepsNow);
    ASSERT_NE(expected.find("NaN at step " + std::to_string(bad)), std::string::npos) << expected;
    std::string got = errorOf(q, &stepsLater);
    // Read at once, the run stops before step `bad` is taken; read late, one step after.
    EXPECT_EQ(stepsNow, bad);
    EXPECT_EQ(stepsLater, bad + 1);
    // The same words but for the run folder each names.
    const std::string nowDir = now.path(), laterDir = later.path();
    for (size_t at = got.find(laterDir); at != std::string::npos; at = got.find(laterDir))
        got.replace(at, laterDir.size(), nowDir);
    EXPECT_EQ(got, expected);
    EXPECT_NE(test::readFile(later.file("checkpoint/state.json")).find("\"epoch\": 1"), std::string::npos);
    EXPECT_NE(test::readFile(later.file("metrics.jsonl")).find("\"type\":\"error\""), std::string::npos);

    q.injectNanAtStep = -1;
    q.resume = true;
    const TrainResult r = train(q);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.steps, w.steps);
    EXPECT_EQ(test::readFile(whole.file("checkpoint/predictor.safetensors")),
              test::readFile(later.file("checkpoint/predictor.safetensors")));
}

TEST(TrainDeferredLoss, OnAGpuOfOneProcessOnly)
{
    EXPECT_TRUE(deferLossHelps(false, false));
    EXPECT_FALSE(deferLossHelps(true, false));
    EXPECT_FALSE(deferLossHelps(false, true));
}
