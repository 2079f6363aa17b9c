// Trace storage: shards + manifest round trip, resume, fingerprints, bad input, h5py.
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "tests/core/trace/synthetic_trace.h"
#include "tests/support/test_support.h"

#include "tests/core/trace/block_compare.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

TraceFingerprint fp(const std::string& run = "run1")
{
    return {"cfg-abc", "bfloat16", "tok-123", run};
}

RoutingBlock readAll(const TraceSet& set, size_t maxTokens)
{
    RoutingBlock all;
    all.dims = set.dims();
    set.forEachBlock(
        [&](const RoutingBlock& b) {
            b.validate();
            EXPECT_TRUE(b.numTokens() <= maxTokens || b.sequences.size() == 1);
            all.append(b);
            return true;
        },
        maxTokens);
    return all;
}

TraceWriterOptions smallShards(double mb = 0.05)
{
    TraceWriterOptions o;
    o.shardSizeMB = mb;
    o.chunkTokens = 256;
    o.deflateLevel = 1; // exercise the deflate filter (the default is shuffle only)
    o.runConfig.sources = {{"synthetic", "/data/synthetic.jsonl", "jsonl-ids", "", 1.0, 0, 0}};
    o.runConfig.maxLength = 64;
    return o;
}

} // namespace

TEST(TraceStore, RoundTripManyShards)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    RoutingBlock ref;
    ref.dims = d;
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards());
        EXPECT_FALSE(w.resumed());
        for (int i = 0; i < 6; ++i) {
            RoutingBlock b = makeBlock(d, i * 20, 20);
            w.append(b);
            ref.append(b);
        }
        TraceSourceStats wiki;
        wiki.name = "wiki";
        wiki.tooShort = 3;
        w.setSkipStats({wiki});
        w.finish();
        EXPECT_EQ(w.tokensWritten(), int64_t(ref.numTokens()));
        EXPECT_EQ(w.sequencesWritten(), 120);
    }
    TraceSet set = TraceSet::open(tmp.path());
    EXPECT_TRUE(set.complete());
    EXPECT_GT(set.shards().size(), 3u);
    EXPECT_EQ(set.numTokens(), int64_t(ref.numTokens()));
    EXPECT_EQ(set.numSequences(), 120);
    EXPECT_EQ(set.fingerprint(), fp());
    ASSERT_EQ(set.sourceStats().size(), 1u);
    EXPECT_EQ(set.sourceStats()[0].name, "wiki");
    EXPECT_EQ(set.sourceStats()[0].tooShort, 3);
    ASSERT_EQ(set.runConfig().sources.size(), 1u);
    EXPECT_EQ(set.runConfig().sources[0].name, "synthetic");
    EXPECT_EQ(set.runConfig().sources[0].format, "jsonl-ids");
    EXPECT_EQ(set.runConfig().maxLength, 64);
    EXPECT_EQ(set.storage().deflateLevel, 1);
    EXPECT_EQ(set.storage().chunkTokens, 256);
    const TraceTotals totals = set.totals();
    EXPECT_EQ(totals.shards, set.shards().size());
    EXPECT_EQ(totals.tokens, int64_t(ref.numTokens()));
    EXPECT_EQ(totals.sequences, 120);
    EXPECT_GT(totals.fileBytes, 0);
    EXPECT_GT(totals.payloadBytes, totals.tokens);
    expectSameTokens(readAll(set, 300), ref);
    expectSameTokens(readAll(set, 1), ref); // one sequence per block

    RoutingBlock shards;
    shards.dims = d;
    for (size_t i = 0; i < set.shards().size(); ++i)
        shards.append(set.readShard(i));
    expectSameTokens(shards, ref);

    // Single sequences and the sequence table.
    const auto seqs = set.sequences();
    ASSERT_EQ(seqs.size(), 120u);
    EXPECT_EQ(seqs[57].seqId, 57);
    const RoutingBlock one = set.readSequence(57);
    ASSERT_EQ(one.sequences.size(), 1u);
    EXPECT_EQ(one.sequences[0].docId, ref.sequences[57].docId);
    EXPECT_EQ(one.sequences[0].source, ref.sequences[57].source);
    EXPECT_EQ(int64_t(one.numTokens()), seqs[57].length);
    for (size_t t = 0; t < one.numTokens(); ++t)
        EXPECT_EQ(one.tokenIds[t], ref.tokenIds[size_t(seqs[57].tokenOffset) + t]);
    EXPECT_THROW(set.readSequence(12345), Error);

    const VerifyReport rep = set.verify();
    EXPECT_TRUE(rep.ok()) << (rep.problems.empty() ? "" : rep.problems[0]);
    EXPECT_EQ(rep.tokensChecked, int64_t(ref.numTokens()));
}

