// Trace schema 2 (docs/trace-format.md): round trips at the dims of Mixtral-8x7B, Qwen3-30B-A3B
// (with and without router weights, with decode tokens and request ids) and DeepSeek-V3 (256
// routed experts: uint16 ids, 1 shared expert, 58 MoE of 61 decoder layers); the stored HDF5
// types, the manifest's model and origin, resume refusals, values out of range on read, and
// numpy/h5py reading a schema-2 shard.
#include "core/trace/reshard.h"
#include "core/trace/token_id.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/test_support.h"

#include "tests/core/trace/block_compare.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <numeric>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

TraceDims mixtral()
{
    TraceDims d;
    d.layers = 32;
    d.experts = 8;
    d.topk = 2;
    d.decoderLayers = 32;
    return d;
}

TraceDims qwen3(bool weights)
{
    TraceDims d;
    d.layers = 48;
    d.experts = 128;
    d.topk = 8;
    d.hasWeights = weights;
    d.decoderLayers = 48;
    return d;
}

TraceDims deepseekV3()
{
    TraceDims d;
    d.layers = 58;
    d.experts = 256;
    d.topk = 8;
    d.hasWeights = false;
    d.decoderLayers = 61;
    d.moeLayers.resize(58);
    std::iota(d.moeLayers.begin(), d.moeLayers.end(), 3);
    d.sharedExperts = 1;
    d.lookahead = {1};
    return d;
}

// `count` sequences from id `first`; ids cover every expert (255 included where E > 255),
// k distinct ids per (token, layer). The last `gen` tokens of odd sequences are decode tokens.
RoutingBlock block(const TraceDims& d, int64_t first, int count, int gen = 0, bool requestIds = false)
{
    RoutingBlock b;
    b.dims = d;
    const int L = d.layers, E = d.experts, k = d.topk, D = int(d.lookahead.size());
    const int step = E / k;
    for (int s = 0; s < count; ++s) {
        const int64_t id = first + s;
        SequenceRecord r;
        r.seqId = id;
        r.source = id % 2 ? "chat" : "code";
        r.docId = "doc-" + std::to_string(id);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = int32_t(9 + (id * 5) % 23);
        r.generatedTokens = (id % 2 && gen > 0) ? std::min(gen, r.length) : 0;
        r.requestId = requestIds && id % 3 ? "req-" + std::to_string(id * 17) : "";
        for (int32_t t = 0; t < r.length; ++t) {
            b.tokenIds.push_back(int32_t((id * 131 + t * 7) % 151000));
            b.seqIds.push_back(id);
            b.positions.push_back(t);
            const int64_t row = int64_t(b.numTokens()) - 1;
            for (int l = 0; l < L; ++l)
                for (int j = 0; j < k; ++j) {
                    b.topkIds.push_back(ExpertId((row * 3 + l * 5 + j * step) % E));
                    if (d.hasWeights)
                        b.topkWeights.push_back(floatToHalf(1.0f / float(j + 2)));
                }
            for (int l = 0; l < L; ++l)
                for (int di = 0; di < D; ++di)
                    for (int j = 0; j < k; ++j)
                        b.lookaheadIds.push_back(l + d.lookahead[size_t(di)] < L
                                                     ? ExpertId((row * 3 + (l + 1) * 5 + j * step) % E)
                                                     : kNoExpert);
        }
        b.sequences.push_back(std::move(r));
    }
    return b;
}

TraceFingerprint fp() { return {"cfg", "bfloat16", "tok", "run"}; }

TraceWriterOptions options(const std::string& family, const std::string& engine = "")
{
    TraceWriterOptions o;
    o.shardSizeMB = 0.05; // several shards for every test trace
    o.chunkTokens = 128;
    o.model = {family, family + "-model", "softmax_topk"};
    if (!engine.empty())
        o.origin = {"imported", engine, "0.9.1", {"/data/a.npz", "/data/b.npz"}};
    return o;
}

RoutingBlock readAll(const TraceSet& set)
{
    RoutingBlock all;
    all.dims = set.dims();
    set.forEachBlock([&](const RoutingBlock& b) {
        b.validate();
        all.append(b);
        return true;
    });
    return all;
}

