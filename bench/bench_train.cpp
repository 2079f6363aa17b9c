// Speculation training throughput and memory (prints numbers, asserts nothing).
//   bench_train                 samples/s per model on CPU, then peak RSS at 1x and 10x data
//   bench_train worker S MODELS one training run over S x the base data (used by the above)
// Data: synthetic Mixtral-shaped routing (32 layers, 8 experts, top-2, probes at 1 and 2),
// generated block by block while streaming, so only the trainer holds memory.
#include "core/speculate/train.h"
#include "core/util/half.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

constexpr int kL = 32, kE = 8, kK = 2, kSeqPerBlock = 16, kSeqLen = 128;

RoutingBlock makeBlock(int64_t firstSeq)
{
    std::mt19937_64 rng(uint64_t(firstSeq) * 31 + 1);
    RoutingBlock b;
    b.dims.layers = kL;
    b.dims.experts = kE;
    b.dims.topk = kK;
    b.dims.lookahead = {1, 2};
    const int D = 2;
    for (int q = 0; q < kSeqPerBlock; ++q) {
        SequenceRecord r;
        r.seqId = firstSeq + q;
        r.tokenOffset = int64_t(b.tokenIds.size());
        r.length = kSeqLen;
        b.sequences.push_back(r);
        for (int t = 0; t < kSeqLen; ++t) {
            b.tokenIds.push_back(int32_t(rng() % 32000));
            b.seqIds.push_back(r.seqId);
            b.positions.push_back(t);
            int a = int(rng() % kE);
            for (int l = 0; l < kL; ++l) {
                // mostly a drifting chain, sometimes a jump: learnable but not trivial
                a = (rng() % 4 == 0) ? int(rng() % kE) : (a * 3 + l) % kE;
                int c = (a + 1 + int(rng() % (kE - 1))) % kE;
                b.topkIds.push_back(uint8_t(a));
                b.topkIds.push_back(uint8_t(c));
                b.topkWeights.push_back(floatToHalf(0.65f));
                b.topkWeights.push_back(floatToHalf(0.35f));
            }
        }
    }
    const size_t n = b.tokenIds.size();
    for (size_t t = 0; t < n; ++t)
        for (int l = 0; l < kL; ++l)
            for (int d = 0; d < D; ++d)
                for (int j = 0; j < kK; ++j) {
                    const int tl = l + d + 1;
                    b.lookaheadIds.push_back(tl < kL ? b.topkIds[(t * kL + size_t(tl)) * kK + size_t(j)] : kNoExpert);
                }
    return b;
}

BlockSource streamSource(int blocks)
{
    BlockSource s;
    s.dims.layers = kL;
    s.dims.experts = kE;
    s.dims.topk = kK;
    s.dims.lookahead = {1, 2};
    s.description = "synthetic stream";
    s.forEachBlock = [blocks](const BlockFn& fn, int64_t) {
        for (int i = 0; i < blocks; ++i)
            fn(makeBlock(int64_t(i) * kSeqPerBlock));
    };
    return s;
}

long peakRssKiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int worker(int scale, const std::string& models)
{
    const int baseBlocks = 2; // 2 x 16 x 128 = 4096 tokens
    TrainParams p;
    p.source = streamSource(baseBlocks * scale);
    p.runDir = (std::filesystem::temp_directory_path() / ("bench_train_" + std::to_string(getpid()))).string();
    p.epochs = 1;
    p.batchSize = 64;
    p.shuffleBuffer = 4096;
    p.maxValidationTokens = 2048;
    p.trainInterLayer = models.find("interlayer") != std::string::npos;
    p.trainStatistics = models.find("statistics") != std::string::npos;
    p.trainEnsemble = models.find("ensemble") != std::string::npos;
    const auto t0 = std::chrono::steady_clock::now();
    const TrainResult r = train(p);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::filesystem::remove_all(p.runDir);
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double cpu = double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    const double samples = double(r.trainTokens) * double((kL - 1) + (kL - 2)); // horizons 1 and 2
    std::printf("RESULT scale=%d models=%s train_tokens=%lld samples_per_s=%.0f tokens_per_s=%.0f "
                "samples_per_cpu_s=%.0f seconds=%.1f cpu_seconds=%.1f peak_rss_mib=%.1f recall2_h1_ensemble=%.3f\n",
                scale, models.c_str(), (long long)r.trainTokens, r.samplesPerSecond, r.tokensPerSecond,
                samples / std::max(1e-9, cpu), sec, cpu,
                double(peakRssKiB()) / 1024.0,
                p.trainEnsemble ? r.validation.overall(kEnsemble, 1).recallAt(2) : 0.0);
    return 0;
}

std::string run(const std::string& self, const std::string& args)
{
    std::string out;
    FILE* f = popen((self + " worker " + args + " 2>&1").c_str(), "r");
    if (!f)
        return out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, f))
        if (std::string(buf).rfind("RESULT", 0) == 0)
            out += buf;
    pclose(f);
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 4 && std::string(argv[1]) == "worker")
        return worker(std::atoi(argv[2]), argv[3]);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::printf("speculation training on CPU, synthetic Mixtral-shaped routing (L=32, E=8, k=2), 1 epoch,\n"
                "batch 64 tokens, default model sizes; a sample = (token, layer, horizon)\n");
    for (const char* m : {"interlayer", "statistics", "ensemble", "interlayer,statistics,ensemble"}) {
        std::fputs(run(self, std::string("1 ") + m).c_str(), stdout); // ensemble alone = its gate only
        std::fflush(stdout);
    }
    // streaming: the data path is the same for every model, so the cheapest shows it best
    std::printf("10x data (compare peak_rss_mib with the first line):\n");
    std::fflush(stdout);
    std::fputs(run(self, "10 interlayer").c_str(), stdout);
    return 0;
}