// The run configuration and source statistics round-trip through manifest.json typed; a
// recorded field of the wrong type is named with the manifest, not read as a default.
TEST(TraceStore, RunConfigIsTypedAndCheckedOnOpen)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    TraceWriterOptions o = smallShards(1.0);
    TraceRunConfig& c = o.runConfig;
    c.tool = "test-writer";
    c.modelDir = "/models/m";
    c.tokenizer = "/models/m/tokenizer.model";
    c.sources = {{"wiki", "/data/wiki", "text", "", 2.0, 1000, 0}, {"code", "/data/code.jsonl", "jsonl", "body", 1.0, 0, 7}};
    c.targetTokens = 5000;
    c.longDocuments = "split";
    c.dedup = true;
    c.seed = 9;
    c.device = "cuda:1";
    c.dtype = "bfloat16";
    c.residency = "streaming";
    c.lookahead = {1, 3};
    c.withLogits = true;
    c.batchSize = 12;
    c.corpusDigest = "00ff";
    {
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(makeBlock(d, 0, 4));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    EXPECT_EQ(set.runConfig().toJson(), c.toJson());
    EXPECT_EQ(set.runConfig().sources[1].field, "body");
    EXPECT_EQ(set.runConfig().sources[1].maxSequences, 7);
    EXPECT_EQ(set.runConfig().device, "cuda:1");
    EXPECT_EQ(set.runConfig().batchSize, 12);
    EXPECT_TRUE(TraceSet::isTraceFolder(tmp.path()));
    EXPECT_FALSE(TraceSet::isTraceFolder(tmp.file("nothing")));
    EXPECT_EQ(TraceSet::manifestPath(tmp.path()), tmp.file("manifest.json"));
    EXPECT_NE(set.manifestText().find("\"run_config\""), std::string::npos);

    // A hand-edited manifest with a wrongly typed field.
    nlohmann::json j = nlohmann::json::parse(readFile(tmp.file("manifest.json")));
    j["run_config"]["batch_size"] = "twelve";
    writeFile(tmp.file("manifest.json"), j.dump());
    try {
        TraceSet::open(tmp.path());
        FAIL() << "a string batch size was accepted";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(tmp.file("manifest.json")), std::string::npos) << m;
        EXPECT_NE(m.find("run_config"), std::string::npos) << m;
        EXPECT_NE(m.find("batch_size"), std::string::npos) << m;
    }
    j["run_config"]["batch_size"] = 12;
    j["skipped"] = {{"wiki", {{"too_short", "three"}}}};
    writeFile(tmp.file("manifest.json"), j.dump());
    try {
        TraceSet::open(tmp.path());
        FAIL() << "a string count was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("skipped.wiki: field 'too_short'"), std::string::npos) << e.what();
    }
    // Older or hand-made manifests may record only some fields, or none.
    j["skipped"] = nlohmann::json::object();
    j["run_config"] = {{"max_len", 64}};
    writeFile(tmp.file("manifest.json"), j.dump());
    EXPECT_EQ(TraceSet::open(tmp.path()).runConfig().toJson(), TraceRunConfig{}.toJson());
}

// The committed golden trace's run configuration and statistics, typed.
TEST(TraceStore, GoldenTraceRunConfig)
{
    const TraceSet set = TraceSet::open(dataPath("golden/trace"));
    const TraceRunConfig& c = set.runConfig();
    EXPECT_EQ(c.tool, "specmoe-collect-1");
    EXPECT_EQ(c.modelDir, "/tmp/tmp.DTWJM2CsSQ/model");
    EXPECT_EQ(c.tokenizer, "");
    ASSERT_EQ(c.sources.size(), 1u);
    EXPECT_EQ(c.sources[0].format, "jsonl-ids");
    EXPECT_EQ(c.maxLength, 32);
    EXPECT_EQ(c.batchSize, 8);
    EXPECT_EQ(c.lookahead, (std::vector<int>{1, 2}));
    EXPECT_TRUE(c.withLogits);
    EXPECT_EQ(c.corpusTokens, 232);
    ASSERT_EQ(set.sourceStats().size(), 1u);
    EXPECT_EQ(set.sourceStats()[0].documents, 30);
    EXPECT_EQ(set.storage().chunkTokens, 128);
    EXPECT_DOUBLE_EQ(set.storage().shardSizeMB, 0.012);
    EXPECT_EQ(set.totals().shards, 2u);
    EXPECT_EQ(set.totals().tokens, 232);
}

