// A trace folder's manifest.json: parsed as TraceSet::open reads it, then what `specmoe
// traces info` shows of it (totals, run configuration, the manifest written back). No
// shard exists, so reading sequences must end in specmoe::Error naming the shard.
#include "core/trace/trace_manifest.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_support.h"

using namespace specmoe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::ScratchDir dir("manifest");
    fuzz::writeFile(TraceSet::manifestPath(dir.path()), data, size);
    TraceSet t;
    try {
        t = TraceSet::open(dir.path());
    } catch (const Error&) {
        return 0;
    }
    t.totals();
    t.runConfig();
    t.sourceStats();
    // What we write must read back (traces info --json, the writer's resume).
    const std::string text = t.manifestText();
    const manifest::Manifest again = manifest::parse(text, "manifest.json (written back)");
    if (again.toJson().dump(2) != text)
        __builtin_trap();
    try {
        t.sequences();
    } catch (const Error&) {
    }
    return 0;
}
