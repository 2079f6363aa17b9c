// Reading one trace again and again (training epochs, analysis passes): a Mixtral-dims trace
// (32 layers, 8 experts, top-2, router weights) is written once, opened once, and streamed
// `reads` times with TraceSet::forEachBlock; prints the process CPU time of every stream (the
// first also checks the shards' CRC-32) and one JSON line ({"bench":"trace_reread", ...}).
// Asserts nothing.
//   bench_trace_reread [tokens=2000000] [reads=5] [dir=/tmp]
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "tests/support/synthetic_routing.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace specmoe;

namespace {

double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t tokens = argc > 1 ? std::atoll(argv[1]) : 2000000;
    const int reads = argc > 2 ? std::max(2, std::atoi(argv[2])) : 5;
    const std::string dir = (fs::path(argc > 3 ? argv[3] : fs::temp_directory_path().string()) /
                             ("specmoe-bench-reread-" + std::to_string(::getpid())))
                                .string();
    TraceDims d;
    d.layers = 32;
    d.experts = 8;
    d.topk = 2;
    {
        test::SyntheticRouting spec;
        spec.dims = d;
        spec.minLength = spec.maxLength = 512;
        spec.seed = 3;
        TraceWriterOptions o;
        o.shardSizeMB = 256;
        TraceWriter w(dir, d, {"bench", "bfloat16", "bench", "bench"}, o);
        test::syntheticStream(spec, tokens, 65536, [&](const RoutingBlock& b) {
            w.append(b);
            return true;
        });
        w.finish();
    }
    std::vector<double> cpu;
    {
        const TraceSet set = TraceSet::open(dir);
        for (int r = 0; r < reads; ++r) {
            int64_t n = 0;
            const double c0 = cpuNow();
            set.forEachBlock([&](const RoutingBlock& b) {
                n += int64_t(b.numTokens());
                return true;
            });
            cpu.push_back(cpuNow() - c0);
            std::printf("read %d: %lld tokens, cpu %.3f s (%.1f ns/token)\n", r + 1, (long long)n, cpu.back(),
                        1e9 * cpu.back() / double(n));
        }
    }
    fs::remove_all(dir);
    std::vector<double> later(cpu.begin() + 1, cpu.end());
    std::sort(later.begin(), later.end());
    const double med = later[later.size() / 2];
    std::printf("{\"bench\":\"trace_reread\",\"tokens\":%lld,\"reads\":%d,\"first_cpu_s\":%.4f,"
                "\"later_median_cpu_s\":%.4f,\"later_over_first\":%.3f}\n",
                (long long)tokens, reads, cpu.front(), med, med / cpu.front());
    return 0;
}