TEST(TraceStore, StreamStopsWhenTheVisitorReturnsFalse)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards());
        for (int i = 0; i < 6; ++i)
            w.append(makeBlock(d, i * 20, 20));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    ASSERT_GT(set.shards().size(), 3u);
    std::vector<int64_t> ids;
    EXPECT_TRUE(set.forEachBlock(
        [&](const RoutingBlock& b) {
            ids.push_back(b.sequences.front().seqId);
            return true;
        },
        1)); // one sequence per block
    ASSERT_EQ(ids.size(), 120u);
    std::vector<int64_t> stopped;
    EXPECT_FALSE(set.forEachBlock(
        [&](const RoutingBlock& b) {
            stopped.push_back(b.sequences.front().seqId);
            return stopped.size() < 50; // past the first shard
        },
        1));
    EXPECT_EQ(stopped, std::vector<int64_t>(ids.begin(), ids.begin() + 50));
}

TEST(TraceStore, DimsEqualityAndRoutingShape)
{
    const TraceDims a = tinyDims();
    TraceDims b = a;
    EXPECT_TRUE(a == b);
    b.hasLogits = !a.hasLogits;
    EXPECT_TRUE(a != b);             // a shard stores logits or not
    EXPECT_TRUE(sameRouting(a, b)); // the routing is the same
    for (auto change : {+[](TraceDims& x) { ++x.layers; }, +[](TraceDims& x) { ++x.experts; },
                        +[](TraceDims& x) { ++x.topk; }, +[](TraceDims& x) { x.lookahead.push_back(9); }}) {
        TraceDims c = a;
        change(c);
        EXPECT_FALSE(a == c);
        EXPECT_FALSE(sameRouting(a, c));
    }
}

TEST(TraceStore, ShardsNeverSplitSequencesAndHonourTarget)
{
    TempDir tmp("trace");
    const TraceDims d = mixtralDims();
    TraceWriterOptions o = smallShards(0.1); // 0.1 MiB = ~535 tokens at 196 B
    {
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(makeBlock(d, 0, 60));
        w.finish();
    }
    TraceSet set = TraceSet::open(tmp.path());
    const double target = 0.1 * 1024 * 1024;
    for (size_t i = 0; i + 1 < set.shards().size(); ++i) {
        EXPECT_GE(double(set.shards()[i].payloadBytes), target);
        EXPECT_LT(double(set.shards()[i].payloadBytes), target + 96 * 196); // at most one more sequence
    }
    EXPECT_TRUE(set.verify().ok());
}

TEST(TraceStore, ResumeContinuesAfterLastCompleteShard)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims(false, {1});
    RoutingBlock all = makeBlock(d, 0, 100);
    std::set<int64_t> firstRun;
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(0.02));
        // Write 60 sequences, no finish(): a crash or a cancel.
        RoutingBlock part = makeBlock(d, 0, 60);
        w.append(part);
        firstRun = w.completedSequences();
        EXPECT_FALSE(firstRun.empty());
        EXPECT_LT(firstRun.size(), 60u); // the open shard is lost
    }
    // A crash also leaves a temporary shard and maybe a renamed but unlisted shard.
    writeFile(tmp.file("shard-00042.h5.tmp"), "partial");
    writeFile(tmp.file("shard-00043.h5"), "renamed before the manifest update");
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(0.02));
        EXPECT_TRUE(w.resumed());
        EXPECT_EQ(w.completedSequences(), firstRun);
        EXPECT_FALSE(fs::exists(tmp.file("shard-00042.h5.tmp")));
        EXPECT_FALSE(fs::exists(tmp.file("shard-00043.h5")));
        // The caller skips what is done and appends the rest.
        RoutingBlock rest;
        rest.dims = d;
        for (int64_t id = 0; id < 100; ++id)
            if (!w.isCompleted(id))
                rest.append(makeBlock(d, id, 1));
        w.append(rest);
        EXPECT_THROW(w.append(makeBlock(d, 3, 1)), Error); // duplicate
        w.finish();
    }
    TraceSet set = TraceSet::open(tmp.path());
    EXPECT_EQ(set.numSequences(), 100);
    std::set<int64_t> ids;
    for (const auto& s : set.sequences())
        EXPECT_TRUE(ids.insert(s.seqId).second) << "duplicate " << s.seqId;
    EXPECT_EQ(ids.size(), 100u);
    // Content equal to a straight run, sequence by sequence.
    for (int64_t id : {0, 17, 59, 60, 99}) {
        const RoutingBlock got = set.readSequence(id);
        expectSameTokens(got, makeBlock(d, id, 1));
    }
    EXPECT_TRUE(set.verify().ok());
}

