#include "core/trace/routing.h"

#include "core/util/error.h"
#include "core/util/half.h"

#include <string>

namespace specmoe {

bool sameRouting(const TraceDims& a, const TraceDims& b)
{
    return a.layers == b.layers && a.experts == b.experts && a.topk == b.topk && a.lookahead == b.lookahead;
}

bool operator==(const TraceDims& a, const TraceDims& b)
{
    return sameRouting(a, b) && a.hasLogits == b.hasLogits;
}

std::string describeDims(const TraceDims& d)
{
    std::string la;
    for (int x : d.lookahead)
        la += (la.empty() ? "" : ",") + std::to_string(x);
    return "layers " + std::to_string(d.layers) + ", experts " + std::to_string(d.experts) + ", top-" +
           std::to_string(d.topk) + ", lookahead {" + la + "}, logits " + (d.hasLogits ? "yes" : "no");
}

float RoutingBlock::weight(size_t token, int layer, int j) const
{
    return halfToFloat(topkWeights[idx(token, layer, j)]);
}

void RoutingBlock::append(const RoutingBlock& o)
{
    const int64_t base = static_cast<int64_t>(numTokens());
    for (SequenceRecord s : o.sequences) {
        s.tokenOffset += base;
        sequences.push_back(std::move(s));
    }
    tokenIds.insert(tokenIds.end(), o.tokenIds.begin(), o.tokenIds.end());
    seqIds.insert(seqIds.end(), o.seqIds.begin(), o.seqIds.end());
    positions.insert(positions.end(), o.positions.begin(), o.positions.end());
    topkIds.insert(topkIds.end(), o.topkIds.begin(), o.topkIds.end());
    topkWeights.insert(topkWeights.end(), o.topkWeights.begin(), o.topkWeights.end());
    logits.insert(logits.end(), o.logits.begin(), o.logits.end());
    lookaheadIds.insert(lookaheadIds.end(), o.lookaheadIds.begin(), o.lookaheadIds.end());
}

void RoutingBlock::validate() const
{
    const size_t n = numTokens();
    const size_t lk = size_t(dims.layers) * size_t(dims.topk);
    auto check = [](bool ok, const std::string& what) {
        if (!ok)
            throw Error("routing block: " + what);
    };
    check(dims.layers > 0 && dims.experts > 0 && dims.topk > 0 && dims.topk <= dims.experts,
          "invalid dimensions");
    check(dims.experts < kNoExpert, "more than " + std::to_string(int(kNoExpert) - 1) + " experts");
    check(seqIds.size() == n && positions.size() == n, "per-token arrays differ in length");
    check(topkIds.size() == n * lk, "top-k ids have the wrong size");
    check(topkWeights.size() == n * lk, "top-k weights have the wrong size");
    check(!dims.hasLogits || logits.size() == n * size_t(dims.layers) * size_t(dims.experts),
          "router logits have the wrong size");
    check(lookaheadIds.size() == n * lk * dims.lookahead.size(), "lookahead ids have the wrong size");
    // Messages are built only on failure: this loop runs over every stored id.
    for (ExpertId e : topkIds)
        if (e >= dims.experts)
            check(false, "expert id " + std::to_string(e) + " out of range");
    int64_t covered = 0;
    for (const auto& s : sequences) {
        if (s.tokenOffset != covered)
            check(false, "sequence table not contiguous at seq " + std::to_string(s.seqId));
        if (s.length <= 0)
            check(false, "empty sequence " + std::to_string(s.seqId));
        covered += s.length;
    }
    check(covered == static_cast<int64_t>(n), "sequence table does not cover all tokens");
}

void RoutingBlock::clear()
{
    sequences.clear();
    tokenIds.clear();
    seqIds.clear();
    positions.clear();
    topkIds.clear();
    topkWeights.clear();
    logits.clear();
    lookaheadIds.clear();
}

} // namespace specmoe
