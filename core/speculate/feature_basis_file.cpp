#include "core/speculate/feature_basis_file.h"

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
    writeFeatureBasis(path, b);
}

FeatureBasis readFeatureBasisFile(const std::string& path, const std::string& kind)
{
    FeatureBasis b = readFeatureBasis(path);
    if (b.kind != kind)
        throw Error(path + ": the feature basis is of kind '" + b.kind + "', config.json says '" + kind + "'");
    checkFeatureBasis(b, b.layers, b.dim, path);
    return b;
}

bool sameFeatureBasis(const FeatureBasis& a, const FeatureBasis& b)
{
    return a.kind == b.kind && a.layers == b.layers && a.dim == b.dim && a.hidden == b.hidden &&
           a.projection == b.projection && a.mean == b.mean;
}

} // namespace specmoe::speculate
