// Collection overhead over the bare forward pass (CPU, `small` preset): the same padded
// batches routed alone, then through specmoe::collect (conversion, HDF5 shards, manifest).
// Usage: bench_collect [sequences=192] [batch=8] [threads=0] [--logits]
#include "core/collect/collector.h"
#include "core/model/make_model.h"
#include "core/model/runtime.h"
#include "core/specmoe_core.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

using namespace specmoe;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv)
{
    int nseq = 192, batch = 8, threads = 0;
    bool logits = false;
    std::vector<int> pos;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--logits") == 0)
            logits = true;
        else
            pos.push_back(std::atoi(argv[i]));
    }
    if (pos.size() > 0) nseq = pos[0];
    if (pos.size() > 1) batch = pos[1];
    if (pos.size() > 2) threads = pos[2];
    setThreads(threads);

    const fs::path root = fs::temp_directory_path() / ("bench-collect-" + std::to_string(getpid()));
    fs::create_directories(root);
    MakeModelOptions mo;
    mo.preset = "small";
    mo.outDir = (root / "model").string();
    const MixtralConfig cfg = makeRandomModel(mo);

    // Pre-tokenized corpus: lengths 32..256.
    std::mt19937 rng(1);
    {
        std::ofstream f(root / "ids.jsonl");
        for (int i = 0; i < nseq; ++i) {
            const int len = 32 + int(rng() % 225);
            f << "{\"input_ids\":[1";
            for (int t = 1; t < len; ++t)
                f << ',' << 3 + int(rng() % uint32_t(cfg.vocabSize - 3));
            f << "]}\n";
        }
    }
    CollectParams p;
    p.sources = {parseSourceSpec("ids=" + (root / "ids.jsonl").string() + ":jsonl-ids")};
    p.modelDir = mo.outDir;
    p.outDir = (root / "trace").string();
    p.device = "cpu";
    p.dtype = "float32";
    p.threads = threads;
    p.maxLength = 256;
    p.minLength = 1;
    p.batchSize = batch;
    p.withLogits = logits;
    p.shardMB = 16;

    // The batches the collector forms (same rule: windows of 16 batches sorted by length).
    const Corpus corpus = buildCollectCorpus(p, cfg.vocabSize);
    std::vector<std::vector<int64_t>> batches;
    const size_t win = size_t(batch) * size_t(p.bucketBatches);
    for (size_t w0 = 0; w0 < corpus.sequences.size(); w0 += win) {
        std::vector<int64_t> idx(std::min(win, corpus.sequences.size() - w0));
        std::iota(idx.begin(), idx.end(), int64_t(w0));
        std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
            return corpus.sequences[size_t(a)].tokens.size() > corpus.sequences[size_t(b)].tokens.size();
        });
        for (size_t b0 = 0; b0 < idx.size(); b0 += size_t(batch))
            batches.emplace_back(idx.begin() + long(b0), idx.begin() + long(std::min(idx.size(), b0 + size_t(batch))));
    }
    RuntimeOptions ro;
    ro.device = "cpu";
    ro.dtype = "float32";
    ro.lookahead = p.lookahead;
    ro.threads = threads;
    double bare = 0;
    {
        MixtralRuntime rt(p.modelDir, ro);
        auto runAll = [&] {
            const auto t0 = Clock::now();
            for (const auto& b : batches) {
                int64_t T = 0;
                for (int64_t id : b)
                    T = std::max<int64_t>(T, int64_t(corpus.sequences[size_t(id)].tokens.size()));
                at::Tensor ids = at::zeros({int64_t(b.size()), T}, at::kLong);
                at::Tensor mask = at::zeros({int64_t(b.size()), T}, at::kLong);
                for (size_t i = 0; i < b.size(); ++i) {
                    const auto& s = corpus.sequences[size_t(b[i])].tokens;
                    for (size_t t = 0; t < s.size(); ++t) {
                        ids[int64_t(i)][int64_t(t)] = s[t];
                        mask[int64_t(i)][int64_t(t)] = 1;
                    }
                }
                rt.route(ids, mask);
            }
            return std::chrono::duration<double>(Clock::now() - t0).count();
        };
        runAll(); // warm-up
        bare = runAll();
    }
    const CollectResult r = collect(p);
    double bare2 = 0;
    {
        MixtralRuntime rt(p.modelDir, ro);
        const auto t0 = Clock::now();
        for (const auto& b : batches) {
            int64_t T = 0;
            for (int64_t id : b)
                T = std::max<int64_t>(T, int64_t(corpus.sequences[size_t(id)].tokens.size()));
            at::Tensor ids = at::zeros({int64_t(b.size()), T}, at::kLong);
            at::Tensor mask = at::zeros({int64_t(b.size()), T}, at::kLong);
            for (size_t i = 0; i < b.size(); ++i) {
                const auto& s = corpus.sequences[size_t(b[i])].tokens;
                for (size_t t = 0; t < s.size(); ++t) {
                    ids[int64_t(i)][int64_t(t)] = s[t];
                    mask[int64_t(i)][int64_t(t)] = 1;
                }
            }
            rt.route(ids, mask);
        }
        bare2 = std::chrono::duration<double>(Clock::now() - t0).count();
    }
    const double bareMean = 0.5 * (bare + bare2);
    std::printf("bench_collect: preset small (L=%lld E=%lld k=%lld H=%lld), CPU float32, %d threads\n",
                (long long)cfg.numLayers, (long long)cfg.numExperts, (long long)cfg.topk,
                (long long)cfg.hiddenSize, buildInfo().threads);
    std::printf("  corpus           %lld sequences, %lld tokens, %zu batches of <= %d, padding %.1f%%\n",
                (long long)r.corpusSequences, (long long)r.corpusTokens, batches.size(), batch,
                100.0 * r.paddingFraction);
    std::printf("  bare forward     %.3f s, %.3f s (mean %.3f s, %.0f tokens/s)\n", bare, bare2, bareMean,
                double(r.corpusTokens) / bareMean);
    std::printf("  collect loop     %.3f s (%.0f tokens/s), of which forward %.3f s; %zu shards%s\n", r.seconds,
                r.tokensPerSecond, r.forwardSeconds, r.shards, logits ? ", with logits" : "");
    std::printf("  overhead         %.1f%% over the bare forward mean; %.1f%% over its own forward time\n",
                100.0 * (r.seconds - bareMean) / bareMean,
                100.0 * (r.seconds - r.forwardSeconds) / r.forwardSeconds);
    std::error_code ec;
    fs::remove_all(root, ec);
    return 0;
}
