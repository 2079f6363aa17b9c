// specmoe analyze TRACEDIR --out DIR: the routing analysis (core/analysis) in one streaming
// pass; writes analysis.json (the AnalysisResult the GUI loads) and the CSV tables of
// docs/analysis.md, and prints a short summary.
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

std::vector<int> parseIntList(const std::string& v, const std::string& option, int lo, int hi)
{
    std::vector<int> out;
    size_t start = 0;
    while (start <= v.size()) {
        const size_t comma = v.find(',', start);
        const std::string item =
            v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        start = comma == std::string::npos ? v.size() + 1 : comma + 1;
        if (item.empty())
            continue;
        size_t used = 0;
        int x = 0;
        try {
            x = std::stoi(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != item.size() || used == 0 || x < lo || x > hi)
            throw UsageError("option --" + option + ": '" + item + "' is not a number in " +
                             std::to_string(lo) + ".." + std::to_string(hi));
        out.push_back(x);
    }
    return out;
}

std::vector<int64_t> parseSeqIds(const std::vector<std::string>& values)
{
    std::vector<int64_t> out;
    for (const auto& v : values) {
        size_t start = 0;
        while (start <= v.size()) {
            const size_t comma = v.find(',', start);
            const std::string item =
                v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            start = comma == std::string::npos ? v.size() + 1 : comma + 1;
            if (item.empty())
                continue;
            size_t used = 0;
            try {
                out.push_back(std::stoll(item, &used));
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != item.size() || used == 0)
                throw UsageError("option --seq: '" + item + "' is not a sequence id");
        }
    }
    return out;
}

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
              << r.layers << " layers, " << r.experts << " experts, top-" << r.topk << "), "
              << r.sources.size() << " source(s)\n";
    std::cout << "layer  H(first)/log2E  max/uniform  same-first  top-k overlap\n";
    for (int l = 0; l < r.layers; ++l) {
        const LayerLoad& ll = r.overall.layers[size_t(l)];
        const LayerRepetition& rp = r.overall.repetition[size_t(l)];
        char buf[160];
        std::snprintf(buf, sizeof buf, "%5d  %14.3f  %11.2f  %10s  %13s\n", l, ll.entropyFirstNorm,
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

    AnalysisOptions o;
    o.maxTokens = a.getInt("max-tokens");
    if (o.maxTokens < 0)
        throw UsageError("--max-tokens must be >= 0");
    o.transitionDistances = parseIntList(a.get("distances"), "distances", 1, 1024);
    o.predictContexts = parseIntList(a.get("contexts"), "contexts", 1, 8);
    o.predictHorizons = parseIntList(a.get("horizons"), "horizons", 1, 1024);
    o.split.seed = uint64_t(a.getInt("split-seed"));
    o.split.trainFraction = a.getDouble("train-fraction");
    o.split.validationFraction = a.getDouble("val-fraction");
    if (!(o.split.trainFraction >= 0.0 && o.split.validationFraction >= 0.0 &&
          o.split.trainFraction + o.split.validationFraction <= 1.0))
        throw UsageError("--train-fraction and --val-fraction must be >= 0 with a sum of at most 1");
    o.layerPairMI = !a.flagSet("no-layer-mi");
    o.journeySeqIds = parseSeqIds(a.getAll("seq"));
    o.journeyFirstSequences = static_cast<int>(a.getInt("journeys"));
    o.maxJourneyTokens = static_cast<int>(a.getInt("journey-tokens"));
    o.queryTokens = a.getAll("query");
    o.maxQueryResults = static_cast<int>(a.getInt("max-results"));
    o.samplesPerCell = static_cast<int>(a.getInt("samples"));
    if (o.journeyFirstSequences < 0 || o.maxJourneyTokens < 0 || o.maxQueryResults < 0 ||
        o.samplesPerCell < 0)
        throw UsageError("--journeys, --journey-tokens, --max-results and --samples must be >= 0");

    const TraceSet set = TraceSet::open(dir);
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
                [](ArgParser& p) {
                    p.positional("tracedir", "trace folder (manifest.json + shards)");
                    p.option("out", "DIR", "output folder for analysis.json and the CSV tables");
                    p.option("max-tokens", "N", "analyse at most N tokens (0 = all)", "0");
                    p.option("distances", "LIST", "layer distances d for transitions", "1,2,3");
                    p.option("contexts", "LIST", "history lengths c for the predictability ceiling",
                             "1,2,3");
                    p.option("horizons", "LIST", "horizons h for the predictability ceiling",
                             "1,2,3");
                    // The held-out sequences are `train`'s test split for the same values.
                    p.option("split-seed", "N", "seed of the split (train's --seed)", "1234");
                    p.option("train-fraction", "X", "train's --train-fraction", "0.8");
                    p.option("val-fraction", "X",
                             "train's --val-fraction; the rest is held out", "0.1");
                    p.flag("no-layer-mi", "skip the full layer-by-layer mutual-information matrix");
                    p.multiOption("seq", "IDS", "record the journeys of these sequences (1,5,9)");
                    p.option("journeys", "N", "also record the first N sequences' journeys", "2");
                    p.option("journey-tokens", "N", "tokens kept per recorded sequence", "512");
                    p.multiOption("query", "TEXT",
                                  "record every journey of this token text (e.g. def)");
                    p.option("max-results", "N", "journeys kept per query", "200");
                    p.option("samples", "N", "token samples per (layer, expert) cell", "32");
                    p.option("tokenizer", "PATH",
                             "tokenizer.model or checkpoint folder for token texts "
                             "(default: the one in the trace manifest)");
                    p.flag("no-text", "do not load a tokenizer (no token texts)");
                    p.flag("no-csv", "write analysis.json only");
                    p.flag("quiet", "no progress or summary");
                },
                runAnalyze);

} // namespace specmoe::cli
