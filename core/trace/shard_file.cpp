#include "core/trace/shard_file.h"

#include "core/trace/block_check.h"

#include "core/util/atomic_file.h"
#include "core/util/checksum.h"
#include "core/util/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <fcntl.h>
#include <unistd.h>

namespace specmoe::shard {
namespace {

constexpr const char* kColTokenId = "token_id";
constexpr const char* kColTopkIds = "topk_ids";
constexpr const char* kColTopkWeights = "topk_weights";
constexpr const char* kColLogits = "router_logits";
constexpr const char* kColLookahead = "lookahead_ids";
constexpr const char* kColFeatures = "features";
constexpr const char* kColPosition = "position";

// The per-token columns for dims, in a fixed order (see columnData()); expert ids stored in
// idBytes (1: uint8, 2: uint16).
std::vector<Column> makeColumns(const TraceDims& d, hid_t f16, int idBytes)
{
    const hsize_t L = hsize_t(d.layers), k = hsize_t(d.topk), E = hsize_t(d.experts),
                  D = hsize_t(d.lookahead.size());
    std::vector<Column> cols;
    auto add = [&](const char* name, std::vector<hsize_t> shape, size_t elemBytes, hid_t ft, hid_t mt,
                   bool ids = false) {
        Column c;
        c.ids = ids;
        c.name = name;
        c.rowShape = std::move(shape);
        c.rowElems = 1;
        for (hsize_t x : c.rowShape)
            c.rowElems *= size_t(x);
        c.elemBytes = elemBytes;
        c.fileType = ft;
        c.memType = mt;
        cols.push_back(std::move(c));
    };
    const bool narrow = idBytes == 1;
    const hid_t idFile = narrow ? H5T_STD_U8LE : H5T_STD_U16LE;
    const hid_t idMem = narrow ? H5T_NATIVE_UINT8 : H5T_NATIVE_UINT16;
    add(kColTokenId, {}, 4, H5T_STD_I32LE, H5T_NATIVE_INT32);
    add(kColTopkIds, {L, k}, size_t(idBytes), idFile, idMem, true);
    if (d.hasWeights)
        add(kColTopkWeights, {L, k}, 2, f16, f16);
    if (d.hasLogits)
        add(kColLogits, {L, E}, 2, f16, f16);
    if (D > 0)
        add(kColLookahead, {L, D, k}, size_t(idBytes), idFile, idMem, true);
    if (d.featureDim > 0)
        add(kColFeatures, {L, hsize_t(d.featureDim)}, 2, f16, f16);
    for (Column& c : cols)
        c.narrowIds = c.ids && narrow;
    return cols;
}

Column positionColumn()
{
    Column c;
    c.name = kColPosition;
    c.elemBytes = 4;
    c.fileType = H5T_STD_I32LE;
    c.memType = H5T_NATIVE_INT32;
    return c;
}

// Pointer to the array backing column `c` in a block (same order as makeColumns()).
void* columnData(RoutingBlock& b, const Column& c)
{
    if (c.name == kColTokenId)
        return b.tokenIds.data();
    if (c.name == kColTopkIds)
        return b.topkIds.data();
    if (c.name == kColTopkWeights)
        return b.topkWeights.data();
    if (c.name == kColLogits)
        return b.logits.data();
    if (c.name == kColLookahead)
        return b.lookaheadIds.data();
    if (c.name == kColFeatures)
        return b.features.data();
    return b.positions.data();
}

void resizeColumn(RoutingBlock& b, const Column& c, size_t rows)
{
    const size_t n = rows * c.rowElems;
    if (c.name == kColTokenId)
        b.tokenIds.resize(n);
    else if (c.name == kColTopkIds)
        b.topkIds.resize(n);
    else if (c.name == kColTopkWeights)
        b.topkWeights.resize(n);
    else if (c.name == kColLogits)
        b.logits.resize(n);
    else if (c.name == kColLookahead)
        b.lookaheadIds.resize(n);
    else if (c.name == kColFeatures)
        b.features.resize(n);
    else
        b.positions.resize(n);
}

template <class T>
void appendRange(std::vector<T>& dst, const std::vector<T>& src, size_t begin, size_t end)
{
    dst.insert(dst.end(), src.begin() + std::ptrdiff_t(begin), src.begin() + std::ptrdiff_t(end));
}

template <class T>
void eraseFront(std::vector<T>& v, size_t n)
{
    v.erase(v.begin(), v.begin() + std::ptrdiff_t(std::min(n, v.size())));
}

constexpr uint8_t kNoExpert8 = 255; // the no-expert sentinel of a uint8 id column

// Branch-free loops the compiler vectorizes: reading ids is on the shard-reading hot path.
void narrowIds(const ExpertId* src, size_t n, uint8_t* dst)
{
    for (size_t i = 0; i < n; ++i)
        dst[i] = src[i] == kNoExpert ? kNoExpert8 : uint8_t(src[i]);
}

void widenIds(const uint8_t* src, size_t n, ExpertId* dst)
{
    for (size_t i = 0; i < n; ++i)
        dst[i] = src[i] == kNoExpert8 ? kNoExpert : ExpertId(src[i]);
}

h5::Id makeDcpl(const std::vector<hsize_t>& rowShape, int chunkTokens, int deflate,
                const std::string& where)
{
    h5::Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
    std::vector<hsize_t> chunk{hsize_t(chunkTokens)};
    chunk.insert(chunk.end(), rowShape.begin(), rowShape.end());
    // Shuffle only helps the compressor: without deflate it would be a byte transposition of
    // every chunk for nothing (it cost ~15% of the shard write time).
    if (H5Pset_chunk(dcpl, int(chunk.size()), chunk.data()) < 0 ||
        (deflate > 0 && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, unsigned(deflate)) < 0)) ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
        h5::fail(where, "cannot set dataset filters");
    return dcpl;
}

} // namespace

