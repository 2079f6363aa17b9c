#include "core/trace/routing.h"

#include "core/trace/token_id.h"
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
    if (!sameRouting(a, b) || a.hasLogits != b.hasLogits || a.hasWeights != b.hasWeights ||
        a.sharedExperts != b.sharedExperts || a.featureDim != b.featureDim || decoderLayerCount(a) != decoderLayerCount(b))
        return false;
    for (int l = 0; l < a.layers; ++l)
        if (decoderLayerOf(a, l) != decoderLayerOf(b, l))
            return false;
    return true;
}

std::string describeDims(const TraceDims& d)
{
    std::string la;
    for (int x : d.lookahead)
        la += (la.empty() ? "" : ",") + std::to_string(x);
    std::string s = "layers " + std::to_string(d.layers) + ", experts " + std::to_string(d.experts) + ", top-" +
                    std::to_string(d.topk) + ", lookahead {" + la + "}, logits " + (d.hasLogits ? "yes" : "no");
    if (!d.hasWeights)
        s += ", weights no";
    if (d.sharedExperts != 0)
        s += ", shared experts " + std::to_string(d.sharedExperts);
    if (!identityLayerMap(d) || decoderLayerCount(d) != d.layers)
        s += ", " + describeLayerMap(d);
    if (d.featureDim > 0)
        s += ", features " + std::to_string(d.featureDim);
    return s;
}

std::string dimsProblem(const TraceDims& d)
{
    const auto n = [](int64_t v) { return std::to_string(v); };
    if (d.layers < 1)
        return "layers " + n(d.layers) + " is not positive";
    if (d.experts < 1 || d.experts >= kNoExpert)
        return "experts " + n(d.experts) + " is not within 1.." + n(kNoExpert - 1);
    if (d.topk < 1 || d.topk > kMaxTopk)
        return "top-k " + n(d.topk) + " is not within 1.." + n(kMaxTopk);
    if (d.topk > d.experts)
        return "top-k " + n(d.topk) + " is more than the " + n(d.experts) + " experts";
    for (int x : d.lookahead)
        if (x < 1)
            return "lookahead distance " + n(x) + " is not positive";
    if (d.decoderLayers < 0)
        return "decoder layers " + n(d.decoderLayers) + " is negative";
    if (d.sharedExperts < 0)
        return "shared experts " + n(d.sharedExperts) + " is negative";
    if (d.featureDim < 0)
        return "feature dim " + n(d.featureDim) + " is negative";
    if (d.moeLayers.empty())
        return d.decoderLayers > 0 && d.decoderLayers < d.layers
                   ? "decoder layers " + n(d.decoderLayers) + " are fewer than the " + n(d.layers) + " stored layers"
                   : "";
    if (d.moeLayers.size() != size_t(d.layers))
        return "moe layers: " + n(int64_t(d.moeLayers.size())) + " entries, expected one per stored layer (" +
               n(d.layers) + ")";
    for (size_t i = 0; i < d.moeLayers.size(); ++i) {
        const int x = d.moeLayers[i];
        if (x < 0)
            return "moe layers: entry " + n(int64_t(i)) + " is negative (" + n(x) + ")";
        if (i > 0 && x <= d.moeLayers[i - 1])
            return "moe layers: not strictly ascending (entry " + n(int64_t(i)) + " is " + n(x) + " after " +
                   n(d.moeLayers[i - 1]) + ")";
        if (d.decoderLayers > 0 && x >= d.decoderLayers)
            return "moe layers: entry " + n(int64_t(i)) + " is decoder layer " + n(x) + ", not below the " +
                   n(d.decoderLayers) + " decoder layers";
    }
    return "";
}

int decoderLayerCount(const TraceDims& d)
{
    if (d.decoderLayers > 0)
        return d.decoderLayers;
    return d.moeLayers.empty() ? d.layers : d.moeLayers.back() + 1;
}

int decoderLayerOf(const TraceDims& d, int layer)
{
    return size_t(layer) < d.moeLayers.size() ? d.moeLayers[size_t(layer)] : layer;
}

