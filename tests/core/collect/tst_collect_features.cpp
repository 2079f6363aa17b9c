// Hidden-state features collected with the routing (issue 19; docs/trace-format.md
// "Features"): the stored features equal P_l (hr_l - mu_l) of the router inputs computed
// again, per sequence and unpadded, with the basis read from the trace folder; hr_l is what
// the router sees (its logits come back from it); the basis holds the next gates' rows and
// PCA directions that capture the top eigenvalues of the router inputs' covariance; the
// features of layer l do not change when later layers do (no leakage); off by default;
// resume keeps the basis and another spec is refused.
#include "core/collect/collector.h"
#include "core/collect/feature_basis_build.h"
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/trace/feature_basis.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "core/util/half.h"
#include "core/util/sha256.h"
#include "tests/core/collect/id_corpus.h"
#include "tests/support/test_support.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

using namespace specmoe;
using specmoe::test::TempDir;
namespace fs = std::filesystem;

using specmoe::test::randomSequences;
using specmoe::test::writeIdsJsonl;

namespace {

const std::string kModel = specmoe::test::dataPath("hf-tiny-mixtral");
constexpr int kL = 3, kE = 8, kH = 64;

CollectParams params(const std::string& source, const std::string& out, const std::string& features)
{
    CollectParams p;
    p.sources = {parseSourceSpec("ids=" + source + ":jsonl-ids")};
    p.modelDir = kModel;
    p.outDir = out;
    p.device = DeviceSpec::cpu();
    p.dtype = ComputeDType::Float32;
    p.threads = 1;
    p.minLength = 1;
    p.maxLength = 64;
    p.batchSize = 4;
    p.bucketBatches = 2;
    p.shardMB = 0.02;
    p.shuffleBuffer = 0; // file order: seqId i is line i+1
    p.lookahead = {1};
    p.features = features;
    return p;
}

RuntimeOptions cpuRuntime()
{
    RuntimeOptions ro;
    ro.device = DeviceSpec::cpu();
    ro.dtype = ComputeDType::Float32;
    ro.lookahead = {1};
    ro.threads = 1;
    return ro;
}

// One unpadded sequence through the runtime: [1, T].
RoutingResult routeOne(MixtralRuntime& rt, const std::vector<int32_t>& seq, bool routerInputs)
{
    const int64_t T = int64_t(seq.size());
    at::Tensor ids = at::zeros({1, T}, at::kLong);
    for (int64_t t = 0; t < T; ++t)
        ids[0][t] = seq[size_t(t)];
    RouteOptions o;
    o.routerInputs = routerInputs;
    return rt.route(ids, at::ones({1, T}, at::kLong), o);
}

// The float32 router weight of layer l straight from the checkpoint file.
at::Tensor gateFromFile(int l)
{
    const SafetensorsFile f(kModel + "/model.safetensors");
    const TensorEntry* e = f.find("model.layers." + std::to_string(l) + ".block_sparse_moe.gate.weight");
    EXPECT_NE(e, nullptr);
    at::Tensor g = at::empty({kE, kH}, at::kFloat);
    std::memcpy(g.data_ptr<float>(), f.bytes(*e), size_t(kE * kH) * sizeof(float));
    return g;
}

at::Tensor projectionOf(const FeatureBasis& b, int l)
{
    return basisProjection(b)[l];
}

} // namespace

