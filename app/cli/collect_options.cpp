#include "app/cli/collect_options.h"

#include "core/trace/feature_basis.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

namespace specmoe::cli {
namespace {

std::vector<int> parseLookahead(const std::string& text)
{
    std::vector<int> out;
    if (text.empty() || text == "none" || text == "0")
        return out;
    std::stringstream s(text);
    std::string part;
    while (std::getline(s, part, ',')) {
        int d = 0;
        try {
            size_t used = 0;
            d = std::stoi(part, &used);
            if (used != part.size() || d < 1)
                throw std::invalid_argument(part);
        } catch (const std::exception&) {
            throw UsageError("option --lookahead: '" + text + "' is not a list of distances (accepted: integers >= 1 "
                             "separated by commas, e.g. 1,2, or 'none')");
        }
        if (std::find(out.begin(), out.end(), d) != out.end())
            throw UsageError("option --lookahead: distance " + part + " is given twice in '" + text + "'");
        out.push_back(d);
    }
    return out;
}

} // namespace

void declareCollectOptions(ArgParser& p, const CollectParams& d)
{
    p.option("model", "DIR", "checkpoint folder in hub layout (config.json + *.safetensors) of a supported family (docs/models.md)");
    p.multiOption("source", "SPEC",
                  "corpus source NAME=PATH[:FORMAT[:FIELD]][@WEIGHT]. NAME labels every sequence "
                  "(domain); PATH is a file or folder (recursive, sorted); FORMAT is text (a "
                  "document per file), paragraphs (per blank-line separated paragraph), jsonl "
                  "(FIELD holds text, default 'text'; dotted paths like meta.text work), jsonl-ids "
                  "(FIELD holds token ids, default 'input_ids', used as is), csv or tsv (FIELD "
                  "names the header column, default 'text'), or auto (by extension, the default); "
                  "WEIGHT is the source's share of tokens (default 1). "
                  "Example: --source wiki=/data/wiki.jsonl:jsonl:body@2");
    p.multiOption("source-cap", "NAME=N", "cap a source at N tokens, or N sequences with NAME=Nseq");
    p.option("out", "DIR", "output trace folder (shards + manifest.json); rerun to resume");
    if (d.tokenizerPath.empty())
        p.option("tokenizer", "PATH",
                 "tokenizer.model or tokenizer.json for text sources [default: DIR/tokenizer.model, else DIR/tokenizer.json]");
    else
        p.option("tokenizer", "PATH", "tokenizer.model or tokenizer.json for text sources", d.tokenizerPath);
    p.option("target-tokens", "N", "stop after N tokens (0 = the whole corpus)", numberText(d.targetTokens));
    p.option("target-sequences", "N", "stop after N sequences (0 = no limit)", numberText(d.targetSequences));
    p.option("max-length", "N", "tokens per sequence, BOS included", numberText(d.maxLength));
    p.option("min-length", "N", "drop shorter sequences (counted)", numberText(d.minLength));
    p.option("long-docs", "MODE", "longer documents: truncate, or split into windows",
             longDocumentsName(d.longDocuments));
    p.option("max-doc-bytes", "N", "skip (and count) documents longer than N bytes", numberText(d.maxDocumentBytes));
    p.flag("keep-duplicates", d.dedup ? "keep documents whose content repeats (default: dropped)"
                                      : "keep documents whose content repeats (the default here)");
    p.option("shuffle-buffer", "N", "documents shuffled (by --seed) within each source; 0 = file order",
             numberText(d.shuffleBuffer));
    p.option("batch-size", "N", "sequences per forward pass; 0 = automatic: the smallest batch within 5% of the best "
             "tokens/s measured when the model is loaded, within the free memory",
             numberText(d.batchSize));
    p.option("device", "DEV", kDeviceNames, deviceName(d.device));
    p.option("dtype", "TYPE",
             "compute dtype: auto (bfloat16 on CUDA; on a CPU bfloat16 only with AMX-BF16 units, else "
             "float32: faster there and exact), float32, bfloat16, float16",
             dtypeName(d.dtype));
    p.option("residency", "MODE", "resident, split (layers over GPUs) or streaming", residencyName(d.residency));
    p.option("lookahead", "D,...", "probe distances stored per token, or none", listText(d.lookahead));
    p.flag("logits", "also store raw router logits [tokens, layers, experts] as float16");
    // Bytes per token at Mixtral-8x7B dims (32 layers, 8 experts, hidden 4096), from the storage rule.
    const auto mixtralBytes = [](const char* spec) {
        return std::to_string(featureBytesPerToken(parseFeatureSpec(spec), 32, 8, 4096));
    };
    p.option("features", "SPEC",
             "also store hidden-state features per token and layer, float16: a linear map of the "
             "layer's router input whose rows are gate_logits:D (the gates of the next D layers, D*E "
             "values), pca:R (R principal directions estimated on the first batches), routers "
             "(every router's rows, L*E values) or full (the router input itself, hidden values; "
             "a study option: its basis, hidden x hidden per layer, must stay within 4 GiB), joined "
             "with '+'. Bytes per token = 2 * layers * F; at Mixtral-8x7B dims (32 layers, 8 experts, "
             "hidden 4096) " + std::string(kDefaultFeatureSpec) + " takes " +
                 mixtralBytes(kDefaultFeatureSpec) + ", gate_logits:1 " + mixtralBytes("gate_logits:1") +
                 ", pca:16 " + mixtralBytes("pca:16") + ", routers " + mixtralBytes("routers") + ", full " +
                 mixtralBytes("full") +
                 ". 'default' = " + kDefaultFeatureSpec + "; none unless given",
             d.features);
    p.option("feature-basis", "PATH",
             "compute the features with an existing basis instead of building one: a trace folder "
             "collected with --features, an exported predictor folder or a feature_basis.safetensors "
             "file (a held-out collection then holds the same features as the training one; the "
             "basis must fit the model). Implies --features of the basis's spec",
             d.featureBasis);
    p.option("shard-mb", "MB", "uncompressed payload per shard", numberText(d.shardMB));
    p.option("seed", "N", "sampling seed", numberText(d.seed));
    p.flag("start-over", "clear an output folder that holds another trace");
    p.option("threads", "N", "CPU threads (0 = all cores): the batch is routed in that many slices at once where OpenBLAS runs its own pool", numberText(d.threads));
    p.flag("quiet", "no progress line");
}

CollectParams readCollectOptions(const ArgParser& a, const CollectParams& defaults)
{
    CollectParams p = defaults;
    if (!a.has("model"))
        throw UsageError("--model DIR is required");
    if (!a.has("out"))
        throw UsageError("--out DIR is required");
    if (a.getAll("source").empty())
        throw UsageError("at least one --source NAME=PATH[:FORMAT[:FIELD]][@WEIGHT] is required");
    try {
        p.sources.clear();
        for (const auto& s : a.getAll("source"))
            p.sources.push_back(parseSourceSpec(s));
        for (const auto& c : a.getAll("source-cap"))
            applySourceCap(p.sources, c);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    p.modelDir = a.get("model");
    p.outDir = a.get("out");
    p.tokenizerPath = a.get("tokenizer");
    if (a.has("target-tokens") && a.has("target-sequences"))
        throw UsageError("give --target-tokens or --target-sequences, not both");
    p.targetTokens = a.getInt("target-tokens", 0, INT64_MAX);
    p.targetSequences = a.getInt("target-sequences", 0, INT64_MAX);
    p.maxLength = static_cast<int>(a.getInt("max-length", 1, INT32_MAX));
    p.minLength = static_cast<int>(a.getInt("min-length", 0, p.maxLength));
    p.longDocuments = parseOption<LongDocuments>(a, "long-docs", parseLongDocuments);
    p.maxDocumentBytes = a.getInt("max-doc-bytes", 1, INT64_MAX);
    if (a.flagSet("keep-duplicates"))
        p.dedup = false;
    p.shuffleBuffer = static_cast<int>(a.getInt("shuffle-buffer", 0, INT32_MAX));
    p.batchSize = static_cast<int>(a.getInt("batch-size", 0, INT32_MAX));
    p.device = parseOption<DeviceSpec>(a, "device", parseDevice);
    p.dtype = parseOption<ComputeDType>(a, "dtype", parseDType);
    p.residency = parseOption<Residency>(a, "residency", parseResidency);
    p.lookahead = parseLookahead(a.get("lookahead"));
    if (a.flagSet("logits"))
        p.withLogits = true;
    if (a.has("features")) {
        p.features = a.get("features");
        if (p.features == "default")
            p.features = kDefaultFeatureSpec;
        if (p.features == "none")
            p.features.clear();
        try {
            if (!p.features.empty())
                p.features = featureSpecText(parseFeatureSpec(p.features));
        } catch (const Error& e) {
            throw UsageError(std::string("option --features: ") + e.what());
        }
    }
    if (a.has("feature-basis"))
        p.featureBasis = a.get("feature-basis");
    p.shardMB = a.getDouble("shard-mb", 0, HUGE_VAL, true);
    p.seed = static_cast<uint64_t>(a.getInt("seed"));
    if (a.flagSet("start-over"))
        p.startOver = true;
    p.threads = static_cast<int>(a.getInt("threads", 0, kMaxThreads));
    return p;
}

} // namespace specmoe::cli
