// Trace sets: several trace folders (a distributed collection's rank-NNNNN members, or
// folders named one by one) read as one trace, equal to one folder holding all their
// sequences; traces merge writes that folder; bad set manifests name the member at fault.
#include "block_compare.h"
#include "synthetic_trace.h"

#include "core/trace/reshard.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace specmoe;
namespace fs = std::filesystem;

namespace {

TraceFingerprint fingerprint()
{
    TraceFingerprint fp;
    fp.modelConfigHash = "model";
    fp.dtype = "float32";
    fp.tokenizerHash = "tok";
    fp.runConfigHash = "run";
    return fp;
}

// Sequences [first, first + count) in blocks of 5, shards of ~0.05 MiB (several per folder).
void writeTrace(const std::string& dir, int64_t first, int count, const TraceDims& dims = test::tinyDims(),
                TraceFingerprint fp = fingerprint(), bool finish = true)
{
    TraceWriterOptions o;
    o.shardSizeMB = 0.05;
    o.runConfig.corpusDigest = "corpus";
    TraceWriter w(dir, dims, fp, o);
    for (int64_t id = first; id < first + count; id += 5)
        w.append(test::makeBlock(dims, id, int(std::min<int64_t>(5, first + count - id))));
    if (finish)
        w.finish();
    else
        w.flush();
}

RoutingBlock readAll(const TraceSet& t)
{
    RoutingBlock all;
    all.dims = t.dims();
    t.forEachBlock([&](const RoutingBlock& b) {
        all.append(b);
        return true;
    }, 100);
    return all;
}

// Three rank folders of 12, 13 and 15 sequences and one folder of all 40.
struct Fixture {
    test::TempDir tmp{"trace_set"};
    std::string set = tmp.file("set"), single = tmp.file("single");
    Fixture()
    {
        writeTrace(set + "/rank-00000", 0, 12);
        writeTrace(set + "/rank-00001", 12, 13);
        writeTrace(set + "/rank-00002", 25, 15);
        writeTrace(single, 0, 40);
    }
};

void expectSameTrace(const TraceSet& a, const TraceSet& b)
{
    EXPECT_EQ(a.numSequences(), b.numSequences());
    EXPECT_EQ(a.numTokens(), b.numTokens());
    EXPECT_EQ(a.dims(), b.dims());
    EXPECT_EQ(a.fingerprint(), b.fingerprint());
    EXPECT_EQ(a.complete(), b.complete());
    test::expectSameTokens(readAll(a), readAll(b));
    const auto sa = a.sequences(), sb = b.sequences();
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) {
        EXPECT_EQ(sa[i].seqId, sb[i].seqId);
        EXPECT_EQ(sa[i].tokenOffset, sb[i].tokenOffset);
    }
    test::expectSameTokens(a.readSequences({31, 3, 17}), b.readSequences({31, 3, 17}));
}

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(TraceSet, RankFoldersReadAsOneTrace)
{
    Fixture f;
    EXPECT_TRUE(TraceSet::isTraceFolder(f.set));
    EXPECT_TRUE(TraceSet::isSetFolder(f.set));
    EXPECT_FALSE(TraceSet::isSetFolder(f.single));
    const TraceSet set = TraceSet::open(f.set);
    EXPECT_EQ(set.members(), (std::vector<std::string>{"rank-00000", "rank-00001", "rank-00002"}));
    EXPECT_TRUE(set.members().empty() == false);
    expectSameTrace(set, TraceSet::open(f.single));
    EXPECT_TRUE(set.verify().ok());
    EXPECT_GT(set.shards().size(), 3u);
    EXPECT_EQ(set.shards().front().file, "rank-00000/shard-00000.h5");
}

TEST(TraceSet, SetManifestListsMembersInItsOrder)
{
    Fixture f;
    writeTraceSetManifest(f.set, {"rank-00000", "rank-00001", "rank-00002"}, 3);
    const auto j = nlohmann::json::parse(test::readFile(f.set + "/trace-set.json"));
    EXPECT_EQ(j["format"], "specmoe-trace-set");
    EXPECT_EQ(j["schema_version"], 1);
    EXPECT_EQ(j["world_size"], 3);
    ASSERT_EQ(j["members"].size(), 3u);
    EXPECT_EQ(j["members"][1]["sequences"], 13);
    EXPECT_EQ(j["members"][1]["manifest_crc32"].get<std::string>().size(), 8u);
    EXPECT_EQ(j["totals"]["sequences"], 40);
    expectSameTrace(TraceSet::open(f.set), TraceSet::open(f.single));
    // Folders named one by one read the same.
    expectSameTrace(TraceSet::openFolders({f.set + "/rank-00000", f.set + "/rank-00001", f.set + "/rank-00002"}),
                    TraceSet::open(f.single));
}

TEST(TraceSet, MergeWritesOneFolderEqualToTheSet)
{
    Fixture f;
    const ReshardResult r = mergeTraces({f.set}, f.tmp.file("merged"));
    EXPECT_EQ(r.sequences, 40);
    const TraceSet merged = TraceSet::open(f.tmp.file("merged"));
    EXPECT_TRUE(merged.members().empty());
    EXPECT_TRUE(merged.verify().ok());
    expectSameTrace(merged, TraceSet::open(f.single));
    // The members given one by one, in another order: the merged folder keeps that order.
    mergeTraces({f.set + "/rank-00002", f.set + "/rank-00000", f.set + "/rank-00001"}, f.tmp.file("m2"));
    const auto seqs = TraceSet::open(f.tmp.file("m2")).sequences();
    ASSERT_EQ(seqs.size(), 40u);
    EXPECT_EQ(seqs.front().seqId, 25);
    EXPECT_EQ(seqs.back().seqId, 24);
    // Not into one of its own members.
    EXPECT_NE(errorOf([&] { mergeTraces({f.set}, f.set + "/rank-00001"); }).find("same folder"), std::string::npos);
}

