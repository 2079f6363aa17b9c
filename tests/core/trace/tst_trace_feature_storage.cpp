// Hidden-state features on disk (docs/trace-format.md "Features"): shards store
// /tokens/features float16 [N, L, F], the basis file lives in the trace folder and
// manifest.json names and hashes it. Round trip, reading back the basis, payload bytes,
// a corrupt basis named in the error, a resume with another basis refused, non-finite
// features refused on read, reshard keeping or dropping them.
#include "core/trace/feature_basis.h"
#include "core/trace/reshard.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "core/util/read_file.h"
#include "core/util/sha256.h"
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

constexpr int kL = 4, kE = 8, kK = 2, kHidden = 6;

TraceDims dims(int featureDim)
{
    TraceDims d;
    d.layers = kL;
    d.experts = kE;
    d.topk = kK;
    d.featureDim = featureDim;
    return d;
}

// gate_logits:1+pca:2 over a hidden size of 6: F = 8 + 2.
FeatureBasis basis(float scale = 1.0f)
{
    FeatureBasis b;
    b.kind = "gate_logits:1+pca:2";
    b.layers = kL;
    b.hidden = kHidden;
    b.dim = kE + 2;
    for (int i = 0; i < kL * b.dim * kHidden; ++i)
        b.projection.push_back(scale * float((i * 37) % 11 - 5) / 8.0f);
    for (int i = 0; i < kL * kHidden; ++i)
        b.mean.push_back(float(i % 3) / 4.0f);
    return b;
}

// `count` sequences from `first`; feature (row, l, f) is a distinct value exact in half.
RoutingBlock block(const TraceDims& d, int64_t first, int count)
{
    RoutingBlock b;
    b.dims = d;
    for (int s = 0; s < count; ++s) {
        SequenceRecord r;
        r.seqId = first + s;
        r.source = "web";
        r.docId = "d" + std::to_string(first + s);
        r.tokenOffset = int64_t(b.numTokens());
        r.length = 5 + int((first + s) % 7);
        for (int t = 0; t < r.length; ++t) {
            const int64_t row = int64_t(b.numTokens());
            b.tokenIds.push_back(int32_t(row % 1000));
            b.seqIds.push_back(r.seqId);
            b.positions.push_back(t);
            for (int l = 0; l < d.layers; ++l) {
                for (int j = 0; j < d.topk; ++j) {
                    b.topkIds.push_back(ExpertId((row + l + 3 * j) % d.experts));
                    b.topkWeights.push_back(floatToHalf(j == 0 ? 0.75f : 0.25f));
                }
                for (int f = 0; f < d.featureDim; ++f)
                    b.features.push_back(floatToHalf(float((r.seqId * 131 + t * 17 + l * 5 + f) % 2000) / 8.0f - 100.0f));
            }
        }
        b.sequences.push_back(std::move(r));
    }
    return b;
}

TraceFingerprint fp() { return {"cfg", "float32", "tok", "run"}; }

TraceWriterOptions smallShards()
{
    TraceWriterOptions o;
    o.shardSizeMB = 0.002; // a few sequences per shard
    o.chunkTokens = 16;
    return o;
}

RoutingBlock readAll(const TraceSet& set)
{
    RoutingBlock all;
    all.dims = set.dims();
    set.forEachBlock([&](const RoutingBlock& b) {
        all.append(b);
        return true;
    });
    return all;
}

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// Writes a complete trace with features into `dir`.
RoutingBlock writeTrace(const std::string& dir, const FeatureBasis& b = basis())
{
    const TraceDims d = dims(b.dim);
    TraceWriter w(dir, d, fp(), smallShards());
    w.setFeatureBasis(b);
    const RoutingBlock in = block(d, 0, 20);
    w.append(in);
    w.finish();
    EXPECT_GT(w.shardsWritten(), 2u);
    return in;
}

} // namespace

