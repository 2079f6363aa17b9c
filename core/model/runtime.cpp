#include "core/model/runtime.h"

#include "core/model/runtime_impl.h"
#include "core/tensor/torch_compat.h"
#include "core/util/blas_threads.h"
#include "core/util/error.h"
#include "core/util/malloc_tuning.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <exception>
#include <thread>

namespace specmoe {
namespace {

at::ScalarType computeScalar(ComputeDType dtype)
{
    switch (dtype) {
    case ComputeDType::BFloat16: return at::kBFloat16;
    case ComputeDType::Float16: return at::kHalf;
    case ComputeDType::Float32: break;
    }
    return at::kFloat;
}

} // namespace

MixtralRuntime::MixtralRuntime(const std::string& dir, RuntimeOptions opts)
{
    tuneMallocForTensors(); // activations reuse heap memory instead of faulting it in anew
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // With a pthreads OpenBLAS, libtorch's intra-op threads would only spin against BLAS's
    // own pool (see blas_threads.h): one intra-op thread, and route() runs slices of the
    // batch on `cores` threads with single-threaded GEMMs (Impl::route()).
    const bool cpuBlasPool = resolveDevice(opts.device).is_cpu() && blasHasOwnThreadPool();
    const bool splitBatch = opts.threads == 0 && cpuBlasPool && opts.residency != Residency::Streaming;
    if (opts.threads == 0)
        at::set_num_threads(cpuBlasPool ? 1 : cores);
    else if (opts.threads > 0)
        at::set_num_threads(opts.threads);
    for (int d : opts.lookahead)
        if (d < 1)
            throw Error("lookahead distance " + std::to_string(d) + " must be at least 1");
    if (opts.attention != "auto" && opts.attention != "chunked" && opts.attention != "sdpa")
        throw Error("unknown attention kernel \"" + opts.attention + "\" (auto, chunked, sdpa)");
    if (opts.moeKernel != "auto" && opts.moeKernel != "grouped" && opts.moeKernel != "dense")
        throw Error("unknown MoE kernel \"" + opts.moeKernel + "\" (auto, grouped, dense)");
    m_impl = std::make_unique<Impl>(dir, std::move(opts));
    m_impl->dt = computeScalar(m_impl->opts.dtype);
    m_impl->splitParts = splitBatch ? cores : 1;
    m_impl->buildRecipes();
    m_impl->place();
}

MixtralRuntime::~MixtralRuntime() = default;

const MixtralConfig& MixtralRuntime::config() const { return m_impl->cfg; }
const RuntimeOptions& MixtralRuntime::options() const { return m_impl->opts; }
c10::Device MixtralRuntime::device() const { return m_impl->firstDev; }
std::vector<c10::Device> MixtralRuntime::layerDevices() const { return m_impl->layerDev; }
std::string MixtralRuntime::dtype() const { return dtypeName(m_impl->opts.dtype); }
int MixtralRuntime::routeThreads() const { return static_cast<int>(m_impl->splitParts); }
const std::vector<std::string>& MixtralRuntime::warnings() const { return m_impl->warnings; }

RoutingResult MixtralRuntime::route(const at::Tensor& ids, const at::Tensor& mask, const RouteOptions& ro)
{
    return m_impl->route(ids, mask, ro);
}

} // namespace specmoe
