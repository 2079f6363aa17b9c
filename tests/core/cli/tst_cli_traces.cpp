// specmoe traces info | verify | reshard | export-csv.
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/half.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

void writeSmallTrace(const std::string& dir)
{
    TraceDims d;
    d.layers = 4;
    d.experts = 8;
    d.topk = 2;
    RoutingBlock b;
    b.dims = d;
    for (int64_t id = 0; id < 30; ++id) {
        SequenceRecord r;
        r.seqId = id;
        r.source = id % 2 ? "code" : "wiki";
        r.docId = "d" + std::to_string(id);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = 20 + int32_t(id);
        b.sequences.push_back(r);
        for (int32_t p = 0; p < r.length; ++p) {
            b.tokenIds.push_back(int32_t(100 + p));
            b.seqIds.push_back(id);
            b.positions.push_back(p);
            for (int l = 0; l < d.layers; ++l) {
                b.topkIds.push_back(uint8_t((l + p) % 8));
                b.topkIds.push_back(uint8_t((l + p + 1) % 8));
                b.topkWeights.push_back(floatToHalf(0.75f));
                b.topkWeights.push_back(floatToHalf(0.25f));
            }
        }
    }
    TraceWriterOptions o;
    o.shardSizeMB = 0.005;
    o.chunkTokens = 128;
    TraceWriter w(dir, d, {"cfg", "bfloat16", "tok", "run"}, o);
    w.append(b);
    w.finish();
}

} // namespace

TEST(CliTraces, InfoVerifyReshardExport)
{
    TempDir tmp("cli-traces");
    const std::string dir = tmp.file("t");
    writeSmallTrace(dir);
    const std::string cli = cliPath();
    std::string out;
    ASSERT_EQ(runCommand(cli + " traces info " + dir, &out), 0) << out;
    EXPECT_NE(out.find("sequences        30"), std::string::npos) << out;
    EXPECT_NE(out.find("code: 15 sequences"), std::string::npos) << out;
    ASSERT_EQ(runCommand(cli + " traces info " + dir + " --json", &out), 0) << out;
    EXPECT_NE(out.find("\"format\": \"specmoe-trace\""), std::string::npos) << out;

    ASSERT_EQ(runCommand(cli + " traces verify " + dir + " --quiet", &out), 0) << out;
    EXPECT_NE(out.find("OK: "), std::string::npos) << out;

    ASSERT_EQ(runCommand(cli + " traces reshard " + dir + " " + tmp.file("r") + " --size-mb 1 --quiet", &out), 0)
        << out;
    EXPECT_NE(out.find("1 shards, 30 sequences"), std::string::npos) << out;

    ASSERT_EQ(runCommand(cli + " traces export-csv " + dir + " --seq 2,4-5 --layers 0 --out " + tmp.file("x.csv"),
                         &out),
              0)
        << out;
    const std::string csv = readFile(tmp.file("x.csv"));
    EXPECT_EQ(csv.rfind("seq_id,source,doc_id,position,token_id,layer,expert_0", 0), 0u);
    size_t lines = 0;
    for (char c : csv)
        lines += c == '\n';
    EXPECT_EQ(lines, 1u + 22 + 24 + 25);
    EXPECT_NE(csv.find("\n2,wiki,d2,0,100,0,0,1,0.75,0.25\n"), std::string::npos) << csv.substr(0, 300);

    // Usage errors and failures.
    EXPECT_EQ(runCommand(cli + " traces bogus " + dir, &out), 2) << out;
    EXPECT_EQ(runCommand(cli + " traces export-csv " + dir, &out), 2) << out;
    EXPECT_EQ(runCommand(cli + " traces export-csv " + dir + " --seq 999", &out), 1) << out;
    EXPECT_EQ(runCommand(cli + " traces info " + tmp.file("missing"), &out), 1) << out;

    // A corrupt shard: verify exits 4 and names it.
    const std::string shard = dir + "/shard-00001.h5";
    std::string data = readFile(shard);
    data[data.size() / 2] = char(data[data.size() / 2] ^ 0xff);
    writeFile(shard, data);
    ASSERT_EQ(runCommand(cli + " traces verify " + dir + " --quiet", &out), 4) << out;
    EXPECT_NE(out.find("shard-00001.h5"), std::string::npos) << out;
    fs::remove(dir + "/shard-00002.h5");
    ASSERT_EQ(runCommand(cli + " traces verify " + dir + " --quiet", &out), 4) << out;
    EXPECT_NE(out.find("shard-00002.h5: file is missing"), std::string::npos) << out;
}

