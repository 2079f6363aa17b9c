// The engine on hand-made schedules whose answers follow by arithmetic (issue 20's
// acceptance): a cache holding every expert misses each expert once, the oracle with
// enough bandwidth never stalls, Belady is never below LRU or LFU, doubling the bandwidth
// halves the transfer time when the link is the bottleneck, and prefetching never changes
// which experts compute a token.
#include "core/simulate/engine.h"
#include "core/util/error.h"
#include "tests/core/simulate/simulate_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <tuple>

using namespace specmoe;
using namespace specmoe::simulate;
using namespace specmoe::test;

namespace {

HotSet frequencyHotSet(const TokenStore& store)
{
    HotSet h;
    h.experts = store.experts;
    const size_t L = size_t(store.layers), E = size_t(store.experts), k = size_t(store.topk);
    std::vector<int64_t> use(L * E, 0);
    for (size_t i = 0; i < store.ids.size(); ++i)
        ++use[((i / k) % L) * E + store.ids[i]];
    h.ranked.resize(L * E);
    for (size_t l = 0; l < L; ++l) {
        ExpertId* r = h.ranked.data() + l * E;
        for (size_t e = 0; e < E; ++e)
            r[e] = ExpertId(e);
        std::stable_sort(r, r + E, [&](ExpertId a, ExpertId b) { return use[l * E + a] > use[l * E + b]; });
    }
    return h;
}

// (layer, expert) pairs the schedule uses at least once.
int64_t distinctPairs(const Schedule& s)
{
    std::set<std::pair<int, int>> seen;
    for (int64_t key = 0; key < s.keys(); ++key)
        for (int j = 0; j < s.counts[size_t(key)]; ++j)
            seen.insert({int(key % s.layers), s.at(key)[j]});
    return int64_t(seen.size());
}

} // namespace

class FullCache : public ::testing::TestWithParam<std::tuple<Policy, int>> {};

