// Speculation training throughput, memory and accuracy (prints numbers, asserts nothing).
//   bench_train [--repeats 3] [--big 10] [--device cpu|cuda|cuda:N] [KEY=VALUE ...]
//       samples/s per model on the device (one untimed warm-up process, then the median of
//       --repeats processes per model), then peak RSS at 1x and --big x data; KEY=VALUE
//       options go to every worker
//   bench_train worker S MODELS [DEVICE] [KEY=VALUE ...]   one training run over S x the base
//       data (used by the above); prints one JSON line with speed and validation metrics
// Worker options (default: the trainer's own default, or as noted):
//   batch=N accumulate=N lr=X (without it, defaultLearningRate of batch x accumulate, as the CLI)
//   epochs=N (1) threads=N (0: as is) tokens=N (4096: base data)
//   val=N (2048 validation tokens) probe=X (1.0: probe accuracy) features=F (0; > 0 plants
//   F features per layer for the hidden-state model) mlp=N shuffle=N (4096) seed=N
//   batch_thread=N (-1: the trainer's choice; 1 batches on a thread of their own, 0 between steps)
//   mixed=N (0: float32; 1: the forward passes under bfloat16 autocast)
// Output: a few human lines and one JSON line per result ({"bench":"train", ...}).
// Data: synthetic Mixtral-shaped routing (32 layers, 8 experts, top-2, probes at 1 and 2),
// generated block by block while streaming, so only the trainer holds memory.
#include "core/speculate/train.h"
#include "core/util/half.h"
#include "tests/support/synthetic_routing.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace specmoe;
using namespace specmoe::speculate;

namespace {

constexpr int kL = 32, kE = 8, kK = 2, kSeqPerBlock = 16, kSeqLen = 128;
constexpr int kBlockTokens = kSeqPerBlock * kSeqLen;

// Worker options, KEY=VALUE (see the header).
struct Options {
    std::map<std::string, std::string> kv;
    bool has(const char* k) const { return kv.count(k) > 0; }
    double num(const char* k, double d) const { return has(k) ? std::atof(kv.at(k).c_str()) : d; }
    int integer(const char* k, int d) const { return has(k) ? std::atoi(kv.at(k).c_str()) : d; }
};

bool parseOption(const std::string& arg, Options& o)
{
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
        return false;
    o.kv[arg.substr(0, eq)] = arg.substr(eq + 1);
    return true;
}

// Features of layer l for the hidden-state model: noisy one-hots of the experts of layers
// l+1 and l+2 (what the next gates' logits carry) in the first 2E dims, noise in the rest.
void plantFeatures(RoutingBlock& b, int F, uint64_t seed)
{
    b.dims.featureDim = F;
    b.features.assign(b.numTokens() * size_t(kL) * size_t(F), 0);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 0.5f);
    std::vector<float> v(static_cast<size_t>(F));
    for (size_t t = 0; t < b.numTokens(); ++t)
        for (int l = 0; l < kL; ++l) {
            for (float& x : v)
                x = gauss(rng);
            for (int d = 1; d <= 2; ++d)
                if (l + d < kL && d * kE <= F)
                    for (int j = 0; j < kK; ++j)
                        v[size_t((d - 1) * kE + b.expert(t, l + d, j))] += 1.0f;
            uint16_t* out = b.features.data() + (t * size_t(kL) + size_t(l)) * size_t(F);
            for (int f = 0; f < F; ++f)
                out[f] = floatToHalf(v[size_t(f)]);
        }
}

// Mostly a chain across layers with some jumps (learnable but not trivial); probes name the
// true experts of layers l+1 and l+2 with the given accuracy.
RoutingBlock makeBlock(int64_t firstSeq, double probeAccuracy, int features)
{
    test::SyntheticRouting spec;
    spec.dims = test::mixtralDims({1, 2});
    spec.sequences = kSeqPerBlock;
    spec.minLength = spec.maxLength = kSeqLen;
    spec.chain = 0.75;
    spec.probeAccuracy = probeAccuracy;
    spec.seed = 31;
    RoutingBlock b = test::syntheticBlock(spec, firstSeq);
    if (features > 0)
        plantFeatures(b, features, 1000 + uint64_t(firstSeq));
    return b;
}

