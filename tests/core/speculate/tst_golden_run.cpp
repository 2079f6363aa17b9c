// The golden training run (tests/data/golden/run: metrics.jsonl, report.json and
// evaluation-test.json of `specmoe train` + `specmoe eval` of 2026-12-06; README.md there):
// today's readers must keep reading them, values as stored.
#include "core/speculate/train.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace specmoe;
using namespace specmoe::speculate;
using specmoe::test::dataPath;

namespace {

const std::string kRun = dataPath("golden/run");

std::vector<nlohmann::json> metricLines()
{
    std::vector<nlohmann::json> out;
    std::istringstream in(specmoe::test::readFile(kRun + "/metrics.jsonl"));
    std::string line;
    while (std::getline(in, line))
        out.push_back(nlohmann::json::parse(line));
    return out;
}

void expectRecall(const Metrics& m, const std::vector<double>& want)
{
    ASSERT_EQ(m.recall.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i)
        EXPECT_DOUBLE_EQ(m.recall[i], want[i]) << "recall@" << i + 1;
}

} // namespace

TEST(GoldenRun, MetricsLinesWithTheirEpochs)
{
    const std::vector<nlohmann::json> lines = metricLines();
    ASSERT_EQ(lines.size(), 5u);
    const std::vector<std::string> types{"start", "step", "validation", "checkpoint", "end"};
    const std::vector<int> epochs{0, 1, 1, 1};
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].at("type"), types[i]) << "line " << i + 1;
        EXPECT_TRUE(lines[i].at("time").is_number()) << "line " << i + 1;
        if (i < epochs.size()) {
            EXPECT_EQ(lines[i].at("epoch").get<int>(), epochs[i]) << "line " << i + 1;
        }
    }
    const nlohmann::json& start = lines[0];
    EXPECT_FALSE(start.at("resumed").get<bool>());
    EXPECT_EQ(start.at("horizon").get<int>(), 2);
    EXPECT_EQ(start.at("epochs").get<int>(), 1);
    EXPECT_EQ(start.at("steps_per_epoch").get<int>(), 5);
    EXPECT_EQ(start.at("batch_size").get<int>(), 32);
    EXPECT_EQ(start.at("seed").get<int>(), 16);
    EXPECT_EQ(start.at("tokens").at("train").get<int>(), 149);
    EXPECT_EQ(start.at("tokens").at("validation").get<int>(), 29);
    EXPECT_EQ(start.at("tokens").at("test").get<int>(), 54);
    EXPECT_EQ(start.at("models"), (nlohmann::json{"interlayer", "statistics", "ensemble"}));
    EXPECT_EQ(start.at("baselines"), (nlohmann::json{"frequency", "markov", "lookahead", "uniform"}));
    EXPECT_EQ(start.at("dims").at("lookahead"), (nlohmann::json{1, 2}));

    const nlohmann::json& step = lines[1];
    EXPECT_EQ(step.at("step").get<int>(), 1);
    EXPECT_DOUBLE_EQ(step.at("loss").at("interlayer").get<double>(), 0.536423921585083);
    EXPECT_DOUBLE_EQ(step.at("lr").get<double>(), 0.003);

    const nlohmann::json& val = lines[2];
    EXPECT_EQ(val.at("step").get<int>(), 5);
    EXPECT_TRUE(val.at("final").get<bool>());
    EXPECT_TRUE(val.at("best").get<bool>());
    EXPECT_EQ(val.at("tokens").get<int>(), 29);
    EXPECT_DOUBLE_EQ(val.at("score").get<double>(), 0.3658225425745294);
    const nlohmann::json& markov = val.at("metrics").at("markov").at("h2");
    EXPECT_EQ(markov.at("n").get<int>(), 29);
    EXPECT_DOUBLE_EQ(markov.at("top1").get<double>(), 0.517241);
    EXPECT_DOUBLE_EQ(markov.at("recall").at(1).get<double>(), 0.5);

    EXPECT_EQ(lines[3].at("step").get<int>(), 5);
    const nlohmann::json& end = lines[4];
    EXPECT_EQ(end.at("status"), "done");
    EXPECT_EQ(end.at("epochs").get<int>(), 1);
    EXPECT_EQ(end.at("best_epoch").get<int>(), 1);
    EXPECT_DOUBLE_EQ(end.at("best_score").get<double>(), 0.3658225425745294);
    EXPECT_DOUBLE_EQ(end.at("validation").at("interlayer").at("h1").at("top1").get<double>(), 0.344828);
}

