// The demo pipeline: corpus -> tokenizer -> MoE LM -> traces -> speculation -> analysis ->
// report.
#include "core/demo/demo.h"

#include "core/analysis/analysis.h"
#include "core/collect/collector.h"
#include "core/demo/bpe_encoder.h"
#include "core/demo/report_html.h"
#include "core/speculate/train.h"
#include "core/tensor/thread_limit.h"
#include "core/trace/trace_set.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/path_json.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace specmoe::demo {

DemoParams DemoParams::quickParams()
{
    DemoParams p;
    p.quick = true;
    p.minutes = 1.0;
    p.corpus.maxTrainBytesPerDomain = 60'000;
    p.corpus.heldOutDocsPerDomain = 6;
    p.corpus.maxDocBytes = 1500;
    p.tokenizer.vocabSize = 512;
    p.tokenizer.maxSentences = 20'000;
    p.lm.arch.hiddenSize = 64;
    p.lm.arch.intermediateSize = 96;
    p.lm.arch.layers = 3;
    p.lm.arch.heads = 4;
    p.lm.arch.kvHeads = 2;
    p.lm.arch.maxPositions = 256;
    p.lm.seqLen = 64;
    p.lm.batchSize = 12;
    p.lm.learningRate = 5e-3;
    p.lm.warmupSteps = 10;
    p.lm.seconds = 90;   // a safety cap: the quick model trains a fixed number of steps
    p.lm.maxSteps = 120;
    p.lm.blasThreads = 1; // tiny GEMMs: threads only spin
    // Tiny models: a second libtorch thread only spins. On a busy 2-core machine (load 7)
    // the quick run took 127 s with two threads (55 of 120 LM steps in the 90 s cap) and
    // 18 s with one (120 steps in 13 s).
    p.lmThreads = 1;
    p.collectThreads = 1;
    p.lm.evalTokensPerDomain = 1024;
    p.minLmSeconds = 3;
    p.collectMaxLength = 96;
    p.collectMaxTokens = 6000;
    p.speculateEpochs = 1;
    p.speculateMaxTokens = 6000;
    p.speculateBatchSize = 256;
    return p;
}

namespace {

using clock = std::chrono::steady_clock;

constexpr double kNever = std::numeric_limits<double>::infinity();

double since(clock::time_point t0) { return std::chrono::duration<double>(clock::now() - t0).count(); }

void writeText(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    writeFileAtomic(p.string(), text); // errors name the file (and say why: full disk, ...)
}

void writeIdsJsonl(const fs::path& file, const std::vector<CorpusDoc>& docs,
                   const std::vector<std::vector<int32_t>>& ids)
{
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error("demo: cannot write " + file.string());
    for (size_t i = 0; i < docs.size(); ++i) {
        json j;
        j["id"] = docs[i].id;
        j["input_ids"] = ids[i];
        out << j.dump() << "\n";
    }
    if (!out)
        throw Error("demo: write failed for " + file.string());
}

double jsBits(const std::vector<double>& a, const std::vector<double>& b)
{
    double js = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        const double m = 0.5 * (a[i] + b[i]);
        if (a[i] > 0)
            js += 0.5 * a[i] * std::log2(a[i] / m);
        if (b[i] > 0)
            js += 0.5 * b[i] * std::log2(b[i] / m);
    }
    return js;
}

double tvDistance(const std::vector<double>& a, const std::vector<double>& b)
{
    double tv = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        tv += std::abs(a[i] - b[i]);
    return 0.5 * tv;
}

ProgressFn stageProgress(const ProgressFn& outer, const std::string& stage)
{
    if (!outer)
        return {};
    return [outer, stage](const Progress& p) {
        Progress q = p;
        if (q.stage.empty() || q.stage != stage)
            q.message = q.stage.empty() ? q.message : (q.stage + ": " + q.message);
        q.stage = stage;
        return outer(q);
    };
}

void announce(const ProgressFn& progress, const std::string& stage, const std::string& message)
{
    Progress p;
    p.stage = stage;
    p.message = message;
    reportProgress(progress, p);
}

