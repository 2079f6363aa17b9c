// Damaged trace folders (issue 17): manifests that list a shard or a sequence twice, or hold
// fields of the wrong type, are errors naming manifest.json; shards whose bytes disagree with
// the manifest's size and CRC-32 never reach HDF5; values out of range in a shard are errors
// naming the shard and the sequence.
#include "core/trace/csv_export.h"
#include "core/trace/reshard.h"
#include "core/trace/trace_set.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

// A private copy of the golden trace (2 shards, 30 sequences, 3 layers, 8 experts).
std::string copyGolden(const TempDir& tmp) { return copyGoldenTrace(tmp); }

// The message of the specmoe::Error that fn throws ("" when it does not throw).
// Every way of reading a trace; each must throw an Error naming `shard`.
std::vector<std::pair<std::string, std::function<void(const std::string&, const TempDir&)>>> readers()
{
    return {
        {"open+index", [](const std::string& d, const TempDir&) { TraceSet::open(d).sequenceIndex(); }},
        {"readShard", [](const std::string& d, const TempDir&) { TraceSet::open(d).readShard(0); }},
        {"forEachBlock",
         [](const std::string& d, const TempDir&) { TraceSet::open(d).forEachBlock([](const RoutingBlock&) { return true; }); }},
        {"readSequence", [](const std::string& d, const TempDir&) { TraceSet::open(d).readSequence(0); }},
        {"reshard",
         [](const std::string& d, const TempDir& t) {
             ReshardOptions o;
             o.overwrite = true;
             reshardTrace(d, t.file("resharded"), o);
         }},
        {"exportCsv",
         [](const std::string& d, const TempDir&) {
             std::ostringstream out;
             CsvExportOptions o;
             exportCsv(TraceSet::open(d), out, o);
         }},
    };
}

nlohmann::json readManifest(const std::string& dir)
{
    return nlohmann::json::parse(readFile(dir + "/manifest.json"));
}

void writeManifest(const std::string& dir, const nlohmann::json& j)
{
    writeFile(dir + "/manifest.json", j.dump(1));
}

// The message of the specmoe::Error that open() throws ("" when it does not throw).
std::string openError(const std::string& dir)
{
    try {
        TraceSet::open(dir);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(TraceManifestChecks, ShardListedTwiceIsAnErrorNamingTheManifest)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    nlohmann::json j = readManifest(dir);
    j["shards"].push_back(j["shards"][0]);
    writeManifest(dir, j);
    const std::string e = openError(dir);
    EXPECT_TRUE(has(e, dir + "/manifest.json")) << e;
    EXPECT_TRUE(has(e, "shard-00000.h5 is listed more than once")) << e;
}

// A shard entry dropped from the list (the file still there, every listed shard intact) read
// as a smaller trace that verified OK; the manifest's own totals say otherwise.
TEST(TraceManifestChecks, AShardListThatDisagreesWithTheTotalsIsAnError)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    const nlohmann::json golden = readManifest(dir);
    nlohmann::json j = golden;
    j["shards"].erase(j["shards"].begin());
    writeManifest(dir, j);
    std::string e = openError(dir);
    EXPECT_TRUE(has(e, dir + "/manifest.json")) << e;
    EXPECT_TRUE(has(e, "field 'totals.shards' is 2, but the shard list holds 1")) << e;
    j = golden;
    j["totals"]["tokens"] = j["totals"]["tokens"].get<int64_t>() + 1;
    writeManifest(dir, j);
    e = openError(dir);
    EXPECT_TRUE(has(e, "field 'totals.tokens'")) << e;
    j = golden;
    j["shards"] = nlohmann::json::object();
    writeManifest(dir, j);
    e = openError(dir);
    EXPECT_TRUE(has(e, "field 'shards' is object, not a list")) << e;
    j = golden;
    j.erase("totals"); // hand-made manifests may leave the totals out
    writeManifest(dir, j);
    EXPECT_EQ(openError(dir), "");
}

TEST(TraceManifestChecks, SequenceIdsInTwoShardsAreAnErrorNamingTheManifest)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    nlohmann::json j = readManifest(dir);
    // Shard 1 claims the first id of shard 0 as well.
    const int64_t first = j["shards"][0]["seq_ranges"][0][0].get<int64_t>();
    j["shards"][1]["seq_ranges"].push_back({first, first});
    writeManifest(dir, j);
    const std::string e = openError(dir);
    EXPECT_TRUE(has(e, dir + "/manifest.json")) << e;
    EXPECT_TRUE(has(e, "sequence id " + std::to_string(first))) << e;
    EXPECT_TRUE(has(e, "shard-00000.h5")) << e;
    EXPECT_TRUE(has(e, "shard-00001.h5")) << e;
}

