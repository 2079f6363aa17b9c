// Trace tools: reshard and CSV export.
#include "core/trace/csv_export.h"
#include "core/trace/reshard.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/atomic_file.h"
#include "core/util/checksum.h"
#include "core/util/error.h"
#include "tests/core/trace/synthetic_trace.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

using namespace specmoe;
using namespace specmoe::test;

namespace {

TraceFingerprint fp() { return {"cfg", "float32", "tok", "run"}; }

RoutingBlock writeTrace(const std::string& dir, const TraceDims& d, double mb, int seqs = 50)
{
    RoutingBlock b = makeBlock(d, 0, seqs);
    TraceWriterOptions o;
    o.shardSizeMB = mb;
    o.chunkTokens = 512;
    o.runConfig.maxLength = 64;
    o.runConfig.modelDir = "/models/tiny";
    TraceWriter w(dir, d, fp(), o);
    w.append(b);
    TraceSourceStats code;
    code.name = "code";
    code.skipped = {{"empty-document", 2}};
    code.skippedTotal = 2;
    w.setSkipStats({code});
    w.finish();
    return b;
}

} // namespace

// A trace whose writer never finished (killed, stopped, still collecting) is refused before
// anything is written: its resharded copy was complete and verified as the whole trace.
TEST(TraceTools, ReshardRefusesAnIncompleteTrace)
{
    TempDir src("trace-src"), dst("trace-dst");
    const TraceDims d = tinyDims();
    {
        TraceWriter w(src.path(), d, fp());
        w.append(makeBlock(d, 0, 20));
        w.flush();
    }
    ASSERT_FALSE(TraceSet::open(src.path()).complete());
    ASSERT_GT(TraceSet::open(src.path()).numTokens(), 0);
    try {
        reshardTrace(src.path(), dst.path() + "/out");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("reshard: " + src.path() + " is not complete"), std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dst.path() + "/out"));
}

TEST(TraceTools, ReshardKeepsContent)
{
    TempDir src("trace-src"), dst("trace-dst");
    const TraceDims d = tinyDims();
    writeTrace(src.path(), d, 0.02);
    const TraceSet a = TraceSet::open(src.path());
    ReshardOptions o;
    o.shardSizeMB = 0.2;
    o.deflateLevel = 3;
    const ReshardResult r = reshardTrace(src.path(), dst.path() + "/out", o);
    const TraceSet b = TraceSet::open(dst.path() + "/out");
    EXPECT_EQ(r.shards, b.shards().size());
    EXPECT_LT(b.shards().size(), a.shards().size());
    EXPECT_EQ(b.numTokens(), a.numTokens());
    EXPECT_EQ(b.fingerprint(), a.fingerprint());
    EXPECT_EQ(sourceStatsToJson(b.sourceStats()), sourceStatsToJson(a.sourceStats()));
    ASSERT_EQ(b.sourceStats().size(), 1u);
    EXPECT_EQ(b.sourceStats()[0].skipped.at("empty-document"), 2);
    EXPECT_EQ(b.runConfig().toJson(), a.runConfig().toJson());
    EXPECT_EQ(b.runConfig().modelDir, "/models/tiny");
    EXPECT_EQ(b.storage().deflateLevel, 3);
    RoutingBlock x, y;
    x.dims = y.dims = d;
    a.forEachBlock([&](const RoutingBlock& blk) { x.append(blk); return true; });
    b.forEachBlock([&](const RoutingBlock& blk) { y.append(blk); return true; });
    EXPECT_EQ(x.tokenIds, y.tokenIds);
    EXPECT_EQ(x.topkWeights, y.topkWeights);
    EXPECT_EQ(x.logits, y.logits);
    EXPECT_EQ(x.lookaheadIds, y.lookaheadIds);
    EXPECT_TRUE(b.verify().ok());
    // Into itself: refused. An existing destination: resumed (nothing to add) or overwritten.
    EXPECT_THROW(reshardTrace(src.path(), src.path(), o), Error);
    EXPECT_EQ(reshardTrace(src.path(), dst.path() + "/out", o).tokens, a.numTokens());
    o.overwrite = true;
    o.shardSizeMB = 0.05;
    EXPECT_EQ(reshardTrace(src.path(), dst.path() + "/out", o).tokens, a.numTokens());
    EXPECT_TRUE(TraceSet::open(dst.path() + "/out").verify().ok());
}

