// specmoe traces info|verify|reshard|merge|export-csv: inspect and maintain trace folders and sets
// (docs/trace-format.md).
#include "app/cli/command.h"
#include "app/cli/id_list.h"
#include "core/trace/csv_export.h"
#include "core/trace/reshard.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>

namespace specmoe::cli {
namespace {

std::string mib(double bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / (1024.0 * 1024.0));
    return buf;
}

int runInfo(const ArgParser& a, const std::string& dir)
{
    const TraceSet set = TraceSet::open(dir);
    if (a.flagSet("json")) {
        std::cout << set.manifestText() << "\n";
        return kOk;
    }
    const TraceDims& d = set.dims();
    const auto& fp = set.fingerprint();
    int64_t bytes = 0, payload = 0;
    for (const auto& s : set.shards()) {
        bytes += s.bytes;
        payload += s.payloadBytes;
    }
    std::string la;
    for (int x : d.lookahead)
        la += (la.empty() ? "" : ",") + std::to_string(x);
    const TraceStorage& storage = set.storage();
    const TraceModelInfo& model = set.model();
    const TraceOrigin& origin = set.origin();
    std::string modelLine = model.family.empty() ? "(not recorded)" : model.family;
    if (!model.name.empty())
        modelLine += ", " + model.name;
    if (!model.routing.empty())
        modelLine += " (routing " + model.routing + ")";
    std::string originLine = origin.kind;
    if (!origin.engine.empty())
        originLine += (origin.kind == "imported" ? " from " : ", ") + origin.engine +
                      (origin.engineVersion.empty() ? "" : " " + origin.engineVersion);
    if (!origin.inputs.empty())
        originLine += " (" + std::to_string(origin.inputs.size()) + " input file" +
                      (origin.inputs.size() == 1 ? "" : "s") + ")";
    if (!origin.idsRanked)
        originLine += ", expert ids not in rank order";
    std::cout << "trace            " << dir << "\n"
              << "schema           " << set.schemaVersion() << (set.complete() ? ", complete" : ", incomplete (resumable)") << "\n"
              << "model            " << modelLine << "\n"
              << "origin           " << originLine << "\n"
              << "dims             " << d.layers << " layers, " << d.experts << " experts, top-" << d.topk
              << ", lookahead {" << la << "}, logits " << (d.hasLogits ? "yes" : "no") << ", weights "
              << (d.hasWeights ? "yes" : "no") << "\n"
              << "layer map        " << describeLayerMap(d) << "\n"
              << "shared experts   " << d.sharedExperts << "\n"
              << "features         "
              << (d.featureDim > 0 ? std::to_string(d.featureDim) + " per layer (" +
                                         (set.featureInfo().empty() ? std::string("no basis recorded")
                                                                    : set.featureInfo().kind + ", basis " +
                                                                          set.featureInfo().file) +
                                         ")"
                                   : std::string("none"))
              << "\n"
              << "model config     " << fp.modelConfigHash << "\n"
              << "dtype            " << fp.dtype << "\n"
              << "tokenizer        " << fp.tokenizerHash << "\n"
              << "run config       " << fp.runConfigHash << "\n"
              << "storage          shuffle + deflate " << storage.deflateLevel << ", " << storage.chunkTokens
              << "-token chunks, target " << storage.shardSizeMB << " MiB/shard\n"
              << "shards           " << set.shards().size() << "\n"
              << "sequences        " << set.numSequences() << "\n"
              << "tokens           " << set.numTokens() << "\n"
              << "payload          " << mib(double(payload)) << " (" << payloadBytesPerToken(d) << " B/token)\n"
              << "on disk          " << mib(double(bytes));
    if (set.numTokens() > 0)
        std::printf(" (%.1f B/token, ratio %.2f)", double(bytes) / double(set.numTokens()),
                    bytes > 0 ? double(payload) / double(bytes) : 0.0);
    std::cout << std::flush;
    std::printf("\n");
    std::fflush(stdout);
    if (set.numSequences() > 0) {
        std::map<std::string, std::pair<int64_t, int64_t>> perSource;
        int64_t decode = 0, requests = 0;
        for (const auto& e : set.sequenceIndex()) {
            perSource[e.record.source].first += 1;
            perSource[e.record.source].second += e.record.length;
            decode += e.record.generatedTokens;
            requests += e.record.requestId.empty() ? 0 : 1;
        }
        std::cout << "phase            " << set.numTokens() - decode << " prefill tokens, " << decode
                  << " decode tokens; " << requests << " sequences with a request id\n";
        std::cout << "sources\n";
        for (const auto& [name, c] : perSource)
            std::cout << "  " << name << ": " << c.first << " sequences, " << c.second << " tokens\n";
    }
    if (!set.sourceStats().empty()) {
        std::cout << "corpus\n";
        for (const TraceSourceStats& s : set.sourceStats())
            std::cout << "  " << s.summary() << "\n";
    }
    if (!set.members().empty()) {
        std::cout << "set members      " << set.members().size() << "\n";
        for (const auto& m : set.members())
            std::cout << "  " << m << "\n";
    }
    if (a.flagSet("shards"))
        for (const auto& s : set.shards())
            std::cout << "  " << s.file << "  " << s.sequences << " sequences, " << s.tokens << " tokens, "
                      << mib(double(s.bytes)) << ", crc32 " << s.crc32 << "\n";
    return kOk;
}

int runVerify(const ArgParser& a, const std::string& dir)
{
    TraceSet set;
    try {
        set = TraceSet::open(dir);
    } catch (const Error& e) {
        std::cout << "PROBLEM: " << e.what() << "\n";
        return kVerifyFailed;
    }
    VerifyReport rep = set.verify(consoleProgress(a.flagSet("quiet")));
    // What is there may be sound, but a folder whose writer never finished (a reshard, merge
    // or import killed or failed half-way) must not pass for the whole trace.
    if (!set.complete())
        rep.problems.push_back(dir + ": the trace is incomplete (its manifest says complete: false): the command "
                                     "that wrote it stopped, failed or is still running; rerun that command to "
                                     "complete it");
    for (const auto& p : rep.problems)
        std::cout << "PROBLEM: " << p << "\n";
    if (!rep.ok()) {
        std::cout << rep.problems.size() << " problem(s) in " << dir << "\n";
        return kVerifyFailed;
    }
    std::cout << "OK: " << rep.shardsChecked << " shards, " << rep.sequencesChecked << " sequences, "
              << rep.tokensChecked << " tokens verified\n";
    return kOk;
}

ReshardOptions readReshardOptions(const ArgParser& a)
{
    ReshardOptions o;
    o.shardSizeMB = a.getDouble("size-mb", 0, HUGE_VAL, true);
    if (a.has("deflate"))
        o.deflateLevel = int(a.getInt("deflate", 0, 9));
    if (a.has("chunk-tokens"))
        o.chunkTokens = int(a.getInt("chunk-tokens", 1, INT32_MAX));
    o.overwrite = a.flagSet("overwrite");
    o.dropFeatures = a.flagSet("drop-features");
    return o;
}

int runReshard(const ArgParser& a, const std::string& dir)
{
    const auto more = a.positionalValues("more");
    if (more.empty())
        throw UsageError("reshard needs a destination folder: specmoe traces reshard <dir> <dest>");
    if (more.size() > 1)
        throw UsageError("unexpected argument '" + more[1] + "' (reshard takes <dir> <dest>)");
    const std::string dest = more.front();
    const ReshardOptions o = readReshardOptions(a);
    const ReshardResult r = reshardTrace(dir, dest, o, consoleProgress(a.flagSet("quiet")));
    std::cout << "resharded into " << dest << ": " << r.shards << " shards, " << r.sequences << " sequences, "
              << r.tokens << " tokens\n";
    return kOk;
}

// merge OUT IN...: a trace set (several folders, or a set folder) written as one folder.
int runMerge(const ArgParser& a, const std::string& out)
{
    const auto inputs = a.positionalValues("more");
    if (inputs.empty())
        throw UsageError("merge needs the trace folders to join: specmoe traces merge <out> <in>...");
    const ReshardOptions o = readReshardOptions(a);
    const ReshardResult r = mergeTraces(inputs, out, o, consoleProgress(a.flagSet("quiet")));
    std::cout << "merged " << inputs.size() << " input" << (inputs.size() == 1 ? "" : "s") << " into " << out
              << ": " << r.shards << " shards, " << r.sequences << " sequences, " << r.tokens << " tokens\n";
    return kOk;
}

int runExport(const ArgParser& a, const std::string& dir)
{
    // The options first: a usage error is reported before any file is read.
    CsvExportOptions o;
    o.seqIds = parseIdList(a.getAll("seq"), "seq", {"a sequence id"});
    for (int64_t l : parseIdList(a.getAll("layers"), "layers", {"a layer", 0, INT32_MAX}))
        o.layers.push_back(int(l));
    o.lookahead = a.flagSet("lookahead");
    o.logits = a.flagSet("logits");
    if (!a.flagSet("all") && o.seqIds.empty())
        throw UsageError("export-csv needs --seq IDS (or --all for every sequence)");
    const TraceSet set = TraceSet::open(dir);
    const std::string outPath = a.get("out");
    int64_t rows = 0;
    if (outPath.empty() || outPath == "-") {
        rows = exportCsv(set, std::cout, o);
    } else {
        rows = exportCsvFile(set, outPath, o, consoleProgress(a.flagSet("quiet")));
        std::cerr << "wrote " << rows << " rows to " << outPath << "\n";
    }
    return kOk;
}

int runTraces(const ArgParser& a)
{
    const std::string action = a.positionalValue("action");
    const std::string dir = a.positionalValue("dir");
    if (action != "reshard" && action != "merge" && !a.positionalValues("more").empty())
        throw UsageError("unexpected argument '" + a.positionalValues("more").front() + "'");
    if (action == "info")
        return runInfo(a, dir);
    if (action == "verify")
        return runVerify(a, dir);
    if (action == "reshard")
        return runReshard(a, dir);
    if (action == "merge")
        return runMerge(a, dir);
    if (action == "export-csv")
        return runExport(a, dir);
    throw UsageError("unknown action '" + action + "' (info, verify, reshard, merge, export-csv; import: see "
                     "'specmoe traces import --help')");
}

} // namespace