// What HDF5 says about a shard's datasets and attributes (opened directly, not by our reader).
struct StoredShard {
    size_t idBytes = 0, lookaheadBytes = 0;
    bool idsUnsigned = false;
    bool hasWeights = false, hasRequestId = false, hasGenerated = false;
    int64_t schema = 0, hasWeightsAttr = -1, decoderLayers = -1, sharedExperts = -1;
    std::vector<int32_t> moeLayers;
};

int64_t intAttr(hid_t f, const char* name)
{
    int64_t v = -1;
    const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a >= 0) {
        H5Aread(a, H5T_NATIVE_INT64, &v);
        H5Aclose(a);
    }
    return v;
}

size_t typeSize(hid_t f, const char* path, bool* isUnsigned = nullptr)
{
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0)
        return 0;
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    const hid_t t = H5Dget_type(d);
    const size_t n = H5Tget_size(t);
    if (isUnsigned)
        *isUnsigned = H5Tget_class(t) == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_NONE;
    H5Tclose(t);
    H5Dclose(d);
    return n;
}

StoredShard inspect(const std::string& path)
{
    StoredShard s;
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return s;
    s.idBytes = typeSize(f, "tokens/topk_ids", &s.idsUnsigned);
    s.lookaheadBytes = typeSize(f, "tokens/lookahead_ids");
    s.hasWeights = H5Lexists(f, "tokens/topk_weights", H5P_DEFAULT) > 0;
    s.hasRequestId = H5Lexists(f, "sequences/request_id", H5P_DEFAULT) > 0;
    s.hasGenerated = H5Lexists(f, "sequences/generated_tokens", H5P_DEFAULT) > 0;
    s.schema = intAttr(f, "schema_version");
    s.hasWeightsAttr = intAttr(f, "has_weights");
    s.decoderLayers = intAttr(f, "decoder_layers");
    s.sharedExperts = intAttr(f, "shared_experts");
    const hid_t a = H5Aopen(f, "moe_layers", H5P_DEFAULT);
    if (a >= 0) {
        const hid_t sp = H5Aget_space(a);
        s.moeLayers.resize(size_t(H5Sget_simple_extent_npoints(sp)));
        if (!s.moeLayers.empty())
            H5Aread(a, H5T_NATIVE_INT32, s.moeLayers.data());
        H5Sclose(sp);
        H5Aclose(a);
    }
    H5Fclose(f);
    return s;
}

std::vector<int32_t> identity(int n)
{
    std::vector<int32_t> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}

