// The demo end to end (quick settings), and its parts: corpus reading, the tokenizer and
// its encoder, the LM's hub-layout checkpoint against the project's runtime, the report.
#include "core/demo/bpe_encoder.h"
#include "core/demo/corpus_builder.h"
#include "core/demo/demo.h"
#include "core/speculate/train.h"
#include "core/demo/moe_lm_module.h"
#include "core/demo/report_html.h"
#include "core/demo/time_plan.h"
#include "core/model/config.h"
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/model/tokenizer.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "core/util/path_json.h"
#include "tests/support/test_support.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::demo;
using specmoe::test::TempDir;

namespace {

// One quick demo run shared by the pipeline tests (it takes most of the test time).
struct QuickDemo {
    TempDir dir{"specmoe-demo"};
    DemoResult result;
    std::string error;
    std::vector<std::string> stages;
    QuickDemo()
    {
        DemoParams p = DemoParams::quickParams();
        p.outDir = dir.path() + "/demo";
        p.threads = 2;
        try {
            result = runDemo(p, [this](const Progress& pr) {
                if (stages.empty() || stages.back() != pr.stage)
                    stages.push_back(pr.stage);
                return true;
            });
        } catch (const std::exception& e) {
            error = e.what();
        }
    }
};

// The demo trains its tokenizer with Debian's libsentencepiece_train, which cannot be loaded
// under AddressSanitizer (core/demo/tokenizer_trainer.cpp says why).
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_WITHOUT_TOKENIZER_TRAINER() GTEST_SKIP() << "no tokenizer training under ASan"
#else
#define SKIP_WITHOUT_TOKENIZER_TRAINER() (void)0
#endif

QuickDemo& quickDemo()
{
    static QuickDemo demo;
    return demo;
}

} // namespace

TEST(DemoCorpus, SanitizeKeepsUtf8AndDropsControls)
{
    EXPECT_EQ(sanitizeText("a\tb\nc"), "a\tb\nc");
    EXPECT_EQ(sanitizeText("caf\xc3\xa9"), "caf\xc3\xa9");
    EXPECT_EQ(sanitizeText("bad\xff byte"), "bad? byte");
    EXPECT_EQ(sanitizeText("cr\r\nbell\x07"), "cr\nbell ");
    EXPECT_EQ(sanitizeText("\xe2\x82"), "??"); // truncated sequence
}

// demo --out into a folder named with bytes that are not UTF-8 failed writing demo.json with
// nlohmann's "[json.exception.type_error.316]": its paths keep their bytes
// (core/util/path_json.h), the simulation's predictor names (run folders) get U+FFFD.
TEST(DemoResultJson, PathsThatAreNotUtf8)
{
    DemoResult r;
    r.outDir = "/tmp/d\xff";
    r.traceDir = r.outDir + "/traces";
    r.simulation.ran = true;
    r.simulation.file = r.outDir + "/simulation/simulation.json";
    r.simulation.rows = {{r.outDir + "/speculation", 0.5, 0.5, 0.5, 1, 1, 10}};
    r.simulation.best = r.outDir + "/speculation";
    const nlohmann::json j = nlohmann::json::parse(r.toJson());
    EXPECT_EQ(pathFromJson(j["paths"]["out"], "out"), "/tmp/d\xff");
    EXPECT_EQ(pathFromJson(j["paths"]["traces"], "traces"), "/tmp/d\xff/traces");
    EXPECT_EQ(pathFromJson(j["simulation"]["file"], "file"), "/tmp/d\xff/simulation/simulation.json");
    EXPECT_EQ(j["simulation"]["best"], "/tmp/d\xef\xbf\xbd/speculation");
    EXPECT_EQ(j["simulation"]["rows"][0]["predictor"], "/tmp/d\xef\xbf\xbd/speculation");
    EXPECT_EQ(j["paths"]["model"], ""); // UTF-8 paths stay plain strings
}