TEST(CollectFeatures, StoredFeaturesAreTheProjectionOfTheRouterInputs)
{
    TempDir t("features");
    const auto seqs = randomSequences(24, 3, 40, 21);
    const CollectParams p = params(writeIdsJsonl(t.file("ids.jsonl"), seqs), t.file("out"), "gate_logits:2+pca:16");
    const CollectResult res = collect(p);
    ASSERT_TRUE(res.complete);
    const TraceSet ts = TraceSet::open(p.outDir);
    ASSERT_EQ(ts.dims().featureDim, 2 * kE + 16);
    EXPECT_TRUE(ts.verify().ok());
    EXPECT_EQ(ts.featureInfo().kind, "gate_logits:2+pca:16");
    const FeatureBasis basis = readFeatureBasis(p.outDir + "/" + kFeatureBasisFileName);
    EXPECT_EQ(basis.projection, ts.featureBasis()->projection);
    const int F = basis.dim;

    // gate_logits:2 rows: the gates of layers l+1 and l+2 as the checkpoint holds them, zero
    // past the last layer.
    for (int l = 0; l < kL; ++l)
        for (int d = 1; d <= 2; ++d) {
            const at::Tensor rows = projectionOf(basis, l).narrow(0, (d - 1) * kE, kE);
            if (l + d < kL)
                EXPECT_TRUE(at::equal(rows, gateFromFile(l + d))) << "layer " << l << " d " << d;
            else
                EXPECT_EQ(rows.abs().max().item<float>(), 0.0f) << "layer " << l << " d " << d;
        }

    // Router inputs of every token, each sequence routed alone (no padding, other batches
    // than the collector's). hr_l is what the router reads: its logits come back from it.
    MixtralRuntime rt(kModel, cpuRuntime());
    std::vector<std::vector<at::Tensor>> hrRows(kL);
    double worst = 0;
    int64_t compared = 0;
    for (size_t s = 0; s < seqs.size(); ++s) {
        const RoutingResult rr = routeOne(rt, seqs[s], true);
        const RoutingBlock stored = ts.readSequence(int64_t(s));
        ASSERT_EQ(stored.numTokens(), seqs[s].size());
        for (int l = 0; l < kL; ++l) {
            const at::Tensor hr = rr.routerInputs[l]; // [T, H]
            EXPECT_TRUE(at::allclose(at::matmul(hr, gateFromFile(l).t()), rr.routerLogits[l], 1e-4, 1e-5));
            hrRows[size_t(l)].push_back(hr);
            for (size_t tok = 0; tok < stored.numTokens(); ++tok) {
                std::vector<float> want(static_cast<size_t>(F));
                basis.project(l, hr[int64_t(tok)].contiguous().data_ptr<float>(), want.data());
                for (int f = 0; f < F; ++f) {
                    const float got = halfToFloat(stored.features[(tok * kL + size_t(l)) * size_t(F) + size_t(f)]);
                    const double err = std::abs(double(got) - double(want[size_t(f)])) /
                                       std::max(1.0, std::abs(double(want[size_t(f)])));
                    worst = std::max(worst, err);
                    ++compared;
                }
            }
        }
    }
    EXPECT_EQ(compared, res.corpusTokens * kL * F);
    EXPECT_LT(worst, 2e-3) << "float16 keeps ~3 decimal digits";

    // PCA: the whole corpus is below the sample size, so mu_l is the mean of every token's
    // hr_l; the directions are orthonormal and capture the top-16 eigenvalues.
    for (int l = 0; l < kL; ++l) {
        const at::Tensor X = at::cat(hrRows[size_t(l)], 0).to(at::kDouble);
        const at::Tensor mu = X.mean(0);
        const at::Tensor mean = basisMean(basis)[l].to(at::kDouble);
        EXPECT_TRUE(at::allclose(mean, mu, 1e-5, 1e-6)) << "layer " << l;
        const at::Tensor V = projectionOf(basis, l).narrow(0, 2 * kE, 16).to(at::kDouble); // [16, H]
        EXPECT_TRUE(at::allclose(at::matmul(V, V.t()), at::eye(16, at::kDouble), 1e-5, 1e-5)) << "layer " << l;
        const at::Tensor Xc = X - mu;
        const at::Tensor cov = at::matmul(Xc.t(), Xc);
        const double captured = at::matmul(at::matmul(V, cov), V.t()).trace().item<double>();
        const double top = std::get<0>(at::linalg_eigvalsh(cov).sort(0, true)).narrow(0, 0, 16).sum().item<double>();
        EXPECT_NEAR(captured / top, 1.0, 1e-6) << "layer " << l;
    }
}