// Writes `a` then `b` (two appends, so shards and chunks split them), reads them back and
// checks everything against the concatenation.
void roundTrip(const TraceDims& d, const RoutingBlock& a, const RoutingBlock& bb, const TraceWriterOptions& o,
               size_t idBytes)
{
    TempDir tmp("schema2");
    {
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(a);
        w.append(bb);
        w.finish();
    }
    RoutingBlock b = a;
    b.append(bb);
    const TraceSet set = TraceSet::open(tmp.path());
    EXPECT_EQ(set.schemaVersion(), 2);
    EXPECT_EQ(set.dims(), d) << describeDims(set.dims());
    EXPECT_EQ(set.dims().hasWeights, d.hasWeights);
    EXPECT_EQ(set.dims().sharedExperts, d.sharedExperts);
    EXPECT_EQ(decoderLayerCount(set.dims()), decoderLayerCount(d));
    for (int l = 0; l < d.layers; ++l)
        EXPECT_EQ(decoderLayerOf(set.dims(), l), decoderLayerOf(d, l));
    EXPECT_EQ(set.model().family, o.model.family);
    EXPECT_EQ(set.model().name, o.model.name);
    EXPECT_EQ(set.model().routing, o.model.routing);
    EXPECT_EQ(set.origin().kind, o.origin.kind);
    EXPECT_EQ(set.origin().engine, o.origin.engine);
    EXPECT_EQ(set.origin().engineVersion, o.origin.engineVersion);
    EXPECT_EQ(set.origin().inputs, o.origin.inputs);
    EXPECT_GE(set.shards().size(), 2u);
    const RoutingBlock back = readAll(set);
    expectSameTokens(b, back);
    // Single sequences and the index carry phase and request id too.
    const auto seqs = set.sequences();
    ASSERT_EQ(seqs.size(), b.sequences.size());
    for (size_t i = 0; i < seqs.size(); ++i) {
        EXPECT_EQ(seqs[i].generatedTokens, b.sequences[i].generatedTokens);
        EXPECT_EQ(seqs[i].requestId, b.sequences[i].requestId);
    }
    const RoutingBlock one = set.readSequence(b.sequences[3].seqId);
    EXPECT_EQ(one.sequences.at(0).generatedTokens, b.sequences[3].generatedTokens);
    EXPECT_EQ(one.sequences.at(0).requestId, b.sequences[3].requestId);
    const VerifyReport rep = set.verify();
    for (const auto& p : rep.problems)
        ADD_FAILURE() << p;

    bool anyRequest = false;
    for (const auto& s : b.sequences)
        anyRequest = anyRequest || !s.requestId.empty();
    const StoredShard st = inspect(set.shardPath(0));
    EXPECT_EQ(st.schema, 2);
    EXPECT_EQ(st.idBytes, idBytes);
    EXPECT_TRUE(st.idsUnsigned);
    EXPECT_EQ(st.lookaheadBytes, d.lookahead.empty() ? 0 : idBytes);
    EXPECT_EQ(st.hasWeights, d.hasWeights);
    EXPECT_EQ(st.hasWeightsAttr, d.hasWeights ? 1 : 0);
    EXPECT_TRUE(st.hasGenerated);
    EXPECT_EQ(st.hasRequestId, anyRequest);
    EXPECT_EQ(st.decoderLayers, d.decoderLayers);
    EXPECT_EQ(st.sharedExperts, d.sharedExperts);
    EXPECT_EQ(st.moeLayers, d.moeLayers.empty() ? identity(d.layers)
                                                 : std::vector<int32_t>(d.moeLayers.begin(), d.moeLayers.end()));

    // The manifest spells the new fields out.
    const auto j = nlohmann::json::parse(set.manifestText());
    EXPECT_EQ(j.at("schema_version"), 2);
    EXPECT_EQ(j.at("dims").at("has_weights"), d.hasWeights);
    EXPECT_EQ(j.at("dims").at("decoder_layers"), d.decoderLayers);
    EXPECT_EQ(j.at("dims").at("shared_experts"), d.sharedExperts);
    EXPECT_EQ(j.at("dims").at("moe_layers").size(), size_t(d.layers));
    EXPECT_EQ(j.at("model").at("family"), o.model.family);
    EXPECT_EQ(j.at("origin").at("kind"), o.origin.kind);
    EXPECT_EQ(j.at("storage").at("payload_bytes_per_token"), payloadBytesPerToken(d));
}

} // namespace

TEST(TraceSchema2, PayloadBytesPerToken)
{
    EXPECT_EQ(payloadBytesPerToken(mixtral()), 196u); // 4 + 64 ids + 128 weights
    TraceDims logits = mixtral();
    logits.hasLogits = true;
    EXPECT_EQ(payloadBytesPerToken(logits), 196u + 512u);
    TraceDims probes = mixtral();
    probes.lookahead = {1, 2};
    EXPECT_EQ(payloadBytesPerToken(probes), 196u + 128u);
    EXPECT_EQ(payloadBytesPerToken(qwen3(true)), 4u + 384u + 768u);
    EXPECT_EQ(payloadBytesPerToken(qwen3(false)), 4u + 384u);
    EXPECT_EQ(payloadBytesPerToken(deepseekV3()), 4u + 2u * 464u + 2u * 464u); // uint16 ids + probes
    EXPECT_EQ(expertIdBytes(mixtral()), 1);
    TraceDims e255 = mixtral();
    e255.experts = 255;
    EXPECT_EQ(expertIdBytes(e255), 1);
    e255.experts = 256;
    EXPECT_EQ(expertIdBytes(e255), 2);
}

