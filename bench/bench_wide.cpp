// Any MoE's traces at real dims (issue 18): the synthetic generator, the analysis and the
// speculation training at Qwen3-30B-A3B dims (128 experts, top-8, 48 layers), expert ids
// only (no router weights, no probes), as imported traces are. Prints numbers, asserts
// nothing; one JSON line per result ({"bench":"wide", ...}).
//   bench_wide gen [tokens=100000]             generator token-layers/s per preset
//   bench_wide analysis [tokens=200000] [repeats=3]
//       full default analysis, one thread: median thread-CPU and wall time after a warm-up
//   bench_wide train [tokens=10000] [repeats=3]
//       training samples/s and peak RSS: one untimed warm-up process, then the median of
//       `repeats` processes (each a fresh address space, so peak RSS is its own)
//   bench_wide worker TOKENS                    one training run (used by train)
#include "core/analysis/analysis.h"
#include "core/speculate/train.h"
#include "core/trace/synthetic_trace.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

SyntheticRouting qwenIdsOnly()
{
    SyntheticRouting s = presetRouting(syntheticPreset("qwen3-30b-a3b"), /*weights=*/false);
    s.minLength = s.maxLength = 512;
    return s;
}

int gen(int64_t tokens)
{
    for (const SyntheticPreset& p : syntheticPresets()) {
        if (p.dims.experts >= int(kNoExpert))
            continue; // needs the 16-bit ids of schema 2
        for (bool weights : {true, false}) {
            SyntheticRouting s = presetRouting(p, weights);
            const double c0 = threadSeconds();
            int64_t made = 0;
            syntheticStream(s, tokens, int64_t(1) << 16, [&](const RoutingBlock& b) {
                made += int64_t(b.numTokens());
                return true;
            });
            const double c = threadSeconds() - c0;
            const double rate = double(made) * p.dims.layers / c;
            std::printf("%-14s %-8s %6.2f M token-layers/s (cpu %.3f s)\n", p.name.c_str(), weights ? "weights" : "ids",
                        rate / 1e6, c);
            std::printf("{\"bench\":\"wide\",\"what\":\"generator\",\"preset\":\"%s\",\"weights\":%s,\"tokens\":%lld,"
                        "\"cpu_s\":%.4f,\"token_layers_per_cpu_s\":%.0f}\n",
                        p.name.c_str(), weights ? "true" : "false", (long long)made, c, rate);
        }
    }
    return 0;
}

int analysis(int64_t tokens, int repeats)
{
    const SyntheticRouting s = qwenIdsOnly();
    const std::vector<RoutingBlock> blocks = syntheticTokenBlocks(s, tokens, int64_t(1) << 16);
    AnalysisOptions o; // the defaults, as `specmoe analyze` runs them (plus journeys)
    o.journeyFirstSequences = 2;
    (void)analyze(blocks, o); // warm-up
    std::vector<double> cpu, wall;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = Clock::now();
        const double c0 = threadSeconds();
        const AnalysisResult r = analyze(blocks, o);
        cpu.push_back(threadSeconds() - c0);
        wall.push_back(since(t0));
    }
    const double c = median(cpu), w = median(wall);
    const double tl = double(tokens) * s.dims.layers;
    std::printf("analysis qwen3-30b-a3b ids only: %lld tokens, cpu %.3f s (wall %.3f s): %.2f M token-layers/s per core "
                "(wall %.2f M)\n",
                (long long)tokens, c, w, tl / c / 1e6, tl / w / 1e6);
    std::printf("{\"bench\":\"wide\",\"what\":\"analysis\",\"preset\":\"qwen3-30b-a3b\",\"weights\":false,\"tokens\":%lld,"
                "\"repeats\":%d,\"cpu_s\":%.4f,\"wall_s\":%.4f,\"token_layers_per_cpu_s\":%.0f,"
                "\"token_layers_per_wall_s\":%.0f}\n",
                (long long)tokens, repeats, c, w, tl / c, tl / w);
    return 0;
}

long peakRssKiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int worker(int64_t tokens)
{
    SyntheticRouting s = qwenIdsOnly();
    s.minLength = s.maxLength = 128; // enough sequences for the validation split of a short run
    TrainParams p;
    p.source.dims = s.dims;
    p.source.description = "synthetic qwen3-30b-a3b ids only";
    p.source.forEachBlock = [s, tokens](const BlockVisitor& visit, int64_t) {
        syntheticStream(s, tokens, 8192, visit); // generated while streaming: only the trainer holds memory
    };
    p.runDir = (std::filesystem::temp_directory_path() / ("bench_wide_" + std::to_string(getpid()))).string();
    p.epochs = 1;
    p.threads = 1;
    p.maxValidationTokens = 2048;
    const auto t0 = Clock::now();
    const TrainResult r = train(p);
    const double wall = since(t0);
    std::filesystem::remove_all(p.runDir);
    std::printf("{\"bench\":\"wide\",\"what\":\"train\",\"preset\":\"qwen3-30b-a3b\",\"weights\":false,"
                "\"train_tokens\":%lld,\"samples_per_s\":%.1f,\"tokens_per_s\":%.1f,\"wall_s\":%.3f,"
                "\"peak_rss_mib\":%.1f}\n",
                (long long)r.trainTokens, r.samplesPerSecond, r.tokensPerSecond, wall, double(peakRssKiB()) / 1024.0);
    return 0;
}

int trainBench(const char* self, int64_t tokens, int repeats)
{
    std::vector<double> rate, rss;
    for (int i = 0; i <= repeats; ++i) { // run 0 is the warm-up
        const std::string cmd = std::string(self) + " worker " + std::to_string(tokens);
        FILE* f = popen(cmd.c_str(), "r");
        if (!f)
            return 1;
        char line[4096];
        std::string last;
        while (std::fgets(line, sizeof line, f))
            last = line;
        if (pclose(f) != 0 || last.empty())
            return 1;
        const nlohmann::json j = nlohmann::json::parse(last);
        std::printf("%s run %d: %.0f samples/s, peak RSS %.1f MiB\n", i == 0 ? "warm-up" : "timed", i,
                    j.at("samples_per_s").get<double>(), j.at("peak_rss_mib").get<double>());
        if (i > 0) {
            rate.push_back(j.at("samples_per_s").get<double>());
            rss.push_back(j.at("peak_rss_mib").get<double>());
        }
    }
    std::printf("training qwen3-30b-a3b ids only, %lld tokens, 1 thread, all three models: median %.0f samples/s, "
                "peak RSS %.1f MiB\n",
                (long long)tokens, median(rate), median(rss));
    std::printf("{\"bench\":\"wide\",\"what\":\"train_median\",\"tokens\":%lld,\"repeats\":%d,\"samples_per_s\":%.1f,"
                "\"peak_rss_mib\":%.1f}\n",
                (long long)tokens, repeats, median(rate), median(rss));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    const auto arg = [&](int i, int64_t def) { return argc > i ? std::atoll(argv[i]) : def; };
    if (mode == "gen")
        return gen(arg(2, 100000));
    if (mode == "analysis")
        return analysis(arg(2, 200000), int(std::max<int64_t>(1, arg(3, 3))));
    if (mode == "train")
        return trainBench(argv[0], arg(2, 10000), int(std::max<int64_t>(1, arg(3, 3))));
    if (mode == "worker")
        return worker(arg(2, 10000));
    std::fprintf(stderr, "usage: bench_wide gen|analysis|train [tokens] [repeats]\n");
    return 2;
}