TEST_P(FullCache, MissesEveryExpertOnceThenHitsAll)
{
    const auto [policy, batch] = GetParam();
    const TokenStore store = randomStore(4, 8, 2, 6, 30, 11);
    const Schedule s = buildSchedule(store, batch);
    const HotSet hot = frequencyHotSet(store);
    const NextUseIndex next = buildNextUseIndex(s);
    EngineSetting set;
    set.policy = policy;
    set.capacity = 8;
    const EngineCounters c = replay(s, set, fixedCost(s, 1e6, 1e-4), PrefetchPlan{}, &hot, &next);
    // Static holds every expert from the start; the others fetch each one once.
    EXPECT_EQ(c.misses, policy == Policy::Static ? 0 : distinctPairs(s));
    EXPECT_EQ(c.hits + c.misses, c.requests);
    // After a warm-up that has seen every expert, nothing misses.
    set.warmupSteps = s.steps / 2;
    const EngineCounters w = replay(s, set, fixedCost(s, 1e6, 1e-4), PrefetchPlan{}, &hot, &next);
    EXPECT_GT(w.requests, 0);
    EXPECT_EQ(w.hits, w.requests);
    EXPECT_EQ(w.stallSeconds, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Policies, FullCache,
                         ::testing::Combine(::testing::Values(Policy::Lru, Policy::Lfu, Policy::Static, Policy::Belady),
                                            ::testing::Values(1, 3)));

class OracleNoStall : public ::testing::TestWithParam<std::tuple<Policy, int, int>> {};

TEST_P(OracleNoStall, WithEnoughBandwidth)
{
    const auto [policy, batch, horizon] = GetParam();
    const TokenStore store = randomStore(6, 8, 2, 4, 25, 5, 0.0);
    const Schedule s = buildSchedule(store, batch);
    const HotSet hot = frequencyHotSet(store);
    const NextUseIndex next = buildNextUseIndex(s);
    EngineSetting set;
    set.policy = policy;
    // The smallest cache that holds one layer's batch plus what is prefetched for it: the
    // width, and with a horizon h the h plans in flight (static: its staging area holds them).
    set.capacity = std::min(8, s.width * 1);
    set.linkBytesPerSecond = 1e18;
    set.linkLatencySeconds = 0.0;
    set.budget = s.width;
    set.horizon = horizon;
    set.warmupSteps = 1; // the first layers of the first step have no source to be predicted from
    const EngineCounters c = replay(s, set, fixedCost(s, 1e6, 1e-3), oraclePlan(s, horizon), &hot, &next);
    EXPECT_EQ(c.misses, 0);
    EXPECT_EQ(c.stallSeconds, 0.0);
    EXPECT_EQ(c.hits, c.requests);
    EXPECT_GT(c.prefetchesUsed, 0);
    if (policy != Policy::Static) { // static prefetches only what its hot set lacks, and uses every one
        EXPECT_EQ(c.prefetchesUsed, c.prefetches);
    }
    // Without prefetching the same cache stalls.
    set.budget = 0;
    const EngineCounters none = replay(s, set, fixedCost(s, 1e6, 1e-3), PrefetchPlan{}, &hot, &next);
    EXPECT_GT(none.misses, 0);
    EXPECT_GT(none.stallSeconds, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Settings, OracleNoStall,
                         ::testing::Combine(::testing::Values(Policy::Lru, Policy::Lfu, Policy::Static, Policy::Belady),
                                            ::testing::Values(1, 2), ::testing::Values(1, 3)));

TEST(Belady, NeverBelowLruOrLfuOnRandomTraces)
{
    int compared = 0;
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        const int E = 4 + int(seed % 9);
        const int k = 1 + int(seed % 3);
        const int batch = 1 + int(seed % 2);
        const TokenStore store = randomStore(3, E, k, 3, 40, seed, 0.3 * double(seed % 4));
        const Schedule s = buildSchedule(store, batch);
        const NextUseIndex next = buildNextUseIndex(s);
        for (int cap = s.width; cap <= E; ++cap) {
            EngineSetting set;
            set.capacity = cap;
            auto hits = [&](Policy p) {
                set.policy = p;
                return replay(s, set, fixedCost(s, 1e6, 1e-4), PrefetchPlan{}, nullptr, &next).hits;
            };
            const int64_t belady = hits(Policy::Belady), lru = hits(Policy::Lru), lfu = hits(Policy::Lfu);
            EXPECT_GE(belady, lru) << "seed " << seed << " capacity " << cap;
            EXPECT_GE(belady, lfu) << "seed " << seed << " capacity " << cap;
            ++compared;
        }
    }
    EXPECT_GT(compared, 100);
}

TEST(Oracle, MovesNoMoreExpertsThanDemandFetching)
{
    // It fetches only what the compute needs, and the plan's resident experts are kept while
    // the others arrive (an earlier version evicted them and fetched more than no prefetching).
    int compared = 0;
    for (uint64_t seed = 1; seed <= 12; ++seed)
        for (int batch = 1; batch <= 3; ++batch)
            for (int h = 1; h <= 3; ++h) {
                const TokenStore store = randomStore(5, 8, 2, 3, 20, seed, 0.5);
                const Schedule s = buildSchedule(store, batch);
                const NextUseIndex next = buildNextUseIndex(s);
                for (int cap = s.width; cap <= 8; ++cap)
                    for (Policy p : {Policy::Lru, Policy::Lfu, Policy::Belady}) {
                        EngineSetting set;
                        set.capacity = cap;
                        set.policy = p;
                        const EngineCost cost = fixedCost(s, 1e6, 1e-3);
                        const EngineCounters none = replay(s, set, cost, PrefetchPlan{}, nullptr, &next);
                        set.budget = s.width;
                        set.horizon = h;
                        const EngineCounters o = replay(s, set, cost, oraclePlan(s, h), nullptr, &next);
                        EXPECT_LE(o.misses + o.prefetches, none.misses)
                            << policyName(p) << " seed " << seed << " batch " << batch << " h " << h << " cache " << cap;
                        ++compared;
                    }
            }
    EXPECT_GT(compared, 500);
}

TEST(Link, DoublingBandwidthHalvesTransferTimeWhenTheLinkIsTheBottleneck)
{
    const TokenStore store = randomStore(4, 8, 2, 3, 20, 3);
    const Schedule s = buildSchedule(store, 1);
    EngineSetting set;
    set.capacity = 0; // every expert crosses the link
    set.linkLatencySeconds = 0.0;
    set.linkBytesPerSecond = 10e9;
    const EngineCost cost = fixedCost(s, 350e6, 0.0);
    const EngineCounters slow = replay(s, set, cost, PrefetchPlan{});
    set.linkBytesPerSecond = 20e9;
    const EngineCounters fast = replay(s, set, cost, PrefetchPlan{});
    // requests * bytes / bandwidth, all of it stall
    EXPECT_NEAR(slow.stallSeconds, double(slow.requests) * 350e6 / 10e9, 1e-9 * slow.stallSeconds);
    EXPECT_NEAR(slow.stallSeconds / fast.stallSeconds, 2.0, 1e-9);
    EXPECT_NEAR(slow.seconds / fast.seconds, 2.0, 1e-9);
    EXPECT_EQ(slow.demandBytes, fast.demandBytes);
    EXPECT_EQ(slow.bypassed, slow.requests);
}

TEST(Link, PrefetchesDelayDemandFetchesBehindThem)
{
    // One layer's plan names experts nobody uses: with a slow link the demand fetches of the
    // next layer wait behind them (the link is shared).
    const TokenStore store = randomStore(4, 8, 1, 1, 10, 9, 0.0);
    const Schedule s = buildSchedule(store, 1);
    std::vector<ExpertId> wrong(size_t(s.keys()) * 2);
    std::vector<uint16_t> counts(size_t(s.keys()), 2);
    for (int64_t key = 0; key < s.keys(); ++key) {
        const ExpertId truth = s.at(std::min(key + 1, s.keys() - 1))[0];
        wrong[size_t(key) * 2] = ExpertId((truth + 1) % 8);
        wrong[size_t(key) * 2 + 1] = ExpertId((truth + 2) % 8);
    }
    PrefetchPlan plan{wrong.data(), counts.data(), 2, 0, s.keys()};
    EngineSetting set;
    set.capacity = 3;
    set.linkLatencySeconds = 0.0;
    set.linkBytesPerSecond = 1e9;
    set.horizon = 1;
    const EngineCost cost = fixedCost(s, 1e6, 1e-4);
    const EngineCounters none = replay(s, set, cost, PrefetchPlan{});
    set.budget = 2;
    const EngineCounters bad = replay(s, set, cost, plan);
    EXPECT_EQ(bad.prefetchesUsed, 0);
    EXPECT_GT(bad.prefetchBytes, 0.0);
    EXPECT_GT(bad.stallSeconds, none.stallSeconds);
}

TEST(Prefetch, NeverChangesWhichExpertsCompute)
{
    const TokenStore store = randomStore(5, 8, 2, 5, 20, 21);
    for (int batch : {1, 3}) {
        const Schedule s = buildSchedule(store, batch);
        const HotSet hot = frequencyHotSet(store);
        const NextUseIndex next = buildNextUseIndex(s);
        // A plan of random experts (a poor predictor) and the oracle.
        std::mt19937 rng(4);
        std::vector<ExpertId> randomIds(size_t(s.keys()) * 3);
        for (auto& e : randomIds)
            e = ExpertId(rng() % 8);
        std::vector<uint16_t> counts(size_t(s.keys()), 3);
        // Random plans may name an expert twice; the engine fetches it once.
        const PrefetchPlan randomPlan{randomIds.data(), counts.data(), 3, 0, s.keys()};
        auto record = [&](Policy p, const PrefetchPlan& plan, int budget) {
            std::vector<std::vector<ExpertId>> seen;
            const ComputeObserver observe = [&](int64_t, int, const ExpertId* ids, int n) {
                seen.emplace_back(ids, ids + n);
            };
            EngineSetting set;
            set.policy = p;
            set.capacity = 4;
            set.budget = budget;
            set.horizon = plan.offset > 0 ? int(plan.offset) : 1;
            replay(s, set, fixedCost(s, 1e7, 1e-4), plan, &hot, &next, &observe);
            return seen;
        };
        for (Policy p : {Policy::Lru, Policy::Lfu, Policy::Static, Policy::Belady}) {
            const auto base = record(p, PrefetchPlan{}, 0);
            ASSERT_EQ(base.size(), size_t(s.keys()));
            EXPECT_EQ(record(p, randomPlan, 3), base) << policyName(p) << " batch " << batch;
            EXPECT_EQ(record(p, oraclePlan(s, 2), 4), base) << policyName(p) << " batch " << batch;
            // and they are the batch's routing, as the trace says
            for (int64_t key = 0; key < s.keys(); ++key)
                EXPECT_EQ(base[size_t(key)], std::vector<ExpertId>(s.at(key), s.at(key) + s.counts[size_t(key)]));
        }
    }
}

TEST(Schedule, BatchDecodesEachSequenceInOrderAndUnitesTheExperts)
{
    const TokenStore store = randomStore(2, 8, 2, 5, 7, 8);
    const Schedule s = buildSchedule(store, 2);
    EXPECT_EQ(s.tokens, 35);
    // 5 sequences of 7 over 2 slots: the slots refill, the last one runs alone.
    EXPECT_EQ(s.steps, 21);
    std::vector<int64_t> order;
    for (int64_t step = 0; step < s.steps; ++step) {
        std::set<ExpertId> want;
        for (int b = 0; b < 2; ++b) {
            const int64_t t = s.stepTokens[size_t(step * 2 + b)];
            if (t < 0)
                continue;
            order.push_back(t);
            for (int j = 0; j < 2; ++j)
                want.insert(store.ids[size_t(t) * 4 + size_t(j)]);
        }
        const ExpertId* got = s.at(step * 2);
        EXPECT_EQ(std::set<ExpertId>(got, got + s.counts[size_t(step * 2)]), want);
    }
    std::sort(order.begin(), order.end());
    for (size_t i = 0; i < order.size(); ++i)
        EXPECT_EQ(order[i], int64_t(i));
}

TEST(Engine, RefusesBadSettings)
{
    const TokenStore store = randomStore(2, 4, 1, 1, 3, 1);
    const Schedule s = buildSchedule(store, 1);
    EngineSetting set;
    set.capacity = 5;
    EXPECT_THROW(replay(s, set, fixedCost(s, 1, 1), PrefetchPlan{}), Error);
    set.capacity = 2;
    set.policy = Policy::Belady;
    EXPECT_THROW(replay(s, set, fixedCost(s, 1, 1), PrefetchPlan{}), Error);
    set.policy = Policy::Static;
    EXPECT_THROW(replay(s, set, fixedCost(s, 1, 1), PrefetchPlan{}), Error);
    EXPECT_THROW(parsePolicy("fifo"), Error);
}

// A predictor that scores the next token (frequency) plans the next step's first layers from
// the last layers of a step; one that does not plans nothing past the last layer.
TEST(Schedule, NextTokenRankingCrossesIntoTheNextStep)
{
    const simulate::TokenStore store = randomStore(4, 8, 2, 2, 5, 11);
    const simulate::Schedule s = simulate::buildSchedule(store, 2);
    ASSERT_EQ(s.steps, 5);
    simulate::TokenRanking r{2, {}, {}, {}};
    // within the token: every token ranks experts 6, 7 for every layer
    for (int64_t t = 0; t < store.tokens(); ++t)
        for (int l = 0; l < 4; ++l) {
            r.ids.insert(r.ids.end(), {6, 7});
            r.scores.insert(r.scores.end(), {0.5f, 0.25f});
        }
    const int h = 2;
    simulate::PlanStore within = simulate::predictorPlan(s, r, h);
    std::vector<float> next(4 * 8, 0.0f);
    for (int l = 0; l < 4; ++l) {
        next[size_t(l * 8 + l)] = 0.9f;     // layer l of the next token: expert l first,
        next[size_t(l * 8 + 5)] = 0.1f;     // then 5
    }
    simulate::setNextTokenRanking(r, next, 4, 8);
    simulate::PlanStore crossing = simulate::predictorPlan(s, r, h);
    for (int64_t step = 0; step < s.steps; ++step)
        for (int l = 0; l < 4; ++l) {
            const size_t key = size_t(step * 4 + l);
            SCOPED_TRACE("step " + std::to_string(step) + " layer " + std::to_string(l));
            if (l + h < 4) {
                EXPECT_EQ(within.counts[key], 2);
                EXPECT_EQ(crossing.counts[key], 2);
                EXPECT_EQ(crossing.ids[key * 2], 6);
                continue;
            }
            EXPECT_EQ(within.counts[key], 0);
            if (step + 1 == s.steps) { // no next step
                EXPECT_EQ(crossing.counts[key], 0);
                continue;
            }
            ASSERT_EQ(crossing.counts[key], 2);
            EXPECT_EQ(crossing.ids[key * 2], ExpertId(l + h - 4));
            EXPECT_EQ(crossing.ids[key * 2 + 1], 5);
        }
}