TEST(TraceSchema2, MixtralRoundTrip)
{
    const TraceDims d = mixtral();
    roundTrip(d, block(d, 0, 25), block(d, 25, 15), options("mixtral"), 1);
}

TEST(TraceSchema2, Qwen3WithWeightsDecodeTokensAndRequestIds)
{
    const TraceDims d = qwen3(true);
    roundTrip(d, block(d, 100, 16, 6, true), block(d, 116, 14, 6, true), options("qwen3_moe", "vllm"), 1);
}

TEST(TraceSchema2, Qwen3WithoutWeights)
{
    const TraceDims d = qwen3(false);
    roundTrip(d, block(d, 0, 16, 40), block(d, 16, 14, 40), options("qwen3_moe", "sglang"), 1);
}

TEST(TraceSchema2, DeepSeekV3StoresUint16Ids)
{
    const TraceDims d = deepseekV3();
    const RoutingBlock a = block(d, 0, 12, 5, true), b = block(d, 12, 12, 5, true);
    // Expert 255 is a routed expert here, not the uint8 sentinel: it must come back as 255.
    EXPECT_NE(std::find(a.topkIds.begin(), a.topkIds.end(), ExpertId(255)), a.topkIds.end());
    EXPECT_NE(std::find(a.lookaheadIds.begin(), a.lookaheadIds.end(), kNoExpert), a.lookaheadIds.end());
    roundTrip(d, a, b, options("deepseek_v3", "megatron"), 2);
}

