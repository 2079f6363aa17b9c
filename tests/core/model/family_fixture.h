#pragma once
// A family fixture (tests/fixtures/<name>: config.json, model.safetensors and
// golden.safetensors from bench/reference/make_fixture.py) and the comparison of a
// routing result with its golden outputs, shared by the family tests.
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "core/util/read_file.h"
#include "tests/support/message_checks.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <tuple>
#include <set>
#include <stdexcept>
#include <string>

// The message of the specmoe::Error `expr` throws holds every part (empty: none thrown).
#define EXPECT_ERROR_HAS(expr, ...)                                                            \
    do {                                                                                       \
        const std::string msg_ = specmoe::test::errorOf([&] { (void)(expr); });                \
        for (const std::string& part_ : std::vector<std::string>{__VA_ARGS__})                 \
            EXPECT_NE(msg_.find(part_), std::string::npos) << "missing '" << part_ << "' in: " << msg_; \
    } while (0)

namespace specmoe::test {

// The fixture's config.json text with the first `from` replaced by `to` (throws when absent:
// a test editing a field the fixture lacks must not pass silently).
inline std::string editedConfig(const std::string& dir, const std::string& from, const std::string& to)
{
    std::string s = readFile(dir + "/config.json");
    const auto p = s.find(from);
    if (p == std::string::npos)
        throw std::runtime_error("no " + from + " in " + dir + "/config.json");
    return s.replace(p, from.size(), to);
}

inline std::string familyFixture(const std::string& name) { return std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/" + name; }

inline at::Tensor readGoldenTensor(const SafetensorsFile& f, const std::string& name)
{
    const TensorEntry* e = f.find(name);
    if (!e)
        throw std::runtime_error(f.path() + " lacks " + name);
    const at::ScalarType t = e->dtype == StDType::I64 ? at::kLong : at::kFloat;
    at::Tensor out = at::empty(e->shape, at::TensorOptions().dtype(t));
    std::memcpy(out.data_ptr(), f.bytes(*e), e->bytes());
    return out;
}

struct FamilyGolden {
    at::Tensor ids, mask, moeLayers, router, topk, logits;

    explicit FamilyGolden(const std::string& dir)
    {
        SafetensorsFile f(dir + "/golden.safetensors");
        ids = readGoldenTensor(f, "input_ids");
        mask = readGoldenTensor(f, "attention_mask");
        moeLayers = readGoldenTensor(f, "moe_layers");
        router = readGoldenTensor(f, "router_logits");
        topk = readGoldenTensor(f, "topk_ids");
        logits = readGoldenTensor(f, "logits");
    }
};

struct Agreement {
    double maxRouterDiff = 0, maxLmDiff = 0;
    int64_t positions = 0, sameSets = 0, pairs = 0;
};

// Real positions only (the reference and the runtime treat pad queries differently).
inline Agreement compareWithGolden(const RoutingResult& r, const FamilyGolden& g)
{
    Agreement a;
    const int64_t B = g.ids.size(0), T = g.ids.size(1), L = g.router.size(0), K = g.topk.size(2);
    EXPECT_EQ(r.routerLogits.size(0), L);
    EXPECT_EQ(r.topkIds.size(2), K);
    auto mask = g.mask.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < T; ++t) {
            if (!mask[b][t])
                continue;
            ++a.positions;
            const int64_t row = b * T + t;
            for (int64_t l = 0; l < L; ++l) {
                a.maxRouterDiff =
                    std::max(a.maxRouterDiff, (r.routerLogits[l][row] - g.router[l][row]).abs().max().item<double>());
                std::set<int64_t> mine, theirs;
                for (int64_t j = 0; j < K; ++j) {
                    mine.insert(r.topkIds[l][row][j].item<int64_t>());
                    theirs.insert(g.topk[l][row][j].item<int64_t>());
                }
                a.sameSets += mine == theirs;
                ++a.pairs;
            }
            if (r.lmLogits.defined())
                a.maxLmDiff = std::max(a.maxLmDiff, (r.lmLogits[b][t] - g.logits[b][t]).abs().max().item<double>());
        }
    return a;
}

// Runtime variants every family is checked in.
struct FamilyVariant {
    const char* name;
    Residency residency = Residency::Resident;
    std::string moeKernel = "grouped";
    std::string attention = "chunked";
    int streamHostCache = -1;
};

inline std::vector<FamilyVariant> familyVariants()
{
    return {FamilyVariant{"ResidentGrouped"},
            FamilyVariant{"ResidentDense", Residency::Resident, "dense"},
            FamilyVariant{"ResidentGroupedMm", Residency::Resident, "grouped_mm"},
            FamilyVariant{"ResidentSdpa", Residency::Resident, "grouped", "sdpa"},
            FamilyVariant{"Split", Residency::Split},
            FamilyVariant{"Streaming", Residency::Streaming},
            FamilyVariant{"StreamingDense", Residency::Streaming, "dense"},
            FamilyVariant{"StreamingHostCache", Residency::Streaming, "grouped", "chunked", 1}};
}

// Routes the golden inputs in float32 on the CPU and checks the acceptance bounds: router
// logits within 1e-4, every top-k set equal, LM logits within 1e-4.
inline void expectMatchesGolden(const std::string& dir, const FamilyGolden& g, const FamilyVariant& v)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.loadLmHead = true;
    o.residency = v.residency;
    o.moeKernel = v.moeKernel;
    o.attention = v.attention;
    o.streamHostCache = v.streamHostCache;
    MixtralRuntime rt(dir, o);
    EXPECT_TRUE(rt.warnings().empty()) << rt.warnings().front();
    RouteOptions ro;
    ro.lmLogits = true;
    const Agreement a = compareWithGolden(rt.route(g.ids, g.mask, ro), g);
    EXPECT_GT(a.positions, 30);
    EXPECT_LE(a.maxRouterDiff, 1e-4);
    EXPECT_EQ(a.sameSets, a.pairs);
    EXPECT_LE(a.maxLmDiff, 1e-4);
    std::printf("[%s %s] max router diff %.3g, max LM diff %.3g, top-k sets %lld/%lld\n", dir.c_str(), v.name,
                a.maxRouterDiff, a.maxLmDiff, (long long)a.sameSets, (long long)a.pairs);
}

