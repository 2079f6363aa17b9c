// Trace shard I/O throughput at Mixtral-8x7B dimensions (32 layers, 8 experts, top-2):
// write (TraceWriter: append + shard close + fsync + CRC + manifest) and streamed read
// (TraceSet::forEachBlock), in MB/s of uncompressed payload, for deflate levels and chunk
// sizes. One untimed warm-up write + read, then medians of --repeats runs per setting.
// Prints a table and one JSON line per setting ({"bench":"trace_io", ...}); asserts nothing.
//   bench_trace_io [--tokens N] [--dir DIR] [--logits] [--levels 0,1,3] [--chunks 2048,8192,32768]
//                  [--repeats 3] [--reads 1]
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "tests/support/synthetic_routing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <ctime>
#include <vector>

namespace fs = std::filesystem;
using namespace specmoe;

namespace {

// Routing with some structure (the shared generator): skewed per-layer load, a token often
// keeps the previous token's experts; sources wiki and code.
RoutingBlock synth(const TraceDims& d, int64_t tokens, int32_t seqLen)
{
    test::SyntheticRouting spec;
    spec.dims = d;
    spec.minLength = spec.maxLength = seqLen;
    spec.sources = {"wiki", "code"};
    spec.stick = 0.5;
    spec.seed = 3;
    return test::syntheticTokens(spec, tokens);
}

std::vector<int> parseList(const char* s)
{
    std::vector<int> v;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        v.push_back(std::atoi(item.c_str()));
    return v;
}

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of this process (all threads): meaningful on a shared, oversubscribed machine.
double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

} // namespace