TEST(TraceSchema2, ValidateChecksTheNewFields)
{
    const TraceDims good = deepseekV3();
    const RoutingBlock b = block(good, 0, 3, 4);
    EXPECT_NO_THROW(b.validate());
    auto rejects = [&](const std::function<void(RoutingBlock&)>& edit, const std::string& what) {
        RoutingBlock c = b;
        edit(c);
        try {
            c.validate();
            ADD_FAILURE() << "accepted: " << what;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    rejects([](RoutingBlock& c) { c.topkIds[5] = 256; }, "expert id 256");
    rejects([](RoutingBlock& c) { c.topkIds[5] = kNoExpert; }, "expert id 65535");
    rejects([](RoutingBlock& c) { c.lookaheadIds[0] = 300; }, "lookahead expert id 300");
    rejects([](RoutingBlock& c) { c.topkWeights.assign(c.topkIds.size(), 0); }, "weights");
    rejects([](RoutingBlock& c) { c.dims.moeLayers[4] = c.dims.moeLayers[3]; }, "ascending");
    rejects([](RoutingBlock& c) { c.dims.moeLayers.back() = 61; }, "decoder layer");
    rejects([](RoutingBlock& c) { c.dims.moeLayers.pop_back(); }, "moe layers");
    rejects([](RoutingBlock& c) { c.dims.sharedExperts = -1; }, "shared experts");
    rejects([](RoutingBlock& c) { c.dims.topk = kMaxTopk + 1; }, "top-k");
    rejects([](RoutingBlock& c) { c.sequences[1].generatedTokens = c.sequences[1].length + 1; }, "generated");
    rejects([](RoutingBlock& c) { c.sequences[1].generatedTokens = -1; }, "generated");
    RoutingBlock w = block(qwen3(true), 0, 2);
    w.topkWeights.clear();
    EXPECT_THROW(w.validate(), Error);
}

TEST(TraceSchema2, WriterRefusesBadDims)
{
    TempDir tmp("schema2");
    TraceDims d = deepseekV3();
    d.moeLayers[10] = 2;
    try {
        TraceWriter w(tmp.path(), d, fp(), options("deepseek_v3"));
        ADD_FAILURE() << "accepted a layer map that is not ascending";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("moe"), std::string::npos) << e.what();
    }
    d = qwen3(true);
    d.topk = 17;
    EXPECT_THROW(TraceWriter(tmp.file("k17"), d, fp(), options("qwen3_moe")), Error);
}

TEST(TraceSchema2, ResumeRefusesOtherModelOriginOrDims)
{
    TempDir tmp("schema2");
    const TraceDims d = qwen3(false);
    const TraceWriterOptions o = options("qwen3_moe", "vllm");
    {
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(block(d, 0, 4));
        w.flush();
    }
    {
        TraceWriter w(tmp.path(), d, fp(), o); // same everything: resumes
        EXPECT_TRUE(w.resumed());
        EXPECT_EQ(w.completedSequences().size(), 4u);
    }
    auto refused = [&](const TraceDims& dd, const TraceWriterOptions& oo, const std::string& field) {
        try {
            TraceWriter w(tmp.path(), dd, fp(), oo);
            ADD_FAILURE() << "resumed despite another " << field;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        }
    };
    TraceWriterOptions other = o;
    other.model.name = "Qwen/Qwen3-235B-A22B";
    refused(d, other, "model");
    other = o;
    other.model.family = "olmoe";
    refused(d, other, "model");
    other = o;
    other.origin.engine = "sglang";
    refused(d, other, "origin");
    other = o;
    other.origin.engineVersion = "0.10.0";
    refused(d, other, "origin");
    other = o;
    other.origin.inputs = {"/data/c.npz"};
    refused(d, other, "origin");
    other = o;
    other.origin.idsRanked = false;
    refused(d, other, "origin ids_ranked");
    TraceDims dd = d;
    dd.hasWeights = true;
    refused(dd, o, "dimensions");
    dd = d;
    dd.sharedExperts = 2;
    refused(dd, o, "dimensions");
    dd = d;
    dd.decoderLayers = 50;
    refused(dd, o, "dimensions");
    // Still intact after the refusals.
    EXPECT_EQ(TraceSet::open(tmp.path()).numSequences(), 4);
}

TEST(TraceSchema2, ReshardKeepsEveryField)
{
    TempDir tmp("schema2");
    const TraceDims d = deepseekV3();
    const RoutingBlock b = block(d, 0, 20, 7, true);
    const TraceWriterOptions o = options("deepseek_v3", "sglang");
    {
        TraceWriter w(tmp.file("src"), d, fp(), o);
        w.append(b);
        w.finish();
    }
    ReshardOptions ro;
    ro.shardSizeMB = 0.05;
    reshardTrace(tmp.file("src"), tmp.file("dst"), ro);
    const TraceSet set = TraceSet::open(tmp.file("dst"));
    EXPECT_GT(set.shards().size(), 1u);
    EXPECT_EQ(set.dims(), d);
    EXPECT_EQ(set.model().name, o.model.name);
    EXPECT_EQ(set.origin().engine, "sglang");
    EXPECT_EQ(set.origin().inputs, o.origin.inputs);
    expectSameTokens(b, readAll(set));
    EXPECT_EQ(inspect(set.shardPath(0)).idBytes, 2u);
}

// `specmoe traces synth` records origin kind "synthetic"; the writer refused it (every synth
// run failed with "origin kind 'synthetic' is neither 'collected' nor 'imported'"). A kind
// outside the three is still refused, before the folder exists.
TEST(TraceSchema2, OriginKindSyntheticIsWrittenOthersRefused)
{
    TempDir tmp("schema2-origin");
    const TraceDims d = qwen3(false);
    TraceWriterOptions o = options("qwen3_moe");
    o.origin = {"synthetic", "specmoe traces synth", "", {}};
    {
        TraceWriter w(tmp.file("synth"), d, fp(), o);
        w.append(block(d, 0, 3));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.file("synth"));
    EXPECT_EQ(set.origin().kind, "synthetic");
    EXPECT_EQ(set.origin().engine, "specmoe traces synth");

    // A manifest naming a kind this build does not know is refused on read, naming the field.
    const std::string manifest = tmp.file("synth/manifest.json");
    nlohmann::json j = nlohmann::json::parse(readFile(manifest));
    j["origin"]["kind"] = "replayed";
    writeFile(manifest, j.dump(1));
    try {
        (void)TraceSet::open(tmp.file("synth"));
        ADD_FAILURE() << "origin kind 'replayed' was read";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("manifest.json: origin.kind 'replayed'"), std::string::npos) << e.what();
    }

    o.origin.kind = "guessed";
    try {
        TraceWriter w(tmp.file("bad"), d, fp(), o);
        ADD_FAILURE() << "origin kind 'guessed' accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("origin kind 'guessed'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("collected, imported, synthetic"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(tmp.file("bad")));
}

// Engine traces without token ids store kUnknownToken (-1): written, read back and checked
// like any id (before, the reader refused a negative id and importers stored 0, a real id).
// Below -1 nothing is a token id: the writer refuses it.
TEST(TraceSchema2, UnknownTokenIdsRoundTripOthersRefused)
{
    TempDir tmp("schema2-unknown");
    const TraceDims d = qwen3(false);
    RoutingBlock b = block(d, 0, 3);
    for (size_t t = 0; t < b.numTokens(); t += 2)
        b.tokenIds[t] = kUnknownToken;
    {
        TraceWriter w(tmp.file("t"), d, fp(), options("qwen3_moe", "megatron"));
        w.append(b);
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.file("t"));
    EXPECT_TRUE(set.verify().ok());
    const RoutingBlock back = readAll(set);
    EXPECT_EQ(back.tokenIds, b.tokenIds);

    b.tokenIds[1] = -2;
    try {
        TraceWriter w(tmp.file("bad"), d, fp(), options("qwen3_moe", "megatron"));
        w.append(b);
        ADD_FAILURE() << "token id -2 written";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("token id -2 is neither a tokenizer id (>= 0) nor -1 (unknown)"),
                  std::string::npos)
            << e.what();
    }
}

