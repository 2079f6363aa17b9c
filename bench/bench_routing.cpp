// Routing-capture throughput of the Mixtral runtime on CPU (tokens/s), small preset by
// default, batch 8 x 256, median of --iters repeats after one warm-up pass. Prints one
// JSON line ({"bench":"routing", ...}); bench/routing_vs_hf.sh compares it with transformers.
//   bench_routing [--model DIR] [--batch 8] [--seq 256] [--iters 5] [--threads N (0 = auto)]
//                 [--dtype float32] [--residency resident] [--device cpu] [--lookahead]
// Without --model it writes the small preset (seed 0) into a temporary folder (or into
// --make-model DIR, kept).
#include "core/model/make_model.h"
#include "core/model/runtime.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace specmoe;

int main(int argc, char** argv)
{
    std::string model, makeDir, dtype = "float32", residency = "resident", device = "cpu";
    int64_t batch = 8, seq = 256, iters = 5;
    int threads = 0; // the runtime's auto rule (RuntimeOptions::threads)
    bool lookahead = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--model") model = next();
        else if (a == "--batch") batch = std::stoll(next());
        else if (a == "--seq") seq = std::stoll(next());
        else if (a == "--iters") iters = std::stoll(next());
        else if (a == "--threads") threads = std::stoi(next());
        else if (a == "--dtype") dtype = next();
        else if (a == "--residency") residency = next();
        else if (a == "--device") device = next();
        else if (a == "--lookahead") lookahead = true;
        else if (a == "--make-model") makeDir = next();
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    std::string tmp;
    if (!makeDir.empty()) {
        MakeModelOptions mo;
        mo.preset = "small";
        mo.outDir = makeDir;
        makeRandomModel(mo);
        model = makeDir;
    } else if (model.empty()) {
        tmp = (fs::temp_directory_path() / ("bench-routing-" + std::to_string(::getpid()))).string();
        MakeModelOptions mo;
        mo.preset = "small";
        mo.outDir = tmp;
        makeRandomModel(mo);
        model = tmp;
    }
    try {
        RuntimeOptions o;
        o.device = parseDevice(device);
        o.dtype = parseDType(dtype);
        o.residency = parseResidency(residency);
        o.threads = threads;
        if (lookahead)
            o.lookahead = defaultLookahead();
        MixtralRuntime rt(model, o);
        auto gen = at::make_generator<at::CPUGeneratorImpl>(0);
        at::Tensor ids = at::randint(3, rt.config().vocabSize, {batch, seq}, gen, at::kLong);
        at::Tensor mask = at::ones({batch, seq}, at::kLong);
        rt.route(ids, mask); // warm-up
        std::vector<double> secs;
        for (int64_t i = 0; i < iters; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto r = rt.route(ids, mask);
            secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(secs.begin(), secs.end());
        const size_t n = secs.size();
        const double med = n % 2 ? secs[n / 2] : 0.5 * (secs[n / 2 - 1] + secs[n / 2]);
        std::printf("{\"bench\": \"routing\", \"impl\": \"specmoe\", \"threads\": %d, \"route_threads\": %d, \"batch\": %lld, "
                    "\"seq\": %lld, \"dtype\": \"%s\", \"residency\": \"%s\", \"warmup\": 1, \"repeats\": %lld, "
                    "\"s_per_batch\": %.4f, \"tokens_per_s\": %.1f}\n",
                    at::get_num_threads(), rt.routeThreads(), (long long)batch, (long long)seq, dtype.c_str(), residency.c_str(),
                    (long long)iters, med, double(batch * seq) / med);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_routing: %s\n", e.what());
        if (!tmp.empty())
            fs::remove_all(tmp);
        return 1;
    }
    if (!tmp.empty())
        fs::remove_all(tmp);
    return 0;
}
