#pragma once
// The feature basis as it travels with a predictor (internal to core/speculate, no torch):
// DIR/feature_basis.safetensors holds `projection` F32 [L, F, hidden] and `mean` F32
// [L, hidden] (metadata format "specmoe-feature-basis" and the kind), as a trace folder's
// basis file; config.json's "features" names the file and the kind.
#include <string>
#include <vector>

namespace specmoe::speculate {

// The issue-19 contract's basis: f_l = P_l (hr_l - mu_l) of layer l's router input hr_l.
// (core/trace/feature_basis.h's FeatureBasis, by field; this one goes once that lands.)
struct FeatureBasis {
    std::string kind; // "gate_logits:2", "pca:16", "routers", joined with '+'
    int layers = 0, hidden = 0, dim = 0;
    std::vector<float> projection; // [L, F, hidden]
    std::vector<float> mean;       // [L, hidden]
};

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