// One call of runDemo(); each stage of the pipeline is a member, in the order run() calls them.
class DemoRun {
public:
    DemoRun(const DemoParams& given, const ProgressFn& progress) : m_params(effectiveParams(given)), m_progress(progress)
    {
    }

    DemoResult run();

private:
    static DemoParams effectiveParams(const DemoParams& given);
    // Runs one stage and records its duration under `name`.
    template <class Stage>
    void stage(const std::string& name, Stage&& body)
    {
        const auto start = clock::now();
        body();
        m_result.stages.push_back({name, since(start)});
    }
    void prepareOutput();
    void buildCorpus();
    void trainTokenizer();
    void tokenize();
    AfterLmWork workAfterLm() const;
    void trainLanguageModel();
    void collectTraces();
    void trainPredictors();
    void evaluatePredictors();
    void simulatePrefetch();
    void analyzeRouting();
    void compareDomainUsage();
    void writeReport();

    const DemoParams m_params;
    const ProgressFn& m_progress;
    const clock::time_point m_start = clock::now();
    double m_budget = 0;      // seconds
    fs::path m_out, m_work;
    DemoResult m_result;
    DemoCorpus m_corpus;
    std::unique_ptr<BpeEncoder> m_encoder;
    std::vector<DomainTokens> m_tokens;
    int64_t m_speculateMaxTokens = 0; // the tokens the predictors were trained on (0 = all)
    int m_speculateThreads = 0;
};

DemoParams DemoRun::effectiveParams(const DemoParams& given)
{
    if (!given.quick)
        return given;
    DemoParams quick = DemoParams::quickParams();
    quick.outDir = given.outDir;
    quick.threads = given.threads;
    quick.seed = given.seed;
    return quick;
}

void DemoRun::prepareOutput()
{
    const DemoParams& params = m_params;
    m_budget = std::max(0.5, params.minutes) * 60.0;
    applyThreadLimit(params.threads);

    DemoResult& result = m_result;
    const fs::path out = fs::absolute(params.outDir);
    m_out = out;
    result.outDir = out.string();
    result.corpusDir = (out / "corpus").string();
    result.modelDir = (out / "model").string();
    result.traceDir = (out / "traces").string();
    result.speculationDir = (out / "speculation").string();
    result.analysisFile = (out / "analysis" / "analysis.json").string();
    result.reportDir = (out / "report").string();
    result.reportHtml = (out / "report" / "index.html").string();
    result.metricsFile = (out / "report" / "metrics.json").string();
    result.summaryFile = (out / "demo.json").string();
    m_work = out / "work";

    // Earlier demo output is replaced (only the demo's own folders are touched).
    std::error_code ec;
    for (const char* sub : {"corpus", "model", "traces", "speculation", "analysis", "report", "work"})
        fs::remove_all(out / sub, ec);
    fs::create_directories(out);
}

// 1. corpus
void DemoRun::buildCorpus()
{
    CorpusBuildParams cp = m_params.corpus;
    cp.outDir = m_result.corpusDir;
    cp.seed = m_params.seed;
    m_corpus = buildDemoCorpus(cp, stageProgress(m_progress, "corpus"));
    for (const auto& d : m_corpus.domains)
        m_result.domains.push_back(d.name);
}

// 2. tokenizer
void DemoRun::trainTokenizer()
{
    announce(m_progress, "tokenizer", "training a SentencePiece BPE tokenizer");
    TokenizerTrainParams tp = m_params.tokenizer;
    if (m_params.threads > 0)
        tp.threads = m_params.threads;
    m_result.tokenizerPath = demo::trainTokenizer(m_corpus, m_result.modelDir, m_work.string(), tp);
}