bool identityLayerMap(const TraceDims& d)
{
    for (size_t i = 0; i < d.moeLayers.size(); ++i)
        if (d.moeLayers[i] != int(i))
            return false;
    return true;
}

std::string describeLayerMap(const TraceDims& d)
{
    const int all = decoderLayerCount(d);
    if (identityLayerMap(d) && all == d.layers)
        return std::to_string(d.layers) + " MoE layers (every decoder layer)";
    // Runs of consecutive decoder layers: "3-60", "1,3,5-9"; at most 6 runs spelled out.
    std::string runs;
    int shown = 0;
    for (int l = 0; l < d.layers;) {
        int e = l;
        while (e + 1 < d.layers && decoderLayerOf(d, e + 1) == decoderLayerOf(d, e) + 1)
            ++e;
        if (shown++ == 6) {
            runs += ",...";
            break;
        }
        runs += (runs.empty() ? "" : ",") + std::to_string(decoderLayerOf(d, l));
        if (e > l)
            runs += "-" + std::to_string(decoderLayerOf(d, e));
        l = e + 1;
    }
    return std::to_string(d.layers) + " MoE of " + std::to_string(all) + " decoder layers (" + runs + ")";
}

int expertIdBytes(const TraceDims& d) { return d.experts <= 255 ? 1 : 2; }

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
    features.insert(features.end(), o.features.begin(), o.features.end());
}

void RoutingBlock::validate() const
{
    const size_t n = numTokens();
    const size_t lk = size_t(dims.layers) * size_t(dims.topk);
    auto check = [](bool ok, const std::string& what) {
        if (!ok)
            throw Error("routing block: " + what);
    };
    const std::string bad = dimsProblem(dims);
    check(bad.empty(), "invalid dimensions: " + bad);
    check(seqIds.size() == n && positions.size() == n, "per-token arrays differ in length");
    check(topkIds.size() == n * lk, "top-k ids have the wrong size");
    if (dims.hasWeights)
        check(topkWeights.size() == n * lk, "top-k weights have the wrong size");
    else
        check(topkWeights.empty(), "top-k weights are given but the dims say the trace has no weights");
    check(!dims.hasLogits || logits.size() == n * size_t(dims.layers) * size_t(dims.experts),
          "router logits have the wrong size");
    check(lookaheadIds.size() == n * lk * dims.lookahead.size(), "lookahead ids have the wrong size");
    if (dims.featureDim > 0)
        check(features.size() == n * size_t(dims.layers) * size_t(dims.featureDim),
              "features have " + std::to_string(features.size()) + " values, expected " +
                  std::to_string(n * size_t(dims.layers) * size_t(dims.featureDim)) + " (tokens x layers x " +
                  std::to_string(dims.featureDim) + ")");
    else
        check(features.empty(), "features are given but the dims say the trace has none (featureDim 0)");
    // Messages are built only on failure: these loops run over every stored id.
    for (ExpertId e : topkIds)
        if (e >= dims.experts)
            check(false, "expert id " + std::to_string(e) + " out of range (" + std::to_string(dims.experts) +
                             " experts)");
    for (ExpertId e : lookaheadIds)
        if (e >= dims.experts && e != kNoExpert)
            check(false, "lookahead expert id " + std::to_string(e) + " out of range (" +
                             std::to_string(dims.experts) + " experts)");
    for (size_t t = 0; t < n; ++t)
        if (tokenIds[t] < kUnknownToken)
            check(false, "token " + std::to_string(t) + ": token id " + std::to_string(tokenIds[t]) +
                             " is neither a tokenizer id (>= 0) nor " + std::to_string(kUnknownToken) + " (unknown)");
    int64_t covered = 0;
    for (const auto& s : sequences) {
        if (s.tokenOffset != covered)
            check(false, "sequence table not contiguous at seq " + std::to_string(s.seqId));
        if (s.length <= 0)
            check(false, "empty sequence " + std::to_string(s.seqId));
        if (s.generatedTokens < 0 || s.generatedTokens > s.length)
            check(false, "sequence " + std::to_string(s.seqId) + ": generated tokens " +
                             std::to_string(s.generatedTokens) + " not within 0.." + std::to_string(s.length));
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
    features.clear();
}

} // namespace specmoe