void SeqTable::clear()
{
    seqId.clear();
    tokenOffset.clear();
    length.clear();
    firstPosition.clear();
    generated.clear();
    source.clear();
    docId.clear();
    requestId.clear();
}

// ---------------------------------------------------------------- writer

ShardFileWriter::ShardFileWriter(const std::string& path, const std::string& label,
                                 const TraceDims& dims, const TraceFingerprint& fp,
                                 int64_t shardIndex, int deflateLevel, int chunkTokens,
                                 size_t expectedBytes)
    : m_path(path), m_label(label), m_dims(dims), m_chunkTokens(std::max(1, chunkTokens)),
      m_deflate(std::clamp(deflateLevel, 0, 9))
{
    h5::quietErrors();
    m_pending.dims = dims;
    m_f16 = h5::float16Type();
    // The shard is assembled in memory (core driver, no backing store) and written out by
    // close() with plain POSIX calls: a full disk then fails in our write(), never inside
    // HDF5, whose half-flushed files cannot be closed cleanly (they crash at exit).
    h5::Id fapl(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    // The core driver zero-fills each increment it grows by; our buffer grows in place
    // (shard_image.cpp). 64 MiB steps, fewer for small shards (measured with bench_trace_io).
    const size_t increment = std::clamp(expectedBytes + (size_t(1) << 20), size_t(4) << 20, size_t(64) << 20);
    if (H5Pset_fapl_core(fapl, increment, 0) < 0 || !m_image.attach(fapl))
        h5::fail(label, "cannot set the in-memory file driver");
    m_file = h5::Id(h5::check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), label,
                              "cannot create shard file " + path));
    const hid_t f = m_file;
    h5::writeAttr(f, "format", std::string(kFormatName), label);
    h5::writeAttr(f, "schema_version", int64_t(kSchemaVersion), label);
    h5::writeAttr(f, "layers", int64_t(dims.layers), label);
    h5::writeAttr(f, "experts", int64_t(dims.experts), label);
    h5::writeAttr(f, "topk", int64_t(dims.topk), label);
    h5::writeAttr(f, "lookahead", std::vector<int32_t>(dims.lookahead.begin(), dims.lookahead.end()), label);
    h5::writeAttr(f, "has_logits", int64_t(dims.hasLogits ? 1 : 0), label);
    h5::writeAttr(f, "has_weights", int64_t(dims.hasWeights ? 1 : 0), label);
    std::vector<int32_t> moeLayers(size_t(dims.layers));
    for (int l = 0; l < dims.layers; ++l)
        moeLayers[size_t(l)] = decoderLayerOf(dims, l);
    h5::writeAttr(f, "moe_layers", moeLayers, label);
    h5::writeAttr(f, "decoder_layers", int64_t(dims.decoderLayers), label); // 0 = layers
    h5::writeAttr(f, "shared_experts", int64_t(dims.sharedExperts), label);
    if (dims.featureDim > 0) // absent = no features (shards without them stay as they were)
        h5::writeAttr(f, "feature_dim", int64_t(dims.featureDim), label);
    h5::writeAttr(f, "shard_index", shardIndex, label);
    h5::writeAttr(f, "model_config_hash", fp.modelConfigHash, label);
    h5::writeAttr(f, "dtype", fp.dtype, label);
    h5::writeAttr(f, "tokenizer_hash", fp.tokenizerHash, label);
    h5::writeAttr(f, "run_config_hash", fp.runConfigHash, label);

    h5::Id tokens(h5::check(H5Gcreate2(f, "tokens", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), label,
                            "cannot create group tokens"));
    m_cols = makeColumns(dims, m_f16, expertIdBytes(dims));
    for (Column& c : m_cols) {
        std::vector<hsize_t> cur{0}, max{H5S_UNLIMITED};
        cur.insert(cur.end(), c.rowShape.begin(), c.rowShape.end());
        max.insert(max.end(), c.rowShape.begin(), c.rowShape.end());
        h5::Id space(H5Screate_simple(int(cur.size()), cur.data(), max.data()));
        h5::Id dcpl = makeDcpl(c.rowShape, m_chunkTokens, m_deflate, label);
        c.dset = h5::Id(h5::check(H5Dcreate2(tokens, c.name.c_str(), c.fileType, space, H5P_DEFAULT,
                                             dcpl, H5P_DEFAULT),
                                  label, "cannot create dataset tokens/" + c.name));
    }
    m_position = positionColumn();
}

