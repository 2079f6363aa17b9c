// Collection overhead over the bare forward pass (CPU, `small` preset): the same padded
// batches routed alone, then through specmoe::collect (conversion, HDF5 shards, manifest).
// One untimed warm-up pass, then --repeats rounds of (bare pass, collection into a fresh
// folder); medians of each, and the median of the per-round overheads. Prints a few human
// lines and one JSON line ({"bench":"collect"}). With --features SPEC every round also
// collects with hidden-state features (a fresh folder, the PCA estimated anew), and the
// median of the per-round ratios (with features / without) is reported, of the routing loop
// and of the whole collect() call (which adds the basis and the last shard's write), with
// the collector's phase timers of the last round.
// Usage: bench_collect [sequences=192] [batch=8] [threads=0] [--logits] [--repeats 3] [--features SPEC]
#include "core/collect/collector.h"
#include "core/model/make_model.h"
#include "core/model/runtime.h"
#include "core/specmoe_core.h"
#include "core/trace/feature_basis.h"

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
#include <string>
#include <vector>

using namespace specmoe;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv)
{
    int nseq = 192, batch = 8, threads = 0, repeats = 3;
    bool logits = false;
    std::string features;
    std::vector<int> pos;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--logits") == 0)
            logits = true;
        else if (std::strcmp(argv[i], "--features") == 0 && i + 1 < argc)
            features = argv[++i];
        else if (std::strcmp(argv[i], "--repeats") == 0 && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
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
    p.device = DeviceSpec::cpu();
    p.dtype = ComputeDType::Float32;
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
    ro.device = DeviceSpec::cpu();
    ro.dtype = ComputeDType::Float32;
    ro.lookahead = p.lookahead;
    ro.threads = threads;
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const size_t n = v.size();
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    };
    std::vector<double> bareRuns, collectRuns, forwardRuns, featureRuns, collectWall, featureWall, bareFeatureRuns;
    CollectResult r, rf;
    auto timedCollect = [](const CollectParams& params, std::vector<double>& wall) {
        const auto t0 = Clock::now();
        CollectResult res = collect(params);
        wall.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        return res;
    };
    {
        MixtralRuntime rt(p.modelDir, ro);
        // The batch tensors, built once outside the timing (element-wise tensor writes
        // cost more than a 1-thread forward pass of the small preset).
        std::vector<std::pair<at::Tensor, at::Tensor>> inputs;
        for (const auto& b : batches) {
            int64_t T = 0;
            for (int64_t id : b)
                T = std::max<int64_t>(T, int64_t(corpus.sequences[size_t(id)].tokens.size()));
            std::vector<int64_t> idv(b.size() * size_t(T), 0), mv(b.size() * size_t(T), 0);
            for (size_t i = 0; i < b.size(); ++i) {
                const auto& s = corpus.sequences[size_t(b[i])].tokens;
                for (size_t t = 0; t < s.size(); ++t) {
                    idv[i * size_t(T) + t] = s[t];
                    mv[i * size_t(T) + t] = 1;
                }
            }
            const int64_t B = int64_t(b.size());
            inputs.emplace_back(at::tensor(idv, at::kLong).view({B, T}), at::tensor(mv, at::kLong).view({B, T}));
        }
        // With --features the runtime also holds a projection of the spec's size (random
        // values: the cost does not depend on them), so the forward pass can be timed with
        // and without computing features in the same process and round.
        if (!features.empty()) {
            const int64_t F = featureSpecDim(parseFeatureSpec(features), int(cfg.numLayers), int(cfg.numExperts),
                                             int(cfg.hiddenSize));
            rt.setFeatureProjection(at::randn({cfg.numLayers, F, cfg.hiddenSize}), at::randn({cfg.numLayers, cfg.hiddenSize}));
        }
        auto runAll = [&](bool withFeatures) {
            RouteOptions ro;
            ro.features = withFeatures;
            const auto t0 = Clock::now();
            for (const auto& [ids, mask] : inputs)
                rt.route(ids, mask, ro);
            return std::chrono::duration<double>(Clock::now() - t0).count();
        };
        runAll(false); // warm-up
        for (int rep = 0; rep < repeats; ++rep) {
            bareRuns.push_back(runAll(false));
            if (!features.empty())
                bareFeatureRuns.push_back(runAll(true));
            auto plain = [&] {
                p.outDir = (root / ("trace-" + std::to_string(rep))).string(); // fresh: no resume
                r = timedCollect(p, collectWall);
                collectRuns.push_back(r.seconds);
                forwardRuns.push_back(r.forwardSeconds);
                std::error_code ec;
                fs::remove_all(p.outDir, ec);
            };
            auto withFeatures = [&] {
                CollectParams pf = p;
                pf.features = features;
                pf.outDir = (root / ("features-" + std::to_string(rep))).string();
                rf = timedCollect(pf, featureWall);
                featureRuns.push_back(rf.seconds);
                std::error_code ec;
                fs::remove_all(pf.outDir, ec);
            };
            // The order alternates between rounds: the second collection of a round ran
            // measurably slower or faster on the shared machine, whichever it was.
            if (features.empty())
                plain();
            else if (rep % 2 == 0) {
                plain();
                withFeatures();
            } else {
                withFeatures();
                plain();
            }
        }
    }
    const double bare = median(bareRuns), coll = median(collectRuns), fwd = median(forwardRuns);
    // Each round's bare pass and collection run back to back: the median of the per-round
    // ratios is steadier than the ratio of the medians on a machine whose speed drifts.
    std::vector<double> roundOverheads;
    for (size_t i = 0; i < bareRuns.size(); ++i)
        roundOverheads.push_back(100.0 * (collectRuns[i] - bareRuns[i]) / bareRuns[i]);
    const double overhead = median(roundOverheads);
    const double overheadOwn = 100.0 * (coll - fwd) / fwd;
    std::printf("bench_collect: preset small (L=%lld E=%lld k=%lld H=%lld), CPU float32, %d threads\n",
                (long long)cfg.numLayers, (long long)cfg.numExperts, (long long)cfg.topk,
                (long long)cfg.hiddenSize, buildInfo().threads);
    std::printf("  corpus           %lld sequences, %lld tokens, %zu batches of <= %d, padding %.1f%%\n",
                (long long)r.corpusSequences, (long long)r.corpusTokens, batches.size(), batch,
                100.0 * r.paddingFraction);
    std::printf("  bare forward     median %.3f s of %d (%.0f tokens/s)\n", bare, repeats,
                double(r.corpusTokens) / bare);
    std::printf("  collect loop     median %.3f s (%.0f tokens/s), of which forward %.3f s; %zu shards%s\n", coll,
                double(r.corpusTokens) / coll, fwd, r.shards, logits ? ", with logits" : "");
    std::printf("  overhead         %.1f%% over the bare forward; %.1f%% over its own forward time\n", overhead,
                overheadOwn);
    double featureOverhead = 0, featureWallOverhead = 0;
    auto medianRatio = [&](const std::vector<double>& with, const std::vector<double>& without) {
        std::vector<double> ratios;
        for (size_t i = 0; i < with.size(); ++i)
            ratios.push_back(100.0 * (with[i] - without[i]) / without[i]);
        return median(ratios);
    };
    if (!featureRuns.empty()) {
        featureOverhead = medianRatio(featureRuns, collectRuns);
        featureWallOverhead = medianRatio(featureWall, collectWall);
        std::printf("  features %-8s loop median %.3f s: %.1f%% over collecting without them (median of per-round ratios)\n",
                    features.c_str(), median(featureRuns), featureOverhead);
        std::printf("  whole collect()  median %.3f s without, %.3f s with features: %.1f%% (corpus, model load, "
                    "basis, loop, last shard)\n",
                    median(collectWall), median(featureWall), featureWallOverhead);
        std::printf("  bare forward     with the feature projection: median %.3f s, %.1f%% over without (per-round ratios)\n",
                    median(bareFeatureRuns), medianRatio(bareFeatureRuns, bareRuns));
        std::printf("  phases (last round, s)  forward %.3f / %.3f, basis - / %.3f, convert %.3f / %.3f, write %.3f / %.3f\n",
                    r.forwardSeconds, rf.forwardSeconds, rf.basisSeconds, r.convertSeconds, rf.convertSeconds,
                    r.writeSeconds, rf.writeSeconds);
    }
    auto list = [](const std::vector<double>& v) {
        std::string out = "[";
        for (size_t i = 0; i < v.size(); ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%s%.4f", i ? "," : "", v[i]);
            out += buf;
        }
        return out + "]";
    };
    std::printf("{\"bench\":\"collect\",\"preset\":\"small\",\"device\":\"cpu\",\"dtype\":\"float32\","
                "\"threads\":%d,\"layers\":%lld,\"sequences\":%lld,\"tokens\":%lld,\"batch\":%d,"
                "\"batches\":%zu,\"padding\":%.4f,\"logits\":%s,\"warmup\":1,\"repeats\":%d,"
                "\"bare_s\":%.4f,\"collect_s\":%.4f,\"forward_s\":%.4f,\"bare_tokens_per_s\":%.1f,"
                "\"collect_tokens_per_s\":%.1f,\"overhead_pct\":%.3f,\"overhead_own_forward_pct\":%.3f,"
                "\"shards\":%zu,\"bare_runs_s\":%s,\"collect_runs_s\":%s,\"features\":\"%s\","
                "\"features_runs_s\":%s,\"features_overhead_pct\":%.3f,\"collect_wall_runs_s\":%s,"
                "\"features_wall_runs_s\":%s,\"features_wall_overhead_pct\":%.3f,\"bare_features_runs_s\":%s}\n",
                buildInfo().threads, (long long)cfg.numLayers, (long long)r.corpusSequences,
                (long long)r.corpusTokens, batch, batches.size(), r.paddingFraction, logits ? "true" : "false",
                repeats, bare, coll, fwd, double(r.corpusTokens) / bare, double(r.corpusTokens) / coll, overhead,
                overheadOwn, r.shards, list(bareRuns).c_str(), list(collectRuns).c_str(), features.c_str(),
                list(featureRuns).c_str(), featureOverhead, list(collectWall).c_str(), list(featureWall).c_str(),
                featureWallOverhead, list(bareFeatureRuns).c_str());
    std::fflush(stdout);
    std::error_code ec;
    fs::remove_all(root, ec);
    return 0;
}