// Schema 2: info shows the model, the origin, weights, the layer map, shared experts and the
// prefill/decode split; export-csv adds decoder_layer, phase and request_id and leaves out
// the weight columns of an id-only trace.
TEST(CliTraces, InfoAndExportOfAnImportedIdOnlyTrace)
{
    TempDir tmp("cli-traces");
    const std::string dir = tmp.file("t");
    TraceDims d;
    d.layers = 3;
    d.experts = 300;
    d.topk = 2;
    d.hasWeights = false;
    d.moeLayers = {2, 3, 4};
    d.decoderLayers = 5;
    d.sharedExperts = 1;
    RoutingBlock b;
    b.dims = d;
    for (int64_t id = 0; id < 4; ++id) {
        SequenceRecord r;
        r.seqId = id;
        r.source = "chat";
        r.docId = "d" + std::to_string(id);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = 10;
        r.generatedTokens = int32_t(id); // 0 + 1 + 2 + 3 = 6 decode tokens
        r.requestId = id == 2 ? "cmpl-7,\"x\"" : "";
        b.sequences.push_back(r);
        for (int32_t p = 0; p < r.length; ++p) {
            b.tokenIds.push_back(int32_t(100 + p));
            b.seqIds.push_back(id);
            b.positions.push_back(p);
            for (int l = 0; l < d.layers; ++l) {
                b.topkIds.push_back(ExpertId(290 + l));
                b.topkIds.push_back(ExpertId(p));
            }
        }
    }
    TraceWriterOptions o;
    o.model = {"deepseek_v3", "deepseek-ai/DeepSeek-V3", "sigmoid_group_topk"};
    o.origin = {"imported", "vllm", "0.9.1", {"/data/batch-0.npz"}};
    {
        TraceWriter w(dir, d, {"cfg", "bfloat16", "tok", "run"}, o);
        w.append(b);
        w.finish();
    }
    const std::string cli = cliPath();
    std::string out;
    ASSERT_EQ(runCommand(cli + " traces info " + dir, &out), 0) << out;
    EXPECT_NE(out.find("schema           2, complete"), std::string::npos) << out;
    EXPECT_NE(out.find("model            deepseek_v3, deepseek-ai/DeepSeek-V3 (routing sigmoid_group_topk)"),
              std::string::npos) << out;
    EXPECT_NE(out.find("origin           imported from vllm 0.9.1 (1 input file)"), std::string::npos) << out;
    EXPECT_NE(out.find("logits no, weights no"), std::string::npos) << out;
    EXPECT_NE(out.find("layer map        3 MoE of 5 decoder layers (2-4)"), std::string::npos) << out;
    EXPECT_NE(out.find("shared experts   1"), std::string::npos) << out;
    EXPECT_NE(out.find("phase            34 prefill tokens, 6 decode tokens; 1 sequences with a request id"),
              std::string::npos) << out;
    EXPECT_NE(out.find("(16 B/token)"), std::string::npos) << out; // 4 + 3*2*2 (uint16 ids)

    ASSERT_EQ(runCommand(cli + " traces export-csv " + dir + " --seq 2 --layers 1 --out " + tmp.file("x.csv"), &out), 0)
        << out;
    const std::string csv = readFile(tmp.file("x.csv"));
    EXPECT_EQ(csv.rfind("seq_id,source,doc_id,position,token_id,layer,decoder_layer,expert_0,expert_1,phase,"
                        "request_id\n", 0), 0u) << csv.substr(0, 200);
    EXPECT_NE(csv.find("\n2,chat,d2,0,100,1,3,291,0,prefill,\"cmpl-7,\"\"x\"\"\"\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\n2,chat,d2,9,109,1,3,291,9,decode,\"cmpl-7,\"\"x\"\"\"\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\n2,chat,d2,8,108,1,3,291,8,decode,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\n2,chat,d2,7,107,1,3,291,7,prefill,"), std::string::npos) << csv;
}