ShardFileWriter::~ShardFileWriter()
{
    if (!m_closed)
        abandon();
}

int64_t ShardFileWriter::payloadBytes() const
{
    return m_tokens * int64_t(payloadBytesPerToken(m_dims));
}

void ShardFileWriter::addSequences(const RoutingBlock& b, size_t seqBegin, size_t seqEnd)
{
    if (seqBegin >= seqEnd)
        return;
    const size_t rowBegin = size_t(b.sequences[seqBegin].tokenOffset);
    const auto& last = b.sequences[seqEnd - 1];
    const size_t rowEnd = size_t(last.tokenOffset) + size_t(last.length);
    int64_t local = m_tokens;
    for (size_t s = seqBegin; s < seqEnd; ++s) {
        const SequenceRecord& r = b.sequences[s];
        const size_t off = size_t(r.tokenOffset);
        const int32_t first = b.positions[off];
        if (!m_explicitPositions) {
            for (int32_t i = 1; i < r.length; ++i)
                if (b.positions[off + size_t(i)] != first + i) {
                    enableExplicitPositions();
                    break;
                }
        }
        m_table.seqId.push_back(r.seqId);
        m_table.tokenOffset.push_back(local);
        m_table.length.push_back(r.length);
        m_table.firstPosition.push_back(first);
        m_table.generated.push_back(r.generatedTokens);
        m_table.source.push_back(r.source);
        m_table.docId.push_back(r.docId);
        m_table.requestId.push_back(r.requestId);
        local += r.length;
    }
    const size_t lk = size_t(m_dims.layers) * size_t(m_dims.topk);
    appendRange(m_pending.tokenIds, b.tokenIds, rowBegin, rowEnd);
    appendRange(m_pending.positions, b.positions, rowBegin, rowEnd);
    appendRange(m_pending.topkIds, b.topkIds, rowBegin * lk, rowEnd * lk);
    if (m_dims.hasWeights)
        appendRange(m_pending.topkWeights, b.topkWeights, rowBegin * lk, rowEnd * lk);
    if (m_dims.hasLogits) {
        const size_t le = size_t(m_dims.layers) * size_t(m_dims.experts);
        appendRange(m_pending.logits, b.logits, rowBegin * le, rowEnd * le);
    }
    if (!m_dims.lookahead.empty()) {
        const size_t ld = lk * m_dims.lookahead.size();
        appendRange(m_pending.lookaheadIds, b.lookaheadIds, rowBegin * ld, rowEnd * ld);
    }
    if (m_dims.featureDim > 0) {
        const size_t lf = size_t(m_dims.layers) * size_t(m_dims.featureDim);
        appendRange(m_pending.features, b.features, rowBegin * lf, rowEnd * lf);
    }
    m_tokens = local;
    if (m_pending.tokenIds.size() >= size_t(m_chunkTokens))
        writePending(false);
}

void ShardFileWriter::appendRows(Column& c, const void* data, size_t rows)
{
    if (rows == 0)
        return;
    const std::string where = m_label + " tokens/" + c.name;
    std::vector<hsize_t> dims = h5::shape(c.dset, where);
    const hsize_t start0 = dims[0];
    dims[0] += rows;
    if (H5Dset_extent(c.dset, dims.data()) < 0)
        h5::fail(m_label, "cannot extend dataset tokens/" + c.name);
    h5::Id fspace(h5::check(H5Dget_space(c.dset), where, "cannot get dataspace"));
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    start[0] = start0;
    count[0] = rows;
    if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
        h5::fail(where, "cannot select rows");
    // Same rank and shape as the file selection: HDF5 then maps whole chunks at once
    // instead of iterating element by element.
    h5::Id mspace(H5Screate_simple(int(count.size()), count.data(), nullptr));
    if (H5Dwrite(c.dset, c.memType, mspace, fspace, H5P_DEFAULT, data) < 0)
        h5::fail(m_label, "cannot write dataset tokens/" + c.name);
}

void ShardFileWriter::appendIdRows(Column& c, const ExpertId* data, size_t rows)
{
    const size_t n = rows * c.rowElems;
    c.narrow.resize(n);
    narrowIds(data, n, c.narrow.data());
    appendRows(c, c.narrow.data(), rows);
}