TEST(TraceSchema2, GoldenSchema1FolderReadsWithDefaults)
{
    const TraceSet set = TraceSet::open(dataPath("golden/trace"));
    EXPECT_EQ(set.schemaVersion(), 1);
    EXPECT_TRUE(set.dims().hasWeights);
    EXPECT_EQ(set.dims().sharedExperts, 0);
    EXPECT_EQ(decoderLayerCount(set.dims()), 3);
    EXPECT_EQ(decoderLayerOf(set.dims(), 2), 2);
    EXPECT_EQ(set.origin().kind, "collected");
    EXPECT_EQ(set.model().family, "");
    const RoutingBlock b = set.readShard(0);
    for (const SequenceRecord& s : b.sequences) {
        EXPECT_EQ(s.generatedTokens, 0);
        EXPECT_EQ(s.requestId, "");
    }
    EXPECT_EQ(b.topkWeights.size(), b.topkIds.size());
    EXPECT_TRUE(set.verify().ok());
}

namespace {

// A small DeepSeek-dims trace in `dir`; returns the error of reading it after `edit`.
std::string errorAfter(const TempDir& tmp, const std::string& name,
                       const std::function<void(const std::string& shard)>& edit)
{
    const std::string dir = tmp.file(name);
    const TraceDims d = deepseekV3();
    {
        TraceWriter w(dir, d, fp(), options("deepseek_v3", "vllm"));
        w.append(block(d, 0, 6, 4, true));
        w.finish();
    }
    edit(dir + "/shard-00000.h5");
    resealShard(dir, "shard-00000.h5");
    std::string err;
    for (const bool crc : {true, false}) {
        try {
            TraceSet::open(dir, TraceReadOptions{crc}).readShard(0);
            err += "(no error, crc " + std::to_string(crc) + ")";
        } catch (const Error& e) {
            err = e.what();
        }
    }
    const VerifyReport rep = TraceSet::open(dir).verify();
    if (rep.ok())
        err += " (verify found nothing)";
    return err;
}

void setAttr(const std::string& path, const char* name, hid_t type, const void* value)
{
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    H5Awrite(a, type, value);
    H5Aclose(a);
    H5Fclose(f);
}

} // namespace