// 3. tokenize
void DemoRun::tokenize()
{
    m_encoder = std::make_unique<BpeEncoder>(m_result.tokenizerPath);
    const BpeEncoder& enc = *m_encoder;
    m_result.vocabSize = enc.vocabSize();
    int64_t done = 0;
    for (const auto& d : m_corpus.domains) {
        DomainTokens dt;
        dt.name = d.name;
        auto encodeDoc = [&](const CorpusDoc& doc) {
            std::vector<int32_t> ids{enc.bosId()};
            const auto body = enc.encode(doc.text);
            ids.insert(ids.end(), body.begin(), body.end());
            return ids;
        };
        for (const auto& doc : d.train)
            dt.trainDocs.push_back(encodeDoc(doc));
        for (const auto& doc : d.heldOut)
            dt.heldOutDocs.push_back(encodeDoc(doc));
        writeIdsJsonl(m_out / "corpus" / "heldout-ids" / d.name / "docs.jsonl", d.heldOut, dt.heldOutDocs);
        m_tokens.push_back(std::move(dt));
        Progress pr;
        pr.stage = "tokenize";
        pr.done = ++done;
        pr.total = int64_t(m_corpus.domains.size());
        pr.unit = "domains";
        pr.message = d.name;
        reportProgress(m_progress, pr);
    }
}

// What the stages after the LM will process, for the time plan.
AfterLmWork DemoRun::workAfterLm() const
{
    const DemoParams& params = m_params;
    AfterLmWork later;
    int64_t heldOut = 0;
    for (const auto& d : m_tokens) {
        int64_t n = 0;
        for (const auto& doc : d.heldOutDocs)
            n += int64_t(doc.size());
        heldOut += n;
        later.evalTokens += std::min<int64_t>(n, params.lm.evalTokensPerDomain);
    }
    later.collectTokens = params.collectMaxTokens > 0 ? std::min(heldOut, params.collectMaxTokens) : heldOut;
    later.speculateTokens = params.speculateMaxTokens > 0 ? std::min(later.collectTokens, params.speculateMaxTokens)
                                                    : later.collectTokens;
    later.speculateEpochs = params.speculateEpochs;
    // The simulation replays the speculation's test split (its default fractions) with the
    // run's ensemble and inter-layer model (simulateDemo).
    const SplitSpec split;
    later.simulateTokens =
        int64_t(double(later.speculateTokens) * std::max(0.0, 1.0 - split.trainFraction - split.validationFraction));
    later.simulateModels = 2;
    return later;
}

// 4. the MoE language model, for what is left of the budget
void DemoRun::trainLanguageModel()
{
    const DemoParams& params = m_params;
    DemoResult& result = m_result;
    LmTrainParams lp = params.lm;
    lp.threads = params.lmThreads > 0 ? params.lmThreads : params.threads;
    lp.seed = params.seed;
    const AfterLmWork later = workAfterLm();
    const double speculateCap = params.speculateShare * m_budget;
    if (!params.quick) {
        // Time-bounded: the LM trains until the later stages' estimated cost, at its
        // measured throughput, fills what is left before the target end.
        result.budgetSeconds = m_budget;
        result.targetSeconds = m_budget - std::max(params.marginMinSeconds, params.marginFraction * m_budget);
        const double lmStart = since(m_start);
        auto plan = [this, later, speculateCap, lmStart](double tokensPerSecond) {
            m_result.lmTrainTokensPerSecond = tokensPerSecond;
            m_result.afterLm = estimateAfterLm(later, m_params.speeds, tokensPerSecond, speculateCap);
            m_result.lmPlannedSeconds =
                std::max(m_params.minLmSeconds, m_result.targetSeconds - lmStart - m_result.afterLm.total());
            return m_result.lmPlannedSeconds;
        };
        lp.seconds = plan(params.speeds.referenceLmTokensPerSecond); // until the first measurement
        lp.planSeconds = plan;
    }
    result.lm = trainMoeLm(m_tokens, result.vocabSize, result.modelDir, lp, stageProgress(m_progress, "train-lm"));
    result.configFile = result.lm.configFile;
    result.weightsFile = result.lm.weightsFile;
    result.lmBeatsUnigram = result.lm.heldOutLoss < result.lm.unigramLoss;
}

// Full batches a time-bounded collection stores at least before its deadline may cut it.
constexpr int kMinCollectBatches = 4;

