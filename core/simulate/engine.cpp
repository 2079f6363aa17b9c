#include "core/simulate/engine.h"

#include "core/util/error.h"

#include <algorithm>
#include <limits>

namespace specmoe::simulate {

const char* policyName(Policy p)
{
    switch (p) {
    case Policy::Lru: return "lru";
    case Policy::Lfu: return "lfu";
    case Policy::Static: return "static";
    case Policy::Belady: return "belady";
    }
    return "lru";
}

Policy parsePolicy(const std::string& name)
{
    for (Policy p : {Policy::Lru, Policy::Lfu, Policy::Static, Policy::Belady})
        if (name == policyName(p))
            return p;
    throw Error("unknown cache policy '" + name + "' (accepted: lru, lfu, static, belady)");
}

NextUseIndex buildNextUseIndex(const Schedule& s)
{
    if (s.steps >= int64_t(std::numeric_limits<uint32_t>::max()))
        throw Error("simulate: Belady's index holds at most 2^32 - 1 steps");
    NextUseIndex x;
    x.layers = s.layers;
    x.experts = s.experts;
    const size_t L = size_t(s.layers), E = size_t(s.experts);
    x.starts.assign(L * E + 1, 0);
    for (int64_t key = 0; key < s.keys(); ++key) {
        const size_t l = size_t(key) % L;
        const ExpertId* ids = s.at(key);
        for (int j = 0; j < s.counts[size_t(key)]; ++j)
            ++x.starts[l * E + ids[j] + 1];
    }
    for (size_t i = 1; i < x.starts.size(); ++i)
        x.starts[i] += x.starts[i - 1];
    x.steps.resize(size_t(x.starts.back()));
    std::vector<int64_t> fill(x.starts.begin(), x.starts.end() - 1);
    for (int64_t key = 0; key < s.keys(); ++key) {
        const size_t l = size_t(key) % L;
        const ExpertId* ids = s.at(key);
        for (int j = 0; j < s.counts[size_t(key)]; ++j)
            x.steps[size_t(fill[l * E + ids[j]]++)] = uint32_t(size_t(key) / L);
    }
    return x;
}

namespace {

enum : uint8_t {
    kResident = 1,   // in the cache, or on its way there
    kPrefetched = 2, // brought by the prefetcher and not used yet
    kHot = 4,        // the static policy's pinned set
    kStaged = 8,     // static policy: a prefetched expert outside the hot set, used once
    kCounted = 16,   // prefetched after the warm-up: its use counts
};
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

class Engine {
public:
    Engine(const Schedule& s, const EngineSetting& set, const EngineCost& cost, const PrefetchPlan& plan,
           const HotSet* hot, const NextUseIndex* nextUse, const ComputeObserver* observe)
        : m_s(s), m_set(set), m_cost(cost), m_plan(plan), m_next(nextUse), m_observe(observe), m_L(s.layers),
          m_E(s.experts)
    {
        check(hot);
        const size_t n = size_t(m_L) * size_t(m_E);
        m_flags.assign(n, 0);
        m_ready.assign(n, 0.0);
        m_last.assign(n, 0);
        m_freq.assign(n, 0);
        m_nextUse.assign(n, kNever);
        m_pin.assign(n, -1);
        m_protectUntil.assign(n, -1);
        m_occupied.assign(size_t(m_L), 0);
        m_staged.assign(n, 0);
        m_stagedCount.assign(size_t(m_L), 0);
        if (m_next)
            m_cursor.assign(m_next->starts.begin(), m_next->starts.end() - 1);
        m_transfer = cost.expertBytes / set.linkBytesPerSecond;
        m_c.stallPerLayer.assign(size_t(m_L), 0.0);
        if (m_set.policy == Policy::Static)
            for (int l = 0; l < m_L; ++l)
                for (int j = 0; j < std::min(m_set.capacity, m_E); ++j)
                    m_flags[size_t(l) * size_t(m_E) + hot->ranked[size_t(l) * size_t(m_E) + size_t(j)]] =
                        kResident | kHot;
        m_prefetching = !m_plan.empty() && m_set.budget > 0;
    }

