// analyze() and token queries over a trace folder (TraceSet): the streaming source.
#include "core/analysis/analysis.h"
#include "core/util/error.h"

#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"

namespace specmoe {

BlockSource blockSource(const TraceSet& traces, int64_t maxTokens)
{
    return [&traces, maxTokens](const BlockVisitor& visit) {
        int64_t seen = 0;
        traces.forEachBlock([&](const RoutingBlock& b) {
            seen += static_cast<int64_t>(b.numTokens());
            return visit(b) && !(maxTokens > 0 && seen >= maxTokens);
        });
    };
}

AnalysisResult analyze(const TraceSet& traces, const AnalysisOptions& options,
                       const ProgressFn& progress)
{
    // A folder whose writer stopped before its first shard (a killed reshard, merge or import)
    // would give an analysis of zero layers and experts that reads like a result.
    if (traces.numTokens() == 0)
        throw Error("trace " + traces.dir() + " holds no token" +
                    (traces.complete() ? std::string()
                                       : " (it is incomplete: the command that wrote it stopped or failed; rerun it)") +
                    "; nothing to analyze");
    AnalysisOptions o = options;
    o.idsRanked = options.idsRanked && traces.origin().idsRanked;
    AnalysisResult r = analyze(blockSource(traces, o.maxTokens), o, progress, traces.numTokens());
    r.traceDir = traces.dir();
    return r;
}

} // namespace specmoe
