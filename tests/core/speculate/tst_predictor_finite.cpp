// Predictor weights are finite numbers (issue 17): loading refuses a predictor or checkpoint
// whose safetensors hold NaN or an infinity, naming the file and the tensor; training never
// writes non-finite weights into checkpoint/ or best/ and keeps the last good checkpoint.
#include "core/speculate/tensor_file.h"
#include "core/speculate/train.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"
#include "synth.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <sstream>
#include <vector>

using namespace specmoe;
using namespace specmoe::speculate;
namespace fs = std::filesystem;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Overwrites element `index` of float32 tensor `name` in a safetensors file.
void poke(const std::string& file, const std::string& name, int64_t index, float value)
{
    std::string bytes = test::readFile(file);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    const auto header = nlohmann::json::parse(bytes.substr(8, size_t(n)));
    ASSERT_EQ(header.at(name).at("dtype"), "F32") << name;
    const size_t at = 8 + size_t(n) + header.at(name).at("data_offsets")[0].get<size_t>() + 4 * size_t(index);
    std::memcpy(&bytes[at], &value, 4);
    test::writeFile(file, bytes);
}

// The message of the specmoe::Error `f` throws ("" and a failure when it throws none).
std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no specmoe::Error";
    return {};
}

std::vector<std::string> lines(const std::string& file)
{
    std::vector<std::string> out;
    std::istringstream in(test::readFile(file));
    for (std::string l; std::getline(in, l);)
        if (!l.empty())
            out.push_back(l);
    return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every float tensor of a predictor file, read without the reader's own check.
bool allFinite(const std::string& file)
{
    const std::string bytes = test::readFile(file);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    const auto header = nlohmann::json::parse(bytes.substr(8, size_t(n)));
    for (const auto& [name, t] : header.items()) {
        if (name == "__metadata__" || t.at("dtype") != "F32")
            continue;
        const size_t b = t.at("data_offsets")[0].get<size_t>(), e = t.at("data_offsets")[1].get<size_t>();
        for (size_t i = b; i < e; i += 4) {
            float v;
            std::memcpy(&v, bytes.data() + 8 + n + i, 4);
            if (!std::isfinite(v))
                return false;
        }
    }
    return true;
}

} // namespace

// eval, export and predict load a predictor: each refuses NaN or infinity in a network weight
// or a statistics tensor with the file and the tensor named.
TEST(PredictorFinite, LoadingRefusesNonFiniteWeightsNamingFileAndTensor)
{
    struct Case {
        const char* tensor;
        int64_t index;
        float value;
        const char* says;
    };
    for (const Case& c : {Case{"interlayer.head.weight", 17, kNaN, "holds NaN at element 17 of 128"},
                          Case{"ensemble.gate.bias", 2, -kInf, "holds an infinite value at element 2 of 5"},
                          Case{"stats.frequency", 0, kInf, "holds an infinite value at element 0 of 24"}}) {
        test::TempDir dir("spec_finite_load");
        const std::string run = dir.file("run"), best = run + "/best";
        fs::create_directories(run);
        fs::copy(test::dataPath("golden/predictor"), best, fs::copy_options::recursive);
        const std::string weights = best + "/predictor.safetensors";
        poke(weights, c.tensor, c.index, c.value);
        const std::string expected = weights + ": tensor \"" + c.tensor + "\" " + c.says;

        EvalParams e;
        e.predictorDir = best;
        e.traceDirs = {test::dataPath("golden/trace")};
        const std::string evalMsg = errorOf([&] { evaluate(e); });
        EXPECT_TRUE(has(evalMsg, expected)) << c.tensor << ": " << evalMsg;

        ExportParams x;
        x.runDir = run;
        x.outDir = dir.file("exported");
        const std::string exportMsg = errorOf([&] { exportPredictor(x); });
        EXPECT_TRUE(has(exportMsg, expected)) << c.tensor << ": " << exportMsg;
        EXPECT_FALSE(fs::exists(dir.file("exported/predictor.safetensors"))) << "a damaged predictor was exported";

        const std::string readMsg = errorOf([&] { readTensorFile(weights); });
        EXPECT_TRUE(has(readMsg, expected)) << c.tensor << ": " << readMsg;
    }
}

// A checkpoint damaged after it was written is refused on --resume, naming its file.
TEST(PredictorFinite, ResumeRefusesANonFiniteCheckpoint)
{
    test::SynthSpec s;
    s.sequences = 30;
    test::TempDir dir("spec_finite_resume");
    TrainParams p = test::tinyTrainParams(dir.path(), memorySource(test::synthBlocks(s, 2)));
    p.epochs = 1;
    train(p);
    const std::string ck = dir.file("checkpoint/predictor.safetensors");
    poke(ck, "statistics.alpha", 1, kNaN);
    p.epochs = 2;
    p.resume = true;
    const std::string msg = errorOf([&] { train(p); });
    EXPECT_TRUE(has(msg, ck + ": tensor \"statistics.alpha\" holds NaN at element 1 of 2")) << msg;
}

