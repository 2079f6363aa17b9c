// Routing-capture throughput of the runtime on any device, residency and dtype; the GPU
// figures of docs/benchmarks.md come from it (bench/gpu.sh). Prints one JSON line.
//   bench_runtime --model DIR [--device cuda] [--dtype bfloat16] [--batch 16] [--seq 512]
//                 [--residency resident|split|streaming] [--warmup 2] [--repeats 5]
//                 [--make-preset PRESET [--make-family mixtral|qwen3_moe|...] --make-layers N]
//                 [--attention auto|chunked|sdpa] [--moe KERNEL[,KERNEL...]] [--host-cache -1|0|1]
// --moe takes auto, grouped, dense or grouped_mm; a comma list alternates the kernels pass by
// pass on one loaded model (the same warm GPU, one load) and prints one line per kernel.
// "moe_kernel" names the kernel that ran (auto's choice; grouped_mm_loop: grouped_mm without
// libtorch's fused kernel); peak_gpu_bytes is the process's peak over all of them.
#include "core/model/make_model.h"
#include "core/model/runtime.h"
#include "core/tensor/torch_compat.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

// The first line of a message, with what would break a JSON string taken out.
std::string jsonSafe(const std::string& m)
{
    std::string out;
    for (char ch : m.substr(0, m.find('\n')))
        out += ch == '"' || ch == '\\' || (unsigned char)ch < 0x20 ? '\'' : ch;
    return out;
}

int64_t peakRssBytes()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::string model, makePreset, makeFamily = "mixtral", device = "auto", dtype = "bfloat16", residency = "resident";
    std::string attention = "auto", moe = "auto";
    int hostCache = -1;
    int64_t batch = 16, seq = 512;
    int warmup = 2, repeats = 5;
    int64_t makeLayers = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--model") model = v;
        else if (k == "--device") device = v;
        else if (k == "--make-preset") makePreset = v;
        else if (k == "--make-layers") makeLayers = std::stoll(v);
        else if (k == "--make-family") makeFamily = v;
        else if (k == "--dtype") dtype = v;
        else if (k == "--residency") residency = v;
        else if (k == "--batch") batch = std::stoll(v);
        else if (k == "--seq") seq = std::stoll(v);
        else if (k == "--warmup") warmup = std::stoi(v);
        else if (k == "--repeats") repeats = std::stoi(v);
        else if (k == "--attention") attention = v;
        else if (k == "--moe") moe = v;
        else if (k == "--host-cache") hostCache = std::stoi(v);
        else {
            std::cerr << "unknown option " << k << "\n";
            return 2;
        }
    }
    if (model.empty()) {
        std::cerr << "usage: bench_runtime --model DIR [options]\n";
        return 2;
    }
    try {
        // --make-preset P: first write a random checkpoint of preset P into --model DIR
        // (skipped when DIR already holds one), so GPU runs need only this program. The preset is
        // one of --make-family's (default mixtral), e.g. --make-family qwen3_moe --make-preset qwen3-30b-a3b.
        double makeS = 0;
        if (!makePreset.empty() && !std::ifstream(model + "/config.json")) {
            const auto m0 = std::chrono::steady_clock::now();
            specmoe::MakeModelOptions mo;
            mo.family = makeFamily;
            mo.preset = makePreset;
            mo.layers = makeLayers;
            mo.dtype = dtype;
            mo.outDir = model;
            specmoe::makeRandomModel(mo);
            makeS = std::chrono::duration<double>(std::chrono::steady_clock::now() - m0).count();
        }
        specmoe::RuntimeOptions opts;
        opts.device = specmoe::parseDevice(device);
        opts.dtype = specmoe::parseDType(dtype);
        opts.residency = specmoe::parseResidency(residency);
        opts.attention = attention;
        std::vector<std::string> kernels;
        for (size_t p = 0; p <= moe.size();) {
            const size_t q = std::min(moe.find(',', p), moe.size());
            kernels.push_back(moe.substr(p, q - p));
            p = q + 1;
        }
        opts.moeKernel = kernels.front();
        opts.streamHostCache = hostCache;
        const auto t0 = std::chrono::steady_clock::now();
        specmoe::MixtralRuntime rt(model, opts);
        const double loadS =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const auto& c = rt.config();
        at::manual_seed(0);
        auto ids = at::randint(3, c.vocabSize, {batch, seq}, at::kLong);
        auto mask = at::ones({batch, seq}, at::kLong);
        std::vector<std::vector<double>> times(kernels.size());
        std::vector<std::string> ran(kernels.size()), failed(kernels.size());
        for (int r = 0; r < warmup + repeats; ++r)
            for (size_t k = 0; k < kernels.size(); ++k) {
                if (!failed[k].empty())
                    continue;
                // A kernel that throws (grouped_mm's fused call has not run on every GPU) is
                // dropped with its message; the others' records still come out.
                try {
                    rt.setMoeKernel(kernels[k]);
                    const auto s = std::chrono::steady_clock::now();
                    auto res = rt.route(ids, mask); // results arrive on the host: synchronous
                    const double dt =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
                    if (r >= warmup)
                        times[k].push_back(dt);
                    ran[k] = rt.lastMoeKernel();
                    if (res.topkIds.numel() != int64_t(c.moeLayers().size()) * batch * seq * c.topk)
                        throw std::runtime_error("unexpected routing output size");
                } catch (const std::exception& e) {
                    failed[k] = jsonSafe(e.what());
                    std::cerr << "bench_runtime: --moe " << kernels[k] << ": " << e.what() << "\n";
                }
            }
        int64_t peakGpu = 0;
        if (rt.device().is_cuda())
            peakGpu = specmoe::compat::cudaAllocatorStats(rt.device().index()).peakAllocated;
        for (size_t k = 0; k < kernels.size(); ++k) {
            if (!failed[k].empty()) {
                std::printf("{\"bench\":\"runtime\",\"model\":\"%s\",\"moe\":\"%s\",\"error\":\"%s\"}\n",
                            model.c_str(), kernels[k].c_str(), failed[k].c_str());
                continue;
            }
            std::sort(times[k].begin(), times[k].end());
            const double median = times[k][times[k].size() / 2];
            const double tps = double(batch * seq) / median;
            std::printf("{\"bench\":\"runtime\",\"model\":\"%s\",\"family\":\"%s\",\"preset\":\"%s\","
                        "\"layers\":%lld,\"device\":\"%s\","
                        "\"dtype\":\"%s\",\"residency\":\"%s\",\"attention\":\"%s\",\"moe\":\"%s\","
                        "\"moe_kernel\":\"%s\",\"alternated\":%zu,\"host_cache\":%d,\"batch\":%lld,\"seq\":%lld,"
                        "\"median_s\":%.5f,\"tokens_per_s\":%.1f,\"load_s\":%.2f,\"make_s\":%.2f,"
                        "\"peak_gpu_bytes\":%lld,\"peak_rss_bytes\":%lld}\n",
                        model.c_str(), c.family.c_str(), makePreset.c_str(), (long long)c.numLayers, rt.device().str().c_str(),
                        dtype.c_str(), residency.c_str(), attention.c_str(), kernels[k].c_str(), ran[k].c_str(),
                        kernels.size(), hostCache, (long long)batch, (long long)seq, median, tps, loadS, makeS,
                        (long long)peakGpu, (long long)peakRssBytes());
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_runtime: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
