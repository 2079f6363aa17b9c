#include "core/collect/routing_convert.h"

#include "core/collect/half_pack.h"
#include "core/util/error.h"
#include "core/util/half.h"

#include <ATen/ATen.h>

namespace specmoe {

TraceDims traceDims(const MixtralConfig& c, const std::vector<int>& lookahead, bool withLogits, int featureDim)
{
    TraceDims d;
    // Stored layers are the MoE layers (the family's layer map); router weights always.
    d.layers = int(c.moeLayerCount());
    d.experts = int(c.numExperts);
    d.topk = int(c.topk);
    d.lookahead = lookahead;
    d.hasLogits = withLogits;
    d.hasWeights = true;
    if (c.moeLayerCount() != c.numLayers) // the identity stays implicit (empty), as before
        d.moeLayers = c.moeLayers();
    d.decoderLayers = int(c.numLayers);
    d.sharedExperts = c.hasSharedExpert() ? int(c.sharedExperts) : 0;
    d.featureDim = featureDim;
    return d;
}

namespace {
void checkShape(const at::Tensor& t, std::vector<int64_t> want, const char* name)
{
    if (!t.defined() || t.sizes().vec() != want) {
        std::string w, g;
        for (auto v : want)
            w += (w.empty() ? "" : ",") + std::to_string(v);
        if (t.defined())
            for (auto v : t.sizes())
                g += (g.empty() ? "" : ",") + std::to_string(v);
        throw Error(std::string("routing result: ") + name + " has shape [" + (t.defined() ? g : "undefined") +
                    "], expected [" + w + "]");
    }
}
} // namespace

void appendRouting(const RoutingResult& r, int64_t seqLen, const std::vector<BatchRow>& rows, RoutingBlock& out)
{
    const TraceDims& d = out.dims;
    const int64_t L = d.layers, k = d.topk, E = d.experts, D = int64_t(d.lookahead.size());
    if (!r.topkIds.defined())
        throw Error("routing result: no top-k ids");
    const int64_t BT = r.topkIds.size(1);
    checkShape(r.topkIds, {L, BT, k}, "topk_ids");
    checkShape(r.topkWeights, {L, BT, k}, "topk_weights");
    if (d.hasLogits)
        checkShape(r.routerLogits, {L, BT, E}, "router_logits");
    if (D > 0)
        checkShape(r.lookaheadIds, {L, D, BT, k}, "lookahead_ids");
    const int64_t F = d.featureDim;
    if (F > 0)
        checkShape(r.features, {L, BT, F}, "features");
    if (seqLen <= 0 || BT % seqLen != 0)
        throw Error("routing result: " + std::to_string(BT) + " rows are not a multiple of the padded length " +
                    std::to_string(seqLen));

    const at::Tensor ids = r.topkIds.to(at::kCPU, at::kLong).contiguous();
    const at::Tensor w = r.topkWeights.to(at::kCPU, at::kFloat).contiguous();
    const at::Tensor lg = d.hasLogits ? r.routerLogits.to(at::kCPU, at::kFloat).contiguous() : at::Tensor();
    const at::Tensor la = D > 0 ? r.lookaheadIds.to(at::kCPU, at::kLong).contiguous() : at::Tensor();
    const int64_t* idp = ids.data_ptr<int64_t>();
    const float* wp = w.data_ptr<float>();
    const float* lgp = d.hasLogits ? lg.data_ptr<float>() : nullptr;
    const int64_t* lap = D > 0 ? la.data_ptr<int64_t>() : nullptr;
    // Features beyond the half range are clamped as they are packed (packHalfClamped):
    // infinities would be refused by readers.
    const at::Tensor ft = F > 0 ? r.features.to(at::kCPU, at::kFloat).contiguous() : at::Tensor();
    const float* ftp = F > 0 ? ft.data_ptr<float>() : nullptr;

    size_t total = 0;
    for (const auto& row : rows) {
        if (row.length <= 0 || row.length > seqLen || (int64_t(row.row) + 1) * seqLen > BT)
            throw Error("routing result: batch row " + std::to_string(row.row) + " of length " +
                        std::to_string(row.length) + " lies outside the batch");
        total += size_t(row.length);
    }
    const size_t n0 = out.numTokens();
    const size_t n1 = n0 + total;
    out.tokenIds.reserve(n1);
    out.seqIds.reserve(n1);
    out.positions.reserve(n1);
    out.topkIds.resize(n1 * size_t(L * k));
    out.topkWeights.resize(n1 * size_t(L * k));
    if (d.hasLogits)
        out.logits.resize(n1 * size_t(L * E));
    out.lookaheadIds.resize(n1 * size_t(L * D * k));
    out.features.resize(n1 * size_t(L * F));

    size_t n = n0;
    for (const auto& row : rows) {
        SequenceRecord rec;
        rec.seqId = row.seqId;
        rec.source = row.source;
        rec.docId = row.docId;
        rec.tokenOffset = int64_t(n);
        rec.length = row.length;
        out.sequences.push_back(std::move(rec));
        for (int32_t t = 0; t < row.length; ++t, ++n) {
            const int64_t src = int64_t(row.row) * seqLen + t; // the [B*T] row
            out.tokenIds.push_back(row.tokens[t]);
            out.seqIds.push_back(row.seqId);
            out.positions.push_back(t);
            for (int64_t l = 0; l < L; ++l) {
                const size_t dst = (n * size_t(L) + size_t(l)) * size_t(k);
                const int64_t s = (l * BT + src) * k;
                for (int64_t j = 0; j < k; ++j) {
                    const int64_t e = idp[s + j];
                    if (e < 0 || e >= E)
                        throw Error("routing result: expert id " + std::to_string(e) + " out of range at layer " +
                                    std::to_string(l));
                    out.topkIds[dst + size_t(j)] = ExpertId(e);
                    out.topkWeights[dst + size_t(j)] = floatToHalf(wp[s + j]);
                }
                if (ftp) {
                    uint16_t* fd = out.features.data() + (n * size_t(L) + size_t(l)) * size_t(F);
                    const float* fs = ftp + (l * BT + src) * F;
                    packHalfClamped(fs, fd, size_t(F));
                }
                if (lgp) {
                    const size_t ld = (n * size_t(L) + size_t(l)) * size_t(E);
                    const int64_t ls = (l * BT + src) * E;
                    for (int64_t e = 0; e < E; ++e)
                        out.logits[ld + size_t(e)] = floatToHalf(lgp[ls + e]);
                }
                for (int64_t dd = 0; dd < D; ++dd) {
                    const size_t ad = ((n * size_t(L) + size_t(l)) * size_t(D) + size_t(dd)) * size_t(k);
                    const int64_t as = ((l * D + dd) * BT + src) * k;
                    for (int64_t j = 0; j < k; ++j) {
                        const int64_t e = lap[as + j];
                        if (e >= E)
                            throw Error("routing result: lookahead expert id " + std::to_string(e) +
                                        " out of range at layer " + std::to_string(l));
                        out.lookaheadIds[ad + size_t(j)] = e < 0 ? kNoExpert : ExpertId(e);
                    }
                }
            }
        }
    }
}

} // namespace specmoe