// The time plan: the later stages' estimate scales with the machine's speed (the LM's
// measured throughput) and the speculation estimate stops at its cap.
TEST(DemoTimePlan, EstimateFollowsThroughputAndCap)
{
    AfterLmWork w;
    w.evalTokens = 6 * 8192;
    w.collectTokens = 120'000;
    w.speculateTokens = 60'000;
    w.speculateEpochs = 2;
    const StageSpeeds s;
    const AfterLmEstimate fast = estimateAfterLm(w, s, 3000, 0);
    const AfterLmEstimate slow = estimateAfterLm(w, s, 1500, 0);
    EXPECT_NEAR(slow.lmEval, 2 * fast.lmEval, 1e-9);
    EXPECT_NEAR(slow.collect, 2 * fast.collect, 1e-9);
    EXPECT_NEAR(slow.speculate, 2 * fast.speculate, 1e-9);
    EXPECT_DOUBLE_EQ(slow.fixed, s.fixedSeconds);
    EXPECT_EQ(slow.simulate, 0.0); // no simulation work, no stage
    EXPECT_NEAR(slow.total(), slow.lmEval + slow.collect + slow.speculate + slow.fixed, 1e-9);
    // The simulation stage counts in the plan: its predictors' scoring scales with the
    // throughput, the rest is fixed.
    w.simulateTokens = 6'000;
    const AfterLmEstimate simFast = estimateAfterLm(w, s, 3000, 0);
    const AfterLmEstimate simSlow = estimateAfterLm(w, s, 1500, 0);
    EXPECT_NEAR(simSlow.simulate - s.simulateFixedSeconds, 2 * (simFast.simulate - s.simulateFixedSeconds), 1e-9);
    EXPECT_NEAR(simSlow.simulate, s.simulateFixedSeconds + 2.0 * 6000 / (s.speculateScore * 1500), 1e-9);
    EXPECT_NEAR(simSlow.total(), slow.total() + simSlow.simulate, 1e-9);
    w.simulateTokens = 0;
    w.speculateEpochs = 4;
    EXPECT_GT(estimateAfterLm(w, s, 1500, 0).speculate, 1.9 * slow.speculate);
    EXPECT_DOUBLE_EQ(estimateAfterLm(w, s, 1500, 30).speculate, 30);
    // At the reference machine's speed (about 1550 LM tokens/s) the default work leaves
    // the LM most of a 10-minute budget.
    w.speculateEpochs = 2;
    const double later = estimateAfterLm(w, s, 1550, 120).total();
    EXPECT_GT(later, 60);
    EXPECT_LT(later, 200);
}

namespace {

// A simulated epoch-based training run: `perEpoch` steps of `stepSeconds` (from step
// `slowFrom` on, `slowSeconds`), then `validationSeconds`; stops at the first action
// other than Continue and returns it with the step and the time.
struct SimStop {
    EpochDeadline::Action action = EpochDeadline::Action::Continue;
    int64_t step = 0;
    double time = 0;
};
SimStop simulate(EpochDeadline& g, double start, int epochs, int64_t perEpoch, double stepSeconds,
                 double validationSeconds, int64_t slowFrom = -1, double slowSeconds = 0)
{
    double t = start;
    for (int e = 0; e < epochs; ++e) {
        for (int64_t i = 1; i <= perEpoch; ++i) {
            const int64_t step = e * perEpoch + i;
            t += slowFrom > 0 && step >= slowFrom ? slowSeconds : stepSeconds;
            const auto a = g.observe(t, step, epochs * perEpoch);
            if (a != EpochDeadline::Action::Continue)
                return {a, step, t};
        }
        t += validationSeconds;
    }
    return {EpochDeadline::Action::Continue, epochs * perEpoch, t};
}

} // namespace

TEST(DemoTimePlan, EpochDeadlineLeavesARunThatFits)
{
    EpochDeadline g(1000, 3);
    const SimStop s = simulate(g, 0, 3, 100, 0.1, 1.5);
    EXPECT_EQ(s.action, EpochDeadline::Action::Continue);
    EXPECT_EQ(g.epochs(), 3);
    EXPECT_FALSE(g.cut());
    EXPECT_NEAR(g.secondsPerEpoch(), 11.5, 0.01); // 10 s of steps + the validation share
}