// bfloat16 against float32: the share of (position, MoE layer) pairs whose top-k expert sets
// agree, on the fixture's real positions (against the golden, as tst_runtime does for
// Mixtral) and on a random 16 x 128 batch (against the runtime's own float32 run), with
// the float32 residual stream and router (the default) and without (transformers' pure
// bfloat16 path).
struct PrecisionRates {
    int64_t fixtureSame = 0, fixturePairs = 0, batchSame = 0, batchPairs = 0;
};

inline int64_t sameTopkSets(const at::Tensor& a, const at::Tensor& b)
{
    const at::Tensor sa = std::get<0>(a.sort(-1)), sb = std::get<0>(b.sort(-1));
    return sa.eq(sb).all(-1).sum().item<int64_t>();
}

inline PrecisionRates bfloat16Agreement(const std::string& dir, const FamilyGolden& g, bool float32Residual)
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    o.dtype = ComputeDType::BFloat16;
    o.float32Residual = float32Residual;
    MixtralRuntime low(dir, o);
    PrecisionRates p;
    const Agreement a = compareWithGolden(low.route(g.ids, g.mask), g);
    p.fixtureSame = a.sameSets;
    p.fixturePairs = a.pairs;
    RuntimeOptions f = o;
    f.dtype = ComputeDType::Float32;
    MixtralRuntime exact(dir, f);
    at::manual_seed(21);
    const at::Tensor ids = at::randint(3, exact.config().vocabSize, {16, 128}, at::TensorOptions().dtype(at::kLong));
    const at::Tensor mask = at::ones_like(ids);
    const at::Tensor want = exact.route(ids, mask).topkIds, got = low.route(ids, mask).topkIds;
    p.batchSame = sameTopkSets(got, want);
    p.batchPairs = want.size(0) * want.size(1);
    return p;
}

// Prints the rates and checks them against floors (with the float32 residual, pure bfloat16).
inline void expectBfloat16Agreement(const std::string& dir, const FamilyGolden& g, double floorResidual, double floorPure)
{
    for (bool residual : {true, false}) {
        const PrecisionRates p = bfloat16Agreement(dir, g, residual);
        std::printf("[%s bfloat16%s] top-k sets: fixture %lld/%lld (%.1f%%), random 16 x 128 %lld/%lld (%.1f%%)\n",
                    dir.c_str(), residual ? " + float32 residual" : " pure", (long long)p.fixtureSame,
                    (long long)p.fixturePairs, 100.0 * double(p.fixtureSame) / double(p.fixturePairs),
                    (long long)p.batchSame, (long long)p.batchPairs, 100.0 * double(p.batchSame) / double(p.batchPairs));
        const double floor = residual ? floorResidual : floorPure;
        EXPECT_GE(double(p.fixtureSame), floor * double(p.fixturePairs));
        EXPECT_GE(double(p.batchSame), floor * double(p.batchPairs));
    }
}

inline void PrintTo(const FamilyVariant& v, std::ostream* os) { *os << v.name; }

} // namespace specmoe::test