TEST(TraceManifestChecks, SchemaVersionOfTheWrongTypeNamesFieldAndAcceptedValues)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    nlohmann::json j = readManifest(dir);
    for (const nlohmann::json& bad : {nlohmann::json("1"), nlohmann::json(1.5), nlohmann::json::array()}) {
        j["schema_version"] = bad;
        writeManifest(dir, j);
        const std::string e = openError(dir);
        EXPECT_TRUE(has(e, dir + "/manifest.json")) << e;
        EXPECT_TRUE(has(e, "field 'schema_version' is " + bad.dump())) << e;
        EXPECT_TRUE(has(e, "accepted: an integer from 1 to 2")) << e;
        EXPECT_FALSE(has(e, "json.exception")) << e;
    }
    j.erase("schema_version");
    writeManifest(dir, j);
    EXPECT_TRUE(has(openError(dir), "field 'schema_version' is missing"));
    j["schema_version"] = 1;
    writeManifest(dir, j);
    EXPECT_EQ(openError(dir), "");
}

// A reference CRC-32 (bit by bit) against the folded one, for every length and alignment
// the folding's head and tail handling can see: the 128-bit fold (64 bytes a step) and, from
// 512 bytes on CPUs with VPCLMULQDQ, the 512-bit one (256 bytes a step).
TEST(ShardCrc, FoldedCrcMatchesTheBitwiseDefinition)
{
    std::mt19937 rng(5);
    std::vector<unsigned char> data(3000);
    for (auto& c : data)
        c = static_cast<unsigned char>(rng());
    auto reference = [](uint32_t crc, const unsigned char* p, size_t n) {
        crc = ~crc;
        for (size_t i = 0; i < n; ++i) {
            crc ^= p[i];
            for (int b = 0; b < 8; ++b)
                crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
        return ~crc;
    };
    for (size_t offset = 0; offset < 4; ++offset)
        for (size_t n = 0; n + offset <= data.size(); n += (n < 1100 ? 1 : 37))
            ASSERT_EQ(crc32Update(0x12345678u, data.data() + offset, n),
                      reference(0x12345678u, data.data() + offset, n))
                << "length " << n << " offset " << offset;
    EXPECT_EQ(crc32Hex(crc32Update(0, "123456789", 9)), "cbf43926"); // the check value
}

TEST(ShardCrc, EveryReaderRefusesAShardWhoseCrcDiffersAndVerifyReportsIt)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    const std::string shard = dir + "/shard-00000.h5";
    std::string bytes = readFile(shard);
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x5a);
    writeFile(shard, bytes);
    for (const auto& [name, read] : readers()) {
        const std::string e = errorOf([&] { read(dir, tmp); });
        EXPECT_TRUE(has(e, "trace shard " + shard + ": CRC-32 is ")) << name << ": " << e;
    }
    // reshard wrote nothing: no manifest with fresh checksums over the corrupt data.
    EXPECT_FALSE(fs::exists(tmp.file("resharded/manifest.json")));
    const VerifyReport rep = TraceSet::open(dir).verify();
    ASSERT_EQ(rep.problems.size(), 1u);
    EXPECT_TRUE(has(rep.problems[0], "shard-00000.h5: CRC-32 is ")) << rep.problems[0];
}

TEST(ShardCrc, SizeDifferenceIsNamedAndTheOptOutSkipsTheCheck)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    nlohmann::json j = readManifest(dir);
    j["shards"][1]["crc32"] = "00000000"; // the file itself is intact
    j["shards"][0]["bytes"] = j["shards"][0]["bytes"].get<int64_t>() + 1;
    writeManifest(dir, j);
    const std::string e0 = errorOf([&] { TraceSet::open(dir).readShard(0); });
    EXPECT_TRUE(has(e0, "shard-00000.h5: size is ")) << e0;
    EXPECT_TRUE(has(e0, "(truncated or changed)")) << e0;
    EXPECT_TRUE(has(errorOf([&] { TraceSet::open(dir).readShard(1); }), "shard-00001.h5: CRC-32 is "));
    TraceReadOptions trusted;
    trusted.verifyCrc = false;
    EXPECT_EQ(TraceSet::open(dir, trusted).readShard(1).numTokens(), size_t(j["shards"][1]["tokens"].get<int64_t>()));
    setenv("SPECMOE_NO_VERIFY_CRC", "1", 1);
    const bool off = !TraceReadOptions().verifyCrc;
    unsetenv("SPECMOE_NO_VERIFY_CRC");
    EXPECT_TRUE(off);
    EXPECT_TRUE(TraceReadOptions().verifyCrc);
    // verify checks whatever the options say.
    EXPECT_EQ(TraceSet::open(dir, trusted).verify().problems.size(), 2u);
}