TEST(DemoTimePlan, EpochDeadlineFitsEpochsThenData)
{
    // 3 epochs of ~11.5 s do not fit 25 s: after the probe, a restart with the one that
    // fits the time left, which then runs to its end in time.
    EpochDeadline g(25, 3);
    SimStop s = simulate(g, 0, 3, 100, 0.1, 1.5);
    ASSERT_EQ(s.action, EpochDeadline::Action::Restart);
    EXPECT_EQ(s.step, 31); // 30 steps timed after the first
    EXPECT_EQ(g.epochs(), 1);
    EXPECT_DOUBLE_EQ(g.dataScale(), 1.0);
    g.restarted();
    s = simulate(g, s.time, g.epochs(), 100, 0.1, 1.5);
    EXPECT_EQ(s.action, EpochDeadline::Action::Continue);
    EXPECT_LT(s.time, 25);

    // Not even one epoch fits 8 s: one epoch on a share of the data.
    EpochDeadline h(8, 2);
    s = simulate(h, 0, 2, 100, 0.1, 1.5);
    ASSERT_EQ(s.action, EpochDeadline::Action::Restart);
    EXPECT_EQ(h.epochs(), 1);
    EXPECT_GT(h.dataScale(), 0.05);
    EXPECT_LT(h.dataScale(), 0.5);
    EXPECT_LT(s.time + h.dataScale() * h.secondsPerEpoch(), 8);
}

TEST(DemoTimePlan, EpochDeadlineStopsAtAnEpochBoundary)
{
    // The probe sees 0.1 s steps and lets 3 epochs run; then steps slow to 0.2 s. At the
    // first step of epoch 2 the next epoch still fits; at that of epoch 3 it does not.
    EpochDeadline g(40, 3);
    const SimStop s = simulate(g, 0, 3, 100, 0.1, 1.5, 32, 0.2);
    ASSERT_EQ(s.action, EpochDeadline::Action::Stop);
    EXPECT_EQ(s.step, 201); // epochs 1 and 2 are validated and saved
    EXPECT_TRUE(g.cut());
    EXPECT_LE(s.time, 40.5);

    // Past the deadline inside epoch 1: no stop until an epoch is saved.
    EpochDeadline h(5, 2, 0.15, 1000 /* no probe */);
    const SimStop t = simulate(h, 0, 2, 100, 0.1, 1.5);
    ASSERT_EQ(t.action, EpochDeadline::Action::Stop);
    EXPECT_EQ(t.step, 101);
}

TEST(DemoCorpus, ReadsFolderSourcesAndSplitsHeldOut)
{
    TempDir d("specmoe-demo-corpus");
    fs::create_directories(d.file("fortunes"));
    fs::create_directories(d.file("inc"));
    fs::create_directories(d.file("py"));
    {
        std::ofstream f(d.file("fortunes/wisdom"));
        for (int i = 0; i < 60; ++i)
            f << "Saying number " << i << " is a fine and memorable saying about life.\n%\n";
        std::ofstream g(d.file("fortunes/wisdom.dat")); // index files are skipped
        g << "binary";
    }
    for (int i = 0; i < 30; ++i) {
        std::ofstream h(d.file("inc/h" + std::to_string(i) + ".h"));
        h << "#pragma once\nint function_" << i << "(int x, int y); /* header number " << i << " */\n";
        std::ofstream py(d.file("py/m" + std::to_string(i) + ".py"));
        py << "def function_" << i << "(x):\n    return x * " << i << "  # module\n";
    }
    CorpusBuildParams p;
    p.outDir = d.file("out");
    p.bibleTool = "/nonexistent-bible-tool";
    p.wordnetDir = d.file("none");
    p.dictdDir = d.file("none");
    p.fortunesDir = d.file("fortunes");
    p.includeDir = d.file("inc");
    p.pythonLibDir = d.file("py");
    p.heldOutDocsPerDomain = 3;
    p.maxDocBytes = 200;
    const DemoCorpus c = buildDemoCorpus(p);
    ASSERT_EQ(c.domains.size(), 3u);
    std::set<std::string> names;
    for (const auto& dom : c.domains) {
        names.insert(dom.name);
        EXPECT_EQ(dom.heldOut.size(), 3u) << dom.name;
        EXPECT_GE(dom.train.size(), 1u) << dom.name;
        std::set<std::string> ids;
        for (const auto& doc : dom.train)
            ids.insert(doc.id);
        for (const auto& doc : dom.heldOut)
            EXPECT_EQ(ids.count(doc.id), 0u) << "held-out document also in training: " << doc.id;
        for (const char* split : {"train", "heldout"}) {
            const fs::path f = fs::path(p.outDir) / split / dom.name / "docs.jsonl";
            ASSERT_TRUE(fs::exists(f)) << f;
            std::ifstream in(f);
            std::string line;
            ASSERT_TRUE(std::getline(in, line));
            const auto j = nlohmann::json::parse(line);
            EXPECT_EQ(j.at("source").get<std::string>(), dom.name);
            EXPECT_FALSE(j.at("text").get<std::string>().empty());
        }
    }
    EXPECT_EQ(names, (std::set<std::string>{"quotes", "c-code", "python-code"}));

    // Fewer than two sources is an error naming what was looked for.
    p.includeDir = d.file("none");
    p.pythonLibDir = d.file("none");
    EXPECT_THROW(buildDemoCorpus(p), specmoe::Error);
}

