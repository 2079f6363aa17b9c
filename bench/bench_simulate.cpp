// Expert-cache and prefetch replay speed (core/simulate) on synthetic routing at
// Mixtral-8x7B dims (32 layers, 8 experts, top-2; the preset generator's structure).
// Prints token-layers per second of one replay on one core (thread CPU time, median of
// `repeats`, wall time beside it) for LRU, LFU, static, Belady, the oracle and a
// predictor-driven replay (the Markov baseline; its statistics and inference are timed
// apart), then the wall time of runSimulation over a sweep of 20 cache budgets.
// Target: >= 5 M token-layers/s per core. One JSON line per figure ({"bench":"simulate",...}).
//
//   bench_simulate [tokens=1000000] [repeats=3] [sweep_tokens=1000000] [threads=0]
#include "core/simulate/simulate.h"
#include "core/speculate/prediction_stream.h"
#include "tests/support/synthetic_routing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <numeric>
#include <string>
#include <vector>

using namespace specmoe;
using namespace specmoe::simulate;

namespace {

double threadSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// CPU time of the whole process (all threads): what the sweep costs whatever the load.
double processSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

TokenStore storeOf(const std::vector<RoutingBlock>& blocks)
{
    TokenStore s;
    const TraceDims& d = blocks.front().dims;
    s.layers = d.layers;
    s.experts = d.experts;
    s.topk = d.topk;
    for (const RoutingBlock& b : blocks) {
        for (const SequenceRecord& q : b.sequences)
            s.sequenceStarts.push_back(s.tokens() + q.tokenOffset);
        s.ids.insert(s.ids.end(), b.topkIds.begin(), b.topkIds.end());
    }
    return s;
}

void print(const char* name, int64_t tokenLayers, const std::vector<double>& cpu, const std::vector<double>& wall,
           double hitRate)
{
    const double c = median(cpu), w = median(wall);
    std::printf("%-28s %8.2f M token-layers/s/core  (cpu %.3f s, wall %.3f s, hit rate %.3f)\n", name,
                double(tokenLayers) / c / 1e6, c, w, hitRate);
    std::printf("{\"bench\":\"simulate\",\"case\":\"%s\",\"token_layers\":%lld,\"cpu_s\":%.4f,\"wall_s\":%.4f,"
                "\"mtl_per_s_core\":%.3f}\n",
                name, (long long)tokenLayers, c, w, double(tokenLayers) / c / 1e6);
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t tokens = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    const int64_t sweepTokens = argc > 3 ? std::atoll(argv[3]) : 1000000;
    const int threads = argc > 4 ? std::atoi(argv[4]) : 0;
    const SyntheticPreset& preset = syntheticPreset("mixtral-8x7b");
    const SyntheticRouting spec = presetRouting(preset, false);
    double t = wallSeconds();
    const std::vector<RoutingBlock> blocks = syntheticTokenBlocks(spec, tokens, int64_t(1) << 16);
    std::printf("generated %lld tokens in %.1f s\n", (long long)tokens, wallSeconds() - t);
    const TokenStore store = storeOf(blocks);
    const Schedule s = buildSchedule(store, 1);
    const int64_t tokenLayers = s.tokens * s.layers;
    const ModelShape& model = modelShape("mixtral-8x7b");
    const EngineCost cost = engineCost(model, StorageDType::BF16, hardwareProfile("h100-sxm"), 1, 2, s.width, 0.0);

    // The static hot set and Belady's index, built once (timed apart).
    HotSet hot;
    hot.experts = s.experts;
    hot.ranked.resize(size_t(s.layers) * size_t(s.experts));
    for (int l = 0; l < s.layers; ++l)
        std::iota(hot.ranked.begin() + l * s.experts, hot.ranked.begin() + (l + 1) * s.experts, ExpertId(0));
    t = wallSeconds();
    const NextUseIndex next = buildNextUseIndex(s);
    std::printf("Belady's next-use index: %.2f s\n", wallSeconds() - t);

    auto bench = [&](const char* name, Policy policy, const PrefetchPlan& plan, int budget) {
        std::vector<double> cpu, wall;
        double hit = 0;
        EngineSetting set;
        set.policy = policy;
        set.capacity = 4;
        set.linkBytesPerSecond = 50e9;
        set.budget = budget;
        set.horizon = 1;
        replay(s, set, cost, plan, &hot, &next); // warm-up
        for (int i = 0; i < repeats; ++i) {
            const double c0 = threadSeconds(), w0 = wallSeconds();
            const EngineCounters c = replay(s, set, cost, plan, &hot, &next);
            cpu.push_back(threadSeconds() - c0);
            wall.push_back(wallSeconds() - w0);
            hit = double(c.hits) / double(c.requests);
        }
        print(name, tokenLayers, cpu, wall, hit);
    };
    if (repeats > 0) {
        bench("lru", Policy::Lru, PrefetchPlan{}, 0);
        bench("lfu", Policy::Lfu, PrefetchPlan{}, 0);
        bench("static", Policy::Static, PrefetchPlan{}, 0);
        bench("belady", Policy::Belady, PrefetchPlan{}, 0);
        bench("lru+oracle m2 h1", Policy::Lru, oraclePlan(s, 1), 2);

        // Predictor-driven: the Markov baseline's statistics (all tokens as training), its
        // inference over the tokens, the plan, then the replay alone.
        SplitSpec all;
        all.trainFraction = 1.0;
        all.validationFraction = 0.0;
        const speculate::BlockSource source = speculate::memorySource(blocks);
        t = wallSeconds();
        auto markov = speculate::PredictionStream::fromTrainingSplit(source, all, 1, "markov");
        const double statsSeconds = wallSeconds() - t;
        TokenRanking ranking{2, {}, {}, {}};
        std::vector<float> scores;
        t = wallSeconds();
        for (const RoutingBlock& b : blocks) {
            markov->predict(b, scores);
            std::vector<size_t> rows(b.numTokens());
            std::iota(rows.begin(), rows.end(), size_t(0));
            appendRanking(ranking, scores, rows, s.layers, 1, s.experts, 1);
        }
        const double inferSeconds = wallSeconds() - t;
        t = wallSeconds();
        const PlanStore plan = predictorPlan(s, ranking, 1);
        const double planSeconds = wallSeconds() - t;
        std::printf("markov: statistics %.2f s, inference + ranking %.2f s (%.2f M token-layers/s), plan %.2f s\n",
                    statsSeconds, inferSeconds, double(tokenLayers) / inferSeconds / 1e6, planSeconds);
        std::printf("{\"bench\":\"simulate\",\"case\":\"markov inference\",\"token_layers\":%lld,\"wall_s\":%.4f}\n",
                    (long long)tokenLayers, inferSeconds);
        bench("lru+markov m2 h1", Policy::Lru, plan.plan(), 2);
        bench("belady+markov m2 h1", Policy::Belady, plan.plan(), 2);
    }

    // The sweep: 20 cache budgets (GB of expert memory) through the whole job, none and
    // oracle each (40 replays), on `threads` threads.
    if (sweepTokens > 0) {
        const std::vector<RoutingBlock> sweepBlocks =
            sweepTokens == tokens ? blocks : syntheticTokenBlocks(spec, sweepTokens, int64_t(1) << 16);
        SimulateParams p;
        p.source = speculate::memorySource(sweepBlocks);
        p.split = std::nullopt;
        p.model = "mixtral-8x7b";
        p.predictors = {};
        for (int i = 1; i <= 20; ++i)
            p.cacheGB.push_back(11.3 * 8.0 * i / 20.0);
        p.threads = threads;
        const double w0 = wallSeconds(), c0 = processSeconds();
        const SimulationResult r = runSimulation(p);
        const double w = wallSeconds() - w0, c = processSeconds() - c0;
        std::printf("sweep: %zu replays of %lld tokens x 32 layers (20 cache budgets x none, oracle): %.1f s wall, "
                    "%.1f s CPU (replays %.1f s wall, %.1f M token-layers/s over the threads)\n",
                    r.rows.size(), (long long)r.tokens, w, c, r.replaySeconds,
                    double(r.tokenLayers) / r.replaySeconds / 1e6);
        std::printf("{\"bench\":\"simulate\",\"case\":\"sweep 20 caches\",\"tokens\":%lld,\"replays\":%zu,\"wall_s\":%.2f,"
                    "\"cpu_s\":%.2f,\"replay_s\":%.2f}\n",
                    (long long)r.tokens, r.rows.size(), w, c, r.replaySeconds);
    }
    return 0;
}
