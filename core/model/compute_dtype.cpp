#include "core/model/compute_dtype.h"

#include "core/util/error.h"

namespace specmoe {

std::string dtypeName(ComputeDType dtype)
{
    switch (dtype) {
    case ComputeDType::Float32: return "float32";
    case ComputeDType::BFloat16: return "bfloat16";
    case ComputeDType::Float16: return "float16";
    }
    return "float32";
}

ComputeDType parseDType(const std::string& name)
{
    if (name == "float32") return ComputeDType::Float32;
    if (name == "bfloat16") return ComputeDType::BFloat16;
    if (name == "float16") return ComputeDType::Float16;
    throw Error("unknown compute dtype '" + name + "' (float32, bfloat16, float16)");
}

int64_t dtypeBytes(ComputeDType dtype) { return dtype == ComputeDType::Float32 ? 4 : 2; }

} // namespace specmoe
