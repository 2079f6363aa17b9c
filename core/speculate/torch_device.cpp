#include "core/speculate/torch_device.h"

#include "core/tensor/torch_compat.h"
#include "core/util/error.h"

namespace specmoe::speculate {

torch::Device parseDevice(const std::string& name)
{
    if (name.empty() || name == "cpu")
        return torch::kCPU;
    if (name == "auto")
        return compat::cudaAvailable() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!compat::cudaAvailable())
            throw Error("device '" + name + "' requested, but this build or machine has no CUDA");
        try {
            return torch::Device(name);
        } catch (const std::exception&) {
            throw Error("unknown device '" + name + "'");
        }
    }
    throw Error("unknown device '" + name + "' (cpu, cuda, cuda:N or auto)");
}

} // namespace specmoe::speculate