// A shard that shrinks while it is streamed (another program truncates it, or a network
// file system loses pages): the reader maps the checked file, and a read of a vanished page
// must become an Error naming the shard, not SIGBUS; blocks already handed over stay valid.
TEST(ShardCrc, ShardTruncatedWhileStreamedIsAnErrorNamingTheShard)
{
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    const std::string shard = (fs::path(dir) / "shard-00000.h5").string();
    TraceSet set = TraceSet::open(dir);
    size_t blocks = 0, tokens = 0;
    const std::string e = errorOf([&] {
        set.forEachBlock(
            [&](const RoutingBlock& b) {
                if (blocks++ == 0)
                    fs::resize_file(shard, 0);
                tokens += b.numTokens();
                return true;
            },
            16);
    });
    EXPECT_TRUE(has(e, "shard-00000.h5: reading the file failed after it was checked")) << e;
    EXPECT_GE(blocks, 1u);
    EXPECT_GT(tokens, 0u);
    // Reading it again now fails at the size check.
    EXPECT_TRUE(has(errorOf([&] { TraceSet::open(dir).readShard(0); }), "shard-00000.h5: size is 0 bytes"));
}

// Random single-byte changes anywhere in a shard (HDF5 metadata included, where libhdf5 can
// crash): every reader gives an Error naming the shard. A crash fails the whole test binary.
TEST(ShardCrc, RandomByteFlipsGiveErrorsNamingTheShard)
{
    TempDir tmp("trace-corrupt");
    const std::string golden = readFile(dataPath("golden/trace/shard-00000.h5"));
    std::mt19937 rng(17);
    for (int flip = 0; flip < 30; ++flip) {
        const std::string dir = copyGoldenTrace(tmp, "flip" + std::to_string(flip));
        const size_t at = rng() % golden.size();
        std::string bytes = golden;
        bytes[at] = char(bytes[at] ^ char(1 + rng() % 255));
        writeFile(dir + "/shard-00000.h5", bytes);
        for (const auto& [name, read] : readers()) {
            const std::string e = errorOf([&] { read(dir, tmp); });
            EXPECT_TRUE(has(e, dir + "/shard-00000.h5")) << "byte " << at << ", " << name << ": " << e;
        }
        EXPECT_FALSE(TraceSet::open(dir).verify().ok()) << "byte " << at;
        fs::remove_all(dir);
    }
}

// Values out of range in a shard whose bytes match its checksum: an error naming the shard
// and the sequence when the block is read.
struct BadValue {
    const char* name;
    const char* dataset;
    bool half;          // float16 dataset
    size_t elemBytes;
    size_t index;       // element to change
    uint16_t value;     // raw value written there
    const char* expect; // part of the message
};

class ShardValues : public ::testing::TestWithParam<BadValue> {};

