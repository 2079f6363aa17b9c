// The router function: scores from the router logits, the top-k choice and the weights, as
// the family's config describes them (ModelConfig's router fields). Used for the routing
// of every MoE layer and for the lookahead probes (a later layer's router function, with
// that layer's bias, applied to an earlier layer's router input).
#include "core/model/runtime_impl.h"

#include <ATen/ATen.h>

#include <limits>

namespace specmoe {

using namespace runtime_detail;

at::Tensor MixtralRuntime::Impl::selectExperts(const at::Tensor& logits, const at::Tensor& bias,
                                               at::Tensor* weights) const
{
    using RS = ModelConfig::RouterScore;
    const int64_t K = cfg.topk;
    if (cfg.softmaxAfterTopk) {
        // gpt-oss: the top-k of the logits, weights a softmax over the k chosen logits (in
        // the logits' dtype, as transformers).
        auto [tl, ti] = at::topk(logits, K, -1, true, true);
        if (weights)
            *weights = at::softmax(tl, -1).to(at::kFloat);
        return ti;
    }
    const at::Tensor l32 = logits.to(at::kFloat);
    const at::Tensor scores = cfg.routerScore == RS::Sigmoid ? at::sigmoid(l32) : at::softmax(l32, -1);
    if (!bias.defined() && !cfg.groupLimited) {
        // Plain top-k of the scores (Mixtral, Qwen, DeepSeek-V2 greedy).
        auto [tw, ti] = at::topk(scores, K, -1, true, true);
        if (weights) {
            if (cfg.normTopkProb)
                tw = tw / tw.sum(-1, true);
            *weights = cfg.routedScalingFactor != 1.0 ? tw * cfg.routedScalingFactor : tw;
        }
        return ti;
    }
    // The bias steers the choice only; the weights are the unbiased scores.
    at::Tensor choice = bias.defined() ? scores + bias : scores;
    if (cfg.groupLimited) {
        const int64_t N = choice.size(0), G = cfg.expertGroups, per = cfg.numExperts / G;
        const at::Tensor grouped = choice.view({N, G, per});
        const at::Tensor groupScores = cfg.groupScore == ModelConfig::GroupScore::Top2Sum
                                           ? std::get<0>(grouped.topk(2, -1, true, true)).sum(-1)
                                           : std::get<0>(grouped.max(-1));
        const at::Tensor best = std::get<1>(groupScores.topk(cfg.topkGroups, -1, true, true));
        const at::Tensor keep = at::zeros({N, G}, choice.options().dtype(at::kBool))
                                    .scatter_(1, best, true)
                                    .unsqueeze(-1)
                                    .expand({N, G, per})
                                    .reshape({N, cfg.numExperts});
        // Experts of other groups can never be chosen. transformers fills them with -inf
        // for sigmoid scores (DeepSeek-V3) and with 0 for softmax scores (DeepSeek-V2),
        // which are positive, so both mean the same.
        const double out = cfg.routerScore == RS::Sigmoid ? -std::numeric_limits<double>::infinity() : 0.0;
        choice = choice.masked_fill(keep.logical_not(), out);
    }
    at::Tensor ti = std::get<1>(at::topk(choice, K, -1, true, true));
    if (weights) {
        at::Tensor tw = scores.gather(1, ti);
        if (cfg.normTopkProb) // DeepSeek-V3 adds 1e-20 to the sum; softmax families do not
            tw = tw / (cfg.routerScore == RS::Sigmoid ? tw.sum(-1, true) + 1e-20 : tw.sum(-1, true));
        *weights = cfg.routedScalingFactor != 1.0 ? tw * cfg.routedScalingFactor : tw;
    }
    return ti;
}

} // namespace specmoe