void ShardFileWriter::writePending(bool all)
{
    const size_t n = m_pending.tokenIds.size();
    const size_t m = all ? n : (n / size_t(m_chunkTokens)) * size_t(m_chunkTokens);
    if (m == 0)
        return;
    for (Column& c : m_cols) {
        if (c.narrowIds)
            appendIdRows(c, static_cast<const ExpertId*>(columnData(m_pending, c)), m);
        else
            appendRows(c, columnData(m_pending, c), m);
    }
    if (m_explicitPositions)
        appendRows(m_position, m_pending.positions.data(), m);
    m_written += int64_t(m);
    const size_t lk = size_t(m_dims.layers) * size_t(m_dims.topk);
    eraseFront(m_pending.tokenIds, m);
    eraseFront(m_pending.positions, m);
    eraseFront(m_pending.topkIds, m * lk);
    eraseFront(m_pending.topkWeights, m * lk);
    eraseFront(m_pending.logits, m * size_t(m_dims.layers) * size_t(m_dims.experts));
    eraseFront(m_pending.lookaheadIds, m * lk * m_dims.lookahead.size());
    eraseFront(m_pending.features, m * size_t(m_dims.layers) * size_t(std::max(0, m_dims.featureDim)));
}

void ShardFileWriter::enableExplicitPositions()
{
    if (m_explicitPositions)
        return;
    m_explicitPositions = true;
    h5::Id group(h5::check(H5Gopen2(m_file, "tokens", H5P_DEFAULT), m_label, "cannot open group tokens"));
    hsize_t cur = 0, max = H5S_UNLIMITED;
    h5::Id space(H5Screate_simple(1, &cur, &max));
    h5::Id dcpl = makeDcpl({}, m_chunkTokens, m_deflate, m_label);
    m_position.dset = h5::Id(h5::check(H5Dcreate2(group, kColPosition, m_position.fileType, space,
                                                  H5P_DEFAULT, dcpl, H5P_DEFAULT),
                                       m_label, "cannot create dataset tokens/position"));
    // Rows already handed to HDF5 had contiguous positions: regenerate them.
    std::vector<int32_t> pos;
    pos.reserve(size_t(m_written));
    for (size_t s = 0; s < m_table.size() && m_table.tokenOffset[s] < m_written; ++s)
        for (int32_t i = 0; i < m_table.length[s] && m_table.tokenOffset[s] + i < m_written; ++i)
            pos.push_back(m_table.firstPosition[s] + i);
    appendRows(m_position, pos.data(), pos.size());
}

void ShardFileWriter::close()
{
    if (m_closed)
        return;
    writePending(true);
    {
        h5::Id g(h5::check(H5Gcreate2(m_file, "sequences", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           m_label, "cannot create group sequences"));
        const size_t s = m_table.size();
        h5::writeVector(g, "seq_id", H5T_NATIVE_INT64, m_table.seqId.data(), s, m_label);
        h5::writeVector(g, "token_offset", H5T_NATIVE_INT64, m_table.tokenOffset.data(), s, m_label);
        h5::writeVector(g, "length", H5T_NATIVE_INT32, m_table.length.data(), s, m_label);
        h5::writeVector(g, "first_position", H5T_NATIVE_INT32, m_table.firstPosition.data(), s, m_label);
        h5::writeVector(g, "generated_tokens", H5T_NATIVE_INT32, m_table.generated.data(), s, m_label);
        h5::writeStrings(g, "source", m_table.source, m_label);
        h5::writeStrings(g, "doc_id", m_table.docId, m_label);
        // Absent = every request id empty (collected traces have none).
        if (std::any_of(m_table.requestId.begin(), m_table.requestId.end(), [](const std::string& r) { return !r.empty(); }))
            h5::writeStrings(g, "request_id", m_table.requestId, m_label);
    }
    h5::writeAttr(m_file, "num_tokens", m_tokens, m_label);
    h5::writeAttr(m_file, "num_sequences", int64_t(m_table.size()), m_label);
    h5::writeAttr(m_file, "explicit_positions", int64_t(m_explicitPositions ? 1 : 0), m_label);
    // Closing a dataset flushes its cached chunks: a full disk shows up here.
    std::string err;
    auto closeDataset = [&](h5::Id& id) {
        if (id.valid() && H5Dclose(id.release()) < 0 && err.empty())
            err = h5::lastError();
    };
    for (Column& c : m_cols)
        closeDataset(c.dset);
    closeDataset(m_position.dset);
    if (!err.empty()) {
        abandon();
        throw Error(m_label + ": writing the shard's data failed: " + err);
    }
    if (H5Fflush(m_file, H5F_SCOPE_LOCAL) < 0) {
        const std::string e = h5::lastError();
        abandon();
        throw Error(m_label + ": flushing the shard failed: " + e);
    }
    // After the flush the driver's memory holds the complete file: H5Fget_file_image would
    // copy exactly its first `size` bytes (superblock versions <= 2 need no patching).
    const ssize_t size = H5Fget_file_image(m_file, nullptr, 0);
    if (size <= 0 || size_t(size) > m_image.capacity() || !m_image.data()) {
        const std::string e = h5::lastError();
        abandon();
        throw Error(m_label + ": cannot get the shard's file image: " + e);
    }
    try {
        m_fileCrc = writeFileDurable(m_path, m_image.data(), size_t(size), m_label);
    } catch (...) {
        abandon();
        throw;
    }
    m_fileBytes = int64_t(size);
    if (H5Fclose(m_file.release()) < 0)
        H5Eclear2(H5E_DEFAULT); // in memory, and already written: nothing left to lose
    m_closed = true;
}

uint32_t ShardFileWriter::writeFileDurable(const std::string& path, const char* data, size_t n,
                                           const std::string& label)
{
    // The checksum is computed from memory on a second thread while the write and the fsync
    // (mostly waiting for the disk) run here.
    // (A std::async future waits in its destructor, also when a throw leaves early.)
    std::future<uint32_t> crc = std::async(std::launch::async, [=] { return crc32Update(0, data, n); });
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(label + ": cannot create " + path + ": " + std::strerror(errno));
    auto failWith = [&](const std::string& what) {
        const int e = errno;
        ::close(fd);
        ::unlink(path.c_str());
        throw Error(label + ": " + what + ": " + std::strerror(e));
    };
    size_t done = 0;
    while (done < n) {
        const ssize_t w = ::write(fd, data + done, std::min(n - done, size_t(64) << 20));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            failWith("writing the shard failed");
        }
        done += size_t(w);
    }
    if (::fsync(fd) != 0)
        failWith("fsync of the shard failed");
    if (::close(fd) != 0) {
        const int e = errno;
        ::unlink(path.c_str());
        throw Error(label + ": closing the shard failed: " + std::strerror(e));
    }
    return crc.get();
}

