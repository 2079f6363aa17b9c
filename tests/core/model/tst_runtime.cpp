// The Mixtral runtime against the transformers fixture (tests/data/hf-tiny-mixtral):
// router logits, top-2 sets and LM logits on every real position, in every residency
// mode and layout; bad inputs give specmoe::Error naming the file and the tensor.
#include "core/model/make_model.h"
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/util/blas_threads.h"
#include "core/util/error.h"
#include "core/util/malloc_tuning.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = dataPath("hf-tiny-mixtral");

// A random `tiny` model of `layers` layers in dir.
void makeTiny(const TempDir& dir, int64_t layers, uint64_t seed)
{
    MakeModelOptions mo;
    mo.preset = "tiny";
    mo.layers = layers;
    mo.seed = seed;
    mo.outDir = dir.path();
    makeRandomModel(mo);
}

at::Tensor readTensor(const SafetensorsFile& f, const std::string& name)
{
    const TensorEntry* e = f.find(name);
    if (!e)
        throw std::runtime_error("golden lacks " + name);
    at::ScalarType t = e->dtype == StDType::I64 ? at::kLong : e->dtype == StDType::F32 ? at::kFloat : at::kBFloat16;
    at::Tensor out = at::empty(e->shape, at::TensorOptions().dtype(t));
    std::memcpy(out.data_ptr(), f.bytes(*e), e->bytes());
    return out;
}

struct Golden {
    at::Tensor ids, mask, router, topk, logits;
};

const Golden& golden()
{
    static Golden g = [] {
        SafetensorsFile f(kFixture + "/golden.safetensors");
        Golden x;
        x.ids = readTensor(f, "input_ids");
        x.mask = readTensor(f, "attention_mask");
        x.router = readTensor(f, "router_logits");
        x.topk = readTensor(f, "topk_ids");
        x.logits = readTensor(f, "logits");
        return x;
    }();
    return g;
}

struct Agreement {
    double maxRouterDiff = 0;
    double maxLmDiff = 0;
    int64_t positions = 0;
    int64_t sameSets = 0; // (position, layer) pairs with identical top-k sets
    int64_t pairs = 0;
};

Agreement compare(const RoutingResult& r, bool withLm)
{
    const Golden& g = golden();
    Agreement a;
    const int64_t B = g.ids.size(0), T = g.ids.size(1), L = g.router.size(0);
    auto mask = g.mask.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < T; ++t) {
            if (!mask[b][t])
                continue;
            ++a.positions;
            const int64_t row = b * T + t;
            for (int64_t l = 0; l < L; ++l) {
                const double d = (r.routerLogits[l][row] - g.router[l][row]).abs().max().item<double>();
                a.maxRouterDiff = std::max(a.maxRouterDiff, d);
                std::set<int64_t> mine, theirs;
                for (int64_t j = 0; j < g.topk.size(2); ++j) {
                    mine.insert(r.topkIds[l][row][j].item<int64_t>());
                    theirs.insert(g.topk[l][row][j].item<int64_t>());
                }
                a.sameSets += mine == theirs;
                ++a.pairs;
            }
            if (withLm) {
                const double d = (r.lmLogits[b][t] - g.logits[b][t]).abs().max().item<double>();
                a.maxLmDiff = std::max(a.maxLmDiff, d);
            }
        }
    return a;
}

RoutingResult runFixture(const std::string& dir, RuntimeOptions o, bool lm = true)
{
    o.device = DeviceSpec::cpu();
    o.loadLmHead = lm;
    MixtralRuntime rt(dir, o);
    RouteOptions ro;
    ro.lmLogits = lm;
    return rt.route(golden().ids, golden().mask, ro);
}

void expectExact(const Agreement& a, const char* what)
{
    EXPECT_GT(a.positions, 30) << what;
    EXPECT_LE(a.maxRouterDiff, 1e-4) << what;
    EXPECT_EQ(a.sameSets, a.pairs) << what;
    EXPECT_LE(a.maxLmDiff, 1e-4) << what;
    std::printf("[%s] max router diff %.3g, max LM diff %.3g, top-k sets %lld/%lld\n", what, a.maxRouterDiff,
                a.maxLmDiff, (long long)a.sameSets, (long long)a.pairs);
}

// A copy of the fixture's config and weights, the weights rewritten by `edit`.
void copyFixture(const std::string& to)
{
    fs::copy_file(kFixture + "/config.json", to + "/config.json");
    fs::copy_file(kFixture + "/model.safetensors", to + "/model.safetensors");
}

struct Loaded {
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
};