SPECMOE_COMMAND("traces", "inspect, verify, reshard, merge or export a routing trace folder or set (import: traces import)",
                [](ArgParser& p) {
                    p.positional("action", "info | verify | reshard | merge | export-csv");
                    p.positional("dir", "the trace folder (manifest.json) or trace set folder (trace-set.json or "
                                        "rank-* members); merge: the output folder");
                    p.positionalList("more", "reshard: the destination folder; merge: the trace folders or sets to "
                                             "join, in order",
                                     false);
                    p.flag("json", "info: print the manifest as JSON");
                    p.flag("shards", "info: list every shard");
                    p.option("size-mb", "MB", "reshard, merge: target uncompressed payload per shard (MiB)", "256");
                    p.option("deflate", "LEVEL", "reshard, merge: deflate level 0-9 (0 = uncompressed; default: keep)");
                    p.option("chunk-tokens", "N", "reshard, merge: tokens per HDF5 chunk (default: keep)");
                    p.flag("overwrite", "reshard, merge: clear a destination that already holds a trace");
                    p.flag("drop-features", "reshard, merge: leave the hidden-state features and their basis out");
                    p.multiOption("seq", "IDS", "export-csv: sequence ids, e.g. 3,5-9");
                    p.flag("all", "export-csv: every sequence");
                    p.multiOption("layers", "LAYERS", "export-csv: layers, e.g. 0,4-7 (default: all)");
                    p.flag("lookahead", "export-csv: add lookahead id columns");
                    p.flag("logits", "export-csv: add router logit columns");
                    p.option("out", "FILE", "export-csv: output file ('-' = stdout)", "-");
                    p.flag("quiet", "no progress lines");
                },
                runTraces);

} // namespace specmoe::cli
