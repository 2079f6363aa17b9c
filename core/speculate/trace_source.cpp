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
        const TraceDims& a = s.dims;
        const TraceDims& b = t.dims();
        if (a.layers != b.layers || a.experts != b.experts || a.topk != b.topk || a.lookahead != b.lookahead)
            throw Error("trace folders " + dirs.front() + " and " + dirs[i] +
                        " have different dimensions: traces of different models cannot be mixed");
        const TraceFingerprint& fa = first.fingerprint();
        const TraceFingerprint& fb = t.fingerprint();
        if (fa.modelConfigHash != fb.modelConfigHash || fa.tokenizerHash != fb.tokenizerHash)
            throw Error("trace folders " + dirs.front() + " and " + dirs[i] +
                        " come from different models (model or tokenizer hash differs): they cannot be mixed");
        s.description += ", " + dirs[i];
    }
    s.forEachBlock = [sets](const BlockFn& fn, int64_t maxTokens) {
        int64_t seen = 0;
        struct Stop {};
        try {
            for (const TraceSet& t : *sets)
                t.forEachBlock(
                    [&](const RoutingBlock& b) {
                        if (maxTokens > 0 && seen >= maxTokens)
                            throw Stop{};
                        fn(b);
                        seen += int64_t(b.numTokens());
                    },
                    size_t(1) << 14);
        } catch (const Stop&) {
        }
    };
    return s;
}

} // namespace specmoe::speculate
