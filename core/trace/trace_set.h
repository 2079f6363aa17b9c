#pragma once
// Reads a trace folder written by TraceWriter: manifest, shard list, whole shards,
// streamed blocks of whole sequences with bounded memory, single sequences, verification.
#include "core/trace/feature_basis.h"
#include "core/trace/routing.h"
#include "core/trace/trace_writer.h"
#include "core/util/progress.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace specmoe {

struct ShardInfo {
    std::string file;          // file name inside the folder
    int64_t tokens = 0;
    int64_t sequences = 0;
    int64_t bytes = 0;         // file size
    int64_t payloadBytes = 0;  // uncompressed payload
    std::string crc32;         // of the whole file, hex
    std::vector<std::pair<int64_t, int64_t>> seqRanges; // inclusive [first, last] id runs
};

// A sequence and where it lives.
struct SequenceEntry {
    SequenceRecord record; // tokenOffset: row inside its shard
    size_t shard = 0;
};

struct VerifyReport {
    bool ok() const { return problems.empty(); }
    std::vector<std::string> problems; // each names the shard/file and the field at fault
    size_t shardsChecked = 0;
    int64_t tokensChecked = 0;
    int64_t sequencesChecked = 0;
};

// False when the environment variable SPECMOE_NO_VERIFY_CRC is set (not empty, not "0").
bool verifyCrcByDefault();

struct TraceReadOptions {
    // Read each shard into memory and check its size and CRC-32 against the manifest before
    // HDF5 opens it: HDF5 can crash on a flipped byte. Turn off only for trusted data
    // (SPECMOE_NO_VERIFY_CRC=1 does for every TraceSet opened without options).
    bool verifyCrc = verifyCrcByDefault();
};

class TraceSet {
public:
    // Reads manifest.json. Throws specmoe::Error when it is missing, unreadable or of an
    // unknown schema version, or lists a shard or a sequence id twice.
    // A trace set folder (trace-set.json, or rank-NNNNN member folders as a distributed
    // collection writes them) reads as one trace of all its members' shards, in member order
    // (docs/trace-format.md "Trace sets"); errors name the member at fault.
    static TraceSet open(const std::string& dir, const TraceReadOptions& options = {});
    // Several trace folders (or set folders) read as one set, in the order given.
    static TraceSet openFolders(const std::vector<std::string>& dirs, const TraceReadOptions& options = {});
    // Whether `dir` holds a trace manifest, a trace set manifest or rank-* member folders
    // (possibly still being collected); opens nothing.
    static bool isTraceFolder(const std::string& dir);
    // Whether `dir` is a set folder (trace-set.json, or rank-* members and no manifest.json).
    static bool isSetFolder(const std::string& dir);
    // DIR/manifest.json.
    static std::string manifestPath(const std::string& dir);
    TraceSet();
    ~TraceSet();
    TraceSet(TraceSet&&) noexcept;
    TraceSet& operator=(TraceSet&&) noexcept;

    const std::string& dir() const;
    // The member folders of a set (as the set names them); empty for a single trace folder.
    const std::vector<std::string>& members() const;
    const TraceDims& dims() const;
    const TraceFingerprint& fingerprint() const;
    int schemaVersion() const; // the manifest's: 1 or 2
    // Which model and where from (manifest "model", "origin"; a schema-1 trace gives the
    // defaults: empty model, origin kind "collected").
    const TraceModelInfo& model() const;
    const TraceOrigin& origin() const;
    bool complete() const; // finish() was called by the writer
    const TraceRunConfig& runConfig() const;               // the collection settings
    const std::vector<TraceSourceStats>& sourceStats() const; // kept and skipped input per source
    const TraceStorage& storage() const;
    TraceTotals totals() const;
    const std::string& created() const; // ISO-8601 UTC
    const std::string& updated() const;
    // Hidden-state features (dims().featureDim > 0): the manifest's record of the basis
    // (empty when the trace has none) and the basis itself, read from the folder on first use
    // after its SHA-256 and shape are checked (throws specmoe::Error naming the file);
    // nullptr when the trace has none.
    const TraceFeatureInfo& featureInfo() const;
    const FeatureBasis* featureBasis() const;
    // The manifest as JSON text (what `specmoe traces info --json` prints).
    std::string manifestText() const;

    const std::vector<ShardInfo>& shards() const;
    std::string shardPath(size_t i) const;
    int64_t numTokens() const;
    int64_t numSequences() const;

    // A whole shard in memory. Throws specmoe::Error naming the shard on a corrupt,
    // truncated or inconsistent file, or on values out of range (naming the sequence).
    RoutingBlock readShard(size_t i) const;

    // Streams all shards in order as blocks of whole sequences, each at most
    // maxTokensPerBlock tokens (a longer sequence comes alone), until the visitor returns
    // false. Memory stays bounded by the block size plus HDF5's chunk cache. Returns false
    // when the visitor stopped the stream. Progress unit: tokens.
    bool forEachBlock(const BlockVisitor& visit, size_t maxTokensPerBlock = size_t(1) << 16,
                      const ProgressFn& progress = {}) const;

    // The sequence table of all shards; tokenOffset is the global token row (shards
    // concatenated in order). Read lazily from the shards, then cached.
    std::vector<SequenceRecord> sequences() const;
    // Same, with shard-local offsets and the shard index.
    const std::vector<SequenceEntry>& sequenceIndex() const;

    // One sequence by id (token journeys); throws specmoe::Error for an unknown id.
    RoutingBlock readSequence(int64_t seqId) const;
    // Several sequences, in the order given.
    RoutingBlock readSequences(const std::vector<int64_t>& seqIds) const;

    // Full check: file sizes and checksums, schema and attributes, counts against the
    // manifest, sequence table, expert ids and positions in range, duplicate ids.
    VerifyReport verify(const ProgressFn& progress = {}) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// Writes DIR/trace-set.json listing `members` (folders relative to DIR, in the order they
// are read) with each member's manifest CRC-32 and totals as they are now
// (docs/trace-format.md "Trace sets"); worldSize: the ranks of the collection that wrote
// them (0 = not a collection). Throws specmoe::Error naming a member that is no trace folder.
void writeTraceSetManifest(const std::string& dir, const std::vector<std::string>& members, int worldSize = 0);
// Removes DIR/trace-set.json, if any (a collection rerun changes its members).
void removeTraceSetManifest(const std::string& dir);
// "rank-00003": the member folder of a distributed collection's rank 3.
std::string rankFolderName(int rank);
// The rank-* folders of DIR holding a manifest.json, sorted by name.
std::vector<std::string> rankMemberFolders(const std::string& dir);

} // namespace specmoe