TEST(TraceSet, AnIncompleteMemberMakesAnIncompleteSetThatMergeRefuses)
{
    test::TempDir tmp("trace_set_part");
    writeTrace(tmp.file("set/rank-00000"), 0, 10);
    writeTrace(tmp.file("set/rank-00001"), 10, 10, test::tinyDims(), fingerprint(), false);
    const TraceSet set = TraceSet::open(tmp.file("set"));
    EXPECT_FALSE(set.complete());
    EXPECT_EQ(set.numSequences(), 20);
    EXPECT_NE(errorOf([&] { mergeTraces({tmp.file("set")}, tmp.file("m")); }).find("not complete"),
              std::string::npos);
}

TEST(TraceSet, BadSetsNameTheMemberAtFault)
{
    Fixture f;
    writeTraceSetManifest(f.set, {"rank-00000", "rank-00001", "rank-00002"}, 3);
    const std::string setJson = f.set + "/trace-set.json";
    const std::string good = test::readFile(setJson);
    auto edited = [&](const std::function<void(nlohmann::json&)>& edit) {
        auto j = nlohmann::json::parse(good);
        edit(j);
        test::writeFile(setJson, j.dump());
        return errorOf([&] { TraceSet::open(f.set); });
    };
    std::string e = edited([](nlohmann::json& j) { j["members"][1]["path"] = "rank-00009"; });
    EXPECT_NE(e.find("member rank-00009 is missing"), std::string::npos) << e;
    e = edited([](nlohmann::json& j) { j["members"][2]["manifest_crc32"] = "00000000"; });
    EXPECT_NE(e.find("member rank-00002 changed"), std::string::npos) << e;
    e = edited([](nlohmann::json& j) { j["schema_version"] = 7; });
    EXPECT_NE(e.find("schema_version 7"), std::string::npos) << e;
    e = edited([](nlohmann::json& j) { j["members"] = nlohmann::json::array(); });
    EXPECT_NE(e.find("'members'"), std::string::npos) << e;
    e = edited([](nlohmann::json& j) { j["members"][1] = j["members"][0]; });
    EXPECT_NE(e.find("rank-00000 is listed more than once"), std::string::npos) << e;
    e = edited([](nlohmann::json& j) { j["members"][0].erase("manifest_crc32"); });
    EXPECT_NE(e.find("members[0]: field 'manifest_crc32'"), std::string::npos) << e;
    e = edited([](nlohmann::json& j) { j["format"] = "something"; });
    EXPECT_NE(e.find("not a specmoe trace set manifest"), std::string::npos) << e;
    test::writeFile(setJson, "{ not json");
    e = errorOf([&] { TraceSet::open(f.set); });
    EXPECT_NE(e.find("trace-set.json: not valid JSON"), std::string::npos) << e;
    test::writeFile(setJson, good);
    EXPECT_EQ(TraceSet::open(f.set).numSequences(), 40);
}

TEST(TraceSet, MembersThatDoNotBelongTogetherAreRefused)
{
    test::TempDir tmp("trace_set_bad");
    writeTrace(tmp.file("a/rank-00000"), 0, 10);
    writeTrace(tmp.file("a/rank-00001"), 5, 10); // ids 5..14: 5..9 twice
    std::string e = errorOf([&] { TraceSet::open(tmp.file("a")); });
    EXPECT_NE(e.find("sequence id 5 is stored by member rank-00000 and by member rank-00001"), std::string::npos) << e;

    writeTrace(tmp.file("b/rank-00000"), 0, 10);
    writeTrace(tmp.file("b/rank-00001"), 10, 10, test::tinyDims(false));
    e = errorOf([&] { TraceSet::open(tmp.file("b")); });
    EXPECT_NE(e.find("member rank-00001 has dimensions"), std::string::npos) << e;

    TraceFingerprint other = fingerprint();
    other.modelConfigHash = "another-model";
    writeTrace(tmp.file("c/rank-00000"), 0, 10);
    writeTrace(tmp.file("c/rank-00001"), 10, 10, test::tinyDims(), other);
    e = errorOf([&] { TraceSet::open(tmp.file("c")); });
    EXPECT_NE(e.find("member rank-00001 is of another model or numerics: fingerprint.model_config_hash"),
              std::string::npos)
        << e;
    EXPECT_NE(errorOf([&] { mergeTraces({tmp.file("c")}, tmp.file("m")); }).find("rank-00001"), std::string::npos);
    EXPECT_FALSE(fs::exists(tmp.file("m/manifest.json")));

    // A member whose own manifest is damaged is named too.
    writeTrace(tmp.file("d/rank-00000"), 0, 10);
    writeTrace(tmp.file("d/rank-00001"), 10, 10);
    test::writeFile(tmp.file("d/rank-00001/manifest.json"), "{}");
    e = errorOf([&] { TraceSet::open(tmp.file("d")); });
    EXPECT_NE(e.find("member rank-00001"), std::string::npos) << e;
}