// flush() (what a cancelled collection calls) stores the pending sequences as a complete
// shard below the target size; a resume continues after them, nothing lost or duplicated.
TEST(TraceStore, FlushStoresPendingSequencesForResume)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims(false, {1});
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(4)); // 4 MiB: no shard fills up
        w.flush();                                          // nothing pending: no shard
        EXPECT_EQ(w.shardsWritten(), 0u);
        w.append(makeBlock(d, 0, 23));
        EXPECT_TRUE(w.completedSequences().empty());
        w.flush();
        EXPECT_EQ(w.shardsWritten(), 1u);
        EXPECT_EQ(w.sequencesWritten(), 23);
        EXPECT_EQ(w.completedSequences().size(), 23u);
        EXPECT_TRUE(fs::exists(tmp.file("shard-00000.h5")));
        EXPECT_FALSE(fs::exists(tmp.file("shard-00000.h5.tmp")));
        w.flush(); // again: nothing pending
        EXPECT_EQ(w.shardsWritten(), 1u);
        w.append(makeBlock(d, 23, 5)); // then stopped without finish(): these 5 are lost
    }
    {
        const TraceSet partial = TraceSet::open(tmp.path());
        EXPECT_FALSE(partial.complete());
        EXPECT_EQ(partial.numSequences(), 23);
        EXPECT_TRUE(partial.verify().ok());
    }
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(4));
        EXPECT_TRUE(w.resumed());
        ASSERT_EQ(w.completedSequences().size(), 23u);
        EXPECT_EQ(*w.completedSequences().rbegin(), 22);
        EXPECT_THROW(w.append(makeBlock(d, 22, 1)), Error); // stored already
        w.append(makeBlock(d, 23, 17));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    EXPECT_TRUE(set.complete());
    EXPECT_EQ(set.shards().size(), 2u);
    EXPECT_TRUE(set.verify().ok());
    expectSameTokens(readAll(set, 1 << 20), makeBlock(d, 0, 40));
}

TEST(TraceStore, RefusesOtherFingerprintUnlessStartOver)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    {
        TraceWriter w(tmp.path(), d, fp("run1"), smallShards());
        w.append(makeBlock(d, 0, 10));
        w.finish();
    }
    try {
        TraceWriter w(tmp.path(), d, fp("run2"), smallShards());
        FAIL() << "accepted another fingerprint";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("run_config_hash"), std::string::npos) << e.what();
    }
    TraceDims other = d;
    other.layers = 5;
    EXPECT_THROW(TraceWriter(tmp.path(), other, fp("run1"), smallShards()), Error);
    // Still intact.
    EXPECT_EQ(TraceSet::open(tmp.path()).numSequences(), 10);

    TraceWriterOptions o = smallShards();
    o.startOver = true;
    {
        TraceWriter w(tmp.path(), d, fp("run2"), o);
        EXPECT_FALSE(w.resumed());
        EXPECT_TRUE(w.completedSequences().empty());
        w.append(makeBlock(d, 100, 5));
        w.finish();
    }
    TraceSet set = TraceSet::open(tmp.path());
    EXPECT_EQ(set.numSequences(), 5);
    EXPECT_EQ(set.fingerprint().runConfigHash, "run2");
    EXPECT_TRUE(set.verify().ok());
}

TEST(TraceStore, RejectsBadBlocks)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    TraceWriter w(tmp.path(), d, fp(), smallShards());
    RoutingBlock b = makeBlock(d, 0, 3);
    b.topkIds[5] = 9; // expert out of range
    EXPECT_THROW(w.append(b), Error);
    RoutingBlock dup = makeBlock(d, 0, 2);
    dup.append(makeBlock(d, 1, 1));
    EXPECT_THROW(w.append(dup), Error);
    EXPECT_THROW(w.append(makeBlock(mixtralDims(), 0, 1)), Error); // other dims
    w.append(makeBlock(d, 0, 2));
    w.finish();
    EXPECT_EQ(TraceSet::open(tmp.path()).numSequences(), 2);
}

