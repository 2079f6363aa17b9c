// specmoe traces synth: a trace folder of synthetic routing at a real model's dims
// (core/trace/synthetic_trace.h), for trying the workbench, the analysis and the predictors
// without the model, and for benchmarks.
#include "app/cli/command.h"
#include "core/trace/synthetic_trace.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/progress.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>

namespace specmoe::cli {
namespace {

// FNV-1a: the run-config hash must not change between builds (resume compares it).
std::string stableHash(const std::string& text)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text)
        h = (h ^ c) * 0x100000001b3ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

void declareSynthOptions(ArgParser& p)
{
    p.option("out", "DIR", "the trace folder to write");
    std::string names;
    for (const SyntheticPreset& s : syntheticPresets())
        names += (names.empty() ? "" : ", ") + s.name;
    p.option("preset", "NAME", "the model whose dims the routing has (" + names + ")");
    p.option("tokens", "N", "tokens to write", "200000");
    p.option("seq-len", "N", "tokens per sequence", "512");
    p.option("generated", "N", "the last N tokens of each sequence are marked as generated (decode)", "0");
    p.option("noise", "P", "share of top-k slots routed by no rule, 0..1", "0.2");
    p.option("seed", "N", "random seed", "1");
    p.flag("no-weights", "store expert ids only (no router weights), as imported traces are");
    p.option("size-mb", "MB", "target uncompressed payload per shard (MiB)", "256");
    p.flag("overwrite", "clear a folder that holds a trace of other settings (the same settings resume)");
    p.flag("quiet", "no progress lines");
}

int runSynth(const ArgParser& a)
{
    const std::string dir = a.get("out");
    if (dir.empty())
        throw UsageError("--out DIR is required");
    if (!a.has("preset"))
        throw UsageError("--preset NAME is required");
    const SyntheticPreset* found = nullptr;
    try {
        found = &syntheticPreset(a.get("preset"));
    } catch (const Error& e) {
        throw UsageError(std::string("option --preset: ") + e.what());
    }
    const SyntheticPreset& preset = *found;
    const int64_t tokens = a.getInt("tokens", 1, int64_t(1) << 40);
    const bool weights = !a.flagSet("no-weights");
    SyntheticRouting spec = presetRouting(preset, weights, a.getDouble("noise", 0.0, 1.0));
    spec.minLength = spec.maxLength = int(a.getInt("seq-len", 1, 1 << 20));
    // More generated tokens than a sequence holds was clamped silently: every token decode.
    spec.generatedTokens = int(a.getInt("generated", 0, spec.maxLength));
    spec.seed = uint64_t(a.getInt("seed", 0, INT64_MAX));

    const std::string settings = preset.name + "|" + std::to_string(tokens) + "|" + std::to_string(spec.maxLength) + "|" +
                                 std::to_string(spec.generatedTokens) + "|" + a.get("noise") + "|" +
                                 std::to_string(spec.seed) + "|" + (weights ? "w" : "ids");
    TraceFingerprint fp;
    fp.modelConfigHash = "synthetic:" + preset.name;
    fp.dtype = "synthetic";
    fp.runConfigHash = stableHash(settings);
    TraceWriterOptions o;
    o.shardSizeMB = a.getDouble("size-mb", 0, HUGE_VAL, true);
    o.startOver = a.flagSet("overwrite");
    o.runConfig.tool = "specmoe-synth-1";
    o.runConfig.targetTokens = tokens;
    o.runConfig.maxLength = o.runConfig.minLength = spec.maxLength;
    o.runConfig.seed = spec.seed;
    o.model.family = preset.family;
    o.model.name = preset.modelName;
    o.model.routing = preset.routing;
    o.origin.kind = "synthetic";
    o.origin.engine = "specmoe traces synth";

    TraceWriter writer(dir, spec.dims, fp, o);
    const ProgressFn progress = consoleProgress(a.flagSet("quiet"));
    ProgressMeter meter;
    int64_t done = 0;
    // One sequence per block: a resumed run skips the sequences the folder already holds.
    syntheticStream(spec, tokens, spec.maxLength, [&](const RoutingBlock& b) {
        if (!writer.isCompleted(b.sequences.front().seqId))
            writer.append(b);
        done += int64_t(b.numTokens());
        Progress pr;
        pr.stage = "synth";
        pr.unit = "tokens";
        pr.done = done;
        pr.total = tokens;
        meter.measure(pr);
        reportProgress(progress, pr);
        return true;
    });
    writer.finish();
    std::cout << "wrote " << writer.tokensWritten() << " tokens, " << writer.sequencesWritten() << " sequences in "
              << writer.shardsWritten() << " shards to " << dir << " (" << preset.name << ": " << describeDims(spec.dims)
              << (weights ? "" : ", ids only") << ")\n";
    return kOk;
}

} // namespace

SPECMOE_COMMAND("traces synth", "write a trace folder of synthetic routing at a real model's dims",
                declareSynthOptions, runSynth);

} // namespace specmoe::cli
