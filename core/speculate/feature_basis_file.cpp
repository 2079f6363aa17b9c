#include "core/speculate/feature_basis_file.h"

#include "core/speculate/tensor_file.h"
#include "core/util/error.h"

#include <cstring>

namespace specmoe::speculate {

void checkFeatureBasis(const FeatureBasis& b, int layers, int dim, const std::string& where)
{
    if (b.layers != layers || b.dim != dim || b.hidden < 1)
        throw Error(where + ": the feature basis (" + (b.kind.empty() ? std::string("no kind") : b.kind) + ") maps " +
                    std::to_string(b.hidden) + " hidden values to " + std::to_string(b.dim) + " features in " +
                    std::to_string(b.layers) + " layers; the traces have " + std::to_string(dim) + " features in " +
                    std::to_string(layers) + " layers");
    const size_t L = size_t(b.layers), F = size_t(b.dim), hid = size_t(b.hidden);
    if (b.projection.size() != L * F * hid || b.mean.size() != L * hid)
        throw Error(where + ": the feature basis holds " + std::to_string(b.projection.size()) + " projection and " +
                    std::to_string(b.mean.size()) + " mean values, expected [L, F, hidden] = " +
                    std::to_string(L * F * hid) + " and [L, hidden] = " + std::to_string(L * hid));
}

void writeFeatureBasisFile(const std::string& path, const FeatureBasis& b)
{
    checkFeatureBasis(b, b.layers, b.dim, path);
    writeTensorFile(path,
                    {makeF32("projection", {b.layers, b.dim, b.hidden}, b.projection),
                     makeF32("mean", {b.layers, b.hidden}, b.mean)},
                    {{"format", "specmoe-feature-basis"}, {"kind", b.kind}});
}

FeatureBasis readFeatureBasisFile(const std::string& path, const std::string& kind)
{
    FeatureBasis b;
    b.kind = kind;
    const NamedArray* projection = nullptr;
    const NamedArray* mean = nullptr;
    const std::vector<NamedArray> arrays = readTensorFile(path);
    for (const NamedArray& a : arrays) {
        if (a.name == "projection")
            projection = &a;
        else if (a.name == "mean")
            mean = &a;
    }
    if (!projection || !mean)
        throw Error(path + ": tensor '" + std::string(projection ? "mean" : "projection") +
                    "' is missing (a feature basis holds projection [L, F, hidden] and mean [L, hidden])");
    if (projection->shape.size() != 3 || mean->shape.size() != 2 || mean->shape[0] != projection->shape[0] ||
        mean->shape[1] != projection->shape[2])
        throw Error(path + ": tensors 'projection' and 'mean' must be [L, F, hidden] and [L, hidden]");
    b.layers = int(projection->shape[0]);
    b.dim = int(projection->shape[1]);
    b.hidden = int(projection->shape[2]);
    b.projection = asF32(*projection, path);
    b.mean = asF32(*mean, path);
    checkFeatureBasis(b, b.layers, b.dim, path);
    return b;
}

bool sameFeatureBasis(const FeatureBasis& a, const FeatureBasis& b)
{
    return a.kind == b.kind && a.layers == b.layers && a.dim == b.dim && a.hidden == b.hidden &&
           a.projection == b.projection && a.mean == b.mean;
}

} // namespace specmoe::speculate
