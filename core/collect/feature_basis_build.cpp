#include "core/collect/feature_basis_build.h"

#include "core/util/error.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>

namespace specmoe {

bool featureSpecNeedsData(const std::vector<FeatureComponent>& parts)
{
    return std::any_of(parts.begin(), parts.end(),
                       [](const FeatureComponent& c) { return c.kind == FeatureComponent::Kind::Pca; });
}

FeatureBasis featureBasisFromRouters(const std::vector<FeatureComponent>& parts, const std::vector<at::Tensor>& gates)
{
    if (gates.empty())
        throw Error("feature basis: the model has no routers");
    const int L = int(gates.size());
    const int E = int(gates[0].size(0)), H = int(gates[0].size(1));
    FeatureBasis b;
    b.kind = featureSpecText(parts);
    b.layers = L;
    b.hidden = H;
    b.dim = int(featureSpecDim(parts, L, E, H));
    for (const auto& c : parts)
        if (c.kind == FeatureComponent::Kind::Pca && c.param > H)
            throw Error("feature spec \"" + b.kind + "\": " + c.text() + " asks for more directions than the " +
                        std::to_string(H) + " of the model's hidden size");
    const int64_t basisBytes = 4 * int64_t(L) * int64_t(b.dim) * int64_t(H);
    if (basisBytes > kMaxFeatureBasisBytes)
        throw Error("feature spec \"" + b.kind + "\": its basis would take " + std::to_string(basisBytes >> 20) +
                    " MiB (4 x " + std::to_string(L) + " layers x " + std::to_string(b.dim) + " features x hidden " +
                    std::to_string(H) + "), more than the " + std::to_string(kMaxFeatureBasisBytes >> 20) +
                    " MiB a trace carries; choose fewer features (e.g. pca:R instead of full)");
    std::vector<at::Tensor> g32;
    for (const auto& g : gates)
        g32.push_back(g.to(at::kCPU).to(at::kFloat).contiguous());
    at::Tensor P = at::zeros({L, b.dim, H}, at::TensorOptions().dtype(at::kFloat));
    for (int l = 0; l < L; ++l) {
        int64_t row = 0;
        for (const auto& c : parts) {
            if (c.kind == FeatureComponent::Kind::GateLogits) {
                // Gates of layers l+1..l+D; rows of layers past the last stay zero.
                for (int d = 1; d <= c.param; ++d)
                    if (l + d < L)
                        P[l].narrow(0, row + int64_t(d - 1) * E, E).copy_(g32[size_t(l + d)]);
            } else if (c.kind == FeatureComponent::Kind::Routers) {
                for (int t = 0; t < L; ++t)
                    P[l].narrow(0, row + int64_t(t) * E, E).copy_(g32[size_t(t)]);
            } else if (c.kind == FeatureComponent::Kind::Full) {
                P[l].narrow(0, row, H).copy_(at::eye(H, at::TensorOptions().dtype(at::kFloat)));
            } // pca rows: fitFeaturePca()
            row += c.dim(L, E, H);
        }
    }
    b.projection.assign(P.data_ptr<float>(), P.data_ptr<float>() + P.numel());
    b.mean.assign(size_t(L) * size_t(H), 0.0f);
    return b;
}

int64_t pcaSampleTokens(const std::vector<FeatureComponent>& parts, int layers, int hidden)
{
    int64_t r = 0;
    for (const auto& c : parts)
        if (c.kind == FeatureComponent::Kind::Pca)
            r = c.param;
    const int64_t perToken = int64_t(layers) * int64_t(hidden) * 4;
    const int64_t byMemory = (int64_t(1) << 30) / std::max<int64_t>(perToken, 1);
    return std::max<int64_t>(std::min<int64_t>(8192, byMemory), r + 1);
}

namespace {

// Top-r principal directions of centred rows X [n, H] (float32), as float64 rows [r, H]:
// from the H x H covariance when n >= H, else from the n x n Gram matrix (cheaper, same
// directions). The products run in float32 (half the time of float64 at the sample sizes
// used: this fit is most of what features add to a short collection); the small symmetric
// eigenproblem runs in float64.
at::Tensor principalDirections(const at::Tensor& X, int64_t r)
{
    const int64_t n = X.size(0), H = X.size(1);
    at::Tensor dirs;
    if (n >= H) {
        at::Tensor cov = at::mm(X.t(), X).to(at::kDouble);
        cov = 0.5 * (cov + cov.t()); // exactly symmetric for eigh
        auto [vals, vecs] = at::linalg_eigh(cov); // ascending
        dirs = vecs.narrow(1, H - r, r).flip({1}).t(); // [r, H], largest first
    } else {
        at::Tensor gram = at::mm(X, X.t()).to(at::kDouble);
        gram = 0.5 * (gram + gram.t());
        auto [vals, vecs] = at::linalg_eigh(gram);
        at::Tensor u = vecs.narrow(1, n - r, r).flip({1}); // [n, r]
        dirs = at::mm(X.t().to(at::kDouble), u).t();        // [r, H], then normalized
        dirs = dirs / dirs.norm(2, {1}, true).clamp_min(1e-300);
    }
    // A deterministic sign: the largest-magnitude coordinate positive.
    at::Tensor idx = dirs.abs().argmax(1, true);
    at::Tensor sign = dirs.gather(1, idx).sign();
    sign = at::where(sign.eq(0), at::ones_like(sign), sign);
    return dirs * sign;
}

} // namespace

void fitFeaturePca(FeatureBasis& b, const std::vector<FeatureComponent>& parts, int experts,
                   const std::vector<at::Tensor>& hr)
{
    if (int(hr.size()) != b.layers)
        throw Error("feature basis: router inputs of " + std::to_string(hr.size()) + " layers, the basis has " +
                    std::to_string(b.layers));
    for (int l = 0; l < b.layers; ++l)
        fitFeaturePcaLayer(b, parts, experts, l, hr[size_t(l)]);
}

void fitFeaturePcaLayer(FeatureBasis& b, const std::vector<FeatureComponent>& parts, int experts, int l,
                        const at::Tensor& hr)
{
    const int H = b.hidden;
    int64_t row = 0, r = 0; // the pca rows: [row, row + r) of every P_l
    for (const auto& c : parts) {
        if (c.kind == FeatureComponent::Kind::Pca) {
            r = c.param;
            break;
        }
        row += c.dim(b.layers, experts, H);
    }
    if (r == 0)
        return;
    if (l < 0 || l >= b.layers)
        throw Error("feature basis: layer " + std::to_string(l) + " is not within 0.." + std::to_string(b.layers - 1));
    const at::Tensor X = hr.to(at::kCPU).to(at::kFloat).contiguous();
    if (X.dim() != 2 || X.size(1) != H)
        throw Error("feature basis: router inputs of layer " + std::to_string(l) + " are not [n, " +
                    std::to_string(H) + "]");
    if (X.size(0) < r + 1)
        throw Error("feature basis: pca:" + std::to_string(r) + " needs at least " + std::to_string(r + 1) +
                    " tokens, the first batches gave " + std::to_string(X.size(0)));
    // The mean summed in float64; the centred rows in float32.
    const at::Tensor mu32 = (X.sum(0, false, at::kDouble) / double(X.size(0))).to(at::kFloat).contiguous();
    at::Tensor dirs = principalDirections(X - mu32, r).to(at::kFloat).contiguous();
    std::memcpy(b.mean.data() + size_t(l) * size_t(H), mu32.data_ptr<float>(), size_t(H) * sizeof(float));
    float* dst = b.projection.data() + (size_t(l) * size_t(b.dim) + size_t(row)) * size_t(H);
    std::memcpy(dst, dirs.data_ptr<float>(), size_t(r) * size_t(H) * sizeof(float));
}

at::Tensor basisProjection(const FeatureBasis& b)
{
    return at::from_blob(const_cast<float*>(b.projection.data()), {b.layers, b.dim, b.hidden},
                         at::TensorOptions().dtype(at::kFloat))
        .clone();
}

at::Tensor basisMean(const FeatureBasis& b)
{
    return at::from_blob(const_cast<float*>(b.mean.data()), {b.layers, b.hidden}, at::TensorOptions().dtype(at::kFloat))
        .clone();
}

at::Tensor projectFeatures(const FeatureBasis& b, const at::Tensor& hr)
{
    const at::Tensor P = basisProjection(b), mu = basisMean(b);
    at::Tensor x = hr.to(at::kCPU).to(at::kFloat) - mu.unsqueeze(1); // [L, n, H]
    return at::matmul(x, P.transpose(1, 2));                           // [L, n, F]
}

} // namespace specmoe