// gate_logits alone has mu = 0: the stored features of layer l are the logits of layer l+1's
// gate on hr_l, whose top-2 the trace also stores as the d = 1 probe.
TEST(CollectFeatures, GateLogitsAreTheProbesLogits)
{
    TempDir t("features");
    const auto seqs = randomSequences(10, 3, 30, 5);
    const CollectParams p = params(writeIdsJsonl(t.file("ids.jsonl"), seqs), t.file("out"), "gate_logits:1");
    collect(p);
    const TraceSet ts = TraceSet::open(p.outDir);
    ASSERT_EQ(ts.dims().featureDim, kE);
    EXPECT_EQ(ts.featureBasis()->mean, std::vector<float>(size_t(kL * kH), 0.0f));
    int64_t checked = 0;
    ts.forEachBlock([&](const RoutingBlock& b) {
        for (size_t tok = 0; tok < b.numTokens(); ++tok)
            for (int l = 0; l + 1 < kL; ++l) {
                const uint16_t* f = b.features.data() + (tok * kL + size_t(l)) * kE;
                const ExpertId* probe = b.lookaheadIds.data() + (tok * kL + size_t(l)) * 2;
                // The probe's experts hold the two largest features (up to float16 rounding).
                float lowestChosen = 1e30f, highestOther = -1e30f;
                for (int e = 0; e < kE; ++e) {
                    const float v = halfToFloat(f[e]);
                    if (ExpertId(e) == probe[0] || ExpertId(e) == probe[1])
                        lowestChosen = std::min(lowestChosen, v);
                    else
                        highestOther = std::max(highestOther, v);
                }
                EXPECT_GE(lowestChosen, highestOther - 2e-3f * std::max(1.0f, std::abs(highestOther)));
                ++checked;
            }
        return true;
    });
    EXPECT_GT(checked, 100);
}

// full: the basis is the identity (mean zero), so the stored features of layer l are the
// router input hr_l itself (float16), and the gate of layer l applied to them gives back layer
// l's router logits: what a map learned from the full state sees.
TEST(CollectFeatures, FullIsTheRouterInputItself)
{
    TempDir t("features");
    const auto seqs = randomSequences(8, 3, 30, 9);
    const CollectParams p = params(writeIdsJsonl(t.file("ids.jsonl"), seqs), t.file("out"), "full");
    collect(p);
    const TraceSet ts = TraceSet::open(p.outDir);
    ASSERT_EQ(ts.dims().featureDim, kH);
    EXPECT_EQ(ts.featureInfo().kind, "full");
    const FeatureBasis& basis = *ts.featureBasis();
    EXPECT_EQ(basis.mean, std::vector<float>(size_t(kL * kH), 0.0f));
    for (int l = 0; l < kL; ++l)
        EXPECT_TRUE(at::equal(projectionOf(basis, l), at::eye(kH, at::kFloat))) << "layer " << l;
    MixtralRuntime rt(kModel, cpuRuntime());
    double worst = 0;
    for (size_t s = 0; s < seqs.size(); ++s) {
        const RoutingResult rr = routeOne(rt, seqs[s], true);
        const RoutingBlock stored = ts.readSequence(int64_t(s));
        ASSERT_EQ(stored.numTokens(), seqs[s].size());
        for (int l = 0; l < kL; ++l) {
            at::Tensor f = at::empty({int64_t(stored.numTokens()), kH}, at::kFloat);
            for (size_t tok = 0; tok < stored.numTokens(); ++tok)
                for (int i = 0; i < kH; ++i)
                    f[int64_t(tok)][i] = halfToFloat(stored.features[(tok * kL + size_t(l)) * size_t(kH) + size_t(i)]);
            const at::Tensor hr = rr.routerInputs[l];
            worst = std::max(worst, ((f - hr).abs() / hr.abs().clamp_min(1.0)).max().item<double>());
            EXPECT_TRUE(at::allclose(at::matmul(f, gateFromFile(l).t()), rr.routerLogits[l], 1e-2, 1e-2))
                << "layer " << l << " sequence " << s;
        }
    }
    EXPECT_LT(worst, 2e-3) << "float16 keeps ~3 decimal digits";
}

// A full basis beyond what a trace carries (hidden x hidden per layer) is refused before
// anything is written, naming the spec and the size.
TEST(CollectFeatures, FullBasisTooLargeIsRefused)
{
    std::vector<at::Tensor> gates(80, at::zeros({8, 4096})); // 80 layers: 5 GiB
    try {
        featureBasisFromRouters(parseFeatureSpec("full"), gates);
        ADD_FAILURE() << "a 5 GiB basis was built";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("\"full\": its basis would take 5120 MiB"), std::string::npos) << e.what();
    }
}

// No leakage: f_l comes from hr_l only. With a fixed projection, changing every weight of
// layer `changed` (attention, norms, experts, gate) leaves the features of the layers before
// it bit for bit, and changes those from it on.
class FeaturesOfEarlierLayers : public ::testing::TestWithParam<int> {};