TEST_P(ShardValues, OutOfRangeValueIsAnErrorNamingShardAndSequence)
{
    const BadValue& bad = GetParam();
    TempDir tmp("trace-corrupt");
    const std::string dir = copyGolden(tmp);
    // Shard 0's first sequence: the golden reader test knows its layout.
    const RoutingBlock before = TraceSet::open(dir).readShard(0);
    const int64_t seq = before.sequences.at(0).seqId;
    const hid_t type = bad.half ? fileTypeOf(dir + "/shard-00000.h5", bad.dataset)
                                : (bad.elemBytes == 1 ? H5T_NATIVE_UINT8 : H5T_NATIVE_INT32);
    tamperDataset(dir, "shard-00000.h5", bad.dataset, type, bad.elemBytes, [&](std::vector<char>& v) {
        if (bad.elemBytes == 1)
            v.at(bad.index) = char(bad.value);
        else if (bad.elemBytes == 2)
            std::memcpy(&v.at(bad.index * 2), &bad.value, 2);
        else {
            const int32_t x = int16_t(bad.value);
            std::memcpy(&v.at(bad.index * 4), &x, 4);
        }
    });
    if (bad.half)
        H5Tclose(type);
    EXPECT_TRUE(TraceSet::open(dir).verify().problems.size() <= 1);
    for (const auto& [name, read] : readers()) {
        if (std::string(name) == "open+index" || std::string(name) == "readSequence")
            continue; // the index reads no values; readSequence(0) may be another shard's
        const std::string e = errorOf([&] { read(dir, tmp); });
        EXPECT_TRUE(has(e, "trace shard " + dir + "/shard-00000.h5: sequence " + std::to_string(seq) + " (token 0"))
            << name << ": " << e;
        EXPECT_TRUE(has(e, bad.expect)) << name << ": " << e;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Trace, ShardValues,
    ::testing::Values(BadValue{"ExpertId", "tokens/topk_ids", false, 1, 3, 200,
                               "layer 1): top-k expert id 200 is not below the expert count 8"},
                      BadValue{"LookaheadId", "tokens/lookahead_ids", false, 1, 0, 9,
                               "layer 0): lookahead expert id 9 is not below the expert count 8"},
                      BadValue{"NanWeight", "tokens/topk_weights", true, 2, 1, 0x7e00,
                               "layer 0): top-k weight nan is not a finite number >= 0"},
                      BadValue{"NegativeWeight", "tokens/topk_weights", true, 2, 0, 0xbc00,
                               "top-k weight -1.000000 is not a finite number >= 0"},
                      BadValue{"InfLogit", "tokens/router_logits", true, 2, 9, 0x7c00,
                               "layer 1): router logit inf is not finite"},
                      BadValue{"NegativeTokenId", "tokens/token_id", false, 4, 0, 0xfff9,
                               "token id -7 is neither a tokenizer id (>= 0) nor -1 (unknown)"}),
    [](const ::testing::TestParamInfo<BadValue>& i) { return std::string(i.param.name); });

// A string column of the sequence table whose extent disagrees with num_sequences (a huge
// one: 2^40 entries, 8 TB of pointers if the reader sized its buffer from it; a 2-D one) in a
// shard that passes the CRC check: every reader gives an Error naming the shard, the dataset
// and the expected count, without allocating from the file's extent.
TEST(ShardStrings, StringColumnOfTheWrongExtentIsAnErrorNamingShardAndDataset)
{
    struct Extent {
        const char* column;
        std::vector<hsize_t> dims;
        const char* says;
    };
    for (const Extent& x : {Extent{"doc_id", {hsize_t(1) << 40}, "has 1099511627776 entries, expected 16"},
                            Extent{"source", {16, 2}, "has 2 dimensions, expected 16"},
                            Extent{"source", {3}, "has 3 entries, expected 16"}}) {
        TempDir tmp("trace-strings");
        const std::string dir = copyGolden(tmp);
        const std::string shard = dir + "/shard-00000.h5";
        {
            // Replace the column by an unwritten chunked string dataset of that extent (the
            // file stays small: no chunk is allocated).
            const hid_t f = H5Fopen(shard.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
            ASSERT_GE(f, 0);
            const std::string name = std::string("sequences/") + x.column;
            ASSERT_GE(H5Ldelete(f, name.c_str(), H5P_DEFAULT), 0);
            const hid_t type = H5Tcopy(H5T_C_S1);
            H5Tset_size(type, H5T_VARIABLE);
            H5Tset_cset(type, H5T_CSET_UTF8);
            const hid_t space = H5Screate_simple(int(x.dims.size()), x.dims.data(), nullptr);
            const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
            std::vector<hsize_t> chunk(x.dims.size(), 1);
            chunk[0] = std::min<hsize_t>(x.dims[0], 1024);
            H5Pset_chunk(dcpl, int(chunk.size()), chunk.data());
            const hid_t d = H5Dcreate2(f, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
            ASSERT_GE(d, 0);
            H5Dclose(d);
            H5Pclose(dcpl);
            H5Sclose(space);
            H5Tclose(type);
            H5Fclose(f);
            resealShard(dir, "shard-00000.h5");
        }
        ASSERT_LT(fs::file_size(shard), 1u << 20);
        for (const auto& [name, read] : readers()) {
            if (std::string(name) == "readSequence")
                continue; // sequence 0 may live in the other shard
            const std::string e = errorOf([&] { read(dir, tmp); });
            EXPECT_TRUE(has(e, "trace shard " + shard + " sequences: dataset '" + x.column + "' " + x.says))
                << x.column << " " << name << ": " << e;
        }
    }
}
