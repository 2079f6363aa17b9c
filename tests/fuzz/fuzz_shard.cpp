// The shard reader on mutated shard bytes. Each input is one shard file, read three ways:
//  1. CRC check off (the trusted-data opt-out): HDF5 opens the file as it is, and the
//     reader's attribute, table and block value checks see the mutated bytes;
//  2. CRC check on, with the manifest's size and CRC-32 matching the bytes (a shard damaged
//     before it was checksummed, or a manifest fixed up by hand): HDF5 reads the checked
//     bytes from memory, then a TraceSet over it streams and verifies it;
//  3. CRC check on with a stale CRC-32: refused before HDF5 sees a byte.
// Every outcome must be a value or a specmoe::Error naming the shard; nothing may crash.
#include "core/trace/shard_file.h"
#include "core/trace/trace_manifest.h"
#include "core/trace/trace_set.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_support.h"

#include <cstring>

using namespace specmoe;

namespace {

const std::string kLabel = "trace shard (fuzz)";

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
        manifest::save(m, TraceSet::manifestPath(dir));
        const TraceSet t = TraceSet::open(dir, TraceReadOptions{true});
        t.forEachBlock([](const RoutingBlock&) { return true; }, 5);
        t.verify();
        if (!ids.empty())
            t.readSequence(ids.front());
    } catch (const Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::ScratchDir dir("shard");
    const std::string path = dir.file("shard-00000.h5");
    fuzz::writeFile(path, data, size);

    TraceDims dims;
    int64_t tokens = 0;
    std::vector<int64_t> ids;
    const bool plainOk = readAll(path, nullptr, &dims, &tokens, &ids);

    const uint32_t crc = crc32Update(0, data, size);
    const shard::ShardExpectation good{int64_t(size), crc32Hex(crc)};
    const bool checkedOk = size > 0 && readAll(path, &good, &dims, &tokens, &ids);
    if (checkedOk)
        readAsTrace(dir.path(), dims, tokens, ids, good);
    (void)plainOk; // HDF5's two drivers may disagree on a damaged file; neither may crash

    const shard::ShardExpectation stale{int64_t(size), crc32Hex(crc ^ 1u)};
    try {
        shard::ShardFileReader r(path, kLabel, &stale);
        __builtin_trap(); // a CRC mismatch was let through to HDF5
    } catch (const Error&) {
    }
    return 0;
}
