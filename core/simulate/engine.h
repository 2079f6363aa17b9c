#pragma once
// The offloading engine the simulation replays a schedule through: a per-layer expert cache
// on the GPU, a link to host memory shared by demand and prefetch fetches, compute time per
// layer, and a prefetcher that fetches the experts a plan names h layers ahead. The model and
// its equations: docs/simulation.md.
#include "core/simulate/schedule.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe::simulate {

enum class Policy { Lru, Lfu, Static, Belady };
const char* policyName(Policy p);             // "lru", "lfu", "static", "belady"
Policy parsePolicy(const std::string& name);  // throws Error naming the accepted names

struct EngineSetting {
    Policy policy = Policy::Lru;
    int capacity = 0;                  // routed experts cached per layer (0..E)
    double linkBytesPerSecond = 50e9;
    double linkLatencySeconds = 10e-6; // added to every transfer's arrival
    int budget = 0;                    // experts of the plan fetched per layer (0 = no prefetch)
    int horizon = 1;                   // the plan's source is h layers before its target
    // The experts a plan names for a layer (fetched, or found resident) are not evicted
    // before that layer has run, i.e. until used (or found useless).
    bool protectPrefetched = true;
    int64_t warmupSteps = 0;           // steps run but not counted
};

// What a layer costs: the bytes of one expert on the link and computeSeconds[n], the time of
// a layer whose batch uses n distinct routed experts (0..schedule width).
struct EngineCost {
    double expertBytes = 0;
    std::vector<double> computeSeconds;
};

struct EngineCounters {
    int64_t steps = 0, tokens = 0;
    int64_t requests = 0;      // (step, layer, expert) the compute needs
    int64_t hits = 0;          // ... found resident (or in flight from a prefetch)
    int64_t lateHits = 0;      // ... of those, still in flight: the layer waited for them
    int64_t misses = 0;        // demand fetches
    int64_t bypassed = 0;      // demand fetches with no slot to keep them (used once)
    int64_t prefetches = 0;    // transfers issued by the prefetcher
    int64_t prefetchesUsed = 0;   // ... used before leaving the cache
    int64_t prefetchesDropped = 0; // plan entries not fetched: no slot could be freed
    double seconds = 0, stallSeconds = 0, computeSeconds = 0, linkBusySeconds = 0;
    double demandBytes = 0, prefetchBytes = 0;
    std::vector<double> stallPerLayer; // seconds, summed over the counted steps
};

// The static policy's hot set: per layer the experts ranked by use on the training split
// ([L, E], most used first); the first `capacity` stay resident.
struct HotSet {
    int experts = 0;
    std::vector<ExpertId> ranked;
};

// Belady's look into the future: per (layer, expert), the steps that use it, in order.
struct NextUseIndex {
    int layers = 0, experts = 0;
    std::vector<int64_t> starts; // [L * E + 1] into steps
    std::vector<uint32_t> steps; // 4 bytes a request: a schedule holds fewer than 2^32 steps
};
NextUseIndex buildNextUseIndex(const Schedule& s);

// Called once per (step, layer) with the experts that compute it (tests: prefetching must
// never change them).
using ComputeObserver = std::function<void(int64_t step, int layer, const ExpertId* ids, int n)>;

// Replays the schedule. `hot` is needed by the static policy, `nextUse` by Belady; an empty
// plan or a budget of 0 prefetches nothing.
EngineCounters replay(const Schedule& schedule, const EngineSetting& setting, const EngineCost& cost,
                      const PrefetchPlan& plan, const HotSet* hot = nullptr, const NextUseIndex* nextUse = nullptr,
                      const ComputeObserver* observe = nullptr);

} // namespace specmoe::simulate