TEST(TraceSchema2, BadValuesOnReadAreErrorsNamingTheShard)
{
    TempDir tmp("schema2");
    auto expectNamed = [](const std::string& err, const std::string& what) {
        EXPECT_NE(err.find("shard-00000.h5"), std::string::npos) << err;
        EXPECT_NE(err.find(what), std::string::npos) << err;
        EXPECT_EQ(err.find("(no error"), std::string::npos) << err;
        EXPECT_EQ(err.find("verify found nothing"), std::string::npos) << err;
    };
    // A routed id of 256 at E = 256 (uint16 column).
    expectNamed(errorAfter(tmp, "id", [&](const std::string& shard) {
                    tamperDataset(fs::path(shard).parent_path(), "shard-00000.h5", "tokens/topk_ids",
                                  H5T_NATIVE_UINT16, 2, [](std::vector<char>& v) {
                                      const uint16_t bad = 256;
                                      std::memcpy(v.data() + 2 * 1000, &bad, 2);
                                  });
                }),
                "top-k expert id 256");
    // More decode tokens than the sequence has.
    expectNamed(errorAfter(tmp, "gen", [&](const std::string& shard) {
                    tamperDataset(fs::path(shard).parent_path(), "shard-00000.h5", "sequences/generated_tokens",
                                  H5T_NATIVE_INT32, 4, [](std::vector<char>& v) {
                                      const int32_t bad = 1000;
                                      std::memcpy(v.data() + 4, &bad, 4);
                                  });
                }),
                "generated");
    // A layer map that is not ascending.
    expectNamed(errorAfter(tmp, "map", [&](const std::string& shard) {
                    std::vector<int32_t> m(58);
                    std::iota(m.begin(), m.end(), 3);
                    std::swap(m[4], m[5]);
                    setAttr(shard, "moe_layers", H5T_NATIVE_INT32, m.data());
                }),
                "moe");
    // Negative shared experts.
    expectNamed(errorAfter(tmp, "shared", [&](const std::string& shard) {
                    const int64_t bad = -2;
                    setAttr(shard, "shared_experts", H5T_NATIVE_INT64, &bad);
                }),
                "shared");
}

TEST(TraceSchema2, H5pyReadsASchema2Shard)
{
    if (runCommand("/usr/bin/python3 -c 'import h5py, numpy'") != 0)
        GTEST_SKIP() << "python3-h5py not installed";
    TempDir tmp("schema2");
    const TraceDims d = deepseekV3();
    const RoutingBlock b = block(d, 0, 5, 3, true);
    {
        TraceWriterOptions o = options("deepseek_v3", "vllm");
        o.shardSizeMB = 64;
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(b);
        w.finish();
    }
    const std::string script = tmp.file("read.py");
    writeFile(script, R"(import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
t = f['tokens']; s = f['sequences']
print(json.dumps({
  'schema': int(f.attrs['schema_version']), 'has_weights': int(f.attrs['has_weights']),
  'moe_layers': [int(x) for x in f.attrs['moe_layers']],
  'decoder_layers': int(f.attrs['decoder_layers']), 'shared_experts': int(f.attrs['shared_experts']),
  'ids_dtype': str(t['topk_ids'].dtype), 'ids_shape': list(t['topk_ids'].shape),
  'ids': t['topk_ids'][:].ravel().tolist(), 'look': t['lookahead_ids'][:].ravel().tolist(),
  'weights': 'topk_weights' in t,
  'generated': s['generated_tokens'][:].tolist(),
  'request_id': [x.decode() if isinstance(x, bytes) else x for x in s['request_id'][:]],
}))
)");
    std::string out;
    ASSERT_EQ(runCommand("/usr/bin/python3 " + script + " " + tmp.file("shard-00000.h5"), &out), 0) << out;
    const auto j = nlohmann::json::parse(out.substr(out.find('{')));
    EXPECT_EQ(j["schema"], 2);
    EXPECT_EQ(j["has_weights"], 0);
    EXPECT_EQ(j["moe_layers"].size(), 58u);
    EXPECT_EQ(j["moe_layers"][0], 3);
    EXPECT_EQ(j["moe_layers"][57], 60);
    EXPECT_EQ(j["decoder_layers"], 61);
    EXPECT_EQ(j["shared_experts"], 1);
    EXPECT_EQ(j["ids_dtype"], "uint16");
    EXPECT_EQ(j["ids_shape"], nlohmann::json::array({b.numTokens(), 58, 8}));
    EXPECT_EQ(j["ids"].get<std::vector<ExpertId>>(), b.topkIds);
    EXPECT_EQ(j["look"].get<std::vector<ExpertId>>(), b.lookaheadIds); // 65535 = no layer l+d
    EXPECT_FALSE(j["weights"].get<bool>());
    std::vector<int32_t> gen;
    std::vector<std::string> req;
    for (const auto& s : b.sequences) {
        gen.push_back(s.generatedTokens);
        req.push_back(s.requestId);
    }
    EXPECT_EQ(j["generated"].get<std::vector<int32_t>>(), gen);
    EXPECT_EQ(j["request_id"].get<std::vector<std::string>>(), req);
}