TEST_P(FeaturesOfEarlierLayers, DoNotDependOnLaterLayers)
{
    const int changed = GetParam();
    TempDir t("features");
    const std::string other = t.file("model");
    fs::create_directories(other);
    fs::copy_file(kModel + "/config.json", other + "/config.json");
    {
        const SafetensorsFile f(kModel + "/model.safetensors");
        std::vector<std::vector<float>> data;
        data.reserve(f.tensors().size());
        std::vector<TensorToWrite> ts;
        std::mt19937 rng(7);
        std::normal_distribution<float> noise(0.0f, 0.05f);
        const std::string prefix = "model.layers." + std::to_string(changed) + ".";
        for (const TensorEntry& e : f.tensors()) {
            data.emplace_back(size_t(e.numel()));
            std::memcpy(data.back().data(), f.bytes(e), e.bytes());
            if (e.name.rfind(prefix, 0) == 0)
                for (float& x : data.back())
                    x += noise(rng);
            ts.push_back({e.name, "F32", e.shape, data.back().data(), e.bytes()});
        }
        writeSafetensors(other + "/model.safetensors", ts, {{"format", "pt"}});
    }
    const at::Tensor P = at::randn({kL, 5, kH}, at::TensorOptions().dtype(at::kFloat));
    const at::Tensor mu = at::randn({kL, kH}, at::TensorOptions().dtype(at::kFloat));
    const auto seq = randomSequences(1, 24, 24, 3)[0];
    MixtralRuntime a(kModel, cpuRuntime()), b(other, cpuRuntime());
    a.setFeatureProjection(P, mu);
    b.setFeatureProjection(P, mu);
    const RoutingResult ra = routeOne(a, seq, false), rb = routeOne(b, seq, false);
    ASSERT_TRUE(ra.features.defined());
    ASSERT_EQ(ra.features.sizes(), at::IntArrayRef({kL, 24, 5}));
    for (int l = 0; l < kL; ++l) {
        if (l < changed)
            EXPECT_TRUE(at::equal(ra.features[l], rb.features[l])) << "layer " << l << " saw layer " << changed;
        else
            EXPECT_GT((ra.features[l] - rb.features[l]).abs().max().item<float>(), 1e-3f) << "layer " << l;
    }
}

INSTANTIATE_TEST_SUITE_P(CollectFeatures, FeaturesOfEarlierLayers, ::testing::Values(1, 2));

TEST(CollectFeatures, OffByDefault)
{
    EXPECT_TRUE(CollectParams{}.features.empty());
    TempDir t("features");
    const CollectParams p = params(writeIdsJsonl(t.file("ids.jsonl"), randomSequences(4, 3, 10, 1)), t.file("out"), "");
    collect(p);
    const TraceSet ts = TraceSet::open(p.outDir);
    EXPECT_EQ(ts.dims().featureDim, 0);
    EXPECT_EQ(ts.featureBasis(), nullptr);
    EXPECT_FALSE(fs::exists(p.outDir + "/" + kFeatureBasisFileName));
}

TEST(CollectFeatures, ResumeKeepsTheBasisAndAnotherSpecIsRefused)
{
    TempDir t("features");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(30, 3, 30, 9));
    const CollectParams ref = params(src, t.file("ref"), "gate_logits:1+pca:4");
    collect(ref);
    CollectParams p = params(src, t.file("out"), "gate_logits:1+pca:4");
    int batches = 0;
    EXPECT_THROW(collect(p,
                         [&](const Progress& pr) {
                             batches += pr.stage == "collect" && pr.message.rfind("batch", 0) == 0;
                             return batches < 3;
                         }),
                 Cancelled);
    const std::string basisFile = p.outDir + "/" + kFeatureBasisFileName;
    const std::string sha = sha256File(basisFile);
    const CollectResult r = collect(p);
    EXPECT_TRUE(r.resumed);
    EXPECT_GT(r.resumedSequences, 0);
    EXPECT_EQ(sha256File(basisFile), sha);
    // The same data as the uninterrupted run, features included (the basis came from the
    // same first batches).
    EXPECT_EQ(sha, sha256File(ref.outDir + "/" + kFeatureBasisFileName));
    const TraceSet a = TraceSet::open(ref.outDir), b = TraceSet::open(p.outDir);
    for (int64_t id = 0; id < 30; ++id) {
        const RoutingBlock x = a.readSequence(id), y = b.readSequence(id);
        EXPECT_EQ(x.features, y.features) << id;
        EXPECT_EQ(x.topkIds, y.topkIds) << id;
    }

    for (const std::string other : {"gate_logits:1+pca:8", ""}) {
        CollectParams q = params(src, p.outDir, other);
        try {
            collect(q);
            ADD_FAILURE() << "a trace with features \"gate_logits:1+pca:4\" accepted \"" << other << "\"";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("run_config_hash"), std::string::npos) << e.what();
        }
    }
}

