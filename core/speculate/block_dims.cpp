#include "core/speculate/block_dims.h"

#include "core/util/error.h"

namespace specmoe::speculate {

void checkBlockDims(const TraceDims& a, const RoutingBlock& b, const std::string& where, bool needWeights,
                    int needFeatures)
{
    const TraceDims& d = b.dims;
    if (needWeights && !d.hasWeights)
        throw Error(where + ": the traces hold no router weights, and the predictor was trained with them "
                            "(model.use_weights); train one without weights for id-only traces");
    if (!sameRouting(a, d))
        throw Error(where + ": a block has " + std::to_string(d.layers) + " layers, " +
                    std::to_string(d.experts) + " experts, top-" + std::to_string(d.topk) +
                    ", where the predictor expects " + std::to_string(a.layers) + ", " +
                    std::to_string(a.experts) + ", top-" + std::to_string(a.topk) +
                    " (traces of different models mixed?)");
    if (needFeatures > 0 && d.featureDim != needFeatures)
        throw Error(where + ": " +
                    (d.featureDim == 0 ? std::string("the traces hold no hidden-state features")
                                       : "the traces hold " + std::to_string(d.featureDim) + " hidden-state features per layer") +
                    ", and the hidden-state model reads " + std::to_string(needFeatures) +
                    " (collect the traces with the features the predictor was trained on)");
}

} // namespace specmoe::speculate
