// The shard reader on shards whose values were changed: attributes (dims, counts, schema),
// the sequence table, the per-token arrays and the sequence strings of a valid shard are
// edited through the HDF5 API as the input says, so that HDF5's own metadata stays sound and
// the reader's checks see the damage. Each edited shard is read three ways:
//  1. CRC check off (the trusted-data opt-out): HDF5 opens the file as it is;
//  2. CRC check on, the manifest's size and CRC-32 matching the bytes (a shard damaged before
//     it was checksummed): HDF5 reads the checked bytes from memory, then a TraceSet over it
//     streams, verifies and looks up a sequence;
//  3. CRC check on with a stale CRC-32: refused before HDF5 sees a byte.
// Every outcome must be a value or a specmoe::Error naming the shard.
//
// Raw byte mutations of the whole file are not fuzzed here: libhdf5 (1.10.8) itself hangs
// or crashes on some damaged metadata (H5HG_read on a global heap), which is why readers
// check the CRC-32 before HDF5 sees a shard (docs/development.md, "Fuzzing").
//
// Input: byte 0 picks the seed trace (seed_traces.h); then the edits, consumed in order.
#include "core/trace/h5_handle.h"
#include "core/trace/shard_file.h"
#include "core/trace/trace_manifest.h"
#include "core/trace/trace_set.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "core/util/read_file.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/seed_traces.h"

#include <cstring>
#include <limits>

using namespace specmoe;

namespace {

const std::string kLabel = "trace shard (fuzz)";

class Input {
public:
    Input(const uint8_t* data, size_t size) : m_p(data), m_n(size) {}
    bool empty() const { return m_i >= m_n; }
    uint8_t u8() { return m_i < m_n ? m_p[m_i++] : 0; }
    uint16_t u16() { return uint16_t(u8() | (u8() << 8)); }
    int64_t i64()
    {
        uint64_t v = 0;
        for (int k = 0; k < 8; ++k)
            v |= uint64_t(u8()) << (8 * k);
        return int64_t(v);
    }
    std::string str()
    {
        const size_t n = std::min<size_t>(u8() % 24, m_n - std::min(m_i, m_n));
        std::string s(reinterpret_cast<const char*>(m_p + m_i), n);
        m_i += n;
        return s;
    }
    // A new value for an integer: near the old one, or a boundary, or any.
    int64_t around(int64_t old)
    {
        switch (u8() % 6) {
        case 0: return int64_t(uint64_t(old) + uint64_t(int64_t(int8_t(u8()))));
        case 1: return 0;
        case 2: return -1;
        case 3: return std::numeric_limits<int32_t>::max();
        case 4: return std::numeric_limits<int64_t>::max();
        default: return i64();
        }
    }

private:
    const uint8_t* m_p;
    size_t m_n, m_i = 0;
};

const char* const kIntAttrs[] = {"schema_version", "layers",        "experts",           "topk",
                                 "has_logits",     "shard_index",   "num_tokens",        "num_sequences",
                                 "explicit_positions"};
const char* const kDatasets[] = {"tokens/token_id",      "tokens/topk_ids",        "tokens/topk_weights",
                                 "tokens/router_logits", "tokens/lookahead_ids",   "tokens/position",
                                 "sequences/seq_id",     "sequences/token_offset", "sequences/length",
                                 "sequences/first_position"};

void editIntAttr(hid_t f, const char* name, Input& in)
{
    if (H5Aexists(f, name) <= 0)
        return;
    h5::Id a(H5Aopen(f, name, H5P_DEFAULT));
    int64_t v = 0;
    if (H5Aread(a, H5T_NATIVE_INT64, &v) < 0)
        return;
    v = in.around(v);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
}

void editLookahead(hid_t f, Input& in)
{
    if (H5Aexists(f, "lookahead") <= 0)
        return;
    h5::Id a(H5Aopen(f, "lookahead", H5P_DEFAULT));
    h5::Id space(H5Aget_space(a));
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n <= 0 || n > 64)
        return;
    std::vector<int32_t> v(size_t(n), 0);
    if (H5Aread(a, H5T_NATIVE_INT32, v.data()) < 0)
        return;
    int32_t& x = v[in.u8() % v.size()];
    x = int32_t(in.around(x));
    H5Awrite(a, H5T_NATIVE_INT32, v.data());
}