TEST(TraceTools, CsvExportChosenSequencesAndLayers)
{
    TempDir tmp("trace");
    const TraceDims d = tinyDims(true, {1});
    const RoutingBlock ref = writeTrace(tmp.path(), d, 0.02, 12);
    const TraceSet set = TraceSet::open(tmp.path());
    CsvExportOptions o;
    o.seqIds = {5, 2};
    o.layers = {1, 3};
    o.lookahead = true;
    std::ostringstream out;
    const int64_t rows = exportCsv(set, out, o);
    const int64_t expectRows = 2 * (ref.sequences[5].length + ref.sequences[2].length);
    EXPECT_EQ(rows, expectRows);
    std::istringstream lines(out.str());
    std::string header, first;
    std::getline(lines, header);
    std::getline(lines, first);
    EXPECT_EQ(header, "seq_id,source,doc_id,position,token_id,layer,expert_0,expert_1,weight_0,weight_1,"
                      "lookahead_d1_0,lookahead_d1_1");
    const size_t t = size_t(ref.sequences[5].tokenOffset);
    std::ostringstream want;
    want << "5," << ref.sequences[5].source << "," << ref.sequences[5].docId << ",0," << ref.tokenIds[t] << ",1,"
         << int(ref.expert(t, 1, 0)) << "," << int(ref.expert(t, 1, 1)) << ",";
    EXPECT_EQ(first.rfind(want.str(), 0), 0u) << first << "\nwant prefix " << want.str();
    // Layer 3 has no layer 3+1: empty lookahead cells.
    std::string second;
    std::getline(lines, second);
    EXPECT_EQ(second.substr(second.size() - 2), ",,") << second;

    o.seqIds = {999};
    std::ostringstream bad;
    EXPECT_THROW(exportCsv(set, bad, o), Error);
    o.seqIds = {1};
    o.layers = {4};
    EXPECT_THROW(exportCsv(set, bad, o), Error);

    // All sequences, all layers, logits.
    CsvExportOptions all;
    all.logits = true;
    std::ostringstream full;
    EXPECT_EQ(exportCsv(set, full, all), int64_t(ref.numTokens()) * d.layers);
    EXPECT_NE(full.str().find(",logit_7\n"), std::string::npos);
}

TEST(TraceTools, Crc32AndAtomicFile)
{
    EXPECT_EQ(crc32Update(0, "123456789", 9), 0xCBF43926u); // the standard check value
    const std::string text = "The quick brown fox jumps over the lazy dog, twice over for slicing-by-8";
    uint32_t inc = crc32Update(0, text.data(), 10);
    inc = crc32Update(inc, text.data() + 10, text.size() - 10);
    EXPECT_EQ(inc, crc32Update(0, text.data(), text.size()));
    TempDir tmp("atomic");
    writeFileAtomic(tmp.file("m.json"), "one");
    writeFileAtomic(tmp.file("m.json"), "two");
    EXPECT_EQ(readFile(tmp.file("m.json")), "two");
    EXPECT_EQ(crc32File(tmp.file("m.json")), crc32Update(0, "two", 3));
    EXPECT_EQ(crc32Hex(0xCBF43926u), "cbf43926");
    EXPECT_THROW(crc32File(tmp.file("missing")), Error);
    EXPECT_THROW(writeFileAtomic(tmp.file("no/such/dir/x"), "x"), Error);
}
