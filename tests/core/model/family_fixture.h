#pragma once
// A family fixture (tests/fixtures/<name>: config.json, model.safetensors and
// golden.safetensors from bench/reference/make_fixture.py) and the comparison of a
// routing result with its golden outputs, shared by the family tests.
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <stdexcept>
#include <string>

namespace specmoe::test {

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

inline void PrintTo(const FamilyVariant& v, std::ostream* os) { *os << v.name; }

} // namespace specmoe::test