void ShardFileWriter::abandon()
{
    for (Column& c : m_cols)
        c.dset.reset();
    m_position.dset.reset();
    if (m_file.valid()) {
        // Close every object still open in the file, then the file itself, ignoring errors.
        const hid_t f = m_file.release();
        H5Fclose(f);
        H5Eclear2(H5E_DEFAULT);
    }
    m_closed = true;
}

// ---------------------------------------------------------------- reader

ShardFileReader::ShardFileReader(const std::string& path, const std::string& label,
                                 const ShardExpectation* expect)
    : m_path(path), m_label(label)
{
    h5::quietErrors();
    m_f16 = h5::float16Type();
    if (expect) {
        m_bytes = std::make_unique<ShardBytes>(path, label, *expect);
        h5::Id fapl(H5Pcreate(H5P_FILE_ACCESS));
        m_bytes->attach(fapl, label);
        m_file = h5::Id(H5Fopen(m_bytes->imageName().c_str(), H5F_ACC_RDONLY, fapl));
    } else {
        const htri_t isH5 = H5Fis_hdf5(path.c_str());
        if (isH5 <= 0) {
            H5Eclear2(H5E_DEFAULT);
            throw Error(label + ": not a readable HDF5 file (missing, truncated or corrupt): " + path);
        }
        m_file = h5::Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    }
    if (!m_file.valid())
        h5::fail(label, "cannot open shard (truncated or corrupt?) " + path);
    const hid_t f = m_file;
    const std::string format = h5::readStringAttr(f, "format", label);
    if (format != kFormatName)
        throw Error(label + ": attribute format is '" + format + "', expected '" + kFormatName + "'");
    readDims(f);
    m_shardIndex = h5::readIntAttr(f, "shard_index", label);
    m_fp.modelConfigHash = h5::readStringAttr(f, "model_config_hash", label);
    m_fp.dtype = h5::readStringAttr(f, "dtype", label);
    m_fp.tokenizerHash = h5::readStringAttr(f, "tokenizer_hash", label);
    m_fp.runConfigHash = h5::readStringAttr(f, "run_config_hash", label);
    m_tokens = h5::readIntAttr(f, "num_tokens", label);
    const int64_t nseq = h5::readIntAttr(f, "num_sequences", label);
    if (m_tokens < 0 || nseq < 0)
        throw Error(label + ": negative num_tokens or num_sequences");

    readSequenceTable(f, nseq);

    // Token columns.
    if (!h5::exists(f, "tokens"))
        throw Error(label + ": group 'tokens' is missing");
    h5::Id g(h5::check(H5Gopen2(f, "tokens", H5P_DEFAULT), label, "cannot open group tokens"));
    // Schema 1 stored uint8 ids whatever E (E <= 254); schema 2 the narrowest type.
    const int idBytes = m_schema < 2 ? 1 : expertIdBytes(m_dims);
    m_cols = makeColumns(m_dims, m_f16, idBytes);
    m_position = positionColumn();
    m_explicitPositions = h5::exists(g, kColPosition);
    if (!m_dims.hasWeights && h5::exists(g, kColTopkWeights))
        throw Error(label + " tokens/topk_weights: present although attribute has_weights is 0");
    if (m_dims.featureDim == 0 && h5::exists(g, kColFeatures))
        throw Error(label + " tokens/features: present although the shard has no attribute feature_dim");
    auto open = [&](Column& c) {
        const std::string where = label + " tokens/" + c.name;
        if (!h5::exists(g, c.name))
            throw Error(where + ": dataset is missing");
        h5::Id dapl(H5Pcreate(H5P_DATASET_ACCESS));
        // Room for a few chunks so reads that straddle chunk borders decompress each once.
        h5::Id dset(h5::check(H5Dopen2(g, c.name.c_str(), H5P_DEFAULT), where, "cannot open dataset"));
        size_t chunkBytes = size_t(1) << 20;
        {
            h5::Id dcpl(H5Dget_create_plist(dset));
            std::vector<hsize_t> cd(c.rowShape.size() + 1);
            if (H5Pget_layout(dcpl) == H5D_CHUNKED &&
                H5Pget_chunk(dcpl, int(cd.size()), cd.data()) == int(cd.size())) {
                chunkBytes = c.elemBytes;
                for (hsize_t x : cd)
                    chunkBytes *= size_t(x);
                c.chunkRows = int64_t(cd[0]);
            }
        }
        dset.reset();
        H5Pset_chunk_cache(dapl, 1031, std::max<size_t>(4 * chunkBytes, size_t(1) << 20), 1.0);
        c.dset = h5::Id(h5::check(H5Dopen2(g, c.name.c_str(), dapl), where, "cannot open dataset"));
        const auto shape = h5::shape(c.dset, where);
        std::vector<hsize_t> want{hsize_t(m_tokens)};
        want.insert(want.end(), c.rowShape.begin(), c.rowShape.end());
        if (shape != want) {
            std::string got, exp;
            for (auto x : shape)
                got += (got.empty() ? "" : ",") + std::to_string(x);
            for (auto x : want)
                exp += (exp.empty() ? "" : ",") + std::to_string(x);
            throw Error(where + ": shape [" + got + "], expected [" + exp + "]");
        }
        h5::Id ft(H5Dget_type(c.dset));
        const H5T_class_t cls = H5Tget_class(ft);
        const bool isFloat = c.memType == m_f16.get();
        if ((isFloat && (cls != H5T_FLOAT || H5Tget_size(ft) != 2)) || (!isFloat && cls != H5T_INTEGER))
            throw Error(where + ": unexpected element type");
        // Ids are copied as stored (uint8 widened by us): the stored type must be the one the
        // schema says, or HDF5 would convert (and clip) them on the way.
        if (c.ids && (H5Tget_size(ft) != c.elemBytes || H5Tget_sign(ft) != H5T_SGN_NONE))
            throw Error(where + ": element type is a " + std::to_string(H5Tget_size(ft)) + "-byte " +
                        (H5Tget_sign(ft) == H5T_SGN_NONE ? "unsigned" : "signed") + " integer, expected " +
                        (c.elemBytes == 1 ? "uint8" : "uint16") + " (schema " + std::to_string(m_schema) + ", " +
                        std::to_string(m_dims.experts) + " experts)");
    };
    for (Column& c : m_cols)
        open(c);
    if (m_explicitPositions)
        open(m_position);
    if (m_bytes)
        m_bytes->checkIntact(label);
}