TEST(DemoReport, SvgChartsAreWellFormed)
{
    BarChart b;
    b.title = "t <&>";
    b.yLabel = "y";
    b.groups = {"a", "b"};
    b.series = {"s1", "s2"};
    b.values = {{1.0, 2.0}, {0.5, 0.0}};
    const std::string svg = svgBarChart(b);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_NE(svg.find("t &lt;&amp;&gt;"), std::string::npos);
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    const std::string line = svgLineChart("loss", "step", "nats", {0, 1, 2}, {5, 4, 3.5});
    EXPECT_NE(line.find("<polyline"), std::string::npos);
}

TEST(DemoPipeline, RunsAndWritesEveryArtifact)
{
    SKIP_WITHOUT_TOKENIZER_TRAINER();
    QuickDemo& q = quickDemo();
    ASSERT_TRUE(q.error.empty()) << q.error;
    const DemoResult& r = q.result;
    for (const char* s : {"corpus", "tokenizer", "tokenize", "train-lm", "collect", "speculate",
                          "simulate", "analyze", "report"})
        EXPECT_NE(std::find(q.stages.begin(), q.stages.end(), s), q.stages.end()) << s;
    ASSERT_GE(r.domains.size(), 2u);
    for (const auto& d : r.domains) {
        EXPECT_TRUE(fs::exists(fs::path(r.corpusDir) / "train" / d / "docs.jsonl")) << d;
        EXPECT_TRUE(fs::exists(fs::path(r.corpusDir) / "heldout" / d / "docs.jsonl")) << d;
    }
    // Hub layout.
    for (const char* f : {"config.json", "model.safetensors", "tokenizer.model"})
        EXPECT_TRUE(fs::exists(fs::path(r.modelDir) / f)) << f;
    const MixtralConfig c = loadConfig(r.modelDir);
    EXPECT_EQ(c.architecture, "MixtralForCausalLM");
    EXPECT_EQ(c.vocabSize, r.vocabSize);
    EXPECT_EQ(c.numExperts, 8);
    EXPECT_EQ(c.topk, 2);
    const BpeEncoder enc(r.tokenizerPath);
    EXPECT_EQ(enc.vocabSize(), c.vocabSize);
    EXPECT_EQ(enc.piece(0), "<unk>");
    EXPECT_EQ(enc.piece(1), "<s>");
    EXPECT_EQ(enc.piece(2), "</s>");

    // The language model learned something, and the checks were computed.
    EXPECT_GT(r.lm.steps, 0);
    EXPECT_TRUE(std::isfinite(r.lm.heldOutLoss));
    EXPECT_LT(r.lm.heldOutLoss, r.lm.unigramLoss) << "MoE " << r.lm.heldOutLoss << " unigram "
                                                  << r.lm.unigramLoss;
    EXPECT_EQ(r.lm.domains.size(), r.domains.size());

    // Traces verify and cover every domain.
    const TraceSet traces = TraceSet::open(r.traceDir);
    const VerifyReport vr = traces.verify();
    EXPECT_TRUE(vr.ok()) << (vr.problems.empty() ? "" : vr.problems.front());
    EXPECT_GT(traces.numTokens(), 0);
    EXPECT_EQ(traces.dims().layers, c.numLayers);
    EXPECT_EQ(traces.dims().experts, c.numExperts);
    std::set<std::string> sources;
    for (const auto& s : traces.sequences())
        sources.insert(s.source);
    EXPECT_EQ(sources.size(), r.domains.size());

    // Speculation and analysis results.
    std::set<std::string> predictors;
    for (const auto& p : r.recall) {
        predictors.insert(p.name);
        EXPECT_GE(p.recallAt2, 0.0);
        EXPECT_LE(p.recallAt2, 1.0);
    }
    for (const char* n : {"interlayer", "statistics", "hidden-state", "ensemble", "frequency", "markov", "lookahead"})
        EXPECT_EQ(predictors.count(n), 1u) << n;
    // The traces carry the default hidden-state features, and the hidden-state model was
    // scored beside the others.
    EXPECT_EQ(traces.featureInfo().kind, kDefaultFeatureSpec);
    EXPECT_EQ(r.traceFeatures, kDefaultFeatureSpec);
    EXPECT_NE(traces.featureBasis(), nullptr);
    EXPECT_TRUE(r.hasHiddenState);
    EXPECT_GT(r.hiddenStateRecallAt2, 0.0);
    // The test-split evaluation is kept in the run (the workbench shows it) and matches.
    const std::string evalFile = speculate::evaluationFile(r.speculationDir, "test");
    EXPECT_EQ(speculate::latestEvaluationFile(r.speculationDir), evalFile);
    const speculate::EvalReport saved = speculate::EvalReport::load(evalFile);
    EXPECT_EQ(saved.split, "test");
    EXPECT_NEAR(saved.overall(speculate::kEnsemble, 1).recallAt(2), r.ensembleRecallAt2, 1e-6); // 6 digits in JSON
    EXPECT_EQ(speculate::runTraceDirs(r.speculationDir), std::vector<std::string>{fs::absolute(r.traceDir).lexically_normal().string()});
    EXPECT_TRUE(fs::exists(r.analysisFile));
    // The simulation: every predictor and both bounds at the setting the report shows.
    ASSERT_TRUE(r.simulation.ran);
    EXPECT_TRUE(fs::exists(r.simulation.file));
    std::set<std::string> simulated;
    for (const auto& row : r.simulation.rows) {
        simulated.insert(row.predictor);
        EXPECT_GT(row.tokensPerSecond, 0.0) << row.predictor;
    }
    for (const char* n : {"none", "oracle", "frequency", "markov"})
        EXPECT_EQ(simulated.count(n), 1u) << n;
    EXPECT_EQ(simulated.count(r.speculationDir), 1u);
    EXPECT_GE(r.simulation.oracleTokensPerSecond, r.simulation.noneTokensPerSecond);
    EXPECT_EQ(r.usage.size(), r.domains.size());
    EXPECT_GE(r.usageDivergenceBits, 0.0);

    // Metrics and report.
    std::ifstream mf(r.metricsFile);
    ASSERT_TRUE(mf.good()) << r.metricsFile;
    const auto m = nlohmann::json::parse(mf);
    for (const char* k : {"paths", "lm", "usage", "speculation", "simulation", "checks", "stages", "seconds"})
        EXPECT_TRUE(m.contains(k)) << k;
    EXPECT_DOUBLE_EQ(m["lm"]["heldout_loss"].get<double>(), r.lm.heldOutLoss);
    EXPECT_EQ(m["traces"]["features"], kDefaultFeatureSpec);
    EXPECT_DOUBLE_EQ(m["speculation"]["hidden_state_recall_at_2"].get<double>(), r.hiddenStateRecallAt2);
    EXPECT_TRUE(fs::exists(r.summaryFile));
    const std::string html = specmoe::test::readFile(r.reportHtml);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("</html>"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("nan"), std::string::npos);
    for (const auto& d : r.domains)
        EXPECT_NE(html.find(d), std::string::npos) << d;
    EXPECT_NE(html.find("What a prediction buys"), std::string::npos);
    EXPECT_NE(html.find("The best predictor"), std::string::npos);
}

