#include "core/collect/auto_batch.h"

#include "core/model/memory.h"
#include "core/util/error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace specmoe {

int64_t smallestNearBest(const std::vector<int64_t>& candidates, const std::vector<double>& tokensPerSecond,
                         double tolerance)
{
    if (candidates.empty() || candidates.size() != tokensPerSecond.size())
        return 1;
    const double best = *std::max_element(tokensPerSecond.begin(), tokensPerSecond.end());
    int64_t pick = 0;
    for (size_t i = 0; i < candidates.size(); ++i)
        if (tokensPerSecond[i] >= (1.0 - tolerance) * best && (pick == 0 || candidates[i] < pick))
            pick = candidates[i];
    return std::max<int64_t>(pick, 1);
}

namespace {

std::string passText(int64_t batch, int64_t seqLen)
{
    return std::to_string(batch) + " x " + std::to_string(seqLen) + " tokens";
}

} // namespace

AutoBatchChoice chooseAutoBatch(const AutoBatchInput& in, const BatchProbe& probe, double probeBudgetSeconds,
                                int64_t probeBudgetTokens, const std::string& where)
{
    AutoBatchChoice c;
    const int64_t T = std::max<int64_t>(in.seqLen, 1);
    const int64_t usable = int64_t(double(std::max<int64_t>(in.freeBytes, 0)) * in.memoryFraction);
    c.memoryCap = maxBatchForMemory(in.config, in.dtype, T, usable, in.numLookahead, false);
    if (c.memoryCap < 1)
        throw Error("collect: not even one sequence of " + std::to_string(T) + " tokens fits the free memory of " +
                    where + " (" + std::to_string(std::max<int64_t>(in.freeBytes, 0) >> 20) +
                    " MiB after the weights); lower --max-length or pick another residency/device");
    const int64_t top = std::clamp<int64_t>(std::min({c.memoryCap, kMaxAutoBatch, std::max<int64_t>(in.sequences, 1)}),
                                            1, kMaxAutoBatch);
    if (!probe) {
        c.batch = in.cuda ? top
                          : std::clamp<int64_t>(std::max<int64_t>((kCpuPassTokens + T - 1) / T, in.cores), 1, top);
        c.note = "automatic batch " + passText(c.batch, T) + " (" +
                 (in.cuda ? "the most the memory share allows" : "about " + std::to_string(kCpuPassTokens) +
                                                                      " tokens per pass") +
                 ", measured when the run starts; memory allows " + std::to_string(c.memoryCap) + ")";
        return c;
    }
    int64_t tokens = 0, stale = 0;
    double best = 0, last = 0;
    int64_t lastTokensPerPass = 1;
    const int64_t first = in.cuda ? 1 : std::clamp<int64_t>(in.cores, 1, top);
    for (int64_t b = first;; b = std::min(b * 2, top)) {
        // The next candidate must fit the budgets (it costs about twice the last one).
        if (!c.candidates.empty() &&
            (tokens + b * T * lastTokensPerPass > probeBudgetTokens || c.probeSeconds + 2 * last > probeBudgetSeconds))
            break;
        const BatchMeasure m = probe(b);
        last = m.seconds;
        c.candidates.push_back(b);
        c.tokensPerSecond.push_back(m.tokensPerSecond);
        c.probeSeconds += m.seconds;
        const int64_t routed = m.tokens > 0 ? m.tokens : b * T;
        tokens += routed;
        lastTokensPerPass = std::max<int64_t>(1, routed / (b * T)); // passes per measurement
        // Two doublings in a row without a gain beyond the tolerance: the curve is flat.
        stale = m.tokensPerSecond > (1.0 + kAutoBatchTolerance) * best ? 0 : stale + 1;
        best = std::max(best, m.tokensPerSecond);
        if (b >= top || stale >= 2)
            break;
    }
    c.batch = smallestNearBest(c.candidates, c.tokensPerSecond);
    c.measured = true;
    char rates[512] = "";
    for (size_t i = 0; i < c.candidates.size(); ++i) {
        char one[64];
        std::snprintf(one, sizeof one, "%s%lld: %.0f", i ? ", " : "", static_cast<long long>(c.candidates[i]),
                      c.tokensPerSecond[i]);
        if (std::strlen(rates) + std::strlen(one) < sizeof rates)
            std::strcat(rates, one);
    }
    char probeText[64];
    std::snprintf(probeText, sizeof probeText, "%.1f s", c.probeSeconds);
    c.note = "automatic batch " + passText(c.batch, T) + ": the smallest within " +
             std::to_string(int(kAutoBatchTolerance * 100 + 0.5)) + "% of the best measured tokens/s (" + rates +
             "; probe " + probeText + "; memory allows " + std::to_string(c.memoryCap) + ")";
    return c;
}

} // namespace specmoe