    EngineCounters run()
    {
        double now = 0.0, start = 0.0;
        for (int64_t step = 0; step < m_s.steps; ++step) {
            m_counting = step >= m_set.warmupSteps;
            if (step == m_set.warmupSteps)
                start = now;
            for (int l = 0; l < m_L; ++l)
                now = layer(step, l, now);
            if (m_counting) {
                ++m_c.steps;
                m_c.tokens += m_s.active[size_t(step)];
            }
        }
        m_c.seconds = m_s.steps > m_set.warmupSteps ? now - start : 0.0;
        return m_c;
    }

private:
    void check(const HotSet* hot) const
    {
        if (m_set.capacity < 0 || m_set.capacity > m_E)
            throw Error("simulate: a cache of " + std::to_string(m_set.capacity) + " experts per layer (accepted: 0.." +
                        std::to_string(m_E) + ")");
        if (!(m_set.linkBytesPerSecond > 0.0) || !(m_set.linkLatencySeconds >= 0.0))
            throw Error("simulate: the link needs a bandwidth > 0 and a latency >= 0");
        if (m_set.budget > 0 && (m_set.horizon < 1 || m_set.horizon >= m_L))
            throw Error("simulate: horizon " + std::to_string(m_set.horizon) + " (accepted: 1.." +
                        std::to_string(m_L - 1) + ")");
        if (m_set.budget > 0 && !m_plan.empty() && m_plan.offset != 0 && m_plan.offset != m_set.horizon)
            throw Error("simulate: the oracle's plan was built for another horizon");
        if (m_cost.computeSeconds.size() < size_t(m_s.width) + 1)
            throw Error("simulate: the compute-time table is shorter than the schedule's width");
        if (m_set.policy == Policy::Static && (!hot || hot->ranked.size() != size_t(m_L) * size_t(m_E)))
            throw Error("simulate: the static policy needs the hot set of the training split");
        if (m_set.policy == Policy::Belady && !m_next)
            throw Error("simulate: Belady's policy needs the schedule's next-use index");
    }

    // Hot loop: runs once per (step, layer) of every setting of a sweep (32 M times for 1 M
    // Mixtral tokens); it allocates nothing and touches only the layer's E entries.
    double layer(int64_t step, int l, double now)
    {
        const int64_t key = step * m_L + l;
        m_key = key;
        const int n = m_s.counts[size_t(key)];
        const ExpertId* ids = m_s.at(key);
        const size_t base = size_t(l) * size_t(m_E);
        for (int j = 0; j < n; ++j)
            m_pin[base + ids[j]] = key;
        double ready = now;
        for (int j = 0; j < n; ++j) {
            const size_t i = base + ids[j];
            const uint8_t f = m_flags[i];
            if (f & kResident) {
                if (m_counting)
                    ++m_c.hits;
                if (m_ready[i] > now) {
                    m_c.lateHits += m_counting;
                    ready = std::max(ready, m_ready[i]);
                }
                if (f & kPrefetched) {
                    m_c.prefetchesUsed += (f & kCounted) ? 1 : 0;
                    m_flags[i] = uint8_t(f & ~(kPrefetched | kCounted));
                }
                if (f & kStaged)
                    m_flags[i] = 0; // used once, then its staging slot is free
            } else {
                const double arrival = transfer(now);
                ready = std::max(ready, arrival);
                if (m_counting) {
                    ++m_c.misses;
                    m_c.demandBytes += m_cost.expertBytes;
                }
                if (m_set.policy != Policy::Static && makeRoom(l)) {
                    m_flags[i] = kResident;
                    ++m_occupied[size_t(l)];
                    m_ready[i] = arrival;
                } else {
                    m_c.bypassed += m_counting;
                }
            }
            touch(i, step);
        }
        m_c.requests += m_counting ? n : 0;
        if (m_observe)
            (*m_observe)(step, l, ids, n);
        const double stall = ready - now;
        const double compute = m_cost.computeSeconds[size_t(n)];
        if (m_counting) {
            m_c.stallSeconds += stall;
            m_c.stallPerLayer[size_t(l)] += stall;
            m_c.computeSeconds += compute;
        }
        // The router of layer l has run when its compute starts: the prefetcher acts then.
        if (m_prefetching)
            prefetch(key, ready);
        if (m_stagedCount[size_t(l)] > 0)
            expireStaged(l, key);
        return ready + compute;
    }

    double transfer(double t)
    {
        const double begin = std::max(m_linkFree, t);
        m_linkFree = begin + m_transfer;
        if (m_counting)
            m_c.linkBusySeconds += m_transfer;
        return m_linkFree + m_set.linkLatencySeconds;
    }

    void touch(size_t i, int64_t step)
    {
        m_last[i] = ++m_clock;
        ++m_freq[i];
        if (m_next)
            m_nextUse[i] = nextUseFrom(i, step + 1);
    }

    int64_t nextUseFrom(size_t i, int64_t step)
    {
        int64_t& c = m_cursor[i];
        const int64_t end = m_next->starts[i + 1];
        while (c < end && int64_t(m_next->steps[size_t(c)]) < step)
            ++c;
        return c < end ? int64_t(m_next->steps[size_t(c)]) : kNever;
    }

    bool evictable(size_t i) const
    {
        const uint8_t f = m_flags[i];
        if (!(f & kResident) || m_pin[i] == m_key)
            return false;
        // The plan's experts for a layer still to run stay (fetched now or already resident).
        return !(m_set.protectPrefetched && m_protectUntil[i] >= m_key);
    }