// 5. traces from the held-out text of every domain
void DemoRun::collectTraces()
{
    const DemoParams& params = m_params;
    DemoResult& result = m_result;
    CollectParams c;
    for (const auto& d : m_corpus.domains) {
        SourceSpec s;
        s.name = d.name;
        s.path = (m_out / "corpus" / "heldout-ids" / d.name).string();
        s.format = SourceFormat::JsonlIds;
        c.sources.push_back(s);
    }
    c.maxLength = params.collectMaxLength;
    c.minLength = 8;
    c.longDocuments = LongDocuments::Split;
    c.seed = params.seed;
    c.modelDir = result.modelDir;
    c.device = DeviceSpec::cpu();
    c.dtype = ComputeDType::Float32;
    c.lookahead = params.lookahead;
    c.features = params.collectFeatures;
    c.threads = params.collectThreads > 0 ? params.collectThreads : params.threads;
    c.batchSize = params.collectBatchSize;
    c.targetTokens = params.collectMaxTokens;
    c.outDir = result.traceDir;
    c.startOver = true;
    // Deadline: twice the estimate, leaving the speculation at least half of its own.
    double deadline = kNever;
    if (!params.quick) {
        const double now = since(m_start);
        deadline = std::min(now + std::max(10.0, 2.0 * result.afterLm.collect),
                            result.targetSeconds - result.afterLm.fixed - result.afterLm.simulate -
                                0.5 * result.afterLm.speculate);
        deadline = std::max(deadline, now + 5.0);
    }
    const ProgressFn inner = stageProgress(m_progress, "collect");
    bool stopAsked = false;
    const int64_t minCollectTokens = int64_t(kMinCollectBatches) * c.batchSize * c.maxLength;
    const ProgressFn guarded = [&](const Progress& pr) {
        if (inner && !inner(pr)) {
            stopAsked = true;
            return false;
        }
        // Between batches (tokens stored): stop at the deadline; the collector keeps
        // every batch done as complete shards. Not before a few batches are stored: the
        // speculation needs sequences for its validation and test splits (a cut after one
        // batch left the validation split empty on a machine under load; with features the
        // first cut comes only after the batches the PCA basis is estimated on).
        if (pr.stage == "collect" && pr.done >= std::min<int64_t>(pr.total, minCollectTokens) &&
            pr.message.rfind("batch", 0) == 0 && since(m_start) > deadline) {
            result.collectCut = true;
            return false;
        }
        return true;
    };
    try {
        collect(c, guarded);
    } catch (const Cancelled&) {
        if (stopAsked || !result.collectCut)
            throw;
    }
    const TraceSet traces = TraceSet::open(result.traceDir);
    const VerifyReport vr = traces.verify();
    if (!vr.ok())
        throw Error("demo: the collected traces do not verify: " + vr.problems.front());
    result.traceSequences = traces.numSequences();
    result.traceTokens = traces.numTokens();
    result.traceFeatures = traces.featureInfo().kind;
}