// Format, schema version and dims from the root attributes (schema 1: the defaults for what
// it did not store). Throws naming the shard.
void ShardFileReader::readDims(hid_t f)
{
    const std::string& label = m_label;
    m_schema = int(h5::readIntAttr(f, "schema_version", label));
    if (m_schema < 1 || m_schema > kSchemaVersion)
        throw Error(label + ": schema_version " + std::to_string(m_schema) +
                    " is not supported (this build reads up to " + std::to_string(kSchemaVersion) + ")");
    m_dims.layers = int(h5::readIntAttr(f, "layers", label));
    m_dims.experts = int(h5::readIntAttr(f, "experts", label));
    m_dims.topk = int(h5::readIntAttr(f, "topk", label));
    const auto la = h5::readIntArrayAttr(f, "lookahead", label);
    m_dims.lookahead.assign(la.begin(), la.end());
    m_dims.hasLogits = h5::readIntAttr(f, "has_logits", label) != 0;
    if (m_schema >= 2) {
        m_dims.hasWeights = h5::readIntAttr(f, "has_weights", label) != 0;
        const auto map = h5::readIntArrayAttr(f, "moe_layers", label);
        m_dims.moeLayers.assign(map.begin(), map.end());
        const int64_t decoder = h5::readIntAttr(f, "decoder_layers", label);
        const int64_t shared = h5::readIntAttr(f, "shared_experts", label);
        if (decoder < 0 || decoder > (int64_t(1) << 20) || shared < 0 || shared > (int64_t(1) << 20))
            throw Error(label + ": attribute decoder_layers (" + std::to_string(decoder) + ") or shared_experts (" +
                        std::to_string(shared) + ") is negative or implausibly large");
        m_dims.decoderLayers = int(decoder);
        m_dims.sharedExperts = int(shared);
        if (h5::hasAttr(f, "feature_dim")) {
            const int64_t features = h5::readIntAttr(f, "feature_dim", label);
            if (features < 0 || features > (int64_t(1) << 20))
                throw Error(label + ": attribute feature_dim (" + std::to_string(features) +
                            ") is negative or implausibly large");
            m_dims.featureDim = int(features);
        }
        if (identityLayerMap(m_dims))
            m_dims.moeLayers.clear(); // one form in memory: empty = identity
    } // schema 1: the defaults (weights, every decoder layer stored, no shared experts)
    if (m_dims.layers > 4096)
        throw Error(label + ": invalid dimensions in attributes: layers " + std::to_string(m_dims.layers) +
                    " is more than 4096");
    if (m_schema < 2 && m_dims.experts >= kNoExpert8)
        throw Error(label + ": invalid dimensions in attributes: schema 1 stores at most 254 experts, the "
                            "attribute says " + std::to_string(m_dims.experts));
    if (const std::string bad = dimsProblem(m_dims); !bad.empty())
        throw Error(label + ": invalid dimensions in attributes: " + bad);
}

