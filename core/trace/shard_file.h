#pragma once
// Internal to core/trace: one HDF5 shard file (docs/trace-format.md, schema version 2;
// schema 1 is read too). id = uint8 (255 = no expert) when E <= 255, else uint16 (65535).
//   /                      attributes: format, schema_version, layers, experts, topk,
//                          lookahead, has_logits, has_weights, moe_layers, decoder_layers,
//                          shared_experts, shard_index, num_tokens, num_sequences,
//                          model_config_hash, dtype, tokenizer_hash, run_config_hash
//   /tokens/token_id       int32   [N]
//   /tokens/topk_ids       id      [N, L, k]
//   /tokens/topk_weights   float16 [N, L, k]      (has_weights)
//   /tokens/router_logits  float16 [N, L, E]      (has_logits)
//   /tokens/lookahead_ids  id      [N, L, D, k]   (lookahead not empty)
//   /tokens/features       float16 [N, L, F]      (attribute feature_dim = F > 0)
//   /tokens/position       int32   [N]            (only when some sequence's positions
//                                                  are not first_position + i)
//   /sequences/seq_id, token_offset (int64), length, first_position, generated_tokens
//   (int32), /sequences/source, doc_id, [request_id] (variable-length UTF-8 strings)  [S]
#include "core/trace/h5_handle.h"
#include "core/trace/shard_bytes.h"
#include "core/trace/routing.h"
#include "core/trace/shard_image.h"
#include "core/trace/trace_writer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::shard {

constexpr int kSchemaVersion = 2; // written; 1 and 2 are read
constexpr const char* kFormatName = "specmoe-trace-shard";

struct SeqTable {
    std::vector<int64_t> seqId, tokenOffset;
    std::vector<int32_t> length, firstPosition, generated;
    std::vector<std::string> source, docId, requestId;
    size_t size() const { return seqId.size(); }
    void clear();
};

// Per-token array description shared by writer and reader.
struct Column {
    std::string name;
    size_t rowElems = 1; // elements per token
    size_t elemBytes = 1;
    std::vector<hsize_t> rowShape; // dims after the token axis
    hid_t fileType = -1;           // not owned
    hid_t memType = -1;            // not owned
    h5::Id dset;
    // Expert ids (topk_ids, lookahead_ids): ExpertId in memory, `fileType` on disk. A uint8
    // column goes through `narrow` (kNoExpert <-> 255) instead of HDF5's conversion; a
    // uint16 column is read and written as it is.
    bool ids = false;
    bool narrowIds = false;
    std::vector<uint8_t> narrow;
    int64_t chunkRows = 0; // rows per HDF5 chunk (reader; 0 = not chunked)
};

class ShardFileWriter {
public:
    // Creates `path` (truncating). `label` names the shard in errors.
    ShardFileWriter(const std::string& path, const std::string& label, const TraceDims& dims,
                    const TraceFingerprint& fp, int64_t shardIndex, int deflateLevel, int chunkTokens,
                    size_t expectedBytes = 0); // sizes the in-memory file's first allocation
    ~ShardFileWriter(); // abandons (no throw) when close() was not reached
    ShardFileWriter(const ShardFileWriter&) = delete;
    ShardFileWriter& operator=(const ShardFileWriter&) = delete;

    // Appends sequences [seqBegin, seqEnd) of a validated block.
    void addSequences(const RoutingBlock& b, size_t seqBegin, size_t seqEnd);
    int64_t tokens() const { return m_tokens; }
    int64_t payloadBytes() const;
    const SeqTable& table() const { return m_table; }

    // Writes what is pending, the sequence table and the counts, closes and fsyncs the
    // file. Throws specmoe::Error naming the shard.
    void close();
    // After close(): the file's size and CRC-32 (computed from memory while it was written).
    int64_t fileBytes() const { return m_fileBytes; }
    uint32_t fileCrc32() const { return m_fileCrc; }
    // Closes ignoring errors (the caller removes the file).
    void abandon();

private:
    void writePending(bool all);
    void appendRows(Column& c, const void* data, size_t rows);
    void appendIdRows(Column& c, const ExpertId* data, size_t rows);
    void enableExplicitPositions();
    // Writes and fsyncs data as path; returns its CRC-32.
    static uint32_t writeFileDurable(const std::string& path, const char* data, size_t n,
                                     const std::string& label);

    std::string m_path, m_label;
    TraceDims m_dims;
    int m_chunkTokens;
    ShardImage m_image; // before m_file: the file's memory outlives the file
    h5::Id m_file;
    h5::Id m_f16;
    std::vector<Column> m_cols; // token_id, topk_ids, topk_weights, [logits], [lookahead]
    Column m_position;
    bool m_explicitPositions = false;
    int m_deflate;
    RoutingBlock m_pending;     // rows not yet handed to HDF5
    int64_t m_written = 0;      // rows handed to HDF5
    int64_t m_tokens = 0;
    SeqTable m_table;
    bool m_closed = false;
    int64_t m_fileBytes = 0;
    uint32_t m_fileCrc = 0;
};

class ShardFileReader {
public:
    // Opens and checks the format attributes. With `expect`, the file is first read into
    // memory and its size and CRC-32 checked (shard_bytes.h); HDF5 then reads that memory.
    // Throws specmoe::Error naming `label`.
    ShardFileReader(const std::string& path, const std::string& label,
                    const ShardExpectation* expect = nullptr);
    ~ShardFileReader();
    ShardFileReader(const ShardFileReader&) = delete;
    ShardFileReader& operator=(const ShardFileReader&) = delete;

    const TraceDims& dims() const { return m_dims; }
    const TraceFingerprint& fingerprint() const { return m_fp; }
    int schemaVersion() const { return m_schema; }
    int64_t shardIndex() const { return m_shardIndex; }
    int64_t tokens() const { return m_tokens; }
    const SeqTable& table() const { return m_table; }
    bool explicitPositions() const { return m_explicitPositions; }

    // Per-token arrays of rows [begin, end) into out (tokenIds, positions, topk, logits,
    // lookahead); sequences and seqIds are left empty.
    void readRows(int64_t begin, int64_t end, RoutingBlock& out);
    // Whole sequences [seqBegin, seqEnd) as a complete block (offsets from 0).
    RoutingBlock readSequences(size_t seqBegin, size_t seqEnd);
    // Same, into `out`, reusing its arrays' memory (a stream of blocks allocates once).
    void readSequences(size_t seqBegin, size_t seqEnd, RoutingBlock& out);

private:
    void readDims(hid_t file);
    void readSequenceTable(hid_t file, int64_t numSequences);
    void readColumn(Column& c, hid_t memType, int64_t begin, int64_t end, void* out);
    void readIdColumn(Column& c, int64_t begin, int64_t end, ExpertId* out);

    std::string m_path, m_label;
    std::unique_ptr<ShardBytes> m_bytes; // before m_file: the checked bytes outlive the file
    h5::Id m_file;
    h5::Id m_f16;
    TraceDims m_dims;
    TraceFingerprint m_fp;
    int m_schema = 0;
    int64_t m_shardIndex = 0, m_tokens = 0;
    SeqTable m_table;
    std::vector<Column> m_cols;
    Column m_position;
    bool m_explicitPositions = false;
};

} // namespace specmoe::shard
