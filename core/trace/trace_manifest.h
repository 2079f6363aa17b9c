#pragma once
// Internal to core/trace: manifest.json of a trace folder (docs/trace-format.md).
#include "core/trace/feature_basis.h"
#include "core/trace/routing.h"
#include "core/trace/trace_run_config.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace specmoe::manifest {

constexpr int kManifestVersion = 2; // written; 1 and 2 are read
constexpr const char* kFileName = "manifest.json";
constexpr const char* kFormatName = "specmoe-trace";

struct Manifest {
    int schemaVersion = kManifestVersion; // as read (a new manifest: kManifestVersion)
    TraceDims dims;
    TraceFingerprint fingerprint;
    TraceModelInfo model;
    TraceOrigin origin;
    TraceRunConfig runConfig;
    std::vector<TraceSourceStats> skipped;
    std::vector<ShardInfo> shards;
    TraceFeatureInfo features; // empty unless dims.featureDim > 0 and the basis was recorded
    bool complete = false;
    TraceStorage storage{256, kDefaultDeflateLevel, kDefaultChunkTokens};
    std::string created, updated; // ISO-8601 UTC

    int64_t tokens() const;
    int64_t sequences() const;
    TraceTotals totals() const;
    nlohmann::json toJson() const;
};

nlohmann::json dimsToJson(const TraceDims& d);
// Throws specmoe::Error naming `where` and the field for ill-typed or invalid dims
// (dimsProblem()). The layer map comes back in one form: empty when it is the identity;
// decoderLayers as stored (0 = layers).
TraceDims dimsFromJson(const nlohmann::json& j, const std::string& where);
nlohmann::json modelToJson(const TraceModelInfo& m);
nlohmann::json originToJson(const TraceOrigin& o);
// Whether `kind` is an origin this build writes and reads: collected, imported, synthetic.
bool isKnownOriginKind(const std::string& kind);

// Parses manifest.json text; throws specmoe::Error naming `path`.
Manifest parse(const std::string& text, const std::string& path);
Manifest load(const std::string& path);
// Atomic replace (temp + fsync + rename).
void save(const Manifest& m, const std::string& path);

// Sorted ids → inclusive runs.
std::vector<std::pair<int64_t, int64_t>> toRanges(std::vector<int64_t> ids);
std::string utcNow();
std::string shardFileName(size_t index);

} // namespace specmoe::manifest
