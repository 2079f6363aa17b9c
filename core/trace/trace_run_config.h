#pragma once
// What a trace folder records about the run that wrote it (manifest.json "run_config",
// "skipped" and "storage"; docs/trace-format.md). Typed here so readers outside core/trace
// (the CLI, the workbench) need no knowledge of the manifest's keys.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace specmoe {

// One corpus source as the collector read it.
struct TraceSourceRecord {
    std::string name;
    std::string path;
    std::string format;        // "text", "paragraphs", "jsonl", "jsonl-ids", "csv", "tsv", "auto"
    std::string field;         // JSON/CSV field holding the text, "" = the format's default
    double weight = 1.0;
    int64_t maxTokens = 0;     // 0 = no cap
    int64_t maxSequences = 0;  // 0 = no cap
};

// The collection settings of a trace ("run_config"). Fields a writer did not record keep
// their defaults (resharded and hand-made traces record only some).
struct TraceRunConfig {
    std::string tool;          // writer and version, e.g. "specmoe-collect-1"
    std::string modelDir;      // absolute model folder
    std::string tokenizer;     // absolute tokenizer.model or tokenizer.json; "" when every source held token ids
    std::vector<TraceSourceRecord> sources;
    int64_t targetTokens = 0;
    int64_t targetSequences = 0;
    int maxLength = 0;
    int minLength = 0;
    std::string longDocuments; // "truncate" or "split"
    bool dedup = false;
    int shuffleBuffer = 0;
    uint64_t seed = 0;
    std::string device;        // the device the forward pass ran on, e.g. "cpu", "cuda:0"
    std::string dtype;         // compute dtype
    std::string residency;     // "resident", "split", "streaming"
    std::vector<int> lookahead;
    bool withLogits = false;
    std::string features;      // feature spec (core/trace/feature_basis.h), "" = none
    std::string featureBasis;  // absolute path of the basis file reused (collect --feature-basis);
                               // "" = the collection built its own
    int batchSize = 0;         // sequences per forward pass (0 = not recorded)
    int bucketBatches = 0;
    std::string corpusDigest;
    int64_t corpusSequences = 0;
    int64_t corpusTokens = 0;
    // A distributed collection: this folder holds rank `rank`'s part of the corpus (the
    // sequences of positions [rank * n / worldSize, (rank + 1) * n / worldSize)); worldSize 0
    // = the whole corpus (corpusSequences and corpusTokens are the whole corpus's either way).
    int rank = 0;
    int worldSize = 0;

    nlohmann::json toJson() const;
    // Throws specmoe::Error naming `where` and the field when a recorded field has the
    // wrong type; absent fields keep their defaults.
    static TraceRunConfig fromJson(const nlohmann::json& j, const std::string& where);
};

// Per-source corpus statistics of the run ("skipped"): what was kept and what was dropped.
struct TraceSourceStats {
    std::string name;
    int64_t files = 0;
    int64_t documents = 0;
    int64_t sequences = 0;
    int64_t tokens = 0;
    int64_t duplicates = 0;
    int64_t tooShort = 0;
    int64_t truncatedTokens = 0;
    std::map<std::string, int64_t> skipped; // bad input per reason
    int64_t skippedTotal = 0;
    std::vector<std::string> warnings;      // file:line: reason (the first few)
    int64_t warningsNotListed = 0;

    // One line for logs: "wiki: 120 sequences, 5000 tokens; skipped 3 (bad json 3)".
    std::string summary() const;
};

nlohmann::json sourceStatsToJson(const std::vector<TraceSourceStats>& stats);
std::vector<TraceSourceStats> sourceStatsFromJson(const nlohmann::json& j, const std::string& where);

// How the shards are stored ("storage").
struct TraceStorage {
    double shardSizeMB = 256;  // target uncompressed payload per shard
    int deflateLevel = 0;      // 0 = shuffle only
    int chunkTokens = 0;       // tokens per HDF5 chunk
};

// Sums over the shards listed in the manifest.
struct TraceTotals {
    size_t shards = 0;
    int64_t tokens = 0;
    int64_t sequences = 0;
    int64_t fileBytes = 0;     // on disk
    int64_t payloadBytes = 0;  // uncompressed
};

} // namespace specmoe
