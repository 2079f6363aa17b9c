#include "core/collect/output_cleanup.h"

#include "core/trace/feature_basis.h"
#include "core/trace/trace_set.h"

#include <cstdint>
#include <exception>
#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe {
namespace {

// -1: no trace (no manifest), -2: a manifest that does not read, else its shard count.
long shardCount(const std::string& dir)
{
    if (!TraceSet::isTraceFolder(dir))
        return -1;
    try {
        return long(TraceSet::open(dir).totals().shards);
    } catch (const std::exception&) {
        return -2;
    }
}

} // namespace

OutputBefore inspectOutput(const std::string& dir)
{
    OutputBefore b;
    std::error_code ec;
    b.existed = fs::exists(dir, ec);
    const long shards = b.existed ? shardCount(dir) : -1;
    b.keep = shards > 0 || shards == -2;
    return b;
}

bool removeUnwrittenOutput(const std::string& dir, const OutputBefore& before)
{
    if (before.keep || dir.empty())
        return false;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return false;
    const long shards = shardCount(dir);
    if (shards > 0 || shards == -2)
        return false; // shards to resume, or a manifest this run did not write
    if (!before.existed) // everything in it is this run's
        return fs::remove_all(dir, ec) > 0 && !ec;
    if (shards < 0)
        return false; // no trace in a folder that was there: left as found
    fs::remove(TraceSet::manifestPath(dir), ec);
    fs::remove(fs::path(dir) / kFeatureBasisFileName, ec);
    return fs::is_empty(dir, ec) && !ec && fs::remove(dir, ec);
}

} // namespace specmoe
