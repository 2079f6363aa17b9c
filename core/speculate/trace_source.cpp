// BlockSource over trace folders (core/trace TraceSet).
#include "core/speculate/feature_basis_file.h"
#include "core/speculate/source.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <tuple>

namespace specmoe::speculate {
namespace {

// Folders read one after another must not hold the same sequence (one folder given twice, a
// set and one of its members, a copy): its tokens would be trained on and counted twice.
// Each TraceSet has unique ids already; the manifests' id runs are compared across them.
void requireDisjointSequences(const std::vector<TraceSet>& sets, const std::vector<std::string>& dirs)
{
    std::vector<std::tuple<int64_t, int64_t, size_t>> runs; // first, last, folder
    for (size_t i = 0; i < sets.size(); ++i)
        for (const ShardInfo& sh : sets[i].shards())
            for (const auto& [first, last] : sh.seqRanges)
                runs.emplace_back(first, last, i);
    std::sort(runs.begin(), runs.end());
    int64_t reach = INT64_MIN; // highest id of the runs so far, and whose it is
    size_t owner = 0;
    for (const auto& [first, last, folder] : runs) {
        if (first <= reach && folder != owner) {
            const size_t a = std::min(owner, folder), b = std::max(owner, folder);
            throw Error("trace folders " + dirs[a] + " and " + dirs[b] + " both hold sequence id " +
                        std::to_string(first) + ": their sequences would be read twice (a folder given twice, "
                        "a set and one of its members, or a copy); give each trace once");
        }
        if (last > reach) {
            reach = last;
            owner = folder;
        }
    }
}

} // namespace

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
    requireDisjointSequences(*sets, dirs);
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