Loaded loadFixtureTensors()
{
    SafetensorsFile f(kFixture + "/model.safetensors");
    Loaded l;
    for (const auto& e : f.tensors()) {
        l.names.push_back(e.name);
        l.tensors.push_back(readTensor(f, e.name));
    }
    return l;
}

std::vector<TensorToWrite> asWrite(const Loaded& l)
{
    std::vector<TensorToWrite> ts;
    for (size_t i = 0; i < l.names.size(); ++i) {
        const auto& t = l.tensors[i];
        ts.push_back({l.names[i], "F32", t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.nbytes())});
    }
    return ts;
}

} // namespace

// Every kernel, residency and the host cache route the fixture exactly as transformers does.
namespace {

struct ExactVariant {
    const char* name;
    std::string attention = "auto";
    std::string moeKernel = "auto";
    Residency residency = Residency::Resident;
    int streamHostCache = -1;
};

void PrintTo(const ExactVariant& v, std::ostream* os) { *os << v.name; }

class RuntimeExact : public ::testing::TestWithParam<ExactVariant> {};

} // namespace

TEST_P(RuntimeExact, MatchesTransformers)
{
    const ExactVariant& v = GetParam();
    RuntimeOptions o;
    o.attention = v.attention;
    o.moeKernel = v.moeKernel;
    o.residency = v.residency;
    o.streamHostCache = v.streamHostCache;
    expectExact(compare(runFixture(kFixture, o), true), v.name);
}

// sdpa on the CPU runs the fused kernels' eager reference: the same plumbing as on CUDA.
INSTANTIATE_TEST_SUITE_P(
    Runtime, RuntimeExact,
    ::testing::Values(ExactVariant{"Resident"},
                      ExactVariant{"Streaming", "auto", "auto", Residency::Streaming},
                      ExactVariant{"StreamingHostCache", "auto", "auto", Residency::Streaming, 1},
                      ExactVariant{"Split", "auto", "auto", Residency::Split},
                      ExactVariant{"SdpaAttention", "sdpa"},
                      ExactVariant{"DenseMoe", "auto", "dense"},
                      ExactVariant{"GroupedMmMoe", "auto", "grouped_mm"},
                      ExactVariant{"GroupedMmMoeStreaming", "auto", "grouped_mm", Residency::Streaming},
                      ExactVariant{"DenseMoeSdpaStreaming", "sdpa", "dense", Residency::Streaming}),
    [](const ::testing::TestParamInfo<ExactVariant>& info) { return std::string(info.param.name); });

// Lower precisions drift from the float32 reference; the top-2 sets must still agree on at
// least `minAgreement` of the (position, layer) pairs.
namespace {

struct PrecisionVariant {
    const char* name;
    ComputeDType dtype;
    bool float32Residual;
    double minAgreement;
};

void PrintTo(const PrecisionVariant& v, std::ostream* os) { *os << v.name; }

class RuntimePrecision : public ::testing::TestWithParam<PrecisionVariant> {};

} // namespace

TEST_P(RuntimePrecision, AgreesOnTop2)
{
    const PrecisionVariant& v = GetParam();
    RuntimeOptions o;
    o.dtype = v.dtype;
    o.float32Residual = v.float32Residual;
    const Agreement a = compare(runFixture(kFixture, o, false), false);
    std::printf("[%s] top-2 sets %lld/%lld, max router diff %.3g\n", v.name, (long long)a.sameSets,
                (long long)a.pairs, a.maxRouterDiff);
    EXPECT_GE(double(a.sameSets), v.minAgreement * double(a.pairs));
}

// transformers' own bf16 path (everything in bf16, no float32 residual) drifts more.
INSTANTIATE_TEST_SUITE_P(Runtime, RuntimePrecision,
                         ::testing::Values(PrecisionVariant{"Bfloat16", ComputeDType::BFloat16, true, 0.99},
                                           PrecisionVariant{"Bfloat16Pure", ComputeDType::BFloat16, false, 0.85},
                                           PrecisionVariant{"Float16", ComputeDType::Float16, true, 0.99}),
                         [](const ::testing::TestParamInfo<PrecisionVariant>& info) {
                             return std::string(info.param.name);
                         });