TEST(DemoPipeline, RuntimeLoadsTheModelAndAgreesWithTheTrainingModule)
{
    SKIP_WITHOUT_TOKENIZER_TRAINER();
    QuickDemo& q = quickDemo();
    ASSERT_TRUE(q.error.empty()) << q.error;
    const DemoResult& r = q.result;
    const BpeEncoder enc(r.tokenizerPath);
    const std::vector<std::string> texts = {
        "In the beginning God created the heaven and the earth.",
        "def main(argv):\n    return 0\n",
        "#include <stdio.h>\nint main(void) { return 0; }",
    };
    std::vector<std::vector<int64_t>> seqs;
    int64_t T = 0;
    for (const auto& t : texts) {
        std::vector<int64_t> ids{enc.bosId()};
        for (int32_t i : enc.encode(t))
            ids.push_back(i);
        T = std::max<int64_t>(T, int64_t(ids.size()));
        seqs.push_back(ids);
    }
    const int64_t B = int64_t(seqs.size());
    at::Tensor ids = at::zeros({B, T}, at::kLong), mask = at::zeros({B, T}, at::kLong);
    for (int64_t b = 0; b < B; ++b)
        for (size_t t = 0; t < seqs[size_t(b)].size(); ++t) {
            ids[b][int64_t(t)] = seqs[size_t(b)][t];
            mask[b][int64_t(t)] = 1;
        }

    RuntimeOptions ro;
    ro.device = DeviceSpec::cpu();
    ro.dtype = ComputeDType::Float32;
    ro.loadLmHead = true;
    ro.threads = -1;
    MixtralRuntime rt(r.modelDir, ro);
    RouteOptions opt;
    opt.lmLogits = true;
    const RoutingResult rr = rt.route(ids, mask, opt);

    const MoeLm lm = MoeLm::load(r.modelDir);
    c10::NoGradGuard ng;
    const int64_t L = lm.config().numLayers;
    for (int64_t b = 0; b < B; ++b) {
        const int64_t len = int64_t(seqs[size_t(b)].size());
        const auto one = ids.narrow(0, b, 1).narrow(1, 0, len).contiguous();
        const auto out = lm.forward(one);
        const auto rtLogits = rr.lmLogits.narrow(0, b, 1).narrow(1, 0, len);
        const double diff = (out.logits - rtLogits).abs().max().item<double>();
        EXPECT_LT(diff, 1e-3) << "sequence " << b;
        for (int64_t l = 0; l < L; ++l) {
            const auto rtRouter = rr.routerLogits[l].narrow(0, b * T, len);
            EXPECT_LT((out.routerLogits[size_t(l)] - rtRouter).abs().max().item<double>(), 1e-4)
                << "layer " << l << " sequence " << b;
            const auto a = std::get<0>(out.topkIds[size_t(l)].sort(-1));
            const auto c = std::get<0>(rr.topkIds[l].narrow(0, b * T, len).sort(-1));
            EXPECT_TRUE(a.equal(c)) << "top-k differ at layer " << l << " sequence " << b;
        }
    }
}

