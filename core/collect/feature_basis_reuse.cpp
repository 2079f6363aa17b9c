#include "core/collect/feature_basis_reuse.h"

#include "core/collect/feature_basis_build.h"
#include "core/model/family/model_family.h"
#include "core/safetensors/safetensors.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "core/util/sha256.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe {

ReusedFeatureBasis readReusedFeatureBasis(const std::string& path)
{
    ReusedFeatureBasis r;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        const std::string file = (fs::path(path) / kFeatureBasisFileName).string();
        if (TraceSet::isTraceFolder(path)) {
            // A trace: the basis its manifest names, hash checked by featureBasis().
            const TraceSet t = TraceSet::open(path);
            const FeatureBasis* b = t.featureBasis();
            if (!b)
                throw Error("feature basis: the trace " + path + " has no features (collected without --features)");
            r.basis = *b;
            r.sha256 = t.featureInfo().sha256;
            r.file = fs::absolute(fs::path(path) / t.featureInfo().file).lexically_normal().string();
            return r;
        }
        if (!fs::is_regular_file(file, ec))
            throw Error("feature basis: " + path + " is neither a trace folder nor a folder holding " +
                        kFeatureBasisFileName + " (accepted: a trace folder, an exported predictor folder or a " +
                        "basis file)");
        r.file = fs::absolute(file).lexically_normal().string();
    } else {
        if (!fs::is_regular_file(path, ec))
            throw Error("feature basis: " + path + " does not exist (accepted: a trace folder, an exported " +
                        "predictor folder or a basis file)");
        r.file = fs::absolute(path).lexically_normal().string();
    }
    r.basis = readFeatureBasis(r.file);
    r.sha256 = sha256File(r.file);
    return r;
}

void checkBasisFitsModel(const FeatureBasis& basis, const std::string& file, int layers, int experts, int hidden,
                         const std::string& modelDir)
{
    const std::string model = modelDir + "/config.json";
    if (basis.layers != layers)
        throw Error("feature basis " + file + ": made for " + std::to_string(basis.layers) + " layers, the model " +
                    model + " has " + std::to_string(layers));
    if (basis.hidden != hidden)
        throw Error("feature basis " + file + ": made for hidden size " + std::to_string(basis.hidden) +
                    ", the model " + model + " has " + std::to_string(hidden));
    const auto parts = parseFeatureSpec(basis.kind);
    const int64_t dim = featureSpecDim(parts, layers, experts, hidden);
    if (basis.dim != dim)
        throw Error("feature basis " + file + ": \"" + basis.kind + "\" has " + std::to_string(basis.dim) +
                    " features, " + std::to_string(dim) + " for the " + std::to_string(experts) + " experts of " + model);
}

namespace {

// The router [E, H] of decoder layer `layer` as float32, straight from the checkpoint's files,
// by its family's name (the transformers-5 fused layout's name where the files use it).
at::Tensor checkpointRouter(const CheckpointFiles& files, const WeightNames& names, int layer)
{
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    const std::string name = p + (files.has(p + names.router) ? names.router : names.fusedRouter);
    const CheckpointFiles::Ref ref = files.get(name);
    const TensorEntry& e = *ref.entry;
    const at::ScalarType type = e.dtype == StDType::F32   ? at::kFloat
                                : e.dtype == StDType::BF16 ? at::kBFloat16
                                : e.dtype == StDType::F16  ? at::kHalf
                                                           : at::kByte;
    if (type == at::kByte || e.shape.size() != 2)
        throw Error(ref.file->path() + ": tensor \"" + name + "\" is " + stDTypeName(e.dtype) +
                    " with " + std::to_string(e.shape.size()) + " dims, expected a 2-D F32, F16 or BF16 router");
    at::Tensor t = at::empty({e.shape[0], e.shape[1]}, at::TensorOptions().dtype(type));
    std::memcpy(t.data_ptr(), ref.bytes(), e.bytes()); // the mapping need not be aligned
    return t.to(at::kFloat);
}

} // namespace

void checkBasisRouterRows(const FeatureBasis& basis, const std::string& file, const std::string& modelDir,
                          const ModelConfig& config)
{
    const CheckpointFiles files(modelDir);
    const WeightNames& names = familyNamed(config.family).names;
    const std::vector<int> decoderLayers = config.moeLayers();
    if (int(decoderLayers.size()) != basis.layers)
        throw Error("feature basis " + file + ": made for " + std::to_string(basis.layers) + " layers, the model " +
                    modelDir + " has " + std::to_string(decoderLayers.size()) + " MoE layers");
    std::vector<at::Tensor> gates;
    for (int l : decoderLayers)
        gates.push_back(checkpointRouter(files, names, l));
    const int experts = int(gates[0].size(0));
    const FeatureBasis fromRouters = featureBasisFromRouters(parseFeatureSpec(basis.kind), gates);
    if (fromRouters.dim != basis.dim || fromRouters.hidden != basis.hidden)
        throw Error("feature basis " + file + ": \"" + basis.kind + "\" does not fit the routers of " + modelDir);
    const int L = basis.layers, F = basis.dim;
    const size_t H = size_t(basis.hidden);
    int64_t row = 0;
    for (const auto& c : parseFeatureSpec(basis.kind)) {
        const int64_t rows = c.dim(L, experts, basis.hidden);
        if (c.kind != FeatureComponent::Kind::Pca) {
            for (int l = 0; l < L; ++l) {
                const size_t first = (size_t(l) * size_t(F) + size_t(row)) * H, n = size_t(rows) * H;
                const float* want = fromRouters.projection.data() + first;
                const float* have = basis.projection.data() + first;
                float scale = 0, diff = 0;
                for (size_t i = 0; i < n; ++i) {
                    scale = std::max(scale, std::abs(want[i]));
                    diff = std::max(diff, std::abs(want[i] - have[i]));
                }
                // 1% of the largest weight: far above bfloat16 rounding (0.4% at most),
                // far below what the routers of another model differ by.
                if (diff > 0.01f * scale + 1e-6f)
                    throw Error("feature basis " + file + ": the " + c.text() + " rows of layer " + std::to_string(l) +
                                " are not the routers of " + modelDir + " (largest difference " +
                                std::to_string(diff) + ", largest weight " + std::to_string(scale) +
                                "): the basis was made for another model");
            }
        }
        row += rows;
    }
}

} // namespace specmoe
