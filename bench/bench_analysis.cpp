// Routing analysis throughput on synthetic traces (Mixtral shape: 32 layers, 8 experts,
// top-2). Prints token-layers per second for the full analysis on one core, and for
// variants with parts turned off. Target: >= 5M token-layers/s per core. One untimed
// warm-up of the full analysis, then the median of `repeats` runs per variant (thread CPU
// time; wall time beside it). Prints a table and one JSON line per variant
// ({"bench":"analysis", ...}).
//
//   bench_analysis [tokens=1000000] [layers=32] [experts=8] [topk=2] [repeats=3]
#include "core/analysis/analysis.h"
#include "tests/support/synthetic_routing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <ctime>
#include <vector>

using namespace specmoe;

namespace {

// Sequences of 512 tokens from 4 sources in blocks of 64k tokens (the shared generator):
// skewed per-layer load, tokens often repeat the previous token's experts or follow the
// layer above (so the statistics are not uniform noise).
std::vector<RoutingBlock> synthetic(int64_t tokens, int L, int E, int K)
{
    test::SyntheticRouting spec;
    spec.dims.layers = L;
    spec.dims.experts = E;
    spec.dims.topk = K;
    spec.minLength = spec.maxLength = 512;
    spec.sources = {"code", "math", "web", "books"};
    spec.stick = 0.2;
    spec.chain = 0.25;
    spec.seed = 42;
    return test::syntheticTokenBlocks(spec, tokens, int64_t(1) << 16);
}

// CPU time of this thread: the build machine is shared, wall time would count waiting.
double threadSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double run(const char* key, const char* name, const std::vector<RoutingBlock>& blocks, const AnalysisOptions& o,
           int64_t tokens, int L, int E, int K, int repeats)
{
    std::vector<double> cpu, wall;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = threadSeconds();
        AnalysisResult r = analyze(blocks, o);
        cpu.push_back(threadSeconds() - c0);
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double c = median(cpu), w = median(wall);
    const double rate = double(tokens) * L / c;
    std::printf("%-36s cpu %7.3f s (wall %7.3f s)  %7.2f M token-layers/s  %6.3f M tokens/s\n",
                name, c, w, rate / 1e6, double(tokens) / c / 1e6);
    std::printf("{\"bench\":\"analysis\",\"variant\":\"%s\",\"tokens\":%lld,\"layers\":%d,\"experts\":%d,"
                "\"topk\":%d,\"threads\":1,\"warmup\":1,\"repeats\":%d,\"cpu_s\":%.4f,\"wall_s\":%.4f,"
                "\"token_layers_per_cpu_s\":%.0f,\"token_layers_per_wall_s\":%.0f}\n",
                key, (long long)tokens, L, E, K, repeats, c, w, rate, double(tokens) * L / w);
    std::fflush(stdout);
    return rate;
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t tokens = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const int L = argc > 2 ? std::atoi(argv[2]) : 32;
    const int E = argc > 3 ? std::atoi(argv[3]) : 8;
    const int K = argc > 4 ? std::atoi(argv[4]) : 2;
    const int repeats = std::max(1, argc > 5 ? std::atoi(argv[5]) : 3);

    std::printf("bench_analysis: %lld tokens x %d layers, %d experts, top-%d, single thread, "
                "median of %d after a warm-up\n",
                (long long)tokens, L, E, K, repeats);
    const auto g0 = std::chrono::steady_clock::now();
    const std::vector<RoutingBlock> blocks = synthetic(tokens, L, E, K);
    std::printf("synthetic data: %.2f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count());

    AnalysisOptions full;
    full.journeyFirstSequences = 4;
    full.queryTokens = {"w7", "w123"};
    full.tokenText = [](int32_t id) { return "w" + std::to_string(id); };
    (void)analyze(blocks, full); // warm-up
    const double rate = run("full", "full analysis (defaults + extras)", blocks, full, tokens, L, E, K, repeats);

    AnalysisOptions o = full;
    o.layerPairMI = false;
    run("no_layer_pair_mi", "  without layer-pair MI matrix", blocks, o, tokens, L, E, K, repeats);
    o = full;
    o.predictContexts.clear();
    run("no_predictability", "  without predictability", blocks, o, tokens, L, E, K, repeats);
    o = full;
    o.samplesPerCell = 0;
    run("no_token_samples", "  without token samples", blocks, o, tokens, L, E, K, repeats);
    o = AnalysisOptions{};
    o.layerPairMI = false;
    o.predictContexts.clear();
    o.samplesPerCell = 0;
    o.transitionDistances.clear();
    run("load_coactivation_repetition", "  load + co-activation + repetition", blocks, o, tokens, L, E, K,
        repeats);

    std::printf("RESULT full analysis: %.2f M token-layers/s per core (target >= 5)\n",
                rate / 1e6);
    return 0;
}