TEST(DemoPipeline, EncoderAgreesWithTheProjectTokenizer)
{
    SKIP_WITHOUT_TOKENIZER_TRAINER();
    QuickDemo& q = quickDemo();
    ASSERT_TRUE(q.error.empty()) << q.error;
    const DemoResult& r = q.result;
    const BpeEncoder enc(r.tokenizerPath);
    const Tokenizer tok(r.modelDir);
    EXPECT_EQ(tok.vocabSize(), enc.vocabSize());
    int docs = 0;
    for (const auto& d : r.domains) {
        std::ifstream in(fs::path(r.corpusDir) / "heldout" / d / "docs.jsonl");
        std::string line;
        while (std::getline(in, line)) {
            const std::string text = nlohmann::json::parse(line).at("text").get<std::string>();
            const auto mine = enc.encode(text);
            const auto theirs = tok.encode(text, false);
            ASSERT_EQ(std::vector<int64_t>(mine.begin(), mine.end()), theirs) << d << ": " << text.substr(0, 80);
            ++docs;
        }
    }
    EXPECT_GT(docs, 0);
    EXPECT_EQ(tok.encode("x", true).front(), 1);
}

TEST(DemoModule, SaveLoadRoundTripsAndFollowsHubNames)
{
    TempDir d("specmoe-demo-module");
    MixtralConfig c;
    c.vocabSize = 300;
    c.hiddenSize = 32;
    c.intermediateSize = 48;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 8;
    c.numExperts = 4;
    c.topk = 2;
    c.maxPositions = 64;
    const MoeLm m(c, 3);
    m.save(d.path());
    const SafetensorsFile st(d.file("model.safetensors"));
    EXPECT_NE(st.find("model.layers.1.block_sparse_moe.experts.3.w2.weight"), nullptr);
    EXPECT_NE(st.find("model.layers.0.self_attn.k_proj.weight"), nullptr);
    EXPECT_NE(st.find("lm_head.weight"), nullptr);
    EXPECT_EQ(st.find("model.layers.0.self_attn.k_proj.weight")->shape, (std::vector<int64_t>{16, 32}));
    const MoeLm back = MoeLm::load(d.path());
    c10::NoGradGuard ng;
    const auto ids = at::randint(0, 300, {2, 9}, at::kLong);
    const auto a = m.forward(ids), b = back.forward(ids);
    EXPECT_TRUE(a.logits.equal(b.logits));
    // Causal: a later token does not change earlier logits.
    auto ids2 = ids.clone();
    ids2[0][8] = (ids[0][8].item<int64_t>() + 1) % 300;
    const auto a2 = m.forward(ids2);
    // (Not bit-exact: the experts' GEMMs see other row counts.)
    EXPECT_TRUE(a.logits.narrow(1, 0, 8).allclose(a2.logits.narrow(1, 0, 8), 1e-5, 1e-5));
    EXPECT_FALSE(a.logits.narrow(1, 8, 1).allclose(a2.logits.narrow(1, 8, 1), 1e-5, 1e-5));
    // Balanced routing gives an auxiliary loss near 1; it is never below 0.
    EXPECT_GT(a.auxLoss.item<double>(), 0.0);
}

