#pragma once
// Hand-made schedules for the engine tests: random routing of a few layers and experts,
// whose answers follow by arithmetic.
#include "core/simulate/engine.h"
#include "core/simulate/schedule.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace specmoe::test {

// `sequences` sequences of `length` tokens, each token's top-k drawn at random from E
// experts (skewed towards low ids when skew > 0 so caches have something to keep).
inline simulate::TokenStore randomStore(int layers, int experts, int topk, int sequences, int length, uint64_t seed,
                                        double skew = 1.0)
{
    simulate::TokenStore s;
    s.layers = layers;
    s.experts = experts;
    s.topk = topk;
    std::mt19937_64 rng(seed);
    std::vector<double> w(static_cast<size_t>(experts));
    for (int e = 0; e < experts; ++e)
        w[size_t(e)] = 1.0 / std::pow(1.0 + e, skew);
    std::discrete_distribution<int> pick(w.begin(), w.end());
    for (int q = 0; q < sequences; ++q) {
        s.sequenceStarts.push_back(s.tokens());
        for (int t = 0; t < length; ++t)
            for (int l = 0; l < layers; ++l) {
                std::vector<ExpertId> set;
                while (int(set.size()) < topk) {
                    const ExpertId e = ExpertId(pick(rng));
                    if (std::find(set.begin(), set.end(), e) == set.end())
                        set.push_back(e);
                }
                s.ids.insert(s.ids.end(), set.begin(), set.end());
            }
    }
    return s;
}

// A cost with a fixed compute time per layer.
inline simulate::EngineCost fixedCost(const simulate::Schedule& s, double expertBytes, double computeSeconds)
{
    simulate::EngineCost c;
    c.expertBytes = expertBytes;
    c.computeSeconds.assign(size_t(s.width) + 1, computeSeconds);
    return c;
}

} // namespace specmoe::test
