// BlockSource over trace folders (core/trace TraceSet).
#include "core/speculate/source.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <memory>

namespace specmoe::speculate {

BlockSource openTraceSource(const std::vector<std::string>& dirs)
{
    if (dirs.empty())
        throw Error("no trace folder given");
    auto sets = std::make_shared<std::vector<TraceSet>>();
    for (const auto& d : dirs)
        sets->push_back(TraceSet::open(d));
    const TraceSet& first = sets->front();
    BlockSource s;
    s.dims = first.dims();
    s.fingerprint = first.fingerprint().modelConfigHash + "/" + first.fingerprint().tokenizerHash;
    s.description = dirs.front();
    for (size_t i = 1; i < sets->size(); ++i) {
        const TraceSet& t = (*sets)[i];
        if (!sameRouting(s.dims, t.dims()))
            throw Error("trace folders " + dirs.front() + " and " + dirs[i] +
                        " have different dimensions: traces of different models cannot be mixed");
        const TraceFingerprint& fa = first.fingerprint();
        const TraceFingerprint& fb = t.fingerprint();
        if (fa.modelConfigHash != fb.modelConfigHash || fa.tokenizerHash != fb.tokenizerHash)
            throw Error("trace folders " + dirs.front() + " and " + dirs[i] +
                        " come from different models (model or tokenizer hash differs): they cannot be mixed");
        s.description += ", " + dirs[i];
    }
    s.forEachBlock = [sets](const BlockVisitor& visit, int64_t maxTokens) {
        int64_t seen = 0;
        for (const TraceSet& t : *sets) {
            const bool wentOn = t.forEachBlock(
                [&](const RoutingBlock& b) {
                    seen += int64_t(b.numTokens());
                    return visit(b) && !(maxTokens > 0 && seen >= maxTokens);
                },
                size_t(1) << 14);
            if (!wentOn)
                return;
        }
    };
    return s;
}

} // namespace specmoe::speculate