TEST(TraceStore, NonContiguousPositionsAreStoredExplicitly)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims(false, {});
    RoutingBlock ref = makeBlock(d, 0, 40, 64, 5); // contiguous, start at 5
    RoutingBlock odd = makeBlock(d, 40, 3);
    for (size_t i = 0; i < odd.positions.size(); ++i)
        odd.positions[i] = int32_t(i * 3 % 7);
    ref.append(odd);
    ref.append(makeBlock(d, 43, 10));
    {
        TraceWriterOptions o = smallShards(1.0);
        o.deflateLevel = 0; // shuffle only
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(ref);
        w.finish();
    }
    TraceSet set = TraceSet::open(tmp.path());
    ASSERT_EQ(set.shards().size(), 1u);
    expectSameTokens(readAll(set, 100), ref);
}

TEST(TraceStore, BytesPerTokenAtMixtralDims)
{
    const TraceDims d = mixtralDims();
    EXPECT_LE(payloadBytesPerToken(d), 200u);
    EXPECT_EQ(payloadBytesPerToken(d), 196u);
    EXPECT_LE(payloadBytesPerToken(mixtralDims({}, true)), 800u);
    EXPECT_EQ(payloadBytesPerToken(mixtralDims({}, true)), 708u);

    TempDir tmp("trace");
    {
        TraceWriterOptions o;
        o.shardSizeMB = 64;
        o.deflateLevel = 1;
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(makeBlock(d, 0, 80, 512));
        w.finish();
    }
    TraceSet set = TraceSet::open(tmp.path());
    int64_t bytes = 0;
    for (const auto& s : set.shards())
        bytes += s.bytes;
    const double perToken = double(bytes) / double(set.numTokens());
    std::printf("Mixtral dims, synthetic routing, deflate 1: %.1f B/token on disk (payload 196)\n", perToken);
    EXPECT_LT(perToken, 196.0);
}

TEST(TraceStore, H5pyReadsAShard)
{
    // Debian's python3-h5py lives under /usr/bin/python3 (a pyenv python3 may shadow it).
    std::string python;
    for (const char* p : {"/usr/bin/python3", "python3"})
        if (python.empty() && runCommand(std::string(p) + " -c 'import h5py, numpy'") == 0)
            python = p;
    if (python.empty())
        GTEST_SKIP() << "python3-h5py not installed";
    TempDir tmp("trace");
    const TraceDims d = tinyDims(true, {1, 2});
    const RoutingBlock b = makeBlock(d, 7, 5);
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(10));
        w.append(b);
        w.finish();
    }
    const std::string script = tmp.file("read.py");
    writeFile(script, R"(import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
t = f['tokens']; s = f['sequences']
out = {
  'format': f.attrs['format'], 'schema': int(f.attrs['schema_version']),
  'layers': int(f.attrs['layers']), 'dtype': f.attrs['dtype'],
  'lookahead': [int(x) for x in f.attrs['lookahead']],
  'token_id': t['token_id'][:].tolist(),
  'ids_shape': list(t['topk_ids'].shape),
  'ids': t['topk_ids'][:].ravel().tolist(),
  'w_dtype': str(t['topk_weights'].dtype),
  'w': [float(x) for x in t['topk_weights'][:].ravel()],
  'logits': [float(x) for x in t['router_logits'][:].ravel()],
  'look': t['lookahead_ids'][:].ravel().tolist(),
  'seq_id': s['seq_id'][:].tolist(), 'length': s['length'][:].tolist(),
  'source': [x.decode() if isinstance(x, bytes) else x for x in s['source'][:]],
  'doc_id': [x.decode() if isinstance(x, bytes) else x for x in s['doc_id'][:]],
  'filters': t['topk_weights'].compression, 'shuffle': bool(t['topk_weights'].shuffle),
}
print(json.dumps(out))
)");
    std::string out;
    ASSERT_EQ(runCommand(python + " " + script + " " + tmp.file("shard-00000.h5"), &out), 0) << out;
    const auto j = nlohmann::json::parse(out.substr(out.find('{')));
    EXPECT_EQ(j["format"], "specmoe-trace-shard");
    EXPECT_EQ(j["schema"], 2);
    EXPECT_EQ(j["layers"], 4);
    EXPECT_EQ(j["dtype"], "bfloat16");
    EXPECT_EQ(j["lookahead"], nlohmann::json::array({1, 2}));
    EXPECT_EQ(j["w_dtype"], "float16");
    EXPECT_EQ(j["filters"], "gzip");
    EXPECT_TRUE(j["shuffle"].get<bool>());
    EXPECT_EQ(j["token_id"].get<std::vector<int32_t>>(), b.tokenIds);
    EXPECT_EQ(j["ids_shape"], nlohmann::json::array({b.numTokens(), 4, 2}));
    EXPECT_EQ(j["ids"].get<std::vector<ExpertId>>(), b.topkIds);
    // uint8 on disk: 255 is the no-expert sentinel.
    std::vector<int> look;
    for (ExpertId x : b.lookaheadIds)
        look.push_back(x == kNoExpert ? 255 : int(x));
    EXPECT_EQ(j["look"].get<std::vector<int>>(), look);
    const auto w = j["w"].get<std::vector<float>>();
    ASSERT_EQ(w.size(), b.topkWeights.size());
    for (size_t i = 0; i < w.size(); ++i)
        ASSERT_EQ(w[i], halfToFloat(b.topkWeights[i])) << i;
    const auto lg = j["logits"].get<std::vector<float>>();
    ASSERT_EQ(lg.size(), b.logits.size());
    for (size_t i = 0; i < lg.size(); ++i)
        ASSERT_EQ(lg[i], halfToFloat(b.logits[i])) << i;
    EXPECT_EQ(j["seq_id"], nlohmann::json::array({7, 8, 9, 10, 11}));
    EXPECT_EQ(j["source"][0], b.sequences[0].source);
    EXPECT_EQ(j["doc_id"][4], b.sequences[4].docId);
    for (size_t s = 0; s < 5; ++s)
        EXPECT_EQ(j["length"][s], b.sequences[s].length);
}

