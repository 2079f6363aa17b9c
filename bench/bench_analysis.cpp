// Routing analysis throughput on synthetic traces (Mixtral shape: 32 layers, 8 experts,
// top-2). Prints token-layers per second for the full analysis on one core, and for
// variants with parts turned off. Target: >= 5M token-layers/s per core. One untimed
// warm-up of the full analysis, then the median of `repeats` runs per variant (thread CPU
// time; wall time beside it). Prints a table and one JSON line per variant
// ({"bench":"analysis", ...}).
//
//   bench_analysis [tokens=1000000] [layers=32] [experts=8] [topk=2] [repeats=3]
#include "core/analysis/analysis.h"
#include "core/util/half.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <ctime>
#include <vector>

using namespace specmoe;

namespace {

// Sequences of 512 tokens from 4 sources; per layer a skewed expert preference, tokens
// keep their previous expert with some probability and follow the previous layer's expert
// with another (so the statistics are not uniform noise).
std::vector<RoutingBlock> synthetic(int64_t tokens, int L, int E, int K)
{
    std::mt19937_64 rng(42);
    const int64_t blockTokens = 1 << 16;
    const int seqLen = 512;
    const char* sources[] = {"code", "math", "web", "books"};
    std::vector<RoutingBlock> blocks;
    std::vector<int> prevFirst(size_t(L), 0);
    int64_t seqId = 0;
    int64_t made = 0;
    while (made < tokens) {
        RoutingBlock b;
        b.dims.layers = L;
        b.dims.experts = E;
        b.dims.topk = K;
        const int64_t n = std::min(blockTokens, tokens - made);
        b.tokenIds.reserve(size_t(n));
        b.topkIds.reserve(size_t(n * L * K));
        b.topkWeights.reserve(size_t(n * L * K));
        int64_t inBlock = 0;
        while (inBlock < n) {
            const int len = int(std::min<int64_t>(seqLen, n - inBlock));
            SequenceRecord s;
            s.seqId = seqId++;
            s.source = sources[s.seqId % 4];
            s.docId = "d" + std::to_string(s.seqId);
            s.tokenOffset = inBlock;
            s.length = len;
            b.sequences.push_back(s);
            for (int t = 0; t < len; ++t) {
                b.tokenIds.push_back(int32_t(rng() % 32000));
                b.seqIds.push_back(s.seqId);
                b.positions.push_back(t);
                int above = int(rng() % unsigned(E));
                for (int l = 0; l < L; ++l) {
                    const uint64_t r = rng();
                    int e;
                    const unsigned roll = unsigned(r % 100);
                    if (t > 0 && roll < 20)
                        e = prevFirst[size_t(l)];
                    else if (roll < 45)
                        e = above;
                    else if (roll < 60)
                        e = l % E;
                    else
                        e = int((r >> 8) % unsigned(E));
                    prevFirst[size_t(l)] = e;
                    above = e;
                    b.topkIds.push_back(uint8_t(e));
                    for (int j = 1; j < K; ++j) {
                        int o = int((r >> (16 + 4 * j)) % unsigned(E - 1));
                        o = (e + 1 + o) % E;
                        // keep the top-k distinct
                        for (int q = 0; q < j; ++q)
                            if (b.topkIds[b.topkIds.size() - size_t(j) + size_t(q)] == o)
                                o = (o + 1) % E;
                        b.topkIds.push_back(uint8_t(o));
                    }
                    const float w0 = 0.5f + float((r >> 40) % 50) / 100.f;
                    b.topkWeights.push_back(floatToHalf(w0));
                    for (int j = 1; j < K; ++j)
                        b.topkWeights.push_back(floatToHalf((1.f - w0) / float(K - 1)));
                }
            }
            inBlock += len;
        }
        made += n;
        blocks.push_back(std::move(b));
    }
    return blocks;
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
