// The demo pipeline: corpus -> tokenizer -> MoE LM -> traces -> speculation -> analysis ->
// report.
#include "core/demo/demo.h"

#include "core/analysis/analysis.h"
#include "core/collect/collector.h"
#include "core/demo/bpe_encoder.h"
#include "core/demo/report_html.h"
#include "core/speculate/train.h"
#include "core/trace/trace_set.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

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

} // namespace

DemoResult runDemo(const DemoParams& given, const ProgressFn& progress)
{
    DemoParams p = given;
    if (given.quick) {
        p = DemoParams::quickParams();
        p.outDir = given.outDir;
        p.threads = given.threads;
        p.seed = given.seed;
    }
    const auto t0 = clock::now();
    const double budget = std::max(0.5, p.minutes) * 60.0;
    if (p.threads > 0)
        at::set_num_threads(p.threads);

    DemoResult r;
    const fs::path out = fs::absolute(p.outDir);
    r.outDir = out.string();
    r.corpusDir = (out / "corpus").string();
    r.modelDir = (out / "model").string();
    r.traceDir = (out / "traces").string();
    r.speculationDir = (out / "speculation").string();
    r.analysisFile = (out / "analysis" / "analysis.json").string();
    r.reportDir = (out / "report").string();
    r.reportHtml = (out / "report" / "index.html").string();
    r.metricsFile = (out / "report" / "metrics.json").string();
    r.summaryFile = (out / "demo.json").string();
    const fs::path work = out / "work";

    // Earlier demo output is replaced (only the demo's own folders are touched).
    std::error_code ec;
    for (const char* sub : {"corpus", "model", "traces", "speculation", "analysis", "report", "work"})
        fs::remove_all(out / sub, ec);
    fs::create_directories(out);

    auto stageDone = [&](const std::string& name, clock::time_point s) {
        r.stages.push_back({name, since(s)});
    };

    // 1. corpus
    auto ts = clock::now();
    CorpusBuildParams cp = p.corpus;
    cp.outDir = r.corpusDir;
    cp.seed = p.seed;
    const DemoCorpus corpus = buildDemoCorpus(cp, stageProgress(progress, "corpus"));
    for (const auto& d : corpus.domains)
        r.domains.push_back(d.name);
    stageDone("corpus", ts);

    // 2. tokenizer
    ts = clock::now();
    announce(progress, "tokenizer", "training a SentencePiece BPE tokenizer");
    TokenizerTrainParams tp = p.tokenizer;
    if (p.threads > 0)
        tp.threads = p.threads;
    r.tokenizerPath = trainTokenizer(corpus, r.modelDir, work.string(), tp);
    stageDone("tokenizer", ts);

    // 3. tokenize
    ts = clock::now();
    const BpeEncoder enc(r.tokenizerPath);
    r.vocabSize = enc.vocabSize();
    std::vector<DomainTokens> data;
    {
        int64_t done = 0;
        for (const auto& d : corpus.domains) {
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
            writeIdsJsonl(out / "corpus" / "heldout-ids" / d.name / "docs.jsonl", d.heldOut,
                          dt.heldOutDocs);
            data.push_back(std::move(dt));
            Progress pr;
            pr.stage = "tokenize";
            pr.done = ++done;
            pr.total = int64_t(corpus.domains.size());
            pr.unit = "domains";
            pr.message = d.name;
            reportProgress(progress, pr);
        }
    }
    stageDone("tokenize", ts);

    // 4. the MoE language model, for what is left of the budget
    ts = clock::now();
    LmTrainParams lp = p.lm;
    lp.threads = p.lmThreads > 0 ? p.lmThreads : p.threads;
    lp.seed = p.seed;
    AfterLmWork later;
    {
        int64_t heldOut = 0;
        for (const auto& d : data) {
            int64_t n = 0;
            for (const auto& doc : d.heldOutDocs)
                n += int64_t(doc.size());
            heldOut += n;
            later.evalTokens += std::min<int64_t>(n, p.lm.evalTokensPerDomain);
        }
        later.collectTokens = p.collectMaxTokens > 0 ? std::min(heldOut, p.collectMaxTokens) : heldOut;
        later.speculateTokens = p.speculateMaxTokens > 0 ? std::min(later.collectTokens, p.speculateMaxTokens)
                                                        : later.collectTokens;
        later.speculateEpochs = p.speculateEpochs;
    }
    const double speculateCap = p.speculateShare * budget;
    if (!p.quick) {
        // Time-bounded: the LM trains until the later stages' estimated cost, at its
        // measured throughput, fills what is left before the target end.
        r.budgetSeconds = budget;
        r.targetSeconds = budget - std::max(p.marginMinSeconds, p.marginFraction * budget);
        const double lmStart = since(t0);
        auto plan = [&, lmStart](double tokensPerSecond) {
            r.lmTrainTokensPerSecond = tokensPerSecond;
            r.afterLm = estimateAfterLm(later, p.speeds, tokensPerSecond, speculateCap);
            r.lmPlannedSeconds = std::max(p.minLmSeconds, r.targetSeconds - lmStart - r.afterLm.total());
            return r.lmPlannedSeconds;
        };
        lp.seconds = plan(p.speeds.referenceLmTokensPerSecond); // until the first measurement
        lp.planSeconds = plan;
    }
    r.lm = trainMoeLm(data, r.vocabSize, r.modelDir, lp, stageProgress(progress, "train-lm"));
    r.configFile = r.lm.configFile;
    r.weightsFile = r.lm.weightsFile;
    r.lmBeatsUnigram = r.lm.heldOutLoss < r.lm.unigramLoss;
    stageDone("train-lm", ts);

    // 5. traces from the held-out text of every domain
    ts = clock::now();
    {
        CollectParams c;
        for (const auto& d : corpus.domains) {
            SourceSpec s;
            s.name = d.name;
            s.path = (out / "corpus" / "heldout-ids" / d.name).string();
            s.format = SourceFormat::JsonlIds;
            c.sources.push_back(s);
        }
        c.maxLength = p.collectMaxLength;
        c.minLength = 8;
        c.longDocuments = LongDocuments::Split;
        c.seed = p.seed;
        c.modelDir = r.modelDir;
        c.device = "cpu";
        c.dtype = "float32";
        c.lookahead = p.lookahead;
        c.threads = p.collectThreads > 0 ? p.collectThreads : p.threads;
        c.batchSize = p.collectBatchSize;
        c.targetTokens = p.collectMaxTokens;
        c.outDir = r.traceDir;
        c.startOver = true;
        // Deadline: twice the estimate, leaving the speculation at least half of its own.
        double deadline = kNever;
        if (!p.quick) {
            const double now = since(t0);
            deadline = std::min(now + std::max(10.0, 2.0 * r.afterLm.collect),
                                r.targetSeconds - r.afterLm.fixed - 0.5 * r.afterLm.speculate);
            deadline = std::max(deadline, now + 5.0);
        }
        const ProgressFn inner = stageProgress(progress, "collect");
        bool stopAsked = false;
        const ProgressFn guarded = [&](const Progress& pr) {
            if (inner && !inner(pr)) {
                stopAsked = true;
                return false;
            }
            // Between batches (tokens stored): stop at the deadline; the collector keeps
            // every batch done as complete shards.
            if (pr.stage == "collect" && pr.done > 0 && pr.message.rfind("batch", 0) == 0 &&
                since(t0) > deadline) {
                r.collectCut = true;
                return false;
            }
            return true;
        };
        try {
            collect(c, guarded);
        } catch (const Cancelled&) {
            if (stopAsked || !r.collectCut)
                throw;
        }
        const TraceSet traces = TraceSet::open(r.traceDir);
        const VerifyReport vr = traces.verify();
        if (!vr.ok())
            throw Error("demo: the collected traces do not verify: " + vr.problems.front());
        r.traceSequences = traces.numSequences();
        r.traceTokens = traces.numTokens();
    }
    stageDone("collect", ts);

    // 6. speculation: the three models against the baselines
    ts = clock::now();
    {
        speculate::TrainParams sp;
        sp.traceDirs = {r.traceDir};
        sp.maxTokens = p.speculateMaxTokens;
        sp.horizon = p.speculateHorizon;
        sp.batchSize = p.speculateBatchSize;
        sp.runDir = r.speculationDir;
        sp.device = "cpu";
        sp.threads = p.speculateThreads > 0 ? p.speculateThreads : p.threads;
        sp.split.seed = p.seed;
        // Deadline: the target end less the fixed costs; epochs (or data) fitted to it.
        const double deadline = p.quick ? kNever : r.targetSeconds - r.afterLm.fixed;
        EpochDeadline fit(deadline, p.speculateEpochs);
        const ProgressFn inner = stageProgress(progress, "speculate");
        bool stopAsked = false;
        EpochDeadline::Action action = EpochDeadline::Action::Continue;
        const ProgressFn guarded = [&](const Progress& pr) {
            if (inner && !inner(pr)) {
                stopAsked = true;
                return false;
            }
            if (pr.stage == "train" && pr.unit == "steps") {
                action = fit.observe(since(t0), pr.done, pr.total);
                return action == EpochDeadline::Action::Continue;
            }
            return true;
        };
        const int64_t allTokens = p.speculateMaxTokens > 0 ? std::min(p.speculateMaxTokens, r.traceTokens)
                                                           : r.traceTokens;
        int64_t maxTokens = p.speculateMaxTokens;
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
                    fs::remove_all(r.speculationDir, ec);
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
        r.speculateEpochs = fit.epochs();
        r.speculateDataScale = fit.dataScale();
        r.speculateCut = fit.cut();
        speculate::EvalParams ep;
        ep.runDir = r.speculationDir;
        ep.traceDirs = {r.traceDir};
        ep.split = "test";
        ep.maxTokens = maxTokens;
        ep.device = "cpu";
        ep.threads = sp.threads;
        const speculate::EvalReport rep = speculate::evaluate(ep, stageProgress(progress, "speculate"));
        speculate::saveEvaluation(r.speculationDir, rep);
        for (const auto& pm : rep.predictors) {
            if (pm.horizons.empty())
                continue;
            PredictorRecall pr;
            pr.name = pm.name;
            pr.baseline = pm.baseline;
            pr.recallAt2 = pm.horizons.front().overall.recallAt(2);
            pr.top1 = pm.horizons.front().overall.top1;
            r.recall.push_back(pr);
            if (pm.name == speculate::kEnsemble)
                r.ensembleRecallAt2 = pr.recallAt2;
            else if (pm.name == speculate::kFrequency)
                r.frequencyRecallAt2 = pr.recallAt2;
            else if (pm.name == speculate::kMarkov)
                r.markovRecallAt2 = pr.recallAt2;
        }
        r.ensembleBeatsBaselines = r.ensembleRecallAt2 > r.frequencyRecallAt2 &&
                                   r.ensembleRecallAt2 > r.markovRecallAt2;
        if (p.threads > 0)
            at::set_num_threads(p.threads);
    }
    stageDone("speculate", ts);

    // 7. routing analysis, and expert usage per domain
    ts = clock::now();
    {
        const TraceSet traces = TraceSet::open(r.traceDir);
        AnalysisOptions ao;
        ao.journeyFirstSequences = 4;
        ao.tokenText = [&enc](int32_t id) {
            return id >= 0 && id < enc.vocabSize() ? enc.piece(id) : std::string();
        };
        const AnalysisResult ar = analyze(traces, ao, stageProgress(progress, "analyze"));
        fs::create_directories(fs::path(r.analysisFile).parent_path());
        saveAnalysisJson(ar, r.analysisFile);
        for (const auto& g : ar.sources) {
            DomainUsage u;
            u.domain = g.source;
            u.tokens = g.tokens;
            for (const auto& l : g.layers)
                u.share.push_back(l.anyShare);
            r.usage.push_back(std::move(u));
        }
        double sum = 0;
        int64_t n = 0;
        for (size_t a = 0; a < r.usage.size(); ++a)
            for (size_t b = a + 1; b < r.usage.size(); ++b)
                for (size_t l = 0; l < r.usage[a].share.size() && l < r.usage[b].share.size(); ++l) {
                    sum += jsBits(r.usage[a].share[l], r.usage[b].share[l]);
                    ++n;
                    r.usageMaxTvDistance = std::max(
                        r.usageMaxTvDistance, tvDistance(r.usage[a].share[l], r.usage[b].share[l]));
                }
        r.usageDivergenceBits = n > 0 ? sum / double(n) : 0.0;
        // Domains differ when some layer routes them visibly differently (a fifth of the
        // assignments moved) and the mean divergence is clearly above sampling noise.
        r.usageDiffers = r.usageMaxTvDistance >= 0.2 && r.usageDivergenceBits >= 0.01;
    }
    stageDone("analyze", ts);

    // 8. report
    ts = clock::now();
    announce(progress, "report", "writing the report");
    r.seconds = since(t0);
    stageDone("report", ts);
    r.seconds = since(t0);
    fs::create_directories(r.reportDir);
    writeText(r.metricsFile, r.toJson());
    writeReportHtml(r, r.reportHtml);
    writeText(r.summaryFile, r.toJson());
    return r;
}

std::string DemoResult::toJson() const
{
    json j;
    j["paths"] = {{"out", outDir},           {"corpus", corpusDir},         {"model", modelDir},
                  {"tokenizer", tokenizerPath}, {"config", configFile},      {"weights", weightsFile},
                  {"traces", traceDir},       {"speculation", speculationDir}, {"analysis", analysisFile},
                  {"report", reportHtml},     {"metrics", metricsFile}};
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
    j["traces"] = {{"sequences", traceSequences}, {"tokens", traceTokens}};
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
                        {"markov_recall_at_2", markovRecallAt2}};
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
                            {"fixed", afterLm.fixed},
                            {"total", afterLm.total()}}},
                          {"collect_cut", collectCut},
                          {"speculate_epochs", speculateEpochs},
                          {"speculate_data_scale", speculateDataScale},
                          {"speculate_cut", speculateCut}};
    return j.dump(2) + "\n";
}

} // namespace specmoe::demo