// 6a. speculation: the three models, trained in the time left (epochs or data fitted to it)
void DemoRun::trainPredictors()
{
    const DemoParams& params = m_params;
    DemoResult& result = m_result;
    speculate::TrainParams sp;
    sp.traceDirs = {result.traceDir};
    sp.maxTokens = params.speculateMaxTokens;
    sp.horizon = params.speculateHorizon;
    sp.batchSize = params.speculateBatchSize;
    sp.learningRate = speculate::defaultLearningRate(sp.batchSize); // as `specmoe train --batch-size`
    sp.runDir = result.speculationDir;
    sp.device = DeviceSpec::cpu();
    sp.threads = params.speculateThreads > 0 ? params.speculateThreads : params.threads;
    sp.split.seed = params.seed;
    // Deadline: the target end less the fixed costs and the simulation after it; epochs (or
    // data) fitted to it.
    const double deadline =
        params.quick ? kNever : result.targetSeconds - result.afterLm.fixed - result.afterLm.simulate;
    EpochDeadline fit(deadline, params.speculateEpochs);
    const ProgressFn inner = stageProgress(m_progress, "speculate");
    bool stopAsked = false;
    EpochDeadline::Action action = EpochDeadline::Action::Continue;
    const ProgressFn guarded = [&](const Progress& pr) {
        if (inner && !inner(pr)) {
            stopAsked = true;
            return false;
        }
        if (pr.stage == "train" && pr.unit == "steps") {
            action = fit.observe(since(m_start), pr.done, pr.total);
            return action == EpochDeadline::Action::Continue;
        }
        return true;
    };
    const int64_t allTokens = params.speculateMaxTokens > 0 ? std::min(params.speculateMaxTokens, result.traceTokens)
                                                       : result.traceTokens;
    int64_t maxTokens = params.speculateMaxTokens;
    std::error_code ec;
    for (int attempt = 0;; ++attempt) {
        sp.epochs = fit.epochs();
        sp.patience = sp.epochs;
        sp.maxTokens = maxTokens;
        try {
            speculate::train(sp, guarded);
        } catch (const Cancelled&) {
            if (stopAsked || action == EpochDeadline::Action::Continue)
                throw;
            if (action == EpochDeadline::Action::Restart && attempt == 0) {
                // The planned epochs do not fit: start again with those that do.
                fs::remove_all(result.speculationDir, ec);
                fit.restarted();
                action = EpochDeadline::Action::Continue;
                if (fit.dataScale() < 1.0)
                    maxTokens = std::max<int64_t>(2000, int64_t(double(allTokens) * fit.dataScale()));
                continue;
            }
            // Stopped at an epoch boundary: the best checkpoint so far is the result.
        }
        break;
    }
    result.speculateEpochs = fit.epochs();
    result.speculateDataScale = fit.dataScale();
    result.speculateCut = fit.cut();
    m_speculateMaxTokens = maxTokens;
    m_speculateThreads = sp.threads;
}

// 6b. speculation: the predictors against the baselines on the test split
void DemoRun::evaluatePredictors()
{
    const DemoParams& params = m_params;
    DemoResult& result = m_result;
    speculate::EvalParams ep;
    ep.runDir = result.speculationDir;
    ep.traceDirs = {result.traceDir};
    ep.split = speculate::Split::Test;
    ep.maxTokens = m_speculateMaxTokens;
    ep.device = DeviceSpec::cpu();
    ep.threads = m_speculateThreads;
    const speculate::EvalReport rep = speculate::evaluate(ep, stageProgress(m_progress, "speculate"));
    speculate::saveEvaluation(result.speculationDir, rep);
    for (const auto& pm : rep.predictors) {
        if (pm.horizons.empty())
            continue;
        PredictorRecall pr;
        pr.name = pm.name;
        pr.baseline = pm.baseline;
        pr.recallAt2 = pm.horizons.front().overall.recallAt(2);
        pr.top1 = pm.horizons.front().overall.top1;
        result.recall.push_back(pr);
        if (pm.name == speculate::kEnsemble)
            result.ensembleRecallAt2 = pr.recallAt2;
        else if (pm.name == speculate::kFrequency)
            result.frequencyRecallAt2 = pr.recallAt2;
        else if (pm.name == speculate::kMarkov)
            result.markovRecallAt2 = pr.recallAt2;
        else if (pm.name == speculate::kLookahead)
            result.lookaheadRecallAt2 = pr.recallAt2;
        else if (pm.name == speculate::kHiddenState) {
            result.hiddenStateRecallAt2 = pr.recallAt2;
            result.hasHiddenState = true;
        }
    }
    result.ensembleBeatsBaselines = result.ensembleRecallAt2 > result.frequencyRecallAt2 &&
                               result.ensembleRecallAt2 > result.markovRecallAt2;
    if (params.threads > 0)
        at::set_num_threads(params.threads);
}