TEST(TraceFeatureStorage, RoundTripWithBasis)
{
    TempDir tmp("features");
    const std::string dir = tmp.file("t");
    const RoutingBlock in = writeTrace(dir);
    const TraceSet set = TraceSet::open(dir);
    EXPECT_EQ(set.dims().featureDim, kE + 2);
    EXPECT_EQ(set.dims(), in.dims);
    EXPECT_EQ(set.featureInfo().kind, "gate_logits:1+pca:2");
    EXPECT_EQ(set.featureInfo().file, kFeatureBasisFileName);
    EXPECT_EQ(set.featureInfo().sha256, sha256File(dir + "/" + kFeatureBasisFileName));
    const FeatureBasis* b = set.featureBasis();
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->projection, basis().projection);
    EXPECT_EQ(b->mean, basis().mean);
    const RoutingBlock out = readAll(set);
    EXPECT_EQ(out.features, in.features);
    EXPECT_EQ(out.topkIds, in.topkIds);
    EXPECT_EQ(set.readSequence(7).features,
              std::vector<uint16_t>(in.features.begin() + in.sequences[7].tokenOffset * kL * (kE + 2),
                                    in.features.begin() + (in.sequences[7].tokenOffset + in.sequences[7].length) *
                                                              kL * (kE + 2)));
    // Payload: 4 + L*k (ids) + 2*L*k (weights) + 2*L*F (features).
    EXPECT_EQ(payloadBytesPerToken(set.dims()), size_t(4 + kL * kK + 2 * kL * kK + 2 * kL * (kE + 2)));
    EXPECT_TRUE(set.verify().ok());
    const nlohmann::json m = nlohmann::json::parse(readFile(dir + "/manifest.json", "manifest"));
    EXPECT_EQ(m["dims"]["feature_dim"], kE + 2);
    EXPECT_EQ(m["features"]["kind"], "gate_logits:1+pca:2");
    EXPECT_EQ(m["features"]["dim"], kE + 2);
    EXPECT_EQ(m["features"]["file"], kFeatureBasisFileName);
}

TEST(TraceFeatureStorage, TracesWithoutFeaturesAreUnchanged)
{
    TempDir tmp("features");
    {
        TraceWriter w(tmp.path(), dims(0), fp(), smallShards());
        w.append(block(dims(0), 0, 3));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    EXPECT_EQ(set.featureBasis(), nullptr);
    EXPECT_TRUE(set.featureInfo().empty());
    const nlohmann::json m = nlohmann::json::parse(readFile(tmp.path() + "/manifest.json", "manifest"));
    EXPECT_FALSE(m["dims"].contains("feature_dim"));
    EXPECT_FALSE(m.contains("features"));
    EXPECT_FALSE(fs::exists(tmp.file(kFeatureBasisFileName)));
    EXPECT_TRUE(readAll(set).features.empty());
}

TEST(TraceFeatureStorage, FeaturesNeedABasisFirst)
{
    TempDir tmp("features");
    const TraceDims d = dims(kE + 2);
    TraceWriter w(tmp.path(), d, fp(), smallShards());
    const std::string e = errorOf([&] { w.append(block(d, 0, 2)); });
    EXPECT_NE(e.find("setFeatureBasis"), std::string::npos) << e;
    FeatureBasis wrongDim = basis();
    wrongDim.dim = kE + 1;
    wrongDim.projection.resize(size_t(kL) * size_t(kE + 1) * kHidden);
    EXPECT_NE(errorOf([&] { w.setFeatureBasis(wrongDim); }).find("dim"), std::string::npos);
}

TEST(TraceFeatureStorage, CorruptBasisIsNamed)
{
    TempDir tmp("features");
    const std::string dir = tmp.file("t");
    writeTrace(dir);
    const std::string file = dir + "/" + kFeatureBasisFileName;
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-3, std::ios::end);
        f.put('\x7f');
    }
    const TraceSet set = TraceSet::open(dir);
    const std::string e = errorOf([&] { set.featureBasis(); });
    EXPECT_NE(e.find(file), std::string::npos) << e;
    EXPECT_NE(e.find("SHA-256"), std::string::npos) << e;
    const VerifyReport rep = set.verify();
    ASSERT_FALSE(rep.ok());
    EXPECT_NE(rep.problems.front().find(file), std::string::npos) << rep.problems.front();
    fs::remove(file);
    const std::string missing = errorOf([&] { TraceSet::open(dir).featureBasis(); });
    EXPECT_NE(missing.find("missing"), std::string::npos) << missing;
}