// The sequence table, checked: contiguous, covering num_tokens, generated_tokens within
// 0..length. Throws naming the shard and the sequence.
void ShardFileReader::readSequenceTable(hid_t f, int64_t nseq)
{
    const std::string& label = m_label;
    if (!h5::exists(f, "sequences"))
        throw Error(label + ": group 'sequences' is missing");
    h5::Id g(h5::check(H5Gopen2(f, "sequences", H5P_DEFAULT), label, "cannot open group sequences"));
    const size_t s = size_t(nseq);
    const std::string w = label + " sequences";
    // num_sequences is read from the file: match it with the table's length before the
    // table is allocated (a damaged count asked for 2^63 rows: std::length_error, or 48 GB).
    if (!h5::exists(g, "seq_id"))
        throw Error(w + ": dataset 'seq_id' is missing");
    {
        h5::Id d(h5::check(H5Dopen2(g, "seq_id", H5P_DEFAULT), w, "cannot open dataset seq_id"));
        const auto rows = h5::shape(d, w + " seq_id");
        if (rows.size() != 1 || rows[0] != hsize_t(s))
            throw Error(w + ": dataset 'seq_id' has " +
                        (rows.size() == 1 ? std::to_string(rows[0]) : std::string("a wrong shape")) +
                        " entries, num_sequences is " + std::to_string(nseq));
    }
    m_table.seqId.resize(s);
    m_table.tokenOffset.resize(s);
    m_table.length.resize(s);
    m_table.firstPosition.resize(s);
    m_table.generated.assign(s, 0); // schema 1: prompt tokens only
    h5::readVector(g, "seq_id", H5T_NATIVE_INT64, m_table.seqId.data(), s, w);
    h5::readVector(g, "token_offset", H5T_NATIVE_INT64, m_table.tokenOffset.data(), s, w);
    h5::readVector(g, "length", H5T_NATIVE_INT32, m_table.length.data(), s, w);
    h5::readVector(g, "first_position", H5T_NATIVE_INT32, m_table.firstPosition.data(), s, w);
    if (m_schema >= 2)
        h5::readVector(g, "generated_tokens", H5T_NATIVE_INT32, m_table.generated.data(), s, w);
    m_table.source = h5::readStrings(g, "source", s, w);
    m_table.docId = h5::readStrings(g, "doc_id", s, w);
    if (m_schema >= 2 && h5::exists(g, "request_id")) {
        m_table.requestId = h5::readStrings(g, "request_id", s, w);
    } else {
        m_table.requestId.assign(s, std::string());
    }
    int64_t covered = 0;
    for (size_t i = 0; i < s; ++i) {
        if (m_table.tokenOffset[i] != covered || m_table.length[i] <= 0)
            throw Error(label + ": sequence table is not contiguous at row " + std::to_string(i) +
                        " (seq_id " + std::to_string(m_table.seqId[i]) + ")");
        if (m_table.generated[i] < 0 || m_table.generated[i] > m_table.length[i])
            throw Error(label + ": sequence " + std::to_string(m_table.seqId[i]) + " (row " + std::to_string(i) +
                        " of the sequence table): generated_tokens " + std::to_string(m_table.generated[i]) +
                        " is not within 0.." + std::to_string(m_table.length[i]) + " (the sequence's length)");
        covered += m_table.length[i];
    }
    if (covered != m_tokens)
        throw Error(label + ": sequence table covers " + std::to_string(covered) +
                    " tokens, num_tokens is " + std::to_string(m_tokens));
}

ShardFileReader::~ShardFileReader() = default;