TEST(CollectFeatures, BadSpecsAreRefusedNamingThem)
{
    TempDir t("features");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(4, 3, 10, 1));
    for (const auto& [spec, named] : std::vector<std::pair<std::string, std::string>>{
             {"pca:65", "pca:65 asks for more directions than the hidden size 64"},
             {"gate_logits:2+rows", "\"rows\" is not a feature kind"}}) {
        try {
            collect(params(src, t.file("out"), spec));
            ADD_FAILURE() << spec;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
        }
    }
    EXPECT_FALSE(fs::exists(t.file("out") + "/" + kFeatureBasisFileName));
}

// --feature-basis: a second collection computes its features with the first one's basis
// (a held-out trace whose features a predictor trained on the first can read). On the same
// tokens the features are bit for bit those of the source; the spec comes from the basis; the
// manifest names the file; resuming without it is refused.
TEST(CollectFeatures, ReusedBasisGivesTheSourceCollectionsFeatures)
{
    TempDir t("features");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(20, 3, 40, 31));
    const CollectParams ref = params(src, t.file("ref"), "gate_logits:1+pca:4");
    collect(ref);
    const TraceSet a = TraceSet::open(ref.outDir);
    const std::string refBasis = ref.outDir + "/" + kFeatureBasisFileName;

    // From the trace folder, no spec given; and from the basis file with its spec.
    for (const auto& [from, spec] : std::vector<std::pair<std::string, std::string>>{
             {ref.outDir, ""}, {refBasis, "gate_logits:1+pca:4"}}) {
        CollectParams p = params(src, t.file("reuse"), spec);
        p.featureBasis = from;
        p.startOver = true;
        collect(p);
        const TraceSet b = TraceSet::open(p.outDir);
        EXPECT_EQ(b.featureInfo().kind, "gate_logits:1+pca:4") << from;
        EXPECT_EQ(b.featureBasis()->projection, a.featureBasis()->projection) << from;
        EXPECT_EQ(b.featureBasis()->mean, a.featureBasis()->mean) << from;
        EXPECT_EQ(b.runConfig().features, "gate_logits:1+pca:4");
        EXPECT_EQ(b.runConfig().featureBasis, fs::absolute(refBasis).lexically_normal().string()) << from;
        EXPECT_TRUE(b.verify().ok());
        for (int64_t id = 0; id < 20; ++id) {
            const RoutingBlock x = a.readSequence(id), y = b.readSequence(id);
            ASSERT_FALSE(x.features.empty());
            EXPECT_EQ(x.features, y.features) << from << " sequence " << id;
        }
    }
    EXPECT_TRUE(TraceSet::open(ref.outDir).runConfig().featureBasis.empty()) << "the source built its own";

    // Other tokens (a held-out corpus): the basis is the source's, not a new estimate.
    CollectParams held = params(writeIdsJsonl(t.file("held.jsonl"), randomSequences(12, 3, 40, 77)), t.file("held"), "");
    held.featureBasis = ref.outDir;
    collect(held);
    EXPECT_EQ(TraceSet::open(held.outDir).featureBasis()->projection, a.featureBasis()->projection);
    EXPECT_TRUE(collect(held).resumed) << "the same settings resume";
    CollectParams without = held;
    without.featureBasis.clear();
    without.features = "gate_logits:1+pca:4";
    try {
        collect(without);
        ADD_FAILURE() << "a trace with a reused basis resumed with an estimated one";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("run_config_hash"), std::string::npos) << e.what();
    }
}

