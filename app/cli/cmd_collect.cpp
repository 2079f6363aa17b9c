// specmoe collect: routing traces of a corpus into sharded HDF5 (docs/cli-collect.md).
#include "app/cli/command.h"
#include "core/collect/collector.h"
#include "core/util/error.h"

#include <cstdio>
#include <iostream>
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
        try {
            size_t used = 0;
            const int d = std::stoi(part, &used);
            if (used != part.size() || d < 1)
                throw std::invalid_argument(part);
            out.push_back(d);
        } catch (const std::exception&) {
            throw UsageError("--lookahead expects distances >= 1 separated by commas (e.g. 1,2) or "
                             "'none', got '" + text + "'");
        }
    }
    return out;
}

int runCollect(const ArgParser& a)
{
    CollectParams p;
    const bool quiet = a.flagSet("quiet");
    if (!a.has("model"))
        throw UsageError("--model DIR is required");
    if (!a.has("out"))
        throw UsageError("--out DIR is required");
    if (a.getAll("source").empty())
        throw UsageError("at least one --source NAME=PATH[:FORMAT[:FIELD]][@WEIGHT] is required");
    try {
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
    p.targetTokens = a.has("target-tokens") ? a.getInt("target-tokens") : 0;
    p.targetSequences = a.has("target-sequences") ? a.getInt("target-sequences") : 0;
    if (p.targetTokens < 0 || p.targetSequences < 0)
        throw UsageError("targets must not be negative");
    p.maxLength = static_cast<int>(a.getInt("max-length"));
    p.minLength = static_cast<int>(a.getInt("min-length"));
    if (p.maxLength < 1 || p.minLength < 0 || p.minLength > p.maxLength)
        throw UsageError("need 0 <= --min-length <= --max-length and --max-length >= 1");
    const std::string ld = a.get("long-docs");
    if (ld == "truncate")
        p.longDocuments = LongDocuments::Truncate;
    else if (ld == "split")
        p.longDocuments = LongDocuments::Split;
    else
        throw UsageError("--long-docs expects truncate or split, got '" + ld + "'");
    p.dedup = !a.flagSet("keep-duplicates");
    p.shuffleBuffer = static_cast<int>(a.getInt("shuffle-buffer"));
    p.batchSize = static_cast<int>(a.getInt("batch-size"));
    if (p.batchSize < 0)
        throw UsageError("--batch-size must be >= 0 (0 = from free memory)");
    p.device = a.get("device");
    p.dtype = a.get("dtype");
    p.residency = a.get("residency");
    p.lookahead = parseLookahead(a.get("lookahead"));
    p.withLogits = a.flagSet("logits");
    p.shardMB = a.getDouble("shard-mb");
    if (!(p.shardMB > 0))
        throw UsageError("--shard-mb must be positive");
    p.seed = static_cast<uint64_t>(a.getInt("seed"));
    p.startOver = a.flagSet("start-over");
    p.threads = static_cast<int>(a.getInt("threads"));

    CollectResult r;
    try {
        r = collect(p, consoleProgress(quiet));
    } catch (const Error& e) {
        const std::string m = e.what();
        if (m.find("start over") != std::string::npos)
            throw Error(m + " (--start-over)");
        throw;
    } catch (const Cancelled&) {
        std::cerr << "specmoe collect: stopped; every sequence collected so far is stored in "
                     "complete shards of "
                  << p.outDir << "; rerun the same command to continue after them\n";
        throw;
    }

    std::cout << "trace            " << r.outDir << (r.resumed ? " (resumed)" : "") << "\n"
              << "corpus           " << r.corpusSequences << " sequences, " << r.corpusTokens << " tokens\n";
    if (r.resumed)
        std::cout << "already stored   " << r.resumedSequences << " sequences, " << r.resumedTokens
                  << " tokens\n";
    char line[256];
    std::snprintf(line, sizeof line, "%lld sequences, %lld tokens in %.1f s (%.0f tokens/s)",
                  static_cast<long long>(r.sequencesWritten), static_cast<long long>(r.tokensWritten), r.seconds,
                  r.tokensPerSecond);
    std::cout << "written now      " << line << "\n";
    std::snprintf(line, sizeof line, "batch %d on %s, %lld passes, %.1f%% padding, forward %.1f s",
                  r.batchSize, r.device.c_str(), static_cast<long long>(r.batches), 100.0 * r.paddingFraction,
                  r.forwardSeconds);
    std::cout << "batching         " << line << "\n"
              << "shards           " << r.shards << "\n"
              << "sources:\n";
    for (const auto& s : describeSources(r))
        std::cout << "  " << s << "\n";
    if (!r.warnings.empty()) {
        std::cerr << "skipped input (" << r.skippedInputs << " items; also in manifest.json \"skipped\"):\n";
        for (const auto& w : r.warnings)
            std::cerr << "  warning: " << w << "\n";
    }
    return kOk;
}

} // namespace