TEST(Runtime, KernelsAgreeOnHolesInTheMask)
{
    // A mask that is not right padded (a hole mid-sequence) takes the masked sdpa path.
    TempDir d("rt-kernels");
    makeTiny(d, 3, 3);
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    RuntimeOptions oa = o;
    oa.attention = "sdpa";
    oa.moeKernel = "dense";
    // 48 tokens: one attention chunk; 160: chunks of 64, 64 and 32 with a hole across a
    // chunk boundary and a right-padded row; then the same with a sliding window of 40
    // (chunks then start at t0 - 39: the pad mask must follow).
    TempDir w("rt-kernels-window");
    fs::copy(d.path(), w.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    {
        std::ifstream in(w.file("config.json"));
        nlohmann::json cfg = nlohmann::json::parse(in);
        cfg["sliding_window"] = 40;
        std::ofstream(w.file("config.json")) << cfg.dump(2);
    }
    for (const auto& [dir, T] : std::vector<std::pair<std::string, int64_t>>{
             {d.path(), 48}, {d.path(), 160}, {w.path(), 160}}) {
        MixtralRuntime ref(dir, o), alt(dir, oa);
        at::manual_seed(1);
        at::Tensor ids = at::randint(3, 320, {2, T}, at::kLong);
        at::Tensor mask = at::ones({2, T}, at::kLong);
        mask[0].narrow(0, 10, 5).zero_();
        mask[1].narrow(0, 30, 18).zero_();
        if (T > 64) {
            mask[0].narrow(0, 60, 10).zero_();
            mask[1].narrow(0, T - 40, 40).zero_();
        }
        const auto ra = ref.route(ids, mask), rb = alt.route(ids, mask);
        at::Tensor real = mask.view({-1}).nonzero().squeeze(1);
        for (int64_t l = 0; l < ra.routerLogits.size(0); ++l) {
            at::Tensor la = ra.routerLogits[l].index_select(0, real), lb = rb.routerLogits[l].index_select(0, real);
            EXPECT_LE((la - lb).abs().max().item<double>(), 1e-4) << dir << " T " << T << ", layer " << l;
            EXPECT_TRUE(at::equal(ra.topkIds[l].index_select(0, real), rb.topkIds[l].index_select(0, real)))
                << "T " << T << ", layer " << l;
        }
        EXPECT_FALSE(at::isnan(ra.routerLogits).any().item<bool>()) << "T " << T; // pad rows too
        EXPECT_FALSE(at::isnan(rb.routerLogits).any().item<bool>()) << "T " << T;
    }
    o.moeKernel = "bogus";
    const std::string err = errorOf([&] { MixtralRuntime rt(d.path(), o); });
    EXPECT_NE(err.find("bogus"), std::string::npos);
    EXPECT_NE(err.find("(auto, grouped, dense, grouped_mm)"), std::string::npos) << err;
}

// grouped_mm (one grouped GEMM per expert matmul, group ends on the device) against grouped
// (one matmul pair per expert) on a random tiny model, in float32 and in the CPU's rounded
// bfloat16 path: router logits, top-k ids and weights, and LM logits (the last hidden state
// through lm_head); switching kernels on one runtime gives the same as a runtime made so.
TEST(Runtime, GroupedMmMatchesGrouped)
{
    TempDir d("rt-gmm");
    makeTiny(d, 3, 7);
    at::manual_seed(4);
    at::Tensor ids = at::randint(3, 320, {3, 41}, at::kLong);
    at::Tensor mask = at::ones({3, 41}, at::kLong);
    mask[2].narrow(0, 25, 16).zero_();
    RouteOptions ro;
    ro.lmLogits = true;
    for (ComputeDType dtype : {ComputeDType::Float32, ComputeDType::BFloat16}) {
        RuntimeOptions o;
        o.device = DeviceSpec::cpu();
        o.dtype = dtype;
        o.loadLmHead = true;
        o.moeKernel = "grouped";
        MixtralRuntime ref(d.path(), o);
        o.moeKernel = "grouped_mm";
        MixtralRuntime gmm(d.path(), o);
        const auto a = ref.route(ids, mask, ro), b = gmm.route(ids, mask, ro);
        EXPECT_EQ(ref.lastMoeKernel(), "grouped");
        EXPECT_EQ(gmm.lastMoeKernel(), "grouped_mm_loop"); // no fused kernel on the CPU
        const double tol = dtype == ComputeDType::Float32 ? 1e-5 : 1e-2;
        const char* name = dtype == ComputeDType::Float32 ? "float32" : "bfloat16";
        EXPECT_LE((a.routerLogits - b.routerLogits).abs().max().item<double>(), tol) << name;
        EXPECT_TRUE(at::equal(a.topkIds, b.topkIds)) << name;
        EXPECT_LE((a.topkWeights - b.topkWeights).abs().max().item<double>(), tol) << name;
        EXPECT_LE((a.lmLogits - b.lmLogits).abs().max().item<double>(), tol) << name;
        // The same runtime switched to grouped_mm routes as the one made with it.
        ref.setMoeKernel("grouped_mm");
        const auto c = ref.route(ids, mask, ro);
        EXPECT_TRUE(at::equal(c.routerLogits, b.routerLogits)) << name;
        EXPECT_TRUE(at::equal(c.lmLogits, b.lmLogits)) << name;
    }
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(d.path(), o);
    EXPECT_EQ(rt.lastMoeKernel(), "");
    rt.route(ids, mask);
    EXPECT_EQ(rt.lastMoeKernel(), "grouped"); // auto on the CPU: unchanged
    const std::string err = errorOf([&] { rt.setMoeKernel("grouped-mm"); });
    EXPECT_NE(err.find("unknown MoE kernel \"grouped-mm\" (auto, grouped, dense, grouped_mm)"), std::string::npos)
        << err;
    EXPECT_EQ(rt.options().moeKernel, "auto");
}

TEST(Runtime, BatchSlicesOnThreadsMatchOneThread)
{
    // threads = 0 (auto) routes slices of the batch on every core where OpenBLAS has its own
    // pool; threads = 1 runs the whole batch on one thread. 5 sequences: uneven slices.
    TempDir d("rt-split");
    makeTiny(d, 3, 5);
    at::manual_seed(3);
    at::Tensor ids = at::randint(3, 320, {5, 33}, at::kLong);
    at::Tensor mask = at::ones({5, 33}, at::kLong);
    mask[4].narrow(0, 20, 13).zero_();
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.lookahead = {1, 2};
    o.loadLmHead = true;
    MixtralRuntime slices(d.path(), o);
    o.threads = 1;
    MixtralRuntime whole(d.path(), o);
    RouteOptions ro;
    ro.lmLogits = true;
    const auto a = slices.route(ids, mask, ro), b = whole.route(ids, mask, ro);
    ASSERT_EQ(a.routerLogits.sizes(), b.routerLogits.sizes());
    EXPECT_TRUE(at::equal(a.topkIds, b.topkIds));
    EXPECT_TRUE(at::allclose(a.topkWeights, b.topkWeights, 1e-5, 1e-6));
    EXPECT_TRUE(at::allclose(a.routerLogits, b.routerLogits, 1e-6, 1e-5));
    EXPECT_TRUE(at::equal(a.lookaheadIds, b.lookaheadIds));
    ASSERT_EQ(a.lmLogits.sizes(), b.lmLogits.sizes());
    EXPECT_TRUE(at::allclose(a.lmLogits, b.lmLogits, 1e-5, 1e-4));
    // A batch of one is not sliced, and routes as its row of the sliced batch.
    EXPECT_TRUE(at::equal(slices.route(ids.narrow(0, 2, 1), mask.narrow(0, 2, 1)).topkIds,
                          a.topkIds.narrow(1, 2 * 33, 33)));
    // An explicit count slices the same way, on that many threads with one intra-op thread.
    o.threads = 3;
    MixtralRuntime three(d.path(), o);
    if (blasHasOwnThreadPool()) {
        EXPECT_EQ(three.routeThreads(), 3);
        EXPECT_EQ(at::get_num_threads(), 1);
    }
    const auto c = three.route(ids, mask, ro);
    EXPECT_TRUE(at::equal(c.topkIds, b.topkIds));
    EXPECT_TRUE(at::allclose(c.routerLogits, b.routerLogits, 1e-6, 1e-5));
    EXPECT_TRUE(at::equal(c.lookaheadIds, b.lookaheadIds));
}

TEST(Runtime, MallocKeepsActivationMemory)
{
    // After tuneMallocForTensors() (a runtime applies it), a freed 8 MiB block is reused by
    // the next one instead of being unmapped and faulted in again page by page.
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer replaces malloc (mallopt has no effect)";
#endif
    ASSERT_TRUE(tuneMallocForTensors());
    auto faultsOfOneBlock = [] {
        rusage a{}, b{};
        getrusage(RUSAGE_SELF, &a);
        char* p = static_cast<char*>(std::malloc(size_t(8) << 20));
        std::memset(p, 1, size_t(8) << 20);
        asm volatile("" : : "r"(p) : "memory"); // keep the block and its writes
        std::free(p);
        getrusage(RUSAGE_SELF, &b);
        return b.ru_minflt - a.ru_minflt;
    };
    faultsOfOneBlock();
    const long second = faultsOfOneBlock();
    EXPECT_LT(second, 256) << "an 8 MiB block is 2048 pages";
}

TEST(Runtime, MallocKeepsAWorkerThreadsMemory)
{
    // Training's shard threads allocate their activations off the main thread: 120 MiB in
    // 12 MiB blocks, freed, then again. With a secondary arena per thread glibc unmapped the
    // emptied heaps and the second round faulted 15k pages in anew; with one arena none.
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer replaces malloc (mallopt has no effect)";
#endif
    ASSERT_TRUE(tuneMallocForTensors());
    auto faultsOfARound = [] {
        rusage a{}, b{};
        getrusage(RUSAGE_THREAD, &a);
        std::vector<char*> blocks;
        for (int i = 0; i < 10; ++i) {
            blocks.push_back(static_cast<char*>(std::malloc(size_t(12) << 20)));
            std::memset(blocks.back(), 1, size_t(12) << 20);
            asm volatile("" : : "r"(blocks.back()) : "memory");
        }
        for (char* p : blocks)
            std::free(p);
        getrusage(RUSAGE_THREAD, &b);
        return b.ru_minflt - a.ru_minflt;
    };
    long first = 0, second = 0;
    std::thread worker([&] {
        first = faultsOfARound();
        second = faultsOfARound();
    });
    worker.join();
    EXPECT_GT(first, 10000) << "120 MiB is 30720 pages: the first round touches them";
    EXPECT_LT(second, 1024);
}

TEST(Runtime, DenseMoeRule)
{
    MixtralConfig c;
    c.hiddenSize = 256;
    c.intermediateSize = 384;
    c.numExperts = 8;
    EXPECT_TRUE(moeDenseWorthIt(c, 64 * 256, 2));       // `small` preset, 64 x 256
    EXPECT_FALSE(moeDenseWorthIt(c, 1 << 20, 2));       // dense buffer over 1 GiB
    c.hiddenSize = 4096;
    c.intermediateSize = 14336;
    EXPECT_FALSE(moeDenseWorthIt(c, 16 * 512, 2));      // Mixtral-8x7B experts
}

TEST(Runtime, ShardedCheckpointMatches)
{
    TempDir d("rt-shard");
    fs::copy_file(kFixture + "/config.json", d.file("config.json"));
    const Loaded l = loadFixtureTensors();
    const auto files = writeSafetensorsCheckpoint(d.path(), asWrite(l), 400 * 1024);
    EXPECT_GT(files.size(), 3u);
    EXPECT_TRUE(fs::exists(d.file("model.safetensors.index.json")));
    expectExact(compare(runFixture(d.path(), {}), true), "sharded");

    // A shard named in the index but missing.
    fs::remove(d.file(files[1]));
    const std::string msg = errorOf([&] { MixtralRuntime rt(d.path(), {}); });
    EXPECT_NE(msg.find(files[1]), std::string::npos) << msg;
    EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(Runtime, FusedExpertLayoutMatches)
{
    TempDir d("rt-fused");
    fs::copy_file(kFixture + "/config.json", d.file("config.json"));
    Loaded in = loadFixtureTensors(), out;
    for (size_t i = 0; i < in.names.size(); ++i)
        if (in.names[i].find("block_sparse_moe") == std::string::npos) {
            out.names.push_back(in.names[i]);
            out.tensors.push_back(in.tensors[i]);
        }
    auto get = [&](const std::string& n) {
        for (size_t i = 0; i < in.names.size(); ++i)
            if (in.names[i] == n)
                return in.tensors[i];
        throw std::runtime_error(n);
    };
    for (int l = 0; l < 3; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        std::vector<at::Tensor> gu, dn;
        for (int e = 0; e < 8; ++e) {
            const std::string x = p + "block_sparse_moe.experts." + std::to_string(e) + ".";
            gu.push_back(at::cat({get(x + "w1.weight"), get(x + "w3.weight")}, 0));
            dn.push_back(get(x + "w2.weight"));
        }
        out.names.push_back(p + "mlp.gate.weight");
        out.tensors.push_back(get(p + "block_sparse_moe.gate.weight"));
        out.names.push_back(p + "mlp.experts.gate_up_proj");
        out.tensors.push_back(at::stack(gu).contiguous());
        out.names.push_back(p + "mlp.experts.down_proj");
        out.tensors.push_back(at::stack(dn).contiguous());
    }
    writeSafetensors(d.file("model.safetensors"), asWrite(out));
    expectExact(compare(runFixture(d.path(), {}), true), "fused experts");
}

TEST(Runtime, LookaheadProbes)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.lookahead = {1, 2};
    MixtralRuntime rt(kFixture, o);
    const auto r = rt.route(golden().ids, golden().mask);
    ASSERT_TRUE(r.lookaheadIds.defined());
    ASSERT_EQ(r.lookaheadIds.sizes(), (std::vector<int64_t>{3, 2, 51, 2}));
    // Nothing beyond the last layer.
    EXPECT_TRUE(r.lookaheadIds[2].eq(-1).all().item<bool>());
    EXPECT_TRUE(r.lookaheadIds[1][1].eq(-1).all().item<bool>());
    EXPECT_TRUE(r.lookaheadIds[0][1].ge(0).all().item<bool>());
    EXPECT_TRUE(r.lookaheadIds[0][0].lt(8).all().item<bool>());
    // A probe is a guess from an earlier state: it must differ from the truth somewhere but
    // agree far above chance (1 in 28 for a top-2 set of 8) on this residual-dominated model.
    int64_t agree = 0;
    for (int64_t row = 0; row < 51; ++row) {
        std::set<int64_t> a{r.lookaheadIds[0][0][row][0].item<int64_t>(), r.lookaheadIds[0][0][row][1].item<int64_t>()};
        std::set<int64_t> b{r.topkIds[1][row][0].item<int64_t>(), r.topkIds[1][row][1].item<int64_t>()};
        agree += a == b;
    }
    std::printf("[lookahead] d=1 top-2 set agreement at layer 0: %lld/51\n", (long long)agree);
    // Weights renormalized over k and sorted by descending probability.
    EXPECT_TRUE(at::allclose(r.topkWeights.sum(-1), at::ones({3, 51})));
    EXPECT_TRUE(r.topkWeights.select(2, 0).ge(r.topkWeights.select(2, 1)).all().item<bool>());
}

TEST(Runtime, TokenIdsOutsideVocabulary)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(kFixture, o);
    at::Tensor ids = golden().ids.clone();
    ids[1][3] = 320;
    const std::string msg = errorOf([&] { rt.route(ids, golden().mask); });
    EXPECT_NE(msg.find("token id 320"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sequence 1, position 3"), std::string::npos) << msg;
    ids[1][3] = -1;
    EXPECT_NE(errorOf([&] { rt.route(ids, golden().mask); }).find("outside the vocabulary"), std::string::npos);
}

TEST(Runtime, DtypeContradictingConfig)
{
    TempDir d("rt-dtype");
    copyFixture(d.path());
    std::string cfg = readFile(d.file("config.json"));
    cfg.replace(cfg.find("\"float32\""), 9, "\"bfloat16\"");
    writeFile(d.file("config.json"), cfg);
    const std::string msg = errorOf([&] { MixtralRuntime rt(d.path(), {}); });
    EXPECT_NE(msg.find("model.safetensors: tensor \""), std::string::npos) << msg;
    EXPECT_NE(msg.find("contradicts"), std::string::npos) << msg;
}

TEST(Runtime, ShapeContradictingConfig)
{
    TempDir d("rt-shape");
    copyFixture(d.path());
    std::string cfg = readFile(d.file("config.json"));
    cfg.replace(cfg.find("\"intermediate_size\": 128"), 24, "\"intermediate_size\": 96");
    writeFile(d.file("config.json"), cfg);
    const std::string msg = errorOf([&] { MixtralRuntime rt(d.path(), {}); });
    EXPECT_NE(msg.find("experts.0.w1.weight\": shape [128, 64] but config.json implies [96, 64]"),
              std::string::npos)
        << msg;
}

TEST(Runtime, MissingTensorNamed)
{
    TempDir d("rt-missing");
    fs::copy_file(kFixture + "/config.json", d.file("config.json"));
    Loaded l = loadFixtureTensors();
    for (size_t i = 0; i < l.names.size(); ++i)
        if (l.names[i] == "model.layers.2.self_attn.k_proj.weight") {
            l.names.erase(l.names.begin() + long(i));
            l.tensors.erase(l.tensors.begin() + long(i));
            break;
        }
    writeSafetensors(d.file("model.safetensors"), asWrite(l));
    const std::string msg = errorOf([&] { MixtralRuntime rt(d.path(), {}); });
    EXPECT_NE(msg.find("model.layers.2.self_attn.k_proj.weight"), std::string::npos) << msg;
}

TEST(Runtime, UnknownDeviceAndDtype)
{
    RuntimeOptions o;
    // Names are checked where they are parsed; the message names the value and the choices.
    EXPECT_NE(errorOf([&] { parseDevice("tpu:0"); }).find("unknown device 'tpu:0' (cpu, cuda, cuda:N or auto)"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { parseDType("int8"); }).find("'int8' (auto, float32, bfloat16, float16)"), std::string::npos);
    EXPECT_TRUE(resolveDevice(DeviceSpec::automatic()).is_cpu() || resolveDevice(DeviceSpec::automatic()).is_cuda());
    if (!resolveDevice(DeviceSpec::automatic()).is_cuda()) {
        o.device = DeviceSpec::cuda(0); // asked for, absent: the runtime says so
        EXPECT_NE(errorOf([&] { MixtralRuntime rt(kFixture, o); }).find("device 'cuda:0'"), std::string::npos);
    }
}

TEST(Runtime, MadeModelRoutesSameInAllModes)
{
    TempDir d("rt-made");
    MakeModelOptions mo;
    mo.preset = "tiny";
    mo.layers = 4;
    mo.seed = 7;
    mo.outDir = d.path();
    mo.shardBytes = 1 << 20;
    makeRandomModel(mo);
    EXPECT_TRUE(fs::exists(d.file("model.safetensors.index.json")));
    at::Tensor ids = at::randint(3, 320, {2, 40}, at::kLong);
    at::Tensor mask = at::ones({2, 40}, at::kLong);
    mask[1].narrow(0, 25, 15).zero_();
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.lookahead = {1};
    MixtralRuntime a(d.path(), o);
    o.residency = Residency::Streaming;
    MixtralRuntime b(d.path(), o);
    const auto ra = a.route(ids, mask), rb = b.route(ids, mask);
    EXPECT_TRUE(at::equal(ra.topkIds, rb.topkIds));
    // The resident run routes slices of the batch on separate threads with single-threaded
    // GEMMs (MixtralRuntime::Impl::route()): the same math, a few ulps apart.
    EXPECT_TRUE(at::allclose(ra.routerLogits, rb.routerLogits, 1e-6, 1e-5))
        << (ra.routerLogits - rb.routerLogits).abs().max().item<double>();
    EXPECT_TRUE(at::equal(ra.lookaheadIds, rb.lookaheadIds));
    // Decisive routing: the top expert's probability is well above uniform on average.
    const double top1 = at::softmax(ra.routerLogits, -1).amax(-1).mean().item<double>();
    EXPECT_GT(top1, 0.4);
    // Same seed, same bytes.
    TempDir d2("rt-made2");
    mo.outDir = d2.path();
    makeRandomModel(mo);
    int shards = 0;
    for (const auto& e : fs::directory_iterator(d.path())) {
        const std::string name = e.path().filename().string();
        if (name.rfind("model-", 0) == 0) {
            ++shards;
            EXPECT_EQ(readFile(e.path().string()), readFile(d2.file(name))) << name;
        }
    }
    EXPECT_GE(shards, 2);
}

// ---- damaged checkpoints ------------------------------------------------------------------
namespace {

// A copy of the fixture in d whose tensor `name` has `value` at element `at`.
void writeDamaged(const TempDir& d, const std::string& name, float value, int64_t at)
{
    fs::copy_file(kFixture + "/config.json", d.file("config.json"));
    Loaded l = loadFixtureTensors();
    bool found = false;
    for (size_t i = 0; i < l.names.size(); ++i)
        if (l.names[i] == name) {
            l.tensors[i].view(-1)[at] = value;
            found = true;
        }
    ASSERT_TRUE(found) << name;
    writeSafetensors(d.file("model.safetensors"), asWrite(l));
}

struct DamageCase {
    const char* name;
    std::string tensor;
    float value;
    int64_t at;
    Residency residency;
    const char* held; // "NaN" or "an infinite value"
};

void PrintTo(const DamageCase& c, std::ostream* os) { *os << c.name; }

class RuntimeDamagedWeights : public ::testing::TestWithParam<DamageCase> {};

} // namespace

// A NaN or infinity in a weight is refused, naming the file, the tensor and the element:
// routers and norms at load time in every residency, streamed experts on their first pass
// (before anything is routed with them).
TEST_P(RuntimeDamagedWeights, RefusedNamingTheTensor)
{
    const DamageCase& c = GetParam();
    TempDir d("rt-nan");
    writeDamaged(d, c.tensor, c.value, c.at);
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.residency = c.residency;
    const std::string msg = errorOf([&] {
        MixtralRuntime rt(d.path(), o);
        rt.route(golden().ids, golden().mask);
    });
    EXPECT_NE(msg.find(d.file("model.safetensors") + ": tensor \"" + c.tensor + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::string("holds ") + c.held + " at element " + std::to_string(c.at)), std::string::npos)
        << msg;
    if (c.tensor.find("experts") == std::string::npos || c.residency != Residency::Streaming) {
        // Routers, norms and resident weights: at load time already.
        const std::string atLoad = errorOf([&] { MixtralRuntime rt(d.path(), o); });
        EXPECT_EQ(atLoad, msg);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Runtime, RuntimeDamagedWeights,
    ::testing::Values(
        DamageCase{"RouterNanResident", "model.layers.1.block_sparse_moe.gate.weight", NAN, 77, Residency::Resident, "NaN"},
        DamageCase{"RouterNanStreaming", "model.layers.1.block_sparse_moe.gate.weight", NAN, 0, Residency::Streaming, "NaN"},
        DamageCase{"NormInfResident", "model.layers.2.post_attention_layernorm.weight", INFINITY, 63, Residency::Resident,
                   "an infinite value"},
        DamageCase{"NormInfStreaming", "model.layers.0.input_layernorm.weight", -INFINITY, 5, Residency::Streaming,
                   "an infinite value"},
        DamageCase{"ExpertNanResident", "model.layers.0.block_sparse_moe.experts.3.w2.weight", NAN, 5000,
                   Residency::Resident, "NaN"},
        DamageCase{"ExpertNanStreaming", "model.layers.2.block_sparse_moe.experts.7.w1.weight", NAN, 8191,
                   Residency::Streaming, "NaN"},
        DamageCase{"EmbeddingInfResident", "model.embed_tokens.weight", INFINITY, 1234, Residency::Resident,
                   "an infinite value"}),
    [](const ::testing::TestParamInfo<DamageCase>& i) { return std::string(i.param.name); });

// Weights of a layer the config does not have: the config does not describe the checkpoint
// (transformers refuses such keys too). Other unused tensors load with a warning naming them.
TEST(Runtime, TensorsBeyondTheConfigsLayers)
{
    TempDir d("rt-layers");
    copyFixture(d.path());
    std::string cfg = readFile(d.file("config.json"));
    cfg.replace(cfg.find("\"num_hidden_layers\": 3"), 22, "\"num_hidden_layers\": 2");
    writeFile(d.file("config.json"), cfg);
    const std::string msg = errorOf([&] { MixtralRuntime rt(d.path(), {}); });
    EXPECT_NE(msg.find(d.file("model.safetensors") + ": tensor \"model.layers.2."), std::string::npos) << msg;
    EXPECT_NE(msg.find("belongs to layer 2, but config.json has num_hidden_layers = 2"), std::string::npos) << msg;
}

TEST(Runtime, UnusedTensorsLoadWithAWarning)
{
    TempDir d("rt-extra");
    fs::copy_file(kFixture + "/config.json", d.file("config.json"));
    Loaded l = loadFixtureTensors();
    {
        RuntimeOptions o;
        o.device = DeviceSpec::cpu();
        EXPECT_TRUE(MixtralRuntime(kFixture, o).warnings().empty());
    }
    const at::Tensor extra = at::ones({4});
    l.names.push_back("model.layers.0.block_sparse_moe.router_bias");
    l.tensors.push_back(extra);
    l.names.push_back("model.vision_tower.weight");
    l.tensors.push_back(extra);
    l.names.push_back("model.layers.1.self_attn.rotary_emb.inv_freq"); // dropped silently, as transformers does
    l.tensors.push_back(extra);
    writeSafetensors(d.file("model.safetensors"), asWrite(l));
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    MixtralRuntime rt(d.path(), o);
    ASSERT_EQ(rt.warnings().size(), 1u);
    const std::string& w = rt.warnings()[0];
    EXPECT_NE(w.find(d.path() + ": 2 tensors of the weight files not used by the model (ignored): "), std::string::npos)
        << w;
    EXPECT_NE(w.find("model.layers.0.block_sparse_moe.router_bias"), std::string::npos) << w;
    EXPECT_NE(w.find("model.vision_tower.weight"), std::string::npos) << w;
    EXPECT_EQ(w.find("inv_freq"), std::string::npos) << w;
    expectExact(compare(runFixture(d.path(), {}), true), "unused tensors");
}

// Large tensors are read and scanned in 256 KiB pieces: a NaN far into one (bfloat16, a
// `small` model's embedding of 4000 x 256) is found at its true element.
TEST(Runtime, NanFarIntoALargeTensorIsFoundAtItsElement)
{
    TempDir d("rt-nan-big");
    MakeModelOptions mo;
    mo.preset = "small";
    mo.layers = 1;
    mo.dtype = "bfloat16";
    mo.outDir = d.path();
    makeRandomModel(mo);
    const std::string name = "model.embed_tokens.weight";
    const int64_t at = 987654; // in the eighth piece
    {
        const SafetensorsFile f(d.file("model.safetensors"));
        const TensorEntry* e = f.find(name);
        ASSERT_TRUE(e && e->dtype == StDType::BF16 && e->numel() == 4000 * 256);
        std::fstream io(d.file("model.safetensors"), std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(std::streamoff(f.dataStart() + e->begin + uint64_t(at) * 2));
        const unsigned char nanBf16[2] = {0xc0, 0x7f};
        io.write(reinterpret_cast<const char*>(nanBf16), 2);
    }
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.dtype = ComputeDType::BFloat16;
    const std::string msg = errorOf([&] { MixtralRuntime rt(d.path(), o); });
    EXPECT_NE(msg.find("tensor \"" + name + "\" holds NaN at element 987654 of 1024000"), std::string::npos) << msg;
}