TEST(GoldenRun, TraceFoldersAndEvaluationFiles)
{
    // The folder the run was trained on, as recorded (it no longer exists).
    EXPECT_EQ(runTraceDirs(kRun), (std::vector<std::string>{"/tmp/tmp.DTWJM2CsSQ/golden/trace"}));
    EXPECT_EQ(evaluationFile(kRun, "test"), kRun + "/evaluation-test.json");
    EXPECT_EQ(latestEvaluationFile(kRun), kRun + "/evaluation-test.json");
}

TEST(GoldenRun, ValidationReportAsStored)
{
    const EvalReport r = EvalReport::load(kRun + "/report.json");
    EXPECT_EQ(r.split, "validation");
    EXPECT_EQ(r.tokens, 29);
    EXPECT_EQ(r.dims.layers, 3);
    EXPECT_EQ(r.dims.experts, 8);
    EXPECT_EQ(r.dims.topk, 2);
    ASSERT_EQ(r.predictors.size(), 7u);
    const std::vector<std::string> names{kInterLayer, kStatistics, kEnsemble, kFrequency, kMarkov, kLookahead, kUniform};
    for (size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(r.predictors[i].name, names[i]);
        EXPECT_EQ(r.predictors[i].baseline, i >= 3) << names[i];
        ASSERT_EQ(r.predictors[i].horizons.size(), 2u) << names[i];
        EXPECT_EQ(r.predictors[i].horizons[1].horizon, 2);
        EXPECT_EQ(r.predictors[i].horizons[0].perLayer.size(), 3u) << names[i];
    }
    const Metrics& il = r.overall(kInterLayer, 1);
    EXPECT_EQ(il.samples, 58);
    EXPECT_DOUBLE_EQ(il.top1, 0.344828);
    EXPECT_DOUBLE_EQ(il.exact, 0.172414);
    EXPECT_DOUBLE_EQ(il.logloss, 0.550963);
    EXPECT_DOUBLE_EQ(il.ece, 0.021457);
    expectRecall(il, {0.172414, 0.336207, 0.491379, 0.603448, 0.75, 0.844828, 0.913793, 1});
    expectRecall(r.overall(kEnsemble, 1), {0.5, 0.991379, 0.991379, 0.991379, 0.991379, 1, 1, 1});
}

TEST(GoldenRun, TestEvaluationAsStored)
{
    const EvalReport r = EvalReport::load(kRun + "/evaluation-test.json");
    EXPECT_EQ(r.split, "test");
    EXPECT_EQ(r.tokens, 54);
    ASSERT_EQ(r.predictors.size(), 7u);
    const Metrics& il = r.overall(kInterLayer, 1);
    EXPECT_EQ(il.samples, 108);
    EXPECT_DOUBLE_EQ(il.top1, 0.351852);
    expectRecall(il, {0.175926, 0.37037, 0.5, 0.574074, 0.708333, 0.819444, 0.912037, 1});
    expectRecall(r.overall(kStatistics, 1), {0.226852, 0.402778, 0.569444, 0.717593, 0.828704, 0.893519, 0.949074, 1});
    expectRecall(r.overall(kEnsemble, 1), {0.5, 0.986111, 0.986111, 0.986111, 0.986111, 0.990741, 0.99537, 1});
    expectRecall(r.overall(kUniform, 1), {0.12037, 0.25463, 0.416667, 0.532407, 0.652778, 0.805556, 0.907407, 1});
    EXPECT_EQ(r.overall(kMarkov, 2).samples, 54);
    EXPECT_DOUBLE_EQ(r.overall(kMarkov, 2).recallAt(1), 0.240741);
    EXPECT_DOUBLE_EQ(r.overall(kUniform, 1).ece, 4.96301e-05);
    EXPECT_EQ(r.find("nonexistent"), nullptr);
}