    // Frees a slot of layer l when the cache is full; false when every resident expert is
    // needed now or protected.
    bool makeRoom(int l)
    {
        if (m_occupied[size_t(l)] < m_set.capacity)
            return true;
        const size_t base = size_t(l) * size_t(m_E);
        size_t victim = SIZE_MAX;
        for (size_t i = base; i < base + size_t(m_E); ++i) {
            if (!evictable(i))
                continue;
            if (victim == SIZE_MAX || better(i, victim))
                victim = i;
        }
        if (victim == SIZE_MAX)
            return false;
        m_flags[victim] = 0;
        --m_occupied[size_t(l)];
        return true;
    }

    // Whether i is a better victim than j under the policy (ties: least recently used).
    bool better(size_t i, size_t j) const
    {
        switch (m_set.policy) {
        case Policy::Lfu:
            if (m_freq[i] != m_freq[j])
                return m_freq[i] < m_freq[j];
            break;
        case Policy::Belady:
            if (m_nextUse[i] != m_nextUse[j])
                return m_nextUse[i] > m_nextUse[j];
            break;
        default: break;
        }
        return m_last[i] < m_last[j];
    }

    void prefetch(int64_t key, double issue)
    {
        const int64_t src = key + m_plan.offset;
        if (src >= m_plan.keys)
            return;
        const int64_t target = key + m_set.horizon;
        const int tl = int(target % m_L);
        const int64_t targetStep = target / m_L;
        const int cnt = std::min<int>(m_plan.counts[size_t(src)], m_set.budget);
        const ExpertId* ids = m_plan.ids + size_t(src) * size_t(m_plan.width);
        const size_t base = size_t(tl) * size_t(m_E);
        // The plan's resident experts first, so that fetching the others cannot evict them.
        for (int j = 0; j < cnt; ++j) {
            const size_t i = base + ids[j];
            if ((m_flags[i] & kResident) && !(m_flags[i] & kHot))
                m_protectUntil[i] = std::max(m_protectUntil[i], target);
        }
        for (int j = 0; j < cnt; ++j) {
            const size_t i = base + ids[j];
            if (m_flags[i] & kResident)
                continue;
            uint8_t flags = kResident | kPrefetched | (m_counting ? kCounted : 0);
            if (m_set.policy == Policy::Static) {
                if (m_stagedCount[size_t(tl)] >= m_set.budget) {
                    m_c.prefetchesDropped += m_counting;
                    continue;
                }
                m_staged[base + size_t(m_stagedCount[size_t(tl)]++)] = ids[j];
                flags |= kStaged;
            } else if (makeRoom(tl)) {
                ++m_occupied[size_t(tl)];
            } else {
                m_c.prefetchesDropped += m_counting;
                continue;
            }
            m_flags[i] = flags;
            m_ready[i] = transfer(issue);
            m_protectUntil[i] = target;
            m_last[i] = ++m_clock;
            if (m_next)
                m_nextUse[i] = nextUseFrom(i, targetStep);
            if (m_counting) {
                ++m_c.prefetches;
                m_c.prefetchBytes += m_cost.expertBytes;
            }
        }
    }

    // Static policy: staged experts whose layer has run leave the staging area (used or not).
    void expireStaged(int l, int64_t key)
    {
        const size_t base = size_t(l) * size_t(m_E);
        int kept = 0;
        for (int j = 0; j < m_stagedCount[size_t(l)]; ++j) {
            const ExpertId e = m_staged[base + size_t(j)];
            const size_t i = base + e;
            if ((m_flags[i] & kStaged) && m_protectUntil[i] > key)
                m_staged[base + size_t(kept++)] = e;
            else if (m_flags[i] & kStaged)
                m_flags[i] = 0;
        }
        m_stagedCount[size_t(l)] = kept;
    }

    const Schedule& m_s;
    EngineSetting m_set;
    const EngineCost& m_cost;
    PrefetchPlan m_plan;
    const NextUseIndex* m_next;
    const ComputeObserver* m_observe;
    int m_L, m_E;
    bool m_prefetching = false, m_counting = false;
    int64_t m_key = 0;
    uint64_t m_clock = 0;
    double m_linkFree = 0.0, m_transfer = 0.0;
    std::vector<uint8_t> m_flags;
    std::vector<double> m_ready;
    std::vector<uint64_t> m_last;
    std::vector<uint32_t> m_freq;
    std::vector<int64_t> m_nextUse, m_pin, m_protectUntil, m_cursor;
    std::vector<int> m_occupied, m_stagedCount;
    std::vector<ExpertId> m_staged; // [L, E]: per layer, the staged experts first
    EngineCounters m_c;
};

} // namespace

EngineCounters replay(const Schedule& schedule, const EngineSetting& setting, const EngineCost& cost,
                      const PrefetchPlan& plan, const HotSet* hot, const NextUseIndex* nextUse,
                      const ComputeObserver* observe)
{
    Engine engine(schedule, setting, cost, plan, hot, nextUse, observe);
    return engine.run();
}

} // namespace specmoe::simulate
