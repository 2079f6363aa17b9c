#include "app/cli/analyze_options.h"

#include "app/cli/id_list.h"

#include <cstdint>

namespace specmoe::cli {

AnalysisOptions cliAnalysisDefaults()
{
    AnalysisOptions o;
    o.journeyFirstSequences = 2;
    o.maxJourneyTokens = 512;
    return o;
}

void declareAnalyzeOptions(ArgParser& p, const AnalysisOptions& d)
{
    p.positional("tracedir", "trace folder (manifest.json + shards)");
    p.option("out", "DIR", "output folder for analysis.json and the CSV tables");
    p.option("max-tokens", "N", "analyse at most N tokens (0 = all)", numberText(d.maxTokens));
    p.option("distances", "LIST", "layer distances d for transitions", listText(d.transitionDistances, ""));
    p.option("contexts", "LIST", "history lengths c for the predictability ceiling", listText(d.predictContexts, ""));
    p.option("horizons", "LIST", "horizons h for the predictability ceiling", listText(d.predictHorizons, ""));
    // The held-out sequences are `train`'s test split for the same values.
    p.option("split-seed", "N", "seed of the split (train's --seed)", numberText(d.split.seed));
    p.option("train-fraction", "X", "train's --train-fraction", numberText(d.split.trainFraction));
    p.option("val-fraction", "X", "train's --val-fraction; the rest is held out", numberText(d.split.validationFraction));
    p.flag("no-layer-mi", d.layerPairMI ? "skip the full layer-by-layer mutual-information matrix"
                                        : "skip the full layer-by-layer mutual-information matrix (the default here)");
    p.option("layer-mi-entries", "N", "counters the layer-pair MI matrix may take (4 bytes each); skipped above",
             numberText(d.maxLayerPairEntries));
    p.multiOption("seq", "IDS", "record the journeys of these sequences (1,5,9 or 2-4)");
    p.option("journeys", "N", "also record the first N sequences' journeys", numberText(d.journeyFirstSequences));
    p.option("journey-tokens", "N", "tokens kept per recorded sequence", numberText(d.maxJourneyTokens));
    p.multiOption("query", "TEXT", "record every journey of this token text (e.g. def)");
    p.option("max-results", "N", "journeys kept per query", numberText(d.maxQueryResults));
    p.option("samples", "N", "token samples per (layer, expert) cell", numberText(d.samplesPerCell));
    p.option("tokenizer", "PATH",
             "tokenizer.model or checkpoint folder for token texts (default: the one in the trace manifest)");
    p.flag("no-text", "do not load a tokenizer (no token texts)");
    p.flag("no-csv", "write analysis.json only");
    p.flag("quiet", "no progress or summary");
}

AnalysisOptions readAnalyzeOptions(const ArgParser& a, const AnalysisOptions& defaults)
{
    AnalysisOptions o = defaults;
    o.maxTokens = a.getInt("max-tokens", 0, INT64_MAX);
    o.maxLayerPairEntries = a.getInt("layer-mi-entries", 0, INT64_MAX);
    o.transitionDistances = parseIntList(a.get("distances"), "distances", 1, 1024);
    o.predictContexts = parseIntList(a.get("contexts"), "contexts", 1, 8);
    o.predictHorizons = parseIntList(a.get("horizons"), "horizons", 1, 1024);
    o.split.seed = uint64_t(a.getInt("split-seed"));
    o.split.trainFraction = a.getDouble("train-fraction", 0, 1);
    o.split.validationFraction = a.getDouble("val-fraction", 0, 1);
    if (o.split.trainFraction + o.split.validationFraction > 1.0)
        throw UsageError("options --train-fraction " + a.get("train-fraction") + " and --val-fraction " +
                         a.get("val-fraction") + " sum to more than 1 (accepted: each >= 0, their sum <= 1)");
    if (a.flagSet("no-layer-mi"))
        o.layerPairMI = false;
    const std::vector<int64_t> seqIds = parseIdList(a.getAll("seq"), "seq", {"a sequence id"});
    if (!seqIds.empty())
        o.journeySeqIds = seqIds;
    o.journeyFirstSequences = static_cast<int>(a.getInt("journeys", 0, INT32_MAX));
    o.maxJourneyTokens = static_cast<int>(a.getInt("journey-tokens", 0, INT32_MAX));
    if (!a.getAll("query").empty())
        o.queryTokens = a.getAll("query");
    o.maxQueryResults = static_cast<int>(a.getInt("max-results", 0, INT32_MAX));
    o.samplesPerCell = static_cast<int>(a.getInt("samples", 0, INT32_MAX));
    return o;
}

} // namespace specmoe::cli