int main(int argc, char** argv)
{
    int64_t tokens = 500000;
    std::string base = fs::temp_directory_path().string();
    bool logits = false;
    std::vector<int> levels{0, 1, 3};
    std::vector<int> chunks{2048, 8192, 32768};
    int repeats = 3;
    int reads = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--tokens" && i + 1 < argc)
            tokens = std::atoll(argv[++i]);
        else if (a == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (a == "--logits")
            logits = true;
        else if (a == "--levels" && i + 1 < argc)
            levels = parseList(argv[++i]);
        else if (a == "--chunks" && i + 1 < argc)
            chunks = parseList(argv[++i]);
        else if (a == "--reads" && i + 1 < argc)
            reads = std::max(1, std::atoi(argv[++i]));
        else if (a == "--repeats" && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: bench_trace_io [--tokens N] [--dir DIR] [--logits] [--levels 0,1] "
                                 "[--chunks 8192] [--repeats N] [--reads K]\n");
            return 2;
        }
    }
    TraceDims d;
    d.layers = 32;
    d.experts = 8;
    d.topk = 2;
    d.hasLogits = logits;
    const double perToken = double(payloadBytesPerToken(d));
    std::printf("trace I/O at Mixtral dims (32 layers, top-2%s): %lld tokens, %zu B/token payload, %.1f MB\n",
                logits ? ", float16 logits" : "", (long long)tokens, payloadBytesPerToken(d),
                perToken * double(tokens) / 1e6);
    const RoutingBlock data = synth(d, tokens, 512);
    const std::string dir = (fs::path(base) / "specmoe-bench-trace").string();
    std::printf("wall = elapsed time, cpu = process CPU time (differ when the machine is shared)\n");
    std::printf("medians of %d runs after one warm-up; MB/s of uncompressed payload\n", repeats);
    std::printf("%-6s %-7s %11s %11s %11s %11s %9s %7s\n", "level", "chunk", "write wall", "write cpu",
                "read wall", "read cpu", "B/token", "ratio");
    struct Run {
        double writeS, writeCpuS, readS, readCpuS, bytesPerToken;
    };
    // The 64k-token blocks a collector would hand over, cut once before any timing (the
    // copies are the bench's, not the writer's).
    std::vector<RoutingBlock> parts;
    {
        const size_t step = 65536;
        size_t s = 0;
        while (s < data.sequences.size()) {
            RoutingBlock part;
            part.dims = d;
            const int64_t a = data.sequences[s].tokenOffset;
            size_t e = s;
            while (e < data.sequences.size() &&
                   data.sequences[e].tokenOffset + data.sequences[e].length - a <= int64_t(step))
                ++e;
            const int64_t z = data.sequences[e - 1].tokenOffset + data.sequences[e - 1].length;
            for (size_t k = s; k < e; ++k) {
                SequenceRecord r = data.sequences[k];
                r.tokenOffset -= a;
                part.sequences.push_back(r);
            }
            const long lk = long(d.layers) * d.topk, le = long(d.layers) * d.experts;
            part.tokenIds.assign(data.tokenIds.begin() + a, data.tokenIds.begin() + z);
            part.seqIds.assign(data.seqIds.begin() + a, data.seqIds.begin() + z);
            part.positions.assign(data.positions.begin() + a, data.positions.begin() + z);
            part.topkIds.assign(data.topkIds.begin() + a * lk, data.topkIds.begin() + z * lk);
            part.topkWeights.assign(data.topkWeights.begin() + a * lk, data.topkWeights.begin() + z * lk);
            if (logits)
                part.logits.assign(data.logits.begin() + a * le, data.logits.begin() + z * le);
            parts.push_back(std::move(part));
            s = e;
        }
    }
    // One write (TraceWriter fed the blocks) and one full read.
    auto once = [&](int level, int chunk) {
        fs::remove_all(dir);
        TraceWriterOptions o;
        o.shardSizeMB = 256;
        o.deflateLevel = level;
        o.chunkTokens = chunk;
        const double t0 = now(), c0 = cpuNow();
        {
            TraceWriter w(dir, d, {"bench", "bfloat16", "bench", "bench"}, o);
            for (const RoutingBlock& part : parts)
                w.append(part);
            w.finish();
        }
        const double t1 = now(), c1 = cpuNow();
        // Each read opens the trace afresh (a TraceSet checks a shard's CRC once); with
        // --reads K the read figures are the fastest of K reads of this write.
        int64_t n = 0, bytes = 0;
        double readS = 1e300, readCpuS = 1e300;
        for (int k = 0; k < reads; ++k) {
            const double t2 = now(), c2 = cpuNow();
            n = 0;
            TraceSet set = TraceSet::open(dir);
            set.forEachBlock([&](const RoutingBlock& b) { n += int64_t(b.numTokens()); return true; });
            readS = std::min(readS, now() - t2);
            readCpuS = std::min(readCpuS, cpuNow() - c2);
            bytes = 0;
            for (const auto& sh : set.shards())
                bytes += sh.bytes;
        }
        return Run{t1 - t0, c1 - c0, readS, readCpuS, double(bytes) / double(n)};
    };
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const size_t n = v.size();
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    };
    const double mb = perToken * double(tokens) / 1e6;
    if (!levels.empty() && !chunks.empty())
        once(levels.front(), chunks.front()); // warm-up: page cache, allocator, HDF5 library
    for (int level : levels)
        for (int chunk : chunks) {
            std::vector<double> w, wc, r, rc;
            double bytesPerTok = 0;
            for (int rep = 0; rep < repeats; ++rep) {
                const Run x = once(level, chunk);
                w.push_back(mb / x.writeS);
                wc.push_back(mb / x.writeCpuS);
                r.push_back(mb / x.readS);
                rc.push_back(mb / x.readCpuS);
                bytesPerTok = x.bytesPerToken;
            }
            const double mw = median(w), mwc = median(wc), mr = median(r), mrc = median(rc);
            std::printf("%-6d %-7d %11.0f %11.0f %11.0f %11.0f %9.1f %7.2f\n", level, chunk, mw, mwc, mr, mrc,
                        bytesPerTok, perToken / bytesPerTok);
            std::printf("{\"bench\":\"trace_io\",\"layers\":%d,\"experts\":%d,\"topk\":%d,\"logits\":%s,"
                        "\"tokens\":%lld,\"level\":%d,\"chunk\":%d,\"default\":%s,\"warmup\":1,\"repeats\":%d,"
                        "\"payload_bytes_per_token\":%zu,\"disk_bytes_per_token\":%.2f,"
                        "\"write_mb_s\":%.1f,\"write_cpu_mb_s\":%.1f,\"read_mb_s\":%.1f,\"read_cpu_mb_s\":%.1f}\n",
                        d.layers, d.experts, d.topk, logits ? "true" : "false", (long long)tokens, level, chunk,
                        level == kDefaultDeflateLevel && chunk == kDefaultChunkTokens ? "true" : "false", repeats,
                        payloadBytesPerToken(d), bytesPerTok, mw, mwc, mr, mrc);
            std::fflush(stdout);
        }
    fs::remove_all(dir);
    return 0;
}