TEST(TraceStore, FullDiskStopsWithClearErrorAndKeepsShards)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(0.05));
        w.append(makeBlock(d, 0, 40));
        w.finish();
    }
    const TraceSet before = TraceSet::open(tmp.path());
    const size_t shards = before.shards().size();
    ASSERT_GE(shards, 2u);

    // RLIMIT_FSIZE makes writes past 64 KiB fail with EFBIG, like a full disk.
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old;
    lim.rlim_cur = 64 * 1024;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
    std::string message;
    try {
        TraceWriterOptions o = smallShards(4.0); // the next shard grows past the limit
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(makeBlock(d, 40, 200));
        w.finish();
    } catch (const Error& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    ASSERT_FALSE(message.empty()) << "no error on a full disk";
    std::printf("full-disk error: %s\n", message.c_str());
    EXPECT_NE(message.find("shard-000"), std::string::npos) << message;
    EXPECT_NE(message.find("File too large"), std::string::npos) << message; // the system's reason

    const TraceSet after = TraceSet::open(tmp.path());
    EXPECT_EQ(after.shards().size(), shards);
    EXPECT_EQ(after.numSequences(), 40);
    EXPECT_TRUE(after.verify().ok());
    for (const auto& e : fs::directory_iterator(tmp.path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

TEST(TraceStore, CorruptAndTruncatedShardsAreReported)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims();
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards(0.05));
        w.append(makeBlock(d, 0, 40));
        w.finish();
    }
    TraceSet set = TraceSet::open(tmp.path());
    ASSERT_GE(set.shards().size(), 2u);
    // Flip bytes in the middle of shard 0 (chunk data).
    {
        const std::string p = set.shardPath(0);
        std::string data = readFile(p);
        for (size_t i = data.size() / 2; i < data.size() / 2 + 64; ++i)
            data[i] = char(data[i] ^ 0x5a);
        writeFile(p, data);
    }
    // Truncate shard 1.
    {
        const std::string p = set.shardPath(1);
        fs::resize_file(p, fs::file_size(p) / 2);
        EXPECT_THROW(set.readShard(1), Error);
        try {
            set.readShard(1);
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("shard-00001.h5"), std::string::npos) << e.what();
        }
    }
    const VerifyReport rep = set.verify();
    EXPECT_FALSE(rep.ok());
    bool crc0 = false, trunc1 = false;
    for (const auto& p : rep.problems) {
        crc0 = crc0 || (p.find("shard-00000.h5") != std::string::npos && p.find("CRC") != std::string::npos);
        trunc1 = trunc1 || p.find("shard-00001.h5") != std::string::npos;
    }
    EXPECT_TRUE(crc0);
    EXPECT_TRUE(trunc1);
    // Not a trace folder / garbage manifest.
    EXPECT_THROW(TraceSet::open(tmp.file("nope")), Error);
    writeFile(tmp.file("manifest.json"), "{ not json");
    EXPECT_THROW(TraceSet::open(tmp.path()), Error);
}
