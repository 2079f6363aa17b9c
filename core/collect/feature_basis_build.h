#pragma once
// Building a trace's feature basis (core/trace/feature_basis.h) from a model: the parts that
// need no data from the routers' weights, PCA directions from router inputs of the first
// collected tokens. Include only from torch code (collect, tests).
#include "core/trace/feature_basis.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

// Whether a spec has a part estimated from data (pca).
bool featureSpecNeedsData(const std::vector<FeatureComponent>& parts);

// The basis of `spec` for routers `gates` (per layer [E, hidden], any float dtype/device):
// gate_logits and routers rows filled; pca rows and the mean zero until fitFeaturePca().
// Throws specmoe::Error when the spec does not fit the model (pca:R with R > hidden).
FeatureBasis featureBasisFromRouters(const std::vector<FeatureComponent>& parts, const std::vector<at::Tensor>& gates);

// Fills the pca rows (the top R eigenvectors of the covariance of the router inputs, the
// largest-magnitude coordinate of each made positive) and the mean of every layer from
// `routerInputs` (per layer [n, hidden], the same n rows for every layer) of a model with
// `experts` experts. Throws specmoe::Error when n < R + 1.
void fitFeaturePca(FeatureBasis& basis, const std::vector<FeatureComponent>& parts, int experts,
                   const std::vector<at::Tensor>& routerInputs);
// The same for one layer: `routerInputs` [n, hidden] of layer `layer`.
void fitFeaturePcaLayer(FeatureBasis& basis, const std::vector<FeatureComponent>& parts, int experts, int layer,
                        const at::Tensor& routerInputs);

// Router-input samples the PCA is estimated on: at most 8192 tokens, fewer when
// layers x hidden x 4 bytes per token would pass 1 GiB (Mixtral-8x7B: 2048 tokens), at least R + 1.
int64_t pcaSampleTokens(const std::vector<FeatureComponent>& parts, int layers, int hidden);

// The basis as float32 CPU tensors: projection [L, F, hidden], mean [L, hidden].
at::Tensor basisProjection(const FeatureBasis& basis);
at::Tensor basisMean(const FeatureBasis& basis);

// Features of router inputs [L, n, hidden] (float): [L, n, F] float32, P_l (hr_l - mu_l).
at::Tensor projectFeatures(const FeatureBasis& basis, const at::Tensor& routerInputs);

} // namespace specmoe
