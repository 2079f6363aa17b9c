#include "core/trace/block_check.h"

#include "core/trace/token_id.h"
#include "core/util/error.h"
#include "core/util/half.h"

#include <algorithm>
#include <climits>
#include <cstdint>

namespace specmoe::shard {
namespace {

// Each test below is a branch-free reduction over a whole array (the compiler vectorizes
// them): the common case, a good block, costs one pass at memory speed. Only a bad block
// pays for finding the first bad element.

// The maximum of 16-bit ids as a signed maximum of x ^ 0x8000: baseline x86-64 (SSE2) has a
// signed but no unsigned 16-bit max, and the unsigned loop ran scalar (a third of a read).
int maxId(const ExpertId* p, size_t n, unsigned add)
{
    int16_t hi = INT16_MIN;
    for (size_t i = 0; i < n; ++i)
        hi = std::max(hi, int16_t(uint16_t(p[i] + add) ^ 0x8000u));
    return int(uint16_t(uint16_t(hi) ^ 0x8000u));
}

bool idsBelow(const std::vector<ExpertId>& v, int limit)
{
    return v.empty() || maxId(v.data(), v.size(), 0) < limit;
}

// kNoExpert (the type's maximum) + 1 wraps to 0: valid ids map to 1..limit.
bool lookaheadBelow(const std::vector<ExpertId>& v, int limit)
{
    return v.empty() || maxId(v.data(), v.size(), 1) <= limit;
}

// float16: finite and >= 0 is 0x0000..0x7bff, or -0 (0x8000).
bool isBadWeight(uint16_t w) { return w > 0x7bff && w != 0x8000; }
bool weightsOk(const std::vector<uint16_t>& v)
{
    unsigned bad = 0;
    for (uint16_t w : v)
        bad |= unsigned(w > 0x7bff) & unsigned(w != 0x8000);
    return bad == 0;
}

bool isBadLogit(uint16_t w) { return (w & 0x7fff) >= 0x7c00; } // exponent all ones: Inf/NaN
bool logitsOk(const std::vector<uint16_t>& v)
{
    uint16_t hi = 0;
    for (uint16_t w : v)
        hi = std::max(hi, uint16_t(w & 0x7fff));
    return hi < 0x7c00;
}

bool atLeast(const std::vector<int32_t>& v, int32_t floor)
{
    int32_t lo = floor;
    for (int32_t x : v)
        lo = std::min(lo, x);
    return lo >= floor;
}

template <class T, class Bad>
size_t firstBad(const std::vector<T>& v, Bad bad)
{
    return size_t(std::find_if(v.begin(), v.end(), bad) - v.begin());
}

// "<label>: sequence S (token t[, layer l]): <what>" for element `index` of an array with
// `perToken` elements per token and `perLayer` per layer (0: no layer).
[[noreturn]] void fail(const RoutingBlock& b, const std::string& label, size_t index, size_t perToken,
                       size_t perLayer, const std::string& what)
{
    const int64_t row = int64_t(index / perToken);
    std::string where = label + ": ";
    const auto seq = std::find_if(b.sequences.begin(), b.sequences.end(), [&](const SequenceRecord& s) {
        return row >= s.tokenOffset && row < s.tokenOffset + s.length;
    });
    if (seq != b.sequences.end())
        where += "sequence " + std::to_string(seq->seqId) + " (token " + std::to_string(row - seq->tokenOffset);
    else
        where += "(row " + std::to_string(row);
    if (perLayer)
        where += ", layer " + std::to_string((index % perToken) / perLayer);
    throw Error(where + "): " + what);
}

} // namespace

void checkBlockValues(const RoutingBlock& b, const std::string& label)
{
    const TraceDims& d = b.dims;
    const int E = d.experts;
    const size_t lk = size_t(d.layers) * size_t(d.topk);
    if (!idsBelow(b.topkIds, E)) {
        const size_t i = firstBad(b.topkIds, [&](ExpertId x) { return int(x) >= E; });
        fail(b, label, i, lk, size_t(d.topk),
             "top-k expert id " + std::to_string(b.topkIds[i]) + " is not below the expert count " +
                 std::to_string(E));
    }
    if (!lookaheadBelow(b.lookaheadIds, E)) {
        const size_t i = firstBad(b.lookaheadIds, [&](ExpertId x) { return int(x) >= E && x != kNoExpert; });
        const size_t perLayer = d.lookahead.size() * size_t(d.topk);
        fail(b, label, i, lk * d.lookahead.size(), perLayer,
             "lookahead expert id " + std::to_string(b.lookaheadIds[i]) + " is not below the expert count " +
                 std::to_string(E) + " (nor " + std::to_string(int(kNoExpert)) + ", no layer)");
    }
    if (!weightsOk(b.topkWeights)) {
        const size_t i = firstBad(b.topkWeights, isBadWeight);
        fail(b, label, i, lk, size_t(d.topk),
             "top-k weight " + std::to_string(halfToFloat(b.topkWeights[i])) + " is not a finite number >= 0");
    }
    if (!logitsOk(b.logits)) {
        const size_t i = firstBad(b.logits, isBadLogit);
        fail(b, label, i, size_t(d.layers) * size_t(E), size_t(E),
             "router logit " + std::to_string(halfToFloat(b.logits[i])) + " is not finite");
    }
    if (!logitsOk(b.features)) {
        const size_t i = firstBad(b.features, isBadLogit);
        fail(b, label, i, size_t(d.layers) * size_t(d.featureDim), size_t(d.featureDim),
             "feature " + std::to_string(i % size_t(d.featureDim)) + " is " +
                 std::to_string(halfToFloat(b.features[i])) + ", not finite");
    }
    if (!atLeast(b.tokenIds, kUnknownToken)) {
        const size_t i = firstBad(b.tokenIds, [](int32_t x) { return x < kUnknownToken; });
        fail(b, label, i, 1, 0,
             "token id " + std::to_string(b.tokenIds[i]) + " is neither a tokenizer id (>= 0) nor " +
                 std::to_string(kUnknownToken) + " (unknown)");
    }
    if (!atLeast(b.positions, 0)) {
        const size_t i = firstBad(b.positions, [](int32_t x) { return x < 0; });
        fail(b, label, i, 1, 0, "negative position " + std::to_string(b.positions[i]));
    }
}

} // namespace specmoe::shard
