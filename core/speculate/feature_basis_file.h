#pragma once
// The feature basis as it travels with a predictor (internal to core/speculate, no torch):
// DIR/feature_basis.safetensors is the trace folder's basis file, written and read by
// core/trace (writeFeatureBasis / readFeatureBasis: projection F32 [L, F, hidden], mean F32
// [L, hidden], the kind in its metadata); config.json's "features" names the file and the kind.
#include "core/trace/feature_basis.h"

#include <string>

namespace specmoe::speculate {

// The issue-19 contract's basis (core/trace): f_l = P_l (hr_l - mu_l) of layer l's router input.
using specmoe::FeatureBasis;

inline constexpr const char* kFeatureBasisFile = "feature_basis.safetensors";

// Throws specmoe::Error naming `where` when the basis does not describe F = dim features of
// `layers` layers (or its arrays disagree with its own sizes).
void checkFeatureBasis(const FeatureBasis& basis, int layers, int dim, const std::string& where);
void writeFeatureBasisFile(const std::string& path, const FeatureBasis& basis);
// Reads what writeFeatureBasisFile wrote; `kind` comes from config.json. Throws
// specmoe::Error naming the file and the tensor at fault.
FeatureBasis readFeatureBasisFile(const std::string& path, const std::string& kind);
// Whether two bases compute the same features (kind, sizes and every value).
bool sameFeatureBasis(const FeatureBasis& a, const FeatureBasis& b);

} // namespace specmoe::speculate