// The held-out scoring batches equal-length windows: the same loss as one window per pass.
TEST(DemoModule, BatchedHeldOutScoringEqualsOneWindowAtATime)
{
    std::mt19937 rng(11);
    std::vector<DomainTokens> data(2);
    for (size_t d = 0; d < data.size(); ++d) {
        data[d].name = d == 0 ? "a" : "b";
        for (int doc = 0; doc < 3; ++doc) {
            std::vector<int32_t> train{1}, held{1};
            for (int t = 0; t < 200; ++t)
                train.push_back(int32_t(3 + (rng() % 60) / (d + 1)));
            for (int t = 0; t < 37 + 11 * doc; ++t) // windows of 17 and a shorter last one
                held.push_back(int32_t(3 + (rng() % 60) / (d + 1)));
            data[d].trainDocs.push_back(train);
            data[d].heldOutDocs.push_back(held);
        }
    }
    LmTrainParams p;
    p.arch.hiddenSize = 32;
    p.arch.intermediateSize = 48;
    p.arch.layers = 2;
    p.arch.heads = 4;
    p.arch.kvHeads = 2;
    p.arch.experts = 4;
    p.arch.maxPositions = 64;
    p.seqLen = 16;
    p.batchSize = 4;
    p.maxSteps = 3;
    p.seconds = 0;
    p.evalTokensPerDomain = 1000; // all: 146 targets per domain, the last window of 3 tokens
    TempDir d1("specmoe-demo-eval"), d2("specmoe-demo-eval");
    p.evalBatch = 1;
    const LmTrainResult one = trainMoeLm(data, 64, d1.path(), p);
    p.evalBatch = 16;
    const LmTrainResult batched = trainMoeLm(data, 64, d2.path(), p);
    ASSERT_EQ(one.domains.size(), 2u);
    for (size_t i = 0; i < one.domains.size(); ++i) {
        EXPECT_EQ(one.domains[i].tokens, batched.domains[i].tokens);
        EXPECT_EQ(one.domains[i].tokens, 146);
        EXPECT_NEAR(one.domains[i].moeLoss, batched.domains[i].moeLoss, 1e-4);
        EXPECT_DOUBLE_EQ(one.domains[i].unigramLoss, batched.domains[i].unigramLoss);
    }
    EXPECT_NEAR(one.heldOutLoss, batched.heldOutLoss, 1e-4);
}