// 7. routing analysis, and expert usage per domain
void DemoRun::analyzeRouting()
{
    DemoResult& result = m_result;
    const TraceSet traces = TraceSet::open(result.traceDir);
    AnalysisOptions ao;
    ao.journeyFirstSequences = 4;
    const BpeEncoder& enc = *m_encoder;
    ao.tokenText = [&enc](int32_t id) {
        return id >= 0 && id < enc.vocabSize() ? enc.piece(id) : std::string();
    };
    const AnalysisResult ar = analyze(traces, ao, stageProgress(m_progress, "analyze"));
    fs::create_directories(fs::path(result.analysisFile).parent_path());
    saveAnalysisJson(ar, result.analysisFile);
    for (const auto& g : ar.sources) {
        DomainUsage u;
        u.domain = g.source;
        u.tokens = g.tokens;
        for (const auto& l : g.layers)
            u.share.push_back(l.anyShare);
        result.usage.push_back(std::move(u));
    }
    compareDomainUsage();
}

void DemoRun::compareDomainUsage()
{
    DemoResult& result = m_result;
    double sum = 0;
    int64_t n = 0;
    for (size_t a = 0; a < result.usage.size(); ++a)
        for (size_t b = a + 1; b < result.usage.size(); ++b)
            for (size_t l = 0; l < result.usage[a].share.size() && l < result.usage[b].share.size(); ++l) {
                sum += jsBits(result.usage[a].share[l], result.usage[b].share[l]);
                ++n;
                result.usageMaxTvDistance = std::max(
                    result.usageMaxTvDistance, tvDistance(result.usage[a].share[l], result.usage[b].share[l]));
            }
    result.usageDivergenceBits = n > 0 ? sum / double(n) : 0.0;
    // Domains differ when some layer routes them visibly differently (a fifth of the
    // assignments moved) and the mean divergence is clearly above sampling noise.
    result.usageDiffers = result.usageMaxTvDistance >= 0.2 && result.usageDivergenceBits >= 0.01;
}

// 8. report
void DemoRun::writeReport()
{
    DemoResult& result = m_result;
    result.seconds = since(m_start);
    fs::create_directories(result.reportDir);
    writeText(result.metricsFile, result.toJson());
    writeReportHtml(result, result.reportHtml);
    writeText(result.summaryFile, result.toJson());
}

// What the predictors buy: the test split replayed through an offloading engine's model.
void DemoRun::simulatePrefetch()
{
    announce(m_progress, "simulate", "replaying the test split through an expert cache with prefetching");
    m_result.simulation = simulateDemo(m_result.traceDir, m_result.speculationDir, m_result.modelDir,
                                       (m_out / "simulation").string(), m_speculateMaxTokens,
                                       stageProgress(m_progress, "simulate"));
}

DemoResult DemoRun::run()
{
    prepareOutput();
    stage("corpus", [this] { buildCorpus(); });
    stage("tokenizer", [this] { trainTokenizer(); });
    stage("tokenize", [this] { tokenize(); });
    stage("train-lm", [this] { trainLanguageModel(); });
    stage("collect", [this] { collectTraces(); });
    stage("speculate", [this] {
        trainPredictors();
        evaluatePredictors();
    });
    stage("simulate", [this] { simulatePrefetch(); });
    stage("analyze", [this] { analyzeRouting(); });
    stage("report", [this] {
        announce(m_progress, "report", "writing the report");
        m_result.seconds = since(m_start);
    });
    writeReport();
    return m_result;
}

} // namespace

DemoResult runDemo(const DemoParams& given, const ProgressFn& progress)
{
    return DemoRun(given, progress).run();
}

