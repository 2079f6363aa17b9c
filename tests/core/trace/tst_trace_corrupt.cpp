// Damaged trace folders (issue 17): manifests that list a shard or a sequence twice, or hold
// fields of the wrong type, are errors naming manifest.json; shards whose bytes disagree with
// the manifest's size and CRC-32 never reach HDF5; values out of range in a shard are errors
// naming the shard and the sequence.
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

// A private copy of the golden trace (2 shards, 30 sequences, 3 layers, 8 experts).
std::string copyGolden(const TempDir& tmp)
{
    const std::string dir = tmp.file("trace");
    fs::copy(dataPath("golden/trace"), dir, fs::copy_options::recursive);
    return dir;
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

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

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
        EXPECT_TRUE(has(e, "accepted: an integer from 1 to 1")) << e;
        EXPECT_FALSE(has(e, "json.exception")) << e;
    }
    j.erase("schema_version");
    writeManifest(dir, j);
    EXPECT_TRUE(has(openError(dir), "field 'schema_version' is missing"));
    j["schema_version"] = 1;
    writeManifest(dir, j);
    EXPECT_EQ(openError(dir), "");
}
