#include "core/speculate/tensor_file.h"

#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/safetensors/weight_finite.h"
#include "core/util/error.h"

#include <algorithm>
#include <cstring>

namespace specmoe::speculate {

void writeTensorFile(const std::string& path, const std::vector<NamedArray>& arrays,
                     const std::map<std::string, std::string>& metadata)
{
    std::vector<TensorToWrite> tensors;
    tensors.reserve(arrays.size());
    for (const NamedArray& a : arrays)
        tensors.push_back({a.name, a.dtype, a.shape, a.bytes.data(), a.bytes.size()});
    writeSafetensors(path, tensors, metadata);
}

std::vector<NamedArray> readTensorFile(const std::string& path)
{
    const SafetensorsFile file(path); // validates the header; errors name the file
    std::vector<const TensorEntry*> entries;
    for (const TensorEntry& e : file.tensors())
        entries.push_back(&e);
    // In the order written (the header's JSON object has its own order).
    std::sort(entries.begin(), entries.end(),
              [](const TensorEntry* a, const TensorEntry* b) { return a->begin < b->begin; });
    std::vector<NamedArray> out;
    out.reserve(entries.size());
    for (const TensorEntry* e : entries) {
        NamedArray a;
        a.name = e->name;
        a.dtype = stDTypeName(e->dtype);
        a.shape = e->shape;
        a.bytes.resize(size_t(e->bytes()));
        if (!a.bytes.empty())
            file.file().readInto(a.bytes.data(), file.dataStart() + e->begin, e->bytes());
        // Predictor weights and statistics are finite by construction (training stops before
        // writing anything else): a NaN or infinity here is damage, refused by name.
        const NonFinite hit = findNonFinite(a.bytes.data(), e->numel(), e->dtype);
        if (hit.index >= 0)
            throw Error(nonFiniteMessage(path, e->name, hit, e->numel()));
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace specmoe::speculate
