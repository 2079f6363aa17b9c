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

void checkMoeKernel(const std::string& k)
{
    if (k != "auto" && k != "grouped" && k != "dense" && k != "grouped_mm")
        throw Error("unknown MoE kernel \"" + k + "\" (auto, grouped, dense, grouped_mm)");
}

at::ScalarType computeScalar(ComputeDType dtype)
{
    switch (dtype) {
    case ComputeDType::BFloat16: return at::kBFloat16;
    case ComputeDType::Float16: return at::kHalf;
    case ComputeDType::Float32:
    case ComputeDType::Auto: // resolved to one of the above before a runtime is made
        break;
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
    // batch on N threads (`threads`, every core for 0) with single-threaded GEMMs
    // (Impl::route()). N intra-op threads there ran 3-4x slower (`collect --threads 2`, demo
    // model, 2 cores: 11.9 s vs 3.0 s).
    const bool cpuBlasPool = resolveDevice(opts.device).is_cpu() && blasHasOwnThreadPool();
    const bool splitBatch = opts.threads >= 0 && cpuBlasPool && opts.residency != Residency::Streaming;
    if (opts.threads == 0)
        at::set_num_threads(cpuBlasPool ? 1 : cores);
    else if (opts.threads > 0)
        at::set_num_threads(splitBatch ? 1 : opts.threads);
    for (int d : opts.lookahead)
        if (d < 1)
            throw Error("lookahead distance " + std::to_string(d) + " must be at least 1");
    if (opts.attention != "auto" && opts.attention != "chunked" && opts.attention != "sdpa")
        throw Error("unknown attention kernel \"" + opts.attention + "\" (auto, chunked, sdpa)");
    checkMoeKernel(opts.moeKernel);
    m_impl = std::make_unique<Impl>(dir, std::move(opts));
    m_impl->dt = computeScalar(m_impl->opts.dtype);
    m_impl->splitParts = splitBatch ? (opts.threads > 0 ? opts.threads : cores) : 1;
    m_impl->buildRecipes();
    m_impl->place();
}

MixtralRuntime::~MixtralRuntime() = default;

const ModelConfig& MixtralRuntime::config() const { return m_impl->cfg; }
const RuntimeOptions& MixtralRuntime::options() const { return m_impl->opts; }
c10::Device MixtralRuntime::device() const { return m_impl->firstDev; }
std::vector<c10::Device> MixtralRuntime::layerDevices() const { return m_impl->layerDev; }
std::string MixtralRuntime::dtype() const { return dtypeName(m_impl->opts.dtype); }
int MixtralRuntime::routeThreads() const { return static_cast<int>(m_impl->splitParts); }
const std::vector<std::string>& MixtralRuntime::warnings() const { return m_impl->warnings; }

void MixtralRuntime::setMoeKernel(const std::string& kernel)
{
    checkMoeKernel(kernel);
    m_impl->opts.moeKernel = kernel;
}

std::string MixtralRuntime::lastMoeKernel() const
{
    switch (runtime_detail::MoeKernel(m_impl->lastMoeKernel.load())) {
    case runtime_detail::MoeKernel::Grouped: return "grouped";
    case runtime_detail::MoeKernel::Dense: return "dense";
    case runtime_detail::MoeKernel::GroupedMm: return "grouped_mm";
    case runtime_detail::MoeKernel::GroupedMmLoop: return "grouped_mm_loop";
    }
    return {};
}

RoutingResult MixtralRuntime::route(const at::Tensor& ids, const at::Tensor& mask, const RouteOptions& ro)
{
    return m_impl->route(ids, mask, ro);
}

void MixtralRuntime::setFeatureProjection(const at::Tensor& projection, const at::Tensor& mean)
{
    Impl& m = *m_impl;
    m.featureP.clear();
    m.featureMu.clear();
    if (!projection.defined() && !mean.defined())
        return;
    const int64_t L = int64_t(m.moeLayers.size()), H = m.cfg.hiddenSize;
    if (!projection.defined() || !mean.defined() || projection.dim() != 3 || projection.size(0) != L ||
        projection.size(2) != H || projection.size(1) < 1 || mean.sizes() != at::IntArrayRef({L, H}))
        throw Error("feature projection: expected projection [" + std::to_string(L) + ", F, " + std::to_string(H) +
                    "] and mean [" + std::to_string(L) + ", " + std::to_string(H) + "] for the model in " + m.dir);
    for (int64_t l = 0; l < L; ++l) {
        const c10::Device dev = m.layerDev[size_t(m.moeLayers[size_t(l)])];
        m.featureP.push_back(projection[l].to(at::kFloat).contiguous().to(dev));
        m.featureMu.push_back(mean[l].to(at::kFloat).contiguous().to(dev));
    }
}

at::Tensor MixtralRuntime::routerWeight(int layer) const
{
    const auto& moe = m_impl->moeLayers;
    if (layer < 0 || size_t(layer) >= moe.size())
        throw Error("router weight: MoE layer " + std::to_string(layer) + " is not within 0.." +
                    std::to_string(int64_t(moe.size()) - 1));
    return m_impl->gates[size_t(moe[size_t(layer)])].to(at::kCPU).to(at::kFloat).clone();
}

} // namespace specmoe
