// BlockSource over trace folders (core/trace TraceSet).
#include "core/speculate/feature_basis_file.h"
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
    // The basis the features were computed with, for a predictor to carry into its folder.
    // Folders whose features come from different bases mean different things by them.
    if (const FeatureBasis* basis = first.featureBasis(); basis && !basis->empty()) {
        for (size_t i = 1; i < sets->size(); ++i) {
            const FeatureBasis* other = (*sets)[i].featureBasis();
            if (!other || !sameFeatureBasis(*basis, *other))
                throw Error("trace folders " + dirs.front() + " and " + dirs[i] +
                            " hold features of different bases (or one has none): they cannot be mixed");
        }
        s.featureBasis = std::shared_ptr<const FeatureBasis>(sets, basis); // owned by the sets
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
