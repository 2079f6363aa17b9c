// The golden exported predictor (tests/data/golden/predictor, `specmoe export` of
// 2026-12-06; README.md there): today's code must load it and predict what it predicted
// then (predictions.json, written by predictBlock of that day), and scoring it on the
// golden trace must give the stored test evaluation.
#include "core/speculate/train.h"
#include "core/trace/trace_set.h"
#include "core/util/atomic_file.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>

using namespace specmoe;
using namespace specmoe::speculate;
using specmoe::test::dataPath;

namespace {

const std::string kPredictor = dataPath("golden/predictor");
const std::string kTrace = dataPath("golden/trace");
const std::string kExpected = dataPath("golden/predictions.json");
const std::vector<int64_t> kSequences{4, 3}; // one from each shard, 8 + 4 tokens

void expectNear(const Metrics& got, const Metrics& want, const std::string& what)
{
    // Stored with 6 significant digits.
    auto near = [&](double a, double b, const char* field) {
        EXPECT_NEAR(a, b, 1e-6 + 1e-5 * std::abs(b)) << what << " " << field;
    };
    EXPECT_EQ(got.samples, want.samples) << what;
    near(got.top1, want.top1, "top1");
    near(got.exact, want.exact, "exact");
    near(got.logloss, want.logloss, "logloss");
    near(got.ece, want.ece, "ece");
    ASSERT_EQ(got.recall.size(), want.recall.size()) << what;
    for (size_t i = 0; i < want.recall.size(); ++i)
        near(got.recall[i], want.recall[i], "recall");
}

} // namespace

TEST(GoldenPredictor, ConfigFormatAndVersion)
{
    const nlohmann::json c = nlohmann::json::parse(specmoe::test::readFile(kPredictor + "/config.json"));
    EXPECT_EQ(c.at("format"), "specmoe-predictor");
    EXPECT_EQ(c.at("version"), 1);
    EXPECT_EQ(c.at("horizon"), 2);
    EXPECT_EQ(c.at("models"), (nlohmann::json{"interlayer", "statistics", "ensemble"}));
    EXPECT_EQ(c.at("fingerprint"), "53771d44afd5e848/none");
}

TEST(GoldenPredictor, PredictBlockGivesTheStoredProbabilities)
{
    const RoutingBlock block = TraceSet::open(kTrace).readSequences(kSequences);
    ASSERT_EQ(block.numTokens(), 12u);
    const BlockPredictions p = predictBlock(kPredictor, block);
    const std::vector<std::string> models{"interlayer", "statistics", "ensemble", "frequency",
                                          "markov",     "lookahead",  "uniform"};
    ASSERT_EQ(p.models, models);
    const size_t perModel = 12 * 3 * 2 * 8; // [N, L, H, E]
    for (const auto& probs : p.probs)
        ASSERT_EQ(probs.size(), perModel);

    // SPECMOE_GOLDEN_WRITE_PREDICTIONS=FILE writes what today's code predicts (how
    // predictions.json was made; README.md).
    if (const char* out = std::getenv("SPECMOE_GOLDEN_WRITE_PREDICTIONS")) {
        nlohmann::json j;
        j["sequences"] = kSequences;
        j["shape"] = {12, 3, 2, 8};
        j["models"] = p.models;
        for (size_t m = 0; m < p.models.size(); ++m)
            j["probs"][p.models[m]] = p.probs[m];
        writeFileAtomic(out, j.dump() + "\n");
    }

    const nlohmann::json want = nlohmann::json::parse(specmoe::test::readFile(kExpected));
    ASSERT_EQ(want.at("sequences").get<std::vector<int64_t>>(), kSequences);
    ASSERT_EQ(want.at("models").get<std::vector<std::string>>(), models);
    double largest = 0;
    for (size_t m = 0; m < models.size(); ++m) {
        const std::vector<float> w = want.at("probs").at(models[m]).get<std::vector<float>>();
        ASSERT_EQ(w.size(), perModel) << models[m];
        for (size_t i = 0; i < perModel; ++i) {
            const double d = std::abs(double(p.probs[m][i]) - double(w[i]));
            largest = std::max(largest, d);
            ASSERT_LE(d, 1e-6) << models[m] << " at flat index " << i << " ([N, L, H, E] = [12, 3, 2, 8])";
        }
    }
    std::printf("largest difference to the stored probabilities: %.3g\n", largest);
    // Not all zero: layers l + h inside the model carry probabilities that sum to about k.
    double sum = 0;
    for (int e = 0; e < 8; ++e)
        sum += p.probs[2][size_t(e)]; // ensemble, token 0, layer 0, h = 1
    EXPECT_NEAR(sum, 2.0, 0.5);
}

TEST(GoldenPredictor, ScoresTheGoldenTraceAsStored)
{
    EvalParams e;
    e.predictorDir = kPredictor;
    e.traceDirs = {kTrace};
    e.split = Split::Test;
    e.threads = 1;
    const EvalReport got = evaluate(e);
    const EvalReport want = EvalReport::load(dataPath("golden/run/evaluation-test.json"));
    EXPECT_EQ(got.split, want.split);
    EXPECT_EQ(got.tokens, want.tokens);
    ASSERT_EQ(got.predictors.size(), want.predictors.size());
    for (size_t i = 0; i < want.predictors.size(); ++i) {
        const PredictorMetrics& g = got.predictors[i];
        const PredictorMetrics& w = want.predictors[i];
        EXPECT_EQ(g.name, w.name);
        ASSERT_EQ(g.horizons.size(), w.horizons.size()) << w.name;
        for (size_t h = 0; h < w.horizons.size(); ++h) {
            const std::string what = w.name + " h" + std::to_string(h + 1);
            expectNear(g.horizons[h].overall, w.horizons[h].overall, what);
            ASSERT_EQ(g.horizons[h].perLayer.size(), w.horizons[h].perLayer.size()) << what;
            for (size_t l = 0; l < w.horizons[h].perLayer.size(); ++l)
                expectNear(g.horizons[h].perLayer[l], w.horizons[h].perLayer[l], what + " layer " + std::to_string(l));
        }
    }
}
