#pragma once
// Writes routing traces as a folder of HDF5 shards plus manifest.json
// (docs/trace-format.md). Whole sequences only; a shard is written under a temporary
// name, renamed when complete, and the manifest is then replaced atomically, so a crash
// or a full disk leaves every listed shard intact and the run resumable.
//
// Resume: opening a folder that already holds a matching trace returns the sequence ids
// already stored (completedSequences()); the caller skips them and appends the rest.
#include "core/trace/feature_basis.h"
#include "core/trace/routing.h"
#include "core/trace/trace_run_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace specmoe {

// What makes two traces comparable; a folder written under another fingerprint is refused.
struct TraceFingerprint {
    std::string modelConfigHash; // hash of the model's config.json (architecture)
    std::string dtype;           // compute dtype of the forward pass, e.g. "bfloat16"
    std::string tokenizerHash;   // hash of the tokenizer model file
    std::string runConfigHash;   // hash of the collection settings that change the data

    bool operator==(const TraceFingerprint& o) const
    {
        return modelConfigHash == o.modelConfigHash && dtype == o.dtype &&
               tokenizerHash == o.tokenizerHash && runConfigHash == o.runConfigHash;
    }
    bool operator!=(const TraceFingerprint& o) const { return !(*this == o); }
    nlohmann::json toJson() const;
    static TraceFingerprint fromJson(const nlohmann::json& j);
};

// Default filter settings, chosen by measurement (bench/bench_trace_io.cpp,
// docs/trace-format.md "Measurements"): zlib deflate runs at ~35-45 MB/s per core, below
// the 200 MB/s write target, so the default is shuffle only (level 0); deflate level 1
// (1.6x smaller) is an option here and in `specmoe traces reshard --deflate 1`.
// 8192-token chunks read fastest and pad the last chunk of a shard least.
constexpr int kDefaultDeflateLevel = 0;
constexpr int kDefaultChunkTokens = 8192;

// Which model a trace is of (manifest "model"; schema 2).
struct TraceModelInfo {
    std::string family;  // e.g. "mixtral", "qwen3_moe", "deepseek_v3"; empty = unknown
    std::string name;    // e.g. "Qwen/Qwen3-30B-A3B" or the model folder's name
    std::string routing; // router function, e.g. "softmax_topk", "sigmoid_group_topk"

    bool operator==(const TraceModelInfo& o) const
    {
        return family == o.family && name == o.name && routing == o.routing;
    }
    bool operator!=(const TraceModelInfo& o) const { return !(*this == o); }
};

// Where a trace came from (manifest "origin"; schema 2).
struct TraceOrigin {
    std::string kind = "collected";  // "collected" (our runtime), "imported" or "synthetic"
    std::string engine;              // for imports: "vllm", "sglang", "megatron", "npy"
    std::string engineVersion;       // as the user gave it; may be empty
    std::vector<std::string> inputs; // imported files (absolute paths)
    // Whether each token's k ids per layer are listed in rank order (slot 0 = the highest
    // router weight). Collected and synthetic traces are; an engine's id-only output may not
    // be (Megatron's hook path lists ids ascending), so analyses that read slot 0 as the
    // first choice skip or flag their output when this is false. Absent in a manifest = true.
    bool idsRanked = true;

    bool operator==(const TraceOrigin& o) const
    {
        return kind == o.kind && engine == o.engine && engineVersion == o.engineVersion && inputs == o.inputs &&
               idsRanked == o.idsRanked;
    }
    bool operator!=(const TraceOrigin& o) const { return !(*this == o); }
};

struct TraceWriterOptions {
    double shardSizeMB = 256;        // target uncompressed payload per shard (MiB)
    int deflateLevel = kDefaultDeflateLevel; // 0 = uncompressed, 1..9 = shuffle + deflate
    int chunkTokens = kDefaultChunkTokens;   // tokens per HDF5 chunk
    bool startOver = false;          // clear a folder holding another fingerprint
    TraceRunConfig runConfig;        // the run's settings, kept in the manifest
    TraceModelInfo model;            // kept in the manifest (schema 2)
    TraceOrigin origin;              // kept in the manifest (schema 2)
};

class TraceWriter {
public:
    // Opens (creates) `dir`. Invalid dims (dimsProblem()) throw specmoe::Error. An existing
    // trace with the same fingerprint, dims, model and origin is resumed: stale temporary
    // shards and shard files the manifest does not list are removed. A different
    // fingerprint, dims, model or origin throws specmoe::Error naming the fields, unless
    // options.startOver, which clears the folder's trace files first. (A schema-1 folder
    // has no model or origin: those are not compared, the writer's are recorded.)
    TraceWriter(const std::string& dir, const TraceDims& dims, const TraceFingerprint& fp,
                const TraceWriterOptions& options = {});
    ~TraceWriter(); // without flush()/finish(): the unfinished shard is discarded, listed ones kept
    TraceWriter(const TraceWriter&) = delete;
    TraceWriter& operator=(const TraceWriter&) = delete;

    const std::string& dir() const;
    const TraceDims& dims() const;
    // Sequence ids stored in complete shards (at open, plus those flushed since).
    const std::set<int64_t>& completedSequences() const;
    bool isCompleted(int64_t seqId) const;
    // Whether open() resumed an existing trace (false for a fresh or cleared folder).
    bool resumed() const;

    // Appends whole sequences (block.sequences covers all its tokens; validated).
    // A sequence id already stored or appended throws specmoe::Error. Flushes a shard
    // each time the target size is reached; sequences are never split across shards.
    // I/O errors (full disk, ...) throw specmoe::Error naming the shard; shards
    // completed earlier stay listed and intact.
    void append(const RoutingBlock& block);

    // Features (dims.featureDim > 0): the basis they were computed with. Writes it into the
    // folder (kFeatureBasisFileName, through a temporary file and a rename) and records its
    // name and SHA-256 in the manifest, which is saved at once: call it before the first
    // append(), which refuses features without a basis. A resumed trace keeps its basis: a
    // different one (another hash) throws specmoe::Error naming the file, and the stored file
    // must still have the recorded hash. A basis whose layers or dim differ from the dims, or
    // that is invalid (FeatureBasis::problem()), throws too.
    void setFeatureBasis(const FeatureBasis& basis);
    // The manifest's record of the basis (empty until setFeatureBasis() or when the trace
    // being resumed has none).
    const TraceFeatureInfo& featureInfo() const;

    // Replaces the run configuration kept in the manifest (a collector that measures its
    // batch size once the model is loaded); written with the next shard or finish().
    void setRunConfig(const TraceRunConfig& runConfig);
    // Skipped-input statistics per source, stored in the manifest ("skipped"); replaces
    // the previous value. Written with the next shard or finish().
    void setSkipStats(const std::vector<TraceSourceStats>& perSource);

    // Writes the pending sequences (if any) as a complete shard now, below the target size
    // if need be: temporary name, fsync, rename, then the manifest (not marked complete).
    // The trace stays open for more appends. Used when a run stops early (cancel), so a
    // resume continues after every sequence appended so far. Throws specmoe::Error on an
    // I/O failure (the unfinished shard is discarded, listed shards stay intact).
    void flush();

    // Writes the pending sequences as a last shard and marks the manifest complete.
    void finish();

    int64_t tokensWritten() const;    // in complete shards, including resumed ones
    int64_t sequencesWritten() const; // in complete shards, including resumed ones
    size_t shardsWritten() const;     // complete shards, including resumed ones

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// Uncompressed bytes per stored token for these dims (docs/trace-format.md).
size_t payloadBytesPerToken(const TraceDims& dims);

} // namespace specmoe
