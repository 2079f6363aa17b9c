// analyze() and token queries over a trace folder (TraceSet): the streaming source.
#include "core/analysis/analysis.h"

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
    AnalysisOptions o = options;
    o.idsRanked = options.idsRanked && traces.origin().idsRanked;
    AnalysisResult r = analyze(blockSource(traces, o.maxTokens), o, progress, traces.numTokens());
    r.traceDir = traces.dir();
    return r;
}

} // namespace specmoe