void ShardFileReader::readColumn(Column& c, hid_t memType, int64_t begin, int64_t end, void* out)
{
    const size_t rows = size_t(end - begin);
    if (rows == 0)
        return;
    const std::string where = m_label + " tokens/" + c.name;
    h5::Id fspace(h5::check(H5Dget_space(c.dset), where, "cannot get dataspace"));
    std::vector<hsize_t> start(c.rowShape.size() + 1, 0), count{hsize_t(rows)};
    count.insert(count.end(), c.rowShape.begin(), c.rowShape.end());
    start[0] = hsize_t(begin);
    if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
        h5::fail(where, "cannot select rows");
    h5::Id mspace(H5Screate_simple(int(count.size()), count.data(), nullptr)); // same shape: fast path
    if (H5Dread(c.dset, memType, mspace, fspace, H5P_DEFAULT, out) < 0)
        h5::fail(where, "cannot read rows " + std::to_string(begin) + ".." + std::to_string(end) +
                            " (corrupt or truncated shard?)");
}

void ShardFileReader::readIdColumn(Column& c, int64_t begin, int64_t end, ExpertId* out)
{
    // Chunk by chunk: the uint8 staging buffer is widened while it is in cache, and a piece
    // that covers whole chunks is copied by HDF5 straight out of the file image (a piece
    // that cuts a chunk goes through the chunk cache: one more copy).
    if (end <= begin)
        return;
    const int64_t step = c.chunkRows > 0 ? c.chunkRows : end - begin;
    c.narrow.resize(size_t(std::min(end - begin, step)) * c.rowElems);
    for (int64_t a = begin; a < end;) {
        const int64_t z = std::min(end, (a / step + 1) * step);
        readColumn(c, c.memType, a, z, c.narrow.data());
        widenIds(c.narrow.data(), size_t(z - a) * c.rowElems, out + size_t(a - begin) * c.rowElems);
        a = z;
    }
}

void ShardFileReader::readRows(int64_t begin, int64_t end, RoutingBlock& out)
{
    if (begin < 0 || end > m_tokens || begin > end)
        throw Error(m_label + ": row range " + std::to_string(begin) + ".." + std::to_string(end) +
                    " outside 0.." + std::to_string(m_tokens));
    const size_t rows = size_t(end - begin);
    out.dims = m_dims;
    for (Column& c : m_cols) {
        resizeColumn(out, c, rows);
        if (c.narrowIds)
            readIdColumn(c, begin, end, static_cast<ExpertId*>(columnData(out, c)));
        else
            readColumn(c, c.memType, begin, end, columnData(out, c));
    }
    if (!m_dims.hasWeights)
        out.topkWeights.clear();
    if (!m_dims.hasLogits)
        out.logits.clear();
    if (m_dims.lookahead.empty())
        out.lookaheadIds.clear();
    if (m_dims.featureDim == 0)
        out.features.clear();
    out.positions.resize(rows);
    if (m_explicitPositions)
        readColumn(m_position, m_position.memType, begin, end, out.positions.data());
    if (m_bytes)
        m_bytes->checkIntact(m_label);
    if (!m_explicitPositions && rows > 0) {
        // Derived: first_position + row - token_offset of the owning sequence.
        auto it = std::upper_bound(m_table.tokenOffset.begin(), m_table.tokenOffset.end(), begin);
        size_t s = size_t(it - m_table.tokenOffset.begin()) - 1;
        for (int64_t r = begin; r < end; ++r) {
            while (s + 1 < m_table.size() && m_table.tokenOffset[s + 1] <= r)
                ++s;
            out.positions[size_t(r - begin)] = m_table.firstPosition[s] + int32_t(r - m_table.tokenOffset[s]);
        }
    }
}

RoutingBlock ShardFileReader::readSequences(size_t seqBegin, size_t seqEnd)
{
    RoutingBlock b;
    readSequences(seqBegin, seqEnd, b);
    return b;
}

void ShardFileReader::readSequences(size_t seqBegin, size_t seqEnd, RoutingBlock& b)
{
    b.dims = m_dims;
    b.sequences.clear();
    seqEnd = std::min(seqEnd, m_table.size());
    if (seqBegin >= seqEnd) {
        b.clear();
        return;
    }
    const int64_t rowBegin = m_table.tokenOffset[seqBegin];
    const int64_t rowEnd = m_table.tokenOffset[seqEnd - 1] + m_table.length[seqEnd - 1];
    // The arrays keep their memory from the previous block; readRows overwrites every element.
    readRows(rowBegin, rowEnd, b);
    b.sequences.reserve(seqEnd - seqBegin);
    b.seqIds.resize(size_t(rowEnd - rowBegin));
    for (size_t s = seqBegin; s < seqEnd; ++s) {
        SequenceRecord r;
        r.seqId = m_table.seqId[s];
        r.source = m_table.source[s];
        r.docId = m_table.docId[s];
        r.tokenOffset = m_table.tokenOffset[s] - rowBegin;
        r.length = m_table.length[s];
        r.generatedTokens = m_table.generated[s];
        r.requestId = m_table.requestId[s];
        std::fill(b.seqIds.begin() + r.tokenOffset, b.seqIds.begin() + r.tokenOffset + r.length, r.seqId);
        b.sequences.push_back(std::move(r));
    }
    checkBlockValues(b, m_label);
}

} // namespace specmoe::shard
