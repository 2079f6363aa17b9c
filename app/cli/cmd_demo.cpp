// specmoe demo: the whole workflow on this machine with real text, nothing downloaded.
#include "app/cli/command.h"
#include "core/demo/demo.h"
#include "core/util/error.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

int runDemoCommand(const ArgParser& a)
{
    demo::DemoParams p = a.flagSet("quick") ? demo::DemoParams::quickParams() : demo::DemoParams{};
    p.outDir = a.get("out");
    if (a.has("minutes")) {
        p.minutes = a.getDouble("minutes", 0, HUGE_VAL, true);
    }
    p.threads = static_cast<int>(a.getInt("threads", 0, kMaxThreads));
    p.seed = static_cast<uint64_t>(a.getInt("seed"));
    const bool quiet = a.flagSet("quiet");
    try {
        const demo::DemoResult r = demo::runDemo(p, consoleProgress(quiet));
        std::printf("\nSpecMoE demo finished in %.0f s (%s)\n", r.seconds, r.outDir.c_str());
        std::printf("  domains          %zu:", r.domains.size());
        for (const auto& d : r.domains)
            std::printf(" %s", d.c_str());
        std::printf("\n  model            %s (%lld parameters, vocab %lld)\n", r.modelDir.c_str(),
                    (long long)r.lm.parameters, (long long)r.vocabSize);
        std::printf("  held-out loss    %.3f nats/token vs unigram %.3f  [%s]\n", r.lm.heldOutLoss,
                    r.lm.unigramLoss, r.lmBeatsUnigram ? "ok" : "NOT MET");
        std::printf("  usage by domain  mean JS divergence %.4f bits, max TV %.3f  [%s]\n",
                    r.usageDivergenceBits, r.usageMaxTvDistance, r.usageDiffers ? "ok" : "NOT MET");
        std::printf("  recall@2, h=1    ensemble %.3f vs frequency %.3f, Markov %.3f  [%s]\n",
                    r.ensembleRecallAt2, r.frequencyRecallAt2, r.markovRecallAt2,
                    r.ensembleBeatsBaselines ? "ok" : "NOT MET");
        if (r.hasHiddenState)
            std::printf("  hidden state     recall@2, h=1 %.3f (hidden-state model) vs %.3f (lookahead gate)\n",
                        r.hiddenStateRecallAt2, r.lookaheadRecallAt2);
        std::printf("  traces           %s (%lld sequences, %lld tokens%s%s)\n", r.traceDir.c_str(),
                    (long long)r.traceSequences, (long long)r.traceTokens,
                    r.traceFeatures.empty() ? "" : ", features ", r.traceFeatures.c_str());
        std::printf("  report           %s\n", r.reportHtml.c_str());
        if (r.budgetSeconds > 0) {
            std::printf("  time             %.0f s of %.0f (LM %.0f s at %.0f tokens/s; speculation %d "
                        "epoch%s%s%s)\n",
                        r.seconds, r.budgetSeconds, r.lm.seconds, r.lmTrainTokensPerSecond, r.speculateEpochs,
                        r.speculateEpochs == 1 ? "" : "s", r.speculateCut ? ", cut at its deadline" : "",
                        r.collectCut ? "; collection cut at its deadline" : "");
            for (const auto& s : r.stages)
                std::printf("    %-10s %7.1f s\n", s.name.c_str(), s.seconds);
        }
        return kOk;
    } catch (const Cancelled&) {
        std::cerr << "specmoe demo: cancelled\n";
        return kCancelled;
    } catch (const Error& e) {
        std::cerr << "specmoe demo: " << e.what() << "\n";
        return kFailed;
    }
}

} // namespace

SPECMOE_COMMAND("demo",
                "run the whole workflow on local text: corpus, tokenizer, MoE model, traces, "
                "speculation, analysis, report",
                [](ArgParser& p) {
                    p.option("out", "DIR", "output folder", "specmoe-demo");
                    p.option("minutes", "N", "wall-clock budget of the whole run", "10");
                    p.flag("quick", "seconds-scale run with a tiny corpus and model (smoke test)");
                    p.option("threads", "N", "CPU threads (0 = all cores)", "2");
                    p.option("seed", "N", "seed of the corpus split and of training", "1234");
                    p.flag("quiet", "no progress lines");
                },
                runDemoCommand);

} // namespace specmoe::cli
