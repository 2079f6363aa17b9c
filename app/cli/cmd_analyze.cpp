// specmoe analyze TRACEDIR --out DIR: the routing analysis (core/analysis) in one streaming
// pass; writes analysis.json (the AnalysisResult the GUI loads) and the CSV tables of
// docs/analysis.md, and prints a short summary.
#include "app/cli/analyze_options.h"
#include "app/cli/command.h"
#include "core/analysis/analysis.h"
#include "core/model/tokenizer.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace specmoe::cli {
namespace {

// The tokenizer: --tokenizer, else the one the collector recorded in the manifest when it is
// still there, else the model folder's (as the workbench finds it).
std::shared_ptr<Tokenizer> openTokenizer(const ArgParser& a, const TraceSet& set)
{
    std::string path = a.get("tokenizer");
    if (path.empty())
        path = findTokenizer(set.runConfig().tokenizer, set.runConfig().modelDir);
    if (path.empty())
        return nullptr;
    return std::make_shared<Tokenizer>(path);
}

std::string pct(double x)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%5.1f%%", 100.0 * x);
    return buf;
}

void printSummary(const AnalysisResult& r)
{
    std::cout << "analysed " << r.tokens << " tokens in " << r.sequences << " sequences ("
              << r.layers << (r.moeLayers.empty() ? " layers, " : " MoE layers of " + std::to_string(r.decoderLayers) + ", ")
              << r.experts << " experts" << (r.sharedExperts ? " + " + std::to_string(r.sharedExperts) + " shared" : "")
              << ", top-" << r.topk << (r.hasWeights ? "" : ", no router weights") << "), " << r.sources.size()
              << " source(s)\n";
    if (!r.idsRanked)
        std::cout << "the trace does not list each token's experts by router weight (ids_ranked false): "
                     "\"first\" below is the first id as listed, not the top choice; the predictability "
                     "ceiling and the layer-pair MI matrix are skipped\n";
    std::cout << "layer  H(first)/log2E  max/uniform  same-first  top-k overlap\n";
    for (int l = 0; l < r.layers; ++l) {
        const LayerLoad& ll = r.overall.layers[size_t(l)];
        const LayerRepetition& rp = r.overall.repetition[size_t(l)];
        char buf[160];
        std::snprintf(buf, sizeof buf, "%5d  %14.3f  %11.2f  %10s  %13s\n", r.decoderLayer(l), ll.entropyFirstNorm,
                      ll.maxOverUniformFirst, pct(rp.sameFirstRate).c_str(),
                      pct(rp.overlapRate).c_str());
        std::cout << buf;
    }
    std::cout << "random assignment: same-first " << pct(r.randomSameFirstRate)
              << ", top-k overlap " << pct(r.randomOverlapRate) << "\n";
    if (!r.predictability.summary.empty()) {
        std::cout << "history-only predictability ceiling (held-out top-1, mean over layers):\n";
        for (const auto& s : r.predictability.summary)
            std::cout << "  context " << s.context << " layer(s), horizon " << s.horizon << ": "
                      << pct(s.meanHeldOutAccuracy) << "  (in-sample " << pct(s.meanInSampleAccuracy)
                      << ", most-frequent baseline " << pct(s.meanBaselineAccuracy) << ")\n";
    }
    if (r.layerPairMISkipped)
        std::cout << "layer-pair MI matrix skipped: its tables exceed --layer-mi-entries\n";
    for (const auto& q : r.queries)
        std::cout << "query '" << q.query << "': " << q.matches << " occurrence(s), "
                  << q.journeys.size() << " journey(s) kept\n";
}

int runAnalyze(const ArgParser& a)
{
    const std::string dir = a.positionalValue("tracedir");
    const std::string out = a.get("out");
    if (out.empty())
        throw UsageError("--out DIR is required");

    AnalysisOptions o = readAnalyzeOptions(a);

    const TraceSet set = TraceSet::open(dir);
    // A trace of no token is refused by analyze() itself (the workbench's views too).
    if (!set.complete() && set.numTokens() > 0)
        std::cerr << "warning: trace " << dir << " is incomplete (the command that wrote it stopped, failed or is "
                  << "still running): the analysis covers the " << set.numTokens() << " tokens written so far\n";
    std::shared_ptr<Tokenizer> tok;
    if (!a.flagSet("no-text"))
        tok = openTokenizer(a, set);
    if (tok)
        o.tokenText = recordedTokenText(tok);
    else if (!o.queryTokens.empty())
        throw UsageError("--query needs token texts: pass --tokenizer PATH (no tokenizer was "
                         "recorded in " + dir + "/manifest.json)");

    const AnalysisResult r = analyze(set, o, consoleProgress(a.flagSet("quiet")));
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec)
        throw Error("cannot create " + out + ": " + ec.message());
    saveAnalysisJson(r, out + "/analysis.json");
    std::vector<std::string> files{"analysis.json"};
    if (!a.flagSet("no-csv")) {
        const auto csv = writeAnalysisCsv(r, out);
        files.insert(files.end(), csv.begin(), csv.end());
    }
    if (!a.flagSet("quiet")) {
        printSummary(r);
        std::cout << "wrote " << files.size() << " file(s) to " << out << ":";
        for (const auto& f : files)
            std::cout << " " << f;
        std::cout << "\n";
    }
    return kOk;
}

} // namespace

SPECMOE_COMMAND("analyze", "routing statistics of a trace folder (JSON + CSV, docs/analysis.md)",
                [](ArgParser& p) { declareAnalyzeOptions(p); },
                runAnalyze);

} // namespace specmoe::cli
