#pragma once
// The out-of-the-box demo: the whole workflow on a fresh machine with real text, nothing
// downloaded. Builds a multi-domain corpus from text Debian packages install, trains a
// SentencePiece BPE tokenizer and a small Mixtral-architecture MoE language model on the
// CPU (saved in the exact hub layout), collects routing traces from held-out text of every
// domain (with hidden-state features), trains the speculation models (the hidden-state model
// among them) against the baselines, runs the routing
// analysis and writes a report (JSON metrics + index.html). `specmoe demo` and the
// workbench's "Open demo workspace" call runDemo(). docs/demo.md describes the output.
//
// Folder layout under DemoParams::outDir:
//   corpus/{train,heldout}/<domain>/docs.jsonl   text documents ({"id","source","text"})
//   corpus/heldout-ids/<domain>/docs.jsonl       the held-out documents tokenized ("input_ids")
//   model/  config.json, model.safetensors, tokenizer.model   (hub layout)
//   traces/                                      routing traces (core/collect)
//   speculation/                                 speculation run (core/speculate)
//   analysis/analysis.json                       routing analysis (core/analysis)
//   report/index.html, report/metrics.json       the report
//   demo.json                                    DemoResult as JSON
//   work/                                        scratch (tokenizer training text)
#include "core/demo/corpus_builder.h"
#include "core/demo/demo_simulation.h"
#include "core/demo/moe_lm.h"
#include "core/demo/time_plan.h"
#include "core/demo/tokenizer_trainer.h"
#include "core/trace/feature_basis.h"
#include "core/util/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::demo {

struct DemoParams {
    std::string outDir = "specmoe-demo";
    double minutes = 10.0;  // wall-clock bound of the whole run (the LM gets what is left);
                            // quick runs are bounded by their work instead
    bool quick = false;     // seconds-scale settings for tests and smoke runs (see quickParams)
    int threads = 2;        // libtorch intra-op threads (0 = leave as is) ...
    int lmThreads = 0;      // ... of the LM training, if not 0
    int collectThreads = 0; // ... of the trace collection, if not 0
    uint64_t seed = 1234;

    // Stage settings; runDemo() fills the LM's time budget from `minutes`.
    CorpusBuildParams corpus;
    TokenizerTrainParams tokenizer;
    LmTrainParams lm;
    double minLmSeconds = 20;        // the LM trains at least this long

    // Time plan of time-bounded (not quick) runs: time_plan.h, docs/demo.md "Time budget".
    // The run aims to end `margin` before the bound; the LM trains for what the later
    // stages' estimated cost leaves, re-planned from its measured throughput.
    double marginFraction = 0.05;    // of the budget kept free ...
    double marginMinSeconds = 15;    // ... at least this much
    StageSpeeds speeds;              // the later stages' throughputs relative to the LM's
    double speculateShare = 0.2;     // most of the budget the speculation stage plans for

    // Collection from held-out text.
    int collectMaxLength = 256;      // tokens per traced sequence (BOS included)
    int collectBatchSize = 16;
    int64_t collectMaxTokens = 120'000; // held-out tokens traced (0 = all)
    std::vector<int> lookahead{1, 2};
    // Hidden-state features collected with the traces (core/trace/feature_basis.h), which the
    // hidden-state model reads; empty = none (that model is then left out).
    std::string collectFeatures = kDefaultFeatureSpec;

    // Speculation (fewer epochs, or less data, when they do not fit the time left).
    int speculateEpochs = 2;
    int64_t speculateMaxTokens = 60'000; // 0 = all traced tokens
    int speculateHorizon = 2;
    int speculateBatchSize = 64;     // tokens per optimizer step
    int speculateThreads = 1;        // the predictors' ops are tiny: a second thread only
                                     // spins (1480 vs 290 tokens/s on a busy 2-core machine)

    // The quick variant of these defaults (tiny corpus, tokenizer and model; ~20-40 s).
    static DemoParams quickParams();
};

struct DemoStage {
    std::string name;
    double seconds = 0;
};

struct DomainUsage {
    std::string domain;
    int64_t tokens = 0;
    std::vector<std::vector<double>> share; // [L][E] share of top-k assignments
};

struct PredictorRecall {
    std::string name;
    bool baseline = false;
    double recallAt2 = 0; // horizon 1, test split
    double top1 = 0;
};

struct DemoResult {
    // Paths.
    std::string outDir, corpusDir, modelDir, tokenizerPath, configFile, weightsFile;
    std::string traceDir, speculationDir, analysisFile, reportDir, reportHtml, metricsFile,
        summaryFile;
    std::vector<std::string> domains;

    // Language model.
    LmTrainResult lm;
    int64_t vocabSize = 0;

    // Traces.
    int64_t traceSequences = 0, traceTokens = 0;
    std::string traceFeatures; // the traces' feature spec ("" = none)

    // Routing structure: expert usage per domain, and how much it differs between domains
    // (mean over layers and domain pairs of the Jensen-Shannon divergence of the top-k usage,
    // bits; 0 = identical) against the same figure for halves of one domain's tokens.
    std::vector<DomainUsage> usage;
    double usageDivergenceBits = 0;
    double usageMaxTvDistance = 0;       // largest total-variation distance of any layer/pair

    // Speculation (test split, horizon 1).
    std::vector<PredictorRecall> recall;
    double ensembleRecallAt2 = 0, frequencyRecallAt2 = 0, markovRecallAt2 = 0;
    double hiddenStateRecallAt2 = 0, lookaheadRecallAt2 = 0; // 0 when not evaluated
    bool hasHiddenState = false;     // the hidden-state model was trained and scored

    // What the predictors buy in an offloading engine (core/simulate) on the test split.
    DemoSimulation simulation;

    // The demo's claims, checked.
    bool lmBeatsUnigram = false;
    bool usageDiffers = false;
    bool ensembleBeatsBaselines = false;

    // Time plan (time-bounded runs; zero for quick runs).
    double budgetSeconds = 0;        // the bound
    double targetSeconds = 0;        // the planned end (bound minus margin)
    double lmTrainTokensPerSecond = 0; // measured during LM training
    double lmPlannedSeconds = 0;     // LM training time the plan gave
    AfterLmEstimate afterLm;         // estimated cost of the later stages (last re-plan)
    bool collectCut = false;         // the collection stopped at its deadline
    int speculateEpochs = 0;         // epochs the speculation training planned after fitting
    double speculateDataScale = 1.0; // share of the speculation data used after fitting
    bool speculateCut = false;       // stopped at an epoch boundary to meet the deadline

    std::vector<DemoStage> stages;
    double seconds = 0;

    std::string toJson() const;
};

// Runs the demo into params.outDir (created; earlier demo output there is replaced).
// Progress stages: "corpus", "tokenizer", "tokenize", "train-lm", "collect", "speculate",
// "analyze", "report". Throws specmoe::Error on failure and specmoe::Cancelled when the
// callback asks to stop.
DemoResult runDemo(const DemoParams& params, const ProgressFn& progress = {});

} // namespace specmoe::demo