std::string DemoResult::toJson() const
{
    json j;
    j["paths"] = {{"out", pathToJson(outDir)},
                  {"corpus", pathToJson(corpusDir)},
                  {"model", pathToJson(modelDir)},
                  {"tokenizer", pathToJson(tokenizerPath)},
                  {"config", pathToJson(configFile)},
                  {"weights", pathToJson(weightsFile)},
                  {"traces", pathToJson(traceDir)},
                  {"speculation", pathToJson(speculationDir)},
                  {"analysis", pathToJson(analysisFile)},
                  {"report", pathToJson(reportHtml)},
                  {"metrics", pathToJson(metricsFile)}};
    j["domains"] = domains;
    json lmj;
    lmj["vocab_size"] = vocabSize;
    lmj["parameters"] = lm.parameters;
    lmj["hidden_size"] = lm.config.hiddenSize;
    lmj["layers"] = lm.config.numLayers;
    lmj["experts"] = lm.config.numExperts;
    lmj["topk"] = lm.config.topk;
    lmj["steps"] = lm.steps;
    lmj["train_tokens_seen"] = lm.trainTokensSeen;
    lmj["train_tokens_available"] = lm.trainTokensAvailable;
    lmj["seconds"] = lm.seconds;
    lmj["final_train_loss"] = lm.finalTrainLoss;
    lmj["heldout_loss"] = lm.heldOutLoss;
    lmj["unigram_loss"] = lm.unigramLoss;
    lmj["heldout_perplexity"] = std::exp(lm.heldOutLoss);
    lmj["unigram_perplexity"] = std::exp(lm.unigramLoss);
    json dl = json::array();
    for (const auto& d : lm.domains)
        dl.push_back({{"domain", d.domain}, {"tokens", d.tokens}, {"moe_loss", d.moeLoss},
                      {"unigram_loss", d.unigramLoss}});
    lmj["domains"] = dl;
    json curve = json::array();
    for (const auto& c : lm.curve)
        curve.push_back({{"step", c.step}, {"seconds", c.seconds}, {"loss", c.loss}, {"aux", c.aux}});
    lmj["curve"] = curve;
    j["lm"] = lmj;
    j["traces"] = {{"sequences", traceSequences}, {"tokens", traceTokens}, {"features", traceFeatures}};
    json us = json::array();
    for (const auto& u : usage)
        us.push_back({{"domain", u.domain}, {"tokens", u.tokens}, {"share", u.share}});
    j["usage"] = {{"per_domain", us},
                  {"mean_js_divergence_bits", usageDivergenceBits},
                  {"max_tv_distance", usageMaxTvDistance}};
    json rc = json::array();
    for (const auto& p : recall)
        rc.push_back({{"name", p.name}, {"baseline", p.baseline}, {"recall_at_2", p.recallAt2},
                      {"top1", p.top1}});
    j["speculation"] = {{"split", "test"},
                        {"horizon", 1},
                        {"predictors", rc},
                        {"ensemble_recall_at_2", ensembleRecallAt2},
                        {"frequency_recall_at_2", frequencyRecallAt2},
                        {"markov_recall_at_2", markovRecallAt2},
                        {"lookahead_recall_at_2", lookaheadRecallAt2}};
    if (hasHiddenState)
        j["speculation"]["hidden_state_recall_at_2"] = hiddenStateRecallAt2;
    j["simulation"] = demo::toJson(simulation);
    j["checks"] = {{"lm_beats_unigram", lmBeatsUnigram},
                   {"usage_differs_between_domains", usageDiffers},
                   {"ensemble_beats_baselines", ensembleBeatsBaselines}};
    json st = json::array();
    for (const auto& s : stages)
        st.push_back({{"stage", s.name}, {"seconds", s.seconds}});
    j["stages"] = st;
    j["seconds"] = seconds;
    if (budgetSeconds > 0)
        j["time_plan"] = {{"budget_seconds", budgetSeconds},
                          {"target_seconds", targetSeconds},
                          {"lm_train_tokens_per_second", lmTrainTokensPerSecond},
                          {"lm_planned_seconds", lmPlannedSeconds},
                          {"estimate_after_lm",
                           {{"lm_eval", afterLm.lmEval},
                            {"collect", afterLm.collect},
                            {"speculate", afterLm.speculate},
                            {"simulate", afterLm.simulate},
                            {"fixed", afterLm.fixed},
                            {"total", afterLm.total()}}},
                          {"collect_cut", collectCut},
                          {"speculate_epochs", speculateEpochs},
                          {"speculate_data_scale", speculateDataScale},
                          {"speculate_cut", speculateCut}};
    return j.dump(2) + "\n";
}

} // namespace specmoe::demo