// origin.ids_ranked (issue 18): whether slot 0 of a token's ids is its first choice. Written
// and read back; a manifest without it (every trace before the flag, collected or imported)
// reads as ranked; a value that is not a boolean is refused naming the field.
TEST(TraceSchema2, IdOrderFlagRoundTripsAndAbsentMeansRanked)
{
    TempDir tmp("schema2_order");
    const TraceDims d = qwen3(false);
    TraceWriterOptions o = options("qwen3_moe", "megatron");
    o.origin.idsRanked = false;
    {
        TraceWriter w(tmp.path(), d, fp(), o);
        w.append(block(d, 0, 3));
        w.finish();
    }
    const std::string manifest = tmp.file("manifest.json");
    {
        const TraceSet set = TraceSet::open(tmp.path());
        EXPECT_FALSE(set.origin().idsRanked);
        EXPECT_EQ(nlohmann::json::parse(set.manifestText()).at("origin").at("ids_ranked"), false);
    }
    nlohmann::json j = nlohmann::json::parse(readFile(manifest));
    j["origin"].erase("ids_ranked");
    writeFile(manifest, j.dump(1));
    EXPECT_TRUE(TraceSet::open(tmp.path()).origin().idsRanked);
    j["origin"]["ids_ranked"] = "no";
    writeFile(manifest, j.dump(1));
    try {
        (void)TraceSet::open(tmp.path());
        ADD_FAILURE() << "a string ids_ranked was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("manifest.json: origin.ids_ranked must be true or false"),
                  std::string::npos)
            << e.what();
    }
}

TEST(TraceSchema2, CollectedAndSyntheticTracesAreRanked)
{
    EXPECT_TRUE(TraceOrigin{}.idsRanked); // the writer's default: our runtime lists ids by weight
    TempDir tmp("schema2_ranked");
    const TraceDims d = mixtral();
    {
        TraceWriter w(tmp.path(), d, fp(), options("mixtral"));
        w.append(block(d, 0, 2));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    EXPECT_TRUE(set.origin().idsRanked);
    EXPECT_EQ(nlohmann::json::parse(set.manifestText()).at("origin").at("ids_ranked"), true);
}

// A TraceSet keeps its stream block for the next stream (a trace read again refills the same
// arrays). A second stream, and a stream started inside a visitor of the first (which gets a
// block of its own), read the same tokens as the first.
TEST(TraceSchema2, StreamingASetAgainOrInsideAVisitorReadsTheSameTokens)
{
    TempDir tmp("schema2_restream");
    const TraceDims d = qwen3(true);
    {
        TraceWriter w(tmp.path(), d, fp(), options("qwen3_moe"));
        w.append(block(d, 0, 6, 3, true));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    const RoutingBlock first = readAll(set);
    EXPECT_GT(first.numTokens(), 0u);
    expectSameTokens(readAll(set), first);
    int outer = 0;
    set.forEachBlock(
        [&](const RoutingBlock& b) {
            const RoutingBlock before = b;
            if (outer++ == 0)
                expectSameTokens(readAll(set), first); // nested: must not touch `b`
            expectSameTokens(b, before);
            return true;
        },
        64);
    EXPECT_GT(outer, 1);
    expectSameTokens(readAll(set), first);
}
