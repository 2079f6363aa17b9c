#include "core/analysis/block_check.h"

#include "core/util/error.h"

#include <algorithm>
#include <string>

namespace specmoe::analysis_detail {

void checkBlock(const RoutingBlock& b)
{
    const TraceDims& d = b.dims;
    auto fail = [](const std::string& what) { throw Error("analysis: routing block: " + what); };
    if (d.layers <= 0 || d.experts <= 0 || d.topk <= 0 || d.topk > d.experts)
        fail("invalid dimensions");
    if (d.experts >= int(kNoExpert))
        fail(std::to_string(d.experts) + " experts do not fit this build's " + std::to_string(8 * sizeof(ExpertId)) +
             "-bit expert ids");
    const size_t n = b.numTokens();
    const size_t lk = size_t(d.layers) * size_t(d.topk);
    if (b.seqIds.size() != n || b.positions.size() != n)
        fail("per-token arrays differ in length");
    if (b.topkIds.size() != n * lk)
        fail("top-k ids have the wrong size");
    if (b.topkWeights.size() != (d.hasWeights ? n * lk : 0))
        fail(d.hasWeights ? "top-k weights have the wrong size" : "top-k weights present although the dims say none");
    int64_t covered = 0;
    for (const auto& s : b.sequences) {
        if (s.tokenOffset != covered)
            fail("sequence table not contiguous at seq " + std::to_string(s.seqId));
        if (s.length <= 0)
            fail("empty sequence " + std::to_string(s.seqId));
        covered += s.length;
    }
    if (covered != static_cast<int64_t>(n))
        fail("sequence table does not cover all tokens");
    ExpertId mx = 0;
    for (ExpertId e : b.topkIds)
        mx = std::max(mx, e);
    if (n > 0 && mx >= d.experts)
        fail("expert id " + std::to_string(int(mx)) + " out of range (" + std::to_string(d.experts) +
             " experts)");
}

} // namespace specmoe::analysis_detail
