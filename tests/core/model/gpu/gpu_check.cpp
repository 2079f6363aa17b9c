// A device check of the Mixtral runtime on CUDA (not part of the CTest suite; the project's
// CI has no GPU). Built by gpu_check.sh against the machine's CUDA libtorch, it routes the
// transformers fixture in every residency mode and dtype and times the small preset.
#include "core/model/make_model.h"
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>

using namespace specmoe;

static at::Tensor readTensor(const SafetensorsFile& f, const std::string& name)
{
    const TensorEntry* e = f.find(name);
    at::Tensor out = at::empty(e->shape, at::TensorOptions().dtype(e->dtype == StDType::I64 ? at::kLong : at::kFloat));
    std::memcpy(out.data_ptr(), f.bytes(*e), e->bytes());
    return out;
}

int main(int argc, char** argv)
{
    const std::string fixture = argc > 1 ? argv[1] : "tests/data/hf-tiny-mixtral";
    SafetensorsFile g(fixture + "/golden.safetensors");
    at::Tensor ids = readTensor(g, "input_ids"), mask = readTensor(g, "attention_mask");
    at::Tensor router = readTensor(g, "router_logits"), topk = readTensor(g, "topk_ids"), logits = readTensor(g, "logits");
    int failures = 0;
    // Kernels: the defaults (fused attention, dense MoE for tiny experts, streaming from the
    // pinned host cache) and the alternatives (chunked attention, grouped MoE, staging).
    struct Variant {
        const char *attention, *moe;
        int hostCache;
    };
    for (Variant v : {Variant{"auto", "auto", -1}, Variant{"chunked", "grouped", 0}, Variant{"auto", "grouped_mm", -1}})
    for (const char* dtype : {"float32", "bfloat16", "float16"})
        for (Residency mode : {Residency::Resident, Residency::Split, Residency::Streaming}) {
            try {
                RuntimeOptions o;
                o.attention = v.attention;
                o.moeKernel = v.moe;
                o.streamHostCache = v.hostCache;
                o.device = DeviceSpec::cuda();
                o.dtype = parseDType(dtype);
                o.residency = mode;
                o.loadLmHead = true;
                o.lookahead = {1, 2};
                MixtralRuntime rt(fixture, o);
                RouteOptions ro;
                ro.lmLogits = true;
                auto r = rt.route(ids.to(at::kCUDA), mask, ro);
                double maxR = 0, maxL = 0;
                int same = 0, pairs = 0;
                for (int64_t b = 0; b < 3; ++b)
                    for (int64_t t = 0; t < 17; ++t) {
                        if (!mask[b][t].item<int64_t>())
                            continue;
                        const int64_t row = b * 17 + t;
                        for (int64_t l = 0; l < 3; ++l) {
                            maxR = std::max(maxR, (r.routerLogits[l][row] - router[l][row]).abs().max().item<double>());
                            std::set<int64_t> a{r.topkIds[l][row][0].item<int64_t>(), r.topkIds[l][row][1].item<int64_t>()};
                            std::set<int64_t> c{topk[l][row][0].item<int64_t>(), topk[l][row][1].item<int64_t>()};
                            same += a == c;
                            ++pairs;
                        }
                        maxL = std::max(maxL, (r.lmLogits[b][t] - logits[b][t]).abs().max().item<double>());
                    }
                const bool ok = std::string(dtype) == "float32" ? (maxR <= 1e-4 && same == pairs && maxL <= 1e-4)
                                                                : same >= 0.99 * pairs;
                std::printf("%s/%s (ran %s) ", v.attention, v.moe, rt.lastMoeKernel().c_str());
                failures += !ok;
                std::printf("%-8s %-9s device %s: router max diff %.3g, LM max diff %.3g, top-2 sets %d/%d %s\n", dtype,
                            residencyName(mode).c_str(), rt.device().str().c_str(), maxR, maxL, same, pairs,
                            ok ? "OK" : "FAIL");
            } catch (const std::exception& e) {
                ++failures;
                std::printf("%-8s %-9s ERROR %s\n", dtype, residencyName(mode).c_str(), e.what());
            }
        }
    // Throughput, small preset (and 8x7B dimensions with 2 layers when asked), bf16.
    MakeModelOptions mo;
    mo.preset = argc > 2 ? argv[2] : "small";
    mo.layers = argc > 3 ? std::atoi(argv[3]) : 0;
    mo.dtype = "bfloat16";
    mo.outDir = "/tmp/gpu-check-model";
    makeRandomModel(mo);
    at::Tensor base;
    at::manual_seed(0);
    const int64_t B = 16, T = 512;
    at::Tensor x = at::randint(3, presetConfig(mo.preset).vocabSize, {B, T}, at::kLong);
    at::Tensor m = at::ones({B, T}, at::kLong);
    for (Residency mode : {Residency::Resident, Residency::Streaming}) {
        RuntimeOptions o;
        o.device = DeviceSpec::cuda();
        o.dtype = ComputeDType::BFloat16;
        o.residency = mode;
        MixtralRuntime rt(mo.outDir, o);
        auto r = rt.route(x, m);
        if (!base.defined())
            base = r.topkIds;
        else
            std::printf("streaming vs resident top-k identical: %s\n", at::equal(base, r.topkIds) ? "yes" : "NO");
        const auto t0 = std::chrono::steady_clock::now();
        const int iters = 5;
        for (int i = 0; i < iters; ++i)
            r = rt.route(x, m);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / iters;
        std::printf("%s %s x%lld layers, bf16, B=%lld T=%lld: %.4f s/batch, %.0f tokens/s\n", mo.preset.c_str(),
                    residencyName(mode).c_str(), (long long)rt.config().numLayers, (long long)B, (long long)T, s,
                    double(B * T) / s);
    }
    std::printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