SPECMOE_COMMAND(
    "collect", "collect routing traces of a corpus into sharded HDF5 (resumable)",
    [](ArgParser& p) {
        p.option("model", "DIR", "Mixtral checkpoint folder (config.json + *.safetensors)");
        p.multiOption("source", "SPEC",
                      "corpus source NAME=PATH[:FORMAT[:FIELD]][@WEIGHT]. NAME labels every sequence "
                      "(domain); PATH is a file or folder (recursive, sorted); FORMAT is text (a "
                      "document per file), paragraphs (per blank-line separated paragraph), jsonl "
                      "(FIELD holds text, default 'text'; dotted paths like meta.text work), jsonl-ids "
                      "(FIELD holds token ids, default 'input_ids', used as is), csv or tsv (FIELD "
                      "names the header column, default 'text'), or auto (by extension, the default); "
                      "WEIGHT is the source's share of tokens (default 1). "
                      "Example: --source wiki=/data/wiki.jsonl:jsonl:body@2");
        p.multiOption("source-cap", "NAME=N", "cap a source at N tokens, or N sequences with "
                                              "NAME=Nseq");
        p.option("out", "DIR", "output trace folder (shards + manifest.json); rerun to resume");
        p.option("tokenizer", "PATH", "tokenizer.model for text sources [default: DIR/tokenizer.model]");
        p.option("target-tokens", "N", "stop after N tokens (default: the whole corpus)");
        p.option("target-sequences", "N", "stop after N sequences");
        p.option("max-length", "N", "tokens per sequence, BOS included", "512");
        p.option("min-length", "N", "drop shorter sequences (counted)", "8");
        p.option("long-docs", "MODE", "longer documents: truncate, or split into windows", "truncate");
        p.flag("keep-duplicates", "keep documents whose content repeats (default: dropped)");
        p.option("shuffle-buffer", "N", "documents shuffled (by --seed) within each source; 0 = file "
                                        "order", "1024");
        p.option("batch-size", "N", "sequences per forward pass; 0 = largest the free device memory "
                                    "allows", "0");
        p.option("device", "DEV", "cpu, cuda, cuda:N or auto", "auto");
        p.option("dtype", "TYPE", "compute dtype: float32, bfloat16, float16", "bfloat16");
        p.option("residency", "MODE", "resident, split (layers over GPUs) or streaming", "resident");
        p.option("lookahead", "D,...", "probe distances stored per token, or none", "1,2");
        p.flag("logits", "also store raw router logits [tokens, layers, experts] as float16");
        p.option("shard-mb", "MB", "uncompressed payload per shard", "256");
        p.option("seed", "N", "sampling seed", "0");
        p.flag("start-over", "clear an output folder that holds another trace");
        p.option("threads", "N", "CPU intra-op threads (0 = all cores)", "0");
        p.flag("quiet", "no progress line");
    },
    runCollect);

} // namespace specmoe::cli