// --feature-basis with another family: the router rows are checked by that family's tensor
// names over its MoE layers only (Qwen2-MoE's fixture: layer 1 of 4 is dense, routers are
// mlp.gate), and the reused basis gives the source's features bit for bit.
TEST(CollectFeatures, ReusedBasisOfAFamilyWithDenseLayers)
{
    TempDir t("features");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(10, 3, 30, 13));
    CollectParams ref = params(src, t.file("ref"), "gate_logits:1+pca:4");
    ref.modelDir = std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/qwen2-moe-tiny";
    collect(ref);
    const TraceSet a = TraceSet::open(ref.outDir);
    ASSERT_EQ(a.dims().layers, 3); // MoE layers 0, 2, 3
    CollectParams again = ref;
    again.outDir = t.file("again");
    again.features.clear();
    again.featureBasis = ref.outDir;
    collect(again);
    const TraceSet b = TraceSet::open(again.outDir);
    for (int64_t id = 0; id < 10; ++id)
        EXPECT_EQ(a.readSequence(id).features, b.readSequence(id).features) << "sequence " << id;
    // Mixtral's routers against that basis: refused, naming the basis and the rows.
    CollectParams other = again;
    other.outDir = t.file("other");
    other.modelDir = kModel;
    try {
        collect(other);
        ADD_FAILURE() << "a Qwen2-MoE basis was accepted for a Mixtral model";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("feature basis"), std::string::npos) << e.what();
    }
}

// A basis that does not fit the model is refused before anything is written, naming the file:
// another hidden size, another layer count, another model's routers, a spec other than the
// one asked for, a trace without features.
TEST(CollectFeatures, MismatchedBasisIsRefusedNamingTheFile)
{
    TempDir t("features");
    const std::string src = writeIdsJsonl(t.file("ids.jsonl"), randomSequences(12, 3, 30, 41));
    const CollectParams ref = params(src, t.file("ref"), "gate_logits:2+pca:4");
    collect(ref);
    const FeatureBasis good = *TraceSet::open(ref.outDir).featureBasis();

    auto sized = [&](int layers, int hidden) {
        FeatureBasis b;
        b.kind = good.kind;
        b.layers = layers;
        b.hidden = hidden;
        b.dim = good.dim;
        b.projection.assign(size_t(layers) * size_t(b.dim) * size_t(hidden), 0.5f);
        b.mean.assign(size_t(layers) * size_t(hidden), 0.0f);
        return b;
    };
    FeatureBasis otherRouters = good; // same dims, the gate rows of another model
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 0.1f);
    for (int l = 0; l + 1 < kL; ++l)
        for (size_t i = 0; i < size_t(kE * kH); ++i)
            otherRouters.projection[size_t(l) * size_t(good.dim) * kH + i] = normal(rng);
    FeatureBasis slightlyOff = good; // one gate row changed by 5% of the largest weight
    float largest = 0;
    for (size_t i = 0; i < size_t(kE * kH); ++i)
        largest = std::max(largest, std::abs(good.projection[size_t(good.dim) * kH + i]));
    slightlyOff.projection[size_t(good.dim) * kH + 5] += 0.05f * largest;

    const std::vector<std::pair<FeatureBasis, std::string>> cases{
        {sized(kL, 32), "made for hidden size 32, the model"},
        {sized(kL + 1, kH), "made for 4 layers, the model"},
        {otherRouters, "rows of layer 0 are not the routers of"},
        {slightlyOff, "gate_logits:2 rows of layer 1 are not the routers of"},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        const std::string file = t.file("basis-" + std::to_string(i) + ".safetensors");
        writeFeatureBasis(file, cases[i].first);
        CollectParams p = params(src, t.file("out"), "");
        p.featureBasis = file;
        try {
            collect(p);
            ADD_FAILURE() << "case " << i << " accepted";
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(file), std::string::npos) << msg;
            EXPECT_NE(msg.find(cases[i].second), std::string::npos) << msg;
        }
        EXPECT_FALSE(fs::exists(t.file("out") + "/" + kFeatureBasisFileName)) << "case " << i;
    }

    CollectParams otherSpec = params(src, t.file("out"), "gate_logits:2+pca:8");
    otherSpec.featureBasis = ref.outDir;
    try {
        collect(otherSpec);
        ADD_FAILURE() << "another spec accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("differs from the spec \"gate_logits:2+pca:4\" of the feature basis " +
                                             fs::absolute(ref.outDir + "/" + kFeatureBasisFileName).lexically_normal().string()),
                  std::string::npos)
            << e.what();
    }
    const CollectParams plain = params(src, t.file("plain"), "");
    collect(plain);
    CollectParams noFeatures = params(src, t.file("out"), "");
    noFeatures.featureBasis = plain.outDir;
    try {
        collect(noFeatures);
        ADD_FAILURE() << "a trace without features accepted as a basis";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(plain.outDir + " has no features"), std::string::npos) << e.what();
    }
}