// Byte edits of a dataset's values, or a new length for an extendible one.
void editDataset(hid_t f, const char* path, Input& in)
{
    if (H5Lexists(f, "tokens", H5P_DEFAULT) <= 0 || H5Lexists(f, "sequences", H5P_DEFAULT) <= 0 ||
        H5Lexists(f, path, H5P_DEFAULT) <= 0)
        return;
    h5::Id d(H5Dopen2(f, path, H5P_DEFAULT));
    if (!d.valid())
        return;
    const uint8_t how = in.u8();
    if (how % 4 == 3) {
        h5::Id space(H5Dget_space(d));
        hsize_t dims[4] = {0, 0, 0, 0};
        const int rank = H5Sget_simple_extent_dims(space, dims, nullptr);
        if (rank >= 1 && rank <= 4) {
            dims[0] = hsize_t(std::max<int64_t>(0, int64_t(dims[0]) + int8_t(in.u8()) % 4));
            H5Dset_extent(d, dims); // fails (harmlessly) for a fixed-size dataset
        }
        return;
    }
    h5::Id type(H5Dget_type(d));
    h5::Id space(H5Dget_space(d));
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    const size_t bytes = size_t(std::max<hssize_t>(0, n)) * H5Tget_size(type);
    if (bytes == 0 || bytes > (size_t(1) << 20))
        return;
    std::vector<uint8_t> buf(bytes);
    if (H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
        return;
    for (int k = 1 + in.u8() % 4; k > 0; --k) {
        const size_t at = in.u16() % bytes;
        buf[at] = in.u8();
    }
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
}

void editString(hid_t f, const char* path, Input& in)
{
    if (H5Lexists(f, "sequences", H5P_DEFAULT) <= 0 || H5Lexists(f, path, H5P_DEFAULT) <= 0)
        return;
    h5::Id d(H5Dopen2(f, path, H5P_DEFAULT));
    h5::Id type(H5Dget_type(d));
    h5::Id space(H5Dget_space(d));
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n <= 0 || n > 1024 || H5Tis_variable_str(type) <= 0)
        return;
    std::vector<char*> ptrs(size_t(n), nullptr);
    if (H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
        return;
    std::vector<std::string> s(ptrs.size());
    for (size_t i = 0; i < ptrs.size(); ++i) {
        s[i] = ptrs[i] ? ptrs[i] : "";
        H5free_memory(ptrs[i]);
    }
    s[in.u8() % s.size()] = in.str();
    std::vector<const char*> out(s.size());
    for (size_t i = 0; i < s.size(); ++i)
        out[i] = s[i].c_str();
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
}

// The template shard with the input's edits applied, as file bytes ("" when HDF5 refused).
std::string edited(const std::string& shard, Input& in)
{
    static int serial = 0;
    h5::quietErrors();
    h5::Id fapl(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_fapl_core(fapl, size_t(1) << 16, 0); // in memory only
    H5Pset_file_image(fapl, const_cast<char*>(shard.data()), shard.size()); // copied by HDF5
    const std::string name = "fuzz-edit-" + std::to_string(++serial);
    h5::Id f(H5Fopen(name.c_str(), H5F_ACC_RDWR, fapl));
    if (!f.valid())
        return {};
    const uint16_t attrs = in.u16();
    for (size_t i = 0; i < std::size(kIntAttrs); ++i)
        if (attrs & (1u << i))
            editIntAttr(f, kIntAttrs[i], in);
    if (attrs & (1u << 9))
        editLookahead(f, in);
    const uint16_t sets = in.u16();
    for (size_t i = 0; i < std::size(kDatasets); ++i)
        if (sets & (1u << i))
            editDataset(f, kDatasets[i], in);
    if (sets & (1u << 10))
        editString(f, "sequences/source", in);
    if (sets & (1u << 11))
        editString(f, "sequences/doc_id", in);
    if (sets & (1u << 12) && H5Lexists(f, "sequences", H5P_DEFAULT) > 0)
        H5Ldelete(f, in.u8() % 2 ? "sequences/doc_id" : "sequences/length", H5P_DEFAULT);
    H5Fflush(f, H5F_SCOPE_LOCAL);
    const ssize_t size = H5Fget_file_image(f, nullptr, 0);
    std::string out(size > 0 ? size_t(size) : 0, '\0');
    if (size <= 0 || H5Fget_file_image(f, out.data(), out.size()) != size)
        out.clear();
    H5Eclear2(H5E_DEFAULT);
    return out;
}

// Reads everything the readers offer: the table, whole sequences in blocks of three (as
// forEachBlock does), and all rows in one piece (as verify does). Returns whether the
// shard was read without an error.
bool readAll(const std::string& path, const shard::ShardExpectation* expect, TraceDims* dims, int64_t* tokens,
             std::vector<int64_t>* ids)
{
    try {
        shard::ShardFileReader r(path, kLabel, expect);
        const auto& t = r.table();
        for (size_t s = 0; s < t.size(); s += 3) {
            const RoutingBlock b = r.readSequences(s, s + 3);
            b.validate();
        }
        RoutingBlock rows;
        r.readRows(0, r.tokens(), rows);
        if (rows.numTokens() != size_t(r.tokens()))
            __builtin_trap();
        *dims = r.dims();
        *tokens = r.tokens();
        ids->assign(t.seqId.begin(), t.seqId.end());
        return true;
    } catch (const Error& e) {
        if (std::strncmp(e.what(), kLabel.c_str(), kLabel.size()) != 0)
            __builtin_trap(); // every error names the shard
        return false;
    }
}

// A trace folder around the shard, its manifest made from what the reader found.
void readAsTrace(const std::string& dir, const TraceDims& dims, int64_t tokens, const std::vector<int64_t>& ids,
                 const shard::ShardExpectation& expect)
{
    manifest::Manifest m;
    m.dims = dims;
    ShardInfo info;
    info.file = "shard-00000.h5";
    info.tokens = tokens;
    info.sequences = int64_t(ids.size());
    info.bytes = expect.bytes;
    info.crc32 = expect.crc32;
    info.seqRanges = manifest::toRanges(ids);
    m.shards.push_back(info);
    m.complete = true;
    try {
        const std::string text = m.toJson().dump(1); // (not manifest::save: its fsyncs cost ~1 s here)
        fuzz::writeFile(TraceSet::manifestPath(dir), reinterpret_cast<const uint8_t*>(text.data()), text.size());
        const TraceSet t = TraceSet::open(dir, TraceReadOptions{true});
        t.forEachBlock([](const RoutingBlock&) { return true; }, 5);
        t.verify();
        if (!ids.empty())
            t.readSequence(ids.front());
    } catch (const Error&) {
    }
}

std::vector<std::string> makeTemplates(const fuzz::ScratchDir& dir)
{
    std::vector<std::string> out;
    for (const fuzz::SeedTrace& t : fuzz::seedTraces()) {
        const std::string d = dir.file("seed-" + t.name);
        fuzz::writeSeedTrace(t, d);
        out.push_back(readFile(d + "/shard-00000.h5", "seed shard"));
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::ScratchDir dir("shard");
    static const std::vector<std::string> templates = makeTemplates(dir);
    if (size == 0)
        return 0;
    Input in(data, size);
    const std::string bytes = edited(templates[in.u8() % templates.size()], in);
    if (bytes.empty())
        return 0;
    const std::string path = dir.file("shard-00000.h5");
    fuzz::writeFile(path, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());

    TraceDims dims;
    int64_t tokens = 0;
    std::vector<int64_t> ids;
    readAll(path, nullptr, &dims, &tokens, &ids);

    const uint32_t crc = crc32Update(0, bytes.data(), bytes.size());
    const shard::ShardExpectation good{int64_t(bytes.size()), crc32Hex(crc)};
    if (readAll(path, &good, &dims, &tokens, &ids))
        readAsTrace(dir.path(), dims, tokens, ids, good);

    const shard::ShardExpectation stale{int64_t(bytes.size()), crc32Hex(crc ^ 1u)};
    try {
        shard::ShardFileReader r(path, kLabel, &stale);
        __builtin_trap(); // a CRC mismatch was let through to HDF5
    } catch (const Error&) {
    }
    return 0;
}
