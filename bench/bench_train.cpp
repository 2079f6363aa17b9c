// Speculation training throughput and memory (prints numbers, asserts nothing).
//   bench_train [--repeats 3] [--big 10] [--device cpu|cuda|cuda:N]
//       samples/s per model on the device (one untimed warm-up process, then the median of
//       --repeats processes per model), then peak RSS at 1x and --big x data
//   bench_train worker S MODELS [DEVICE] one training run over S x the base data (used by
//       the above); prints one JSON line
// Output: a few human lines and one JSON line per result ({"bench":"train", ...}).
// Data: synthetic Mixtral-shaped routing (32 layers, 8 experts, top-2, probes at 1 and 2),
// generated block by block while streaming, so only the trainer holds memory.
#include "core/speculate/train.h"
#include "tests/support/synthetic_routing.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

constexpr int kL = 32, kE = 8, kK = 2, kSeqPerBlock = 16, kSeqLen = 128;

// Mostly a chain across layers with some jumps (learnable but not trivial); probes name the
// true experts of layers l+1 and l+2.
RoutingBlock makeBlock(int64_t firstSeq)
{
    test::SyntheticRouting spec;
    spec.dims = test::mixtralDims({1, 2});
    spec.sequences = kSeqPerBlock;
    spec.minLength = spec.maxLength = kSeqLen;
    spec.chain = 0.75;
    spec.probeAccuracy = 1.0;
    spec.seed = 31;
    return test::syntheticBlock(spec, firstSeq);
}

BlockSource streamSource(int blocks)
{
    BlockSource s;
    s.dims.layers = kL;
    s.dims.experts = kE;
    s.dims.topk = kK;
    s.dims.lookahead = {1, 2};
    s.description = "synthetic stream";
    s.forEachBlock = [blocks](const BlockVisitor& visit, int64_t) {
        for (int i = 0; i < blocks; ++i)
            if (!visit(makeBlock(int64_t(i) * kSeqPerBlock)))
                return;
    };
    return s;
}

long peakRssKiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int worker(int scale, const std::string& models, const std::string& device)
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
    p.device = specmoe::parseDevice(device);
    const auto t0 = std::chrono::steady_clock::now();
    const TrainResult r = train(p);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::filesystem::remove_all(p.runDir);
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double cpu = double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    const double samples = double(r.trainTokens) * double((kL - 1) + (kL - 2)); // horizons 1 and 2
    nlohmann::json j;
    j["scale"] = scale;
    j["models"] = models;
    j["device"] = device;
    j["train_tokens"] = r.trainTokens;
    j["samples_per_s"] = r.samplesPerSecond;
    j["tokens_per_s"] = r.tokensPerSecond;
    j["samples_per_cpu_s"] = samples / std::max(1e-9, cpu);
    j["seconds"] = sec;
    j["cpu_seconds"] = cpu;
    j["peak_rss_bytes"] = int64_t(peakRssKiB()) * 1024;
    if (p.trainEnsemble)
        j["recall2_h1_ensemble"] = r.validation.overall(kEnsemble, 1).recallAt(2);
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

// One worker process; its JSON line (null when it failed).
nlohmann::json run(const std::string& self, const std::string& args)
{
    std::string out;
    FILE* f = popen((self + " worker " + args + " 2>&1").c_str(), "r");
    if (!f)
        return nullptr;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, f))
        if (buf[0] == '{' && std::strstr(buf, "\"samples_per_cpu_s\""))
            out = buf;
    pclose(f);
    return out.empty() ? nlohmann::json() : nlohmann::json::parse(out, nullptr, false);
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Median over worker runs of each numeric field; the runs' samples/s kept as a list.
nlohmann::json summarize(const std::vector<nlohmann::json>& runs, int scale, const std::string& models,
                         const std::string& device)
{
    nlohmann::json j;
    j["bench"] = "train";
    j["device"] = device;
    j["models"] = models;
    j["scale"] = scale;
    j["warmup"] = 1;
    j["repeats"] = runs.size();
    for (const char* k : {"train_tokens", "samples_per_s", "tokens_per_s", "samples_per_cpu_s", "seconds",
                          "cpu_seconds", "peak_rss_bytes", "recall2_h1_ensemble"}) {
        std::vector<double> v;
        for (const auto& r : runs)
            if (r.contains(k))
                v.push_back(r[k].get<double>());
        if (!v.empty())
            j[k] = median(v);
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : runs)
        list.push_back(r.value("samples_per_s", 0.0));
    j["runs_samples_per_s"] = list;
    return j;
}

nlohmann::json measure(const std::string& self, int scale, const std::string& models, int repeats,
                       const std::string& device)
{
    std::vector<nlohmann::json> runs;
    for (int i = 0; i < repeats; ++i) {
        nlohmann::json r = run(self, std::to_string(scale) + " " + models + " " + device);
        if (r.is_object())
            runs.push_back(std::move(r));
    }
    nlohmann::json j = summarize(runs, scale, models, device);
    std::printf("  %-32s %dx data: %8.0f samples/s, %8.0f samples/CPU-s, peak RSS %.1f MiB (median of %zu)\n",
                models.c_str(), scale, j.value("samples_per_s", 0.0), j.value("samples_per_cpu_s", 0.0),
                j.value("peak_rss_bytes", 0.0) / 1048576.0, runs.size());
    return j;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 4 && std::string(argv[1]) == "worker")
        try {
            return worker(std::atoi(argv[2]), argv[3], argc >= 5 ? argv[4] : "cpu");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_train worker: %s\n", e.what());
            return 1;
        }
    int repeats = 3, big = 10;
    std::string device = "cpu";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--repeats")
            repeats = std::max(1, std::atoi(argv[i + 1]));
        else if (k == "--big")
            big = std::max(2, std::atoi(argv[i + 1]));
        else if (k == "--device")
            device = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: bench_train [--repeats N] [--big S] [--device cpu|cuda|cuda:N]\n");
            return 2;
        }
    }
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::printf("speculation training on %s, synthetic Mixtral-shaped routing (L=32, E=8, k=2), 1 epoch,\n"
                "batch 64 tokens, default model sizes; a sample = (token, layer, horizon)\n",
                device.c_str());
    std::fflush(stdout);
    run(self, "1 ensemble " + device); // warm-up process (page cache, libraries, CUDA context)
    nlohmann::json base;
    for (const char* m : {"interlayer", "statistics", "ensemble", "interlayer,statistics,ensemble"}) {
        nlohmann::json j = measure(self, 1, m, repeats, device); // ensemble alone = its gate only
        if (base.is_null())
            base = j;
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
    }
    // streaming: the data path is the same for every model, so the cheapest shows it best
    nlohmann::json j = measure(self, big, "interlayer", 1, device);
    const double rss1 = base.value("peak_rss_bytes", 0.0);
    if (rss1 > 0)
        j["peak_rss_ratio_vs_1x"] = j.value("peak_rss_bytes", 0.0) / rss1;
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