BlockSource streamSource(int blocks, double probeAccuracy, int features)
{
    BlockSource s;
    s.dims.layers = kL;
    s.dims.experts = kE;
    s.dims.topk = kK;
    s.dims.lookahead = {1, 2};
    s.dims.featureDim = features;
    s.description = "synthetic stream";
    s.forEachBlock = [blocks, probeAccuracy, features](const BlockVisitor& visit, int64_t) {
        for (int i = 0; i < blocks; ++i)
            if (!visit(makeBlock(int64_t(i) * kSeqPerBlock, probeAccuracy, features)))
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

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The trainer's defaults unless an option says otherwise (the bench measures what users get).
TrainParams workerParams(int scale, const std::string& models, const std::string& device, const Options& o)
{
    const int baseBlocks = std::max(1, o.integer("tokens", 2 * kBlockTokens) / kBlockTokens);
    const int features = o.integer("features", 0);
    TrainParams p;
    p.source = streamSource(baseBlocks * scale, o.num("probe", 1.0), features);
    p.runDir = (std::filesystem::temp_directory_path() / ("bench_train_" + std::to_string(getpid()))).string();
    p.epochs = o.integer("epochs", 1);
    p.batchSize = o.integer("batch", p.batchSize);
    p.accumulate = o.integer("accumulate", p.accumulate);
    // As `specmoe train` does: without lr=, a batch or accumulation sets it by the rule.
    if (!o.has("lr") && (o.has("batch") || o.has("accumulate")))
        p.learningRate = defaultLearningRate(int64_t(p.batchSize) * p.accumulate);
    p.learningRate = o.num("lr", p.learningRate);
    p.threads = o.integer("threads", 0);
    p.batchThread = o.integer("batch_thread", -1);
    p.mixedPrecision = o.integer("mixed", 0) != 0;
    p.shuffleBuffer = o.integer("shuffle", 4096);
    p.maxValidationTokens = o.integer("val", 2048);
    p.patience = p.epochs; // equal epochs for every setting
    p.model.mlpDim = o.integer("mlp", p.model.mlpDim);
    if (o.has("seed"))
        p.split.seed = uint64_t(o.integer("seed", 0));
    p.trainInterLayer = models.find("interlayer") != std::string::npos;
    p.trainStatistics = models.find("statistics") != std::string::npos;
    p.trainHiddenState = models.find("hidden-state") != std::string::npos;
    p.trainEnsemble = models.find("ensemble") != std::string::npos;
    p.device = specmoe::parseDevice(device);
    return p;
}

int worker(int scale, const std::string& models, const std::string& device, const Options& o)
{
    const TrainParams p = workerParams(scale, models, device, o);
    const auto t0 = std::chrono::steady_clock::now();
    const TrainResult r = train(p);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::filesystem::remove_all(p.runDir);
    const double cpu = cpuSeconds();
    // Samples of every epoch: (token, layer, horizon) triples with l + h inside the model.
    const double samples = double(r.trainTokens) * double((kL - 1) + (kL - 2)) * double(r.epochsRun);
    nlohmann::json j;
    j["scale"] = scale;
    j["models"] = models;
    j["device"] = device;
    j["options"] = o.kv;
    j["batch"] = p.batchSize;
    j["accumulate"] = p.accumulate;
    j["lr"] = p.learningRate;
    j["mixed_precision"] = p.mixedPrecision;
    j["epochs"] = r.epochsRun;
    j["steps"] = r.steps;
    j["train_tokens"] = r.trainTokens;
    j["samples_per_s"] = r.samplesPerSecond;
    j["tokens_per_s"] = r.tokensPerSecond;
    j["samples_per_cpu_s"] = samples / std::max(1e-9, cpu);
    j["seconds"] = sec;
    j["cpu_seconds"] = cpu;
    j["peak_rss_bytes"] = int64_t(peakRssKiB()) * 1024;
    // Validation metrics of the best epoch, per trained model and horizon.
    for (const char* m : {kInterLayer, kStatistics, kHiddenState, kEnsemble})
        if (r.validation.find(m))
            for (int h = 1; h <= 2; ++h) {
                const Metrics& x = r.validation.overall(m, h);
                const std::string tag = std::string("_h") + std::to_string(h) + "_" + m;
                j["recall2" + tag] = x.recallAt(2);
                j["logloss" + tag] = x.logloss;
            }
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
    if (!runs.empty())
        for (const char* k : {"options", "batch", "accumulate", "lr", "epochs", "steps"})
            if (runs[0].contains(k))
                j[k] = runs[0][k];
    std::vector<std::string> keys;
    for (const auto& r : runs)
        for (const auto& [k, v] : r.items())
            if (v.is_number() && !j.contains(k) && std::find(keys.begin(), keys.end(), k) == keys.end())
                keys.push_back(k);
    for (const std::string& k : keys) {
        std::vector<double> v;
        for (const auto& r : runs)
            if (r.contains(k) && r[k].is_number())
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
                       const std::string& device, const std::string& options)
{
    std::vector<nlohmann::json> runs;
    for (int i = 0; i < repeats; ++i) {
        nlohmann::json r = run(self, std::to_string(scale) + " " + models + " " + device + options);
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
            std::string device = "cpu";
            Options o;
            for (int i = 4; i < argc; ++i)
                if (!parseOption(argv[i], o)) {
                    if (i != 4)
                        throw std::runtime_error(std::string("not KEY=VALUE: ") + argv[i]);
                    device = argv[i];
                }
            return worker(std::atoi(argv[2]), argv[3], device, o);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_train worker: %s\n", e.what());
            return 1;
        }
    int repeats = 3, big = 10;
    std::string device = "cpu", options;
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (parseOption(k, o))
            options += " " + k;
        else if (k == "--repeats" && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
        else if (k == "--big" && i + 1 < argc)
            big = std::max(2, std::atoi(argv[++i]));
        else if (k == "--device" && i + 1 < argc)
            device = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_train [--repeats N] [--big S] [--device cpu|cuda|cuda:N] [KEY=VALUE ...]\n");
            return 2;
        }
    }
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const TrainParams p = workerParams(1, "", device, o);
    std::printf("speculation training on %s, synthetic Mixtral-shaped routing (L=32, E=8, k=2), %d epoch(s),\n"
                "batch %d tokens, lr %g, default model sizes; a sample = (token, layer, horizon)\n",
                device.c_str(), p.epochs, p.batchSize, p.learningRate);
    std::fflush(stdout);
    run(self, "1 ensemble " + device + options); // warm-up process (page cache, libraries, CUDA context)
    nlohmann::json base;
    for (const char* m : {"interlayer", "statistics", "ensemble", "interlayer,statistics,ensemble"}) {
        nlohmann::json j = measure(self, 1, m, repeats, device, options); // ensemble alone = its gate only
        if (base.is_null())
            base = j;
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
    }
    // streaming: the data path is the same for every model, so the cheapest shows it best
    nlohmann::json j = measure(self, big, "interlayer", 1, device, options);
    const double rss1 = base.value("peak_rss_bytes", 0.0);
    if (rss1 > 0)
        j["peak_rss_ratio_vs_1x"] = j.value("peak_rss_bytes", 0.0) / rss1;
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