// A weight that becomes NaN in the last optimizer step of an epoch is seen by no loss: the
// run stops before validating or writing that epoch; the previous checkpoint and best
// predictor stay as they were (finite, loadable), and a resume reproduces the clean run.
TEST(PredictorFinite, NonFiniteWeightsAfterAnEpochsLastStepNeverReachACheckpoint)
{
    test::SynthSpec s;
    s.sequences = 30;
    const BlockSource src = memorySource(test::synthBlocks(s, 3));
    test::TempDir clean("spec_finite_clean"), dir("spec_finite_last");
    TrainParams pc = test::tinyTrainParams(clean.path(), src);
    pc.epochs = 2;
    const TrainResult rc = train(pc);
    ASSERT_EQ(rc.epochsRun, 2);
    ASSERT_EQ(rc.steps % 2, 0);

    // After epoch 1's last step: nothing written yet.
    TrainParams p = test::tinyTrainParams(dir.path(), src);
    p.epochs = 2;
    p.injectNanWeightAfterSteps = rc.steps / 2;
    std::string msg = errorOf([&] { train(p); });
    EXPECT_TRUE(has(msg, "the weights became NaN or infinite")) << msg;
    EXPECT_TRUE(has(msg, "no checkpoint had been written yet")) << msg;
    EXPECT_FALSE(fs::exists(dir.file("checkpoint"))) << msg;
    EXPECT_FALSE(fs::exists(dir.file("best"))) << msg;
    fs::remove_all(dir.path());
    fs::create_directories(dir.path());

    // After the run's last step (epoch 2): epoch 1's checkpoint and best are kept.
    p.injectNanWeightAfterSteps = rc.steps;
    msg = errorOf([&] { train(p); });
    EXPECT_TRUE(has(msg, "the weights became NaN or infinite (tensor \"")) << msg;
    EXPECT_TRUE(has(msg, "by step " + std::to_string(rc.steps) + " (epoch 2)")) << msg;
    EXPECT_TRUE(has(msg, "the last good checkpoint is kept in " + dir.file("checkpoint"))) << msg;
    EXPECT_TRUE(has(test::readFile(dir.file("checkpoint/state.json")), "\"epoch\": 1"));
    EXPECT_TRUE(allFinite(dir.file("checkpoint/predictor.safetensors")));
    EXPECT_TRUE(allFinite(dir.file("best/predictor.safetensors")));
    EXPECT_FALSE(fs::exists(dir.file("checkpoint.tmp")));
    EXPECT_FALSE(fs::exists(dir.file("best.tmp")));
    EXPECT_TRUE(has(test::readFile(dir.file("metrics.jsonl")), "\"type\":\"error\""));
    for (const std::string& line : lines(dir.file("metrics.jsonl"))) {
        const auto j = nlohmann::json::parse(line);
        EXPECT_FALSE(j.at("type") == "validation" && j.value("epoch", 0) == 2) << "epoch 2 validated: " << line;
    }

    p.injectNanWeightAfterSteps = -1;
    p.resume = true;
    const TrainResult r = train(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(r.steps, rc.steps);
    EXPECT_EQ(test::readFile(clean.file("checkpoint/predictor.safetensors")),
              test::readFile(dir.file("checkpoint/predictor.safetensors")));
}

// A learning rate beyond float32's reach is a parameter error naming it, not libtorch's
// "value cannot be converted to type float without overflow" (a std::runtime_error that
// escaped train()). The largest accepted one still trains into the NaN-loss error.
TEST(PredictorFinite, LearningRateBeyondFloat32IsAParamError)
{
    test::SynthSpec s;
    s.sequences = 30;
    for (const auto& [lr, wd] : {std::pair{1e300, 0.01}, std::pair{1e38, 0.0}, std::pair{1e30, 1e10},
                                 std::pair{std::numeric_limits<double>::infinity(), 0.01}}) {
        test::TempDir dir("spec_finite_lr");
        TrainParams p = test::tinyTrainParams(dir.path(), memorySource(test::synthBlocks(s, 1)));
        p.epochs = 1;
        p.learningRate = lr;
        p.weightDecay = wd;
        try {
            train(p);
            ADD_FAILURE() << lr << ": no error";
        } catch (const ParamError& e) {
            EXPECT_TRUE(has(e.what(), "train: learning rate ")) << e.what();
            EXPECT_TRUE(has(e.what(), "at most 1e+37")) << e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << lr << ": not a specmoe::ParamError: " << e.what();
        }
    }
    test::TempDir dir("spec_finite_lr");
    TrainParams p = test::tinyTrainParams(dir.path(), memorySource(test::synthBlocks(s, 1)));
    p.epochs = 2;
    p.learningRate = 1e37;
    const std::string msg = errorOf([&] { train(p); });
    EXPECT_TRUE(has(msg, "the loss became NaN") || has(msg, "the weights became NaN or infinite")) << msg;
}