TEST(TraceFeatureStorage, ResumeKeepsTheBasisAndRefusesAnother)
{
    TempDir tmp("features");
    const TraceDims d = dims(kE + 2);
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards());
        w.setFeatureBasis(basis());
        w.append(block(d, 0, 10));
        w.flush(); // as a cancelled collection does
    }
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards());
        ASSERT_TRUE(w.resumed());
        EXPECT_EQ(w.featureInfo().kind, "gate_logits:1+pca:2");
        const std::string e = errorOf([&] { w.setFeatureBasis(basis(2.0f)); });
        EXPECT_NE(e.find("differs"), std::string::npos) << e;
        EXPECT_NE(e.find(kFeatureBasisFileName), std::string::npos) << e;
    }
    {
        TraceWriter w(tmp.path(), d, fp(), smallShards());
        EXPECT_NO_THROW(w.setFeatureBasis(basis())); // the same basis: resumed
        w.append(block(d, 10, 5));
        w.finish();
    }
    const TraceSet set = TraceSet::open(tmp.path());
    EXPECT_EQ(set.numSequences(), 15);
    EXPECT_EQ(set.featureBasis()->projection, basis().projection);
    EXPECT_TRUE(set.verify().ok());
    // Other feature dims are other dims: refused like any other dims change.
    const std::string e = errorOf([&] { TraceWriter(tmp.path(), dims(3), fp(), smallShards()); });
    EXPECT_NE(e.find("features"), std::string::npos) << e;
}

TEST(TraceFeatureStorage, NonFiniteFeaturesAreRefusedOnRead)
{
    TempDir tmp("features");
    const std::string dir = tmp.file("t");
    writeTrace(dir);
    const TraceSet first = TraceSet::open(dir);
    const std::string shard = first.shards()[1].file;
    const hid_t f16 = fileTypeOf(dir + "/" + shard, "tokens/features");
    tamperDataset(dir, shard, "tokens/features", f16, 2, [](std::vector<char>& bytes) {
        bytes[2 * 13] = 0x00; // element 13 (token 0, layer 1, feature 3): +Inf in half (0x7c00)
        bytes[2 * 13 + 1] = 0x7c;
    });
    H5Tclose(f16);
    const TraceSet set = TraceSet::open(dir);
    const std::string e = errorOf([&] { readAll(set); });
    EXPECT_NE(e.find(shard), std::string::npos) << e;
    EXPECT_NE(e.find("layer 1"), std::string::npos) << e; // element 13 = token 0, layer 1, feature 3
    EXPECT_NE(e.find("feature 3"), std::string::npos) << e;
    EXPECT_FALSE(set.verify().ok());
}

TEST(TraceFeatureStorage, ReshardKeepsOrDropsFeatures)
{
    TempDir tmp("features");
    const std::string src = tmp.file("src");
    const RoutingBlock in = writeTrace(src);
    ReshardOptions keep;
    keep.shardSizeMB = 1;
    reshardTrace(src, tmp.file("kept"), keep);
    const TraceSet kept = TraceSet::open(tmp.file("kept"));
    EXPECT_EQ(kept.dims().featureDim, kE + 2);
    EXPECT_EQ(kept.featureInfo().sha256, TraceSet::open(src).featureInfo().sha256);
    EXPECT_EQ(readAll(kept).features, in.features);
    EXPECT_TRUE(kept.verify().ok());

    ReshardOptions drop = keep;
    drop.dropFeatures = true;
    reshardTrace(src, tmp.file("dropped"), drop);
    const TraceSet dropped = TraceSet::open(tmp.file("dropped"));
    EXPECT_EQ(dropped.dims().featureDim, 0);
    EXPECT_EQ(dropped.featureBasis(), nullptr);
    EXPECT_FALSE(fs::exists(tmp.file("dropped") + "/" + kFeatureBasisFileName));
    const RoutingBlock routing = readAll(dropped);
    EXPECT_TRUE(routing.features.empty());
    EXPECT_EQ(routing.topkIds, in.topkIds);
    EXPECT_TRUE(sameRouting(dropped.dims(), kept.dims()));
}
