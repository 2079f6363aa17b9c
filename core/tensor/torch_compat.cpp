#include "core/tensor/torch_compat.h"

#include <ATen/autocast_mode.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#ifdef SPECMOE_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace specmoe::compat {

bool cudaAvailable()
{
#ifdef SPECMOE_WITH_CUDA
    return cudaDeviceCount() > 0;
#else
    return false;
#endif
}

int cudaDeviceCount()
{
#ifdef SPECMOE_WITH_CUDA
    return static_cast<int>(c10::cuda::device_count());
#else
    return 0;
#endif
}

std::string cudaDeviceName([[maybe_unused]] int device)
{
#ifdef SPECMOE_WITH_CUDA
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device) == cudaSuccess)
        return prop.name;
#endif
    return {};
}

std::pair<int64_t, int64_t> cudaMemInfo([[maybe_unused]] int device)
{
#ifdef SPECMOE_WITH_CUDA
    int previous = 0;
    cudaGetDevice(&previous);
    cudaSetDevice(device);
    size_t freeBytes = 0, totalBytes = 0;
    const bool ok = cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess;
    cudaSetDevice(previous);
    if (ok)
        return {static_cast<int64_t>(freeBytes), static_cast<int64_t>(totalBytes)};
#endif
    return {0, 0};
}

CudaAllocatorStats cudaAllocatorStats([[maybe_unused]] int device)
{
    CudaAllocatorStats s;
#ifdef SPECMOE_WITH_CUDA
    // Index 0 is StatType::AGGREGATE; the enum moved between namespaces across 2.x.
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(
        static_cast<c10::DeviceIndex>(device));
    s.allocated = stats.allocated_bytes[0].current;
    s.reserved = stats.reserved_bytes[0].current;
    s.peakAllocated = stats.allocated_bytes[0].peak;
#endif
    return s;
}

at::Tensor emptyPinned(at::IntArrayRef sizes, at::ScalarType dtype)
{
    auto opts = at::TensorOptions().dtype(dtype);
    if (cudaAvailable())
        opts = opts.pinned_memory(true);
    return at::empty(sizes, opts);
}

bool fusedSdpa([[maybe_unused]] const at::Tensor& q)
{
#if SPECMOE_TORCH_AT_LEAST(2, 1)
    return q.is_cuda();
#else
    return false;
#endif
}

at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                const at::Tensor& mask, bool causal, double scale)
{
#if SPECMOE_TORCH_AT_LEAST(2, 1)
    if (q.is_cuda()) {
        if (mask.defined())
            return at::scaled_dot_product_attention(q, k, v, mask, 0.0, causal, scale);
        return at::scaled_dot_product_attention(q, k, v, {}, 0.0, causal, scale);
    }
#endif
    // Eager reference, as transformers computes it: float32 softmax, cast back.
    const int64_t T = q.size(-2), S = k.size(-2);
    at::Tensor vis = mask;
    if (causal) {
        at::Tensor c = at::ones({T, S}, q.options().dtype(at::kBool)).tril();
        vis = vis.defined() ? vis.logical_and(c) : c;
    }
    at::Tensor scores = at::matmul(q, k.transpose(-2, -1)).to(at::kFloat).mul_(scale);
    if (vis.defined())
        scores.masked_fill_(vis.logical_not(), -std::numeric_limits<float>::infinity());
    return at::matmul(at::softmax(scores, -1).to(q.scalar_type()), v);
}

namespace {

// libtorch 2.4 made autocast's switches per device type; 1.13 has one set per device.
bool autocastEnabled(c10::DeviceType t)
{
#if SPECMOE_TORCH_AT_LEAST(2, 4)
    return at::autocast::is_autocast_enabled(t);
#else
    return t == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void setAutocast(c10::DeviceType t, bool on, at::ScalarType dtype)
{
#if SPECMOE_TORCH_AT_LEAST(2, 4)
    at::autocast::set_autocast_dtype(t, dtype);
    at::autocast::set_autocast_enabled(t, on);
#else
    if (t == c10::DeviceType::CUDA) {
        at::autocast::set_autocast_gpu_dtype(dtype);
        at::autocast::set_enabled(on);
    } else {
        at::autocast::set_autocast_cpu_dtype(dtype);
        at::autocast::set_cpu_enabled(on);
    }
#endif
}

at::ScalarType autocastDtype(c10::DeviceType t)
{
#if SPECMOE_TORCH_AT_LEAST(2, 4)
    return at::autocast::get_autocast_dtype(t);
#else
    return t == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

} // namespace

AutocastScope::AutocastScope(c10::DeviceType type, at::ScalarType dtype, bool enabled) : m_type(type)
{
    if (!enabled)
        return;
    if (type != c10::DeviceType::CPU && type != c10::DeviceType::CUDA)
        throw std::invalid_argument("mixed precision runs on the CPU or CUDA only");
    m_wasEnabled = autocastEnabled(type);
    m_wasDtype = autocastDtype(type);
    setAutocast(type, true, dtype);
    at::autocast::increment_nesting();
    m_active = true;
}

AutocastScope::~AutocastScope()
{
    if (!m_active)
        return;
    // The cast weights are cached while scopes are open: gone once the outermost closes.
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    setAutocast(m_type, m_wasEnabled, m_wasDtype);
}

AutocastPause::AutocastPause()
    : m_guard(c10::DispatchKeySet({c10::DispatchKey::AutocastCPU, c10::DispatchKey::AutocastCUDA}))
{
}

#ifdef SPECMOE_WITH_CUDA
struct DeferredRead::Event {
    at::cuda::CUDAEvent done;
};
#else
struct DeferredRead::Event {};
#endif

DeferredRead::DeferredRead(const at::Tensor& t)
{
#ifdef SPECMOE_WITH_CUDA
    if (t.is_cuda()) {
        m_host = emptyPinned(t.sizes(), t.scalar_type());
        m_host.copy_(t, /*non_blocking=*/true);
        m_event = std::make_unique<Event>();
        m_event->done.record(c10::cuda::getCurrentCUDAStream(t.device().index()));
        return;
    }
#endif
    m_host = t.to(at::kCPU);
}

DeferredRead::~DeferredRead() = default;

at::Tensor DeferredRead::get()
{
#ifdef SPECMOE_WITH_CUDA
    if (m_event) {
        m_event->done.synchronize();
        m_event.reset();
    }
#endif
    return m_host;
}

#ifdef SPECMOE_WITH_CUDA
struct SideStream::Impl {
    c10::Device device;
    c10::cuda::CUDAStream side;
    at::cuda::CUDAEvent latest;
    Impl(c10::Device d)
        : device(d), side(c10::cuda::getStreamFromPool(false, d.index()))
    {
    }
};

SideStream::SideStream(c10::Device device)
{
    if (device.is_cuda())
        m_impl = new Impl(device);
}

SideStream::~SideStream()
{
    if (m_impl) {
        m_impl->side.synchronize();
        delete m_impl;
    }
}

void SideStream::copyAfterCurrent(at::Tensor& dst, const at::Tensor& src)
{
    if (!m_impl) {
        dst.copy_(src);
        return;
    }
    at::cuda::CUDAEvent ready;
    ready.record(c10::cuda::getCurrentCUDAStream(m_impl->device.index()));
    ready.block(m_impl->side);
    c10::cuda::CUDAStreamGuard guard(m_impl->side);
    dst.copy_(src, /*non_blocking=*/true);
}

void SideStream::endGroup()
{
    if (m_impl)
        m_impl->latest.record(m_impl->side);
}

void SideStream::currentWaitsForLatest()
{
    if (m_impl)
        m_impl->latest.block(c10::cuda::getCurrentCUDAStream(m_impl->device.index()));
}

void SideStream::hostWaitsForAll()
{
    if (m_impl)
        m_impl->side.synchronize();
}
#else
struct SideStream::Impl {};
SideStream::SideStream(c10::Device) {}
SideStream::~SideStream() = default;
void SideStream::copyAfterCurrent(at::Tensor& dst, const at::Tensor& src) { dst.copy_(src); }
void SideStream::endGroup() {}
void SideStream::currentWaitsForLatest() {}
void SideStream::hostWaitsForAll() {}
#endif

std::string errorText(const c10::Error& e)
{
    const std::string m = e.what_without_backtrace();
    return m.substr(0, m.find('\n'));
}

bool groupedMmNative([[maybe_unused]] const at::Tensor& x, [[maybe_unused]] const at::Tensor& w)
{
#if SPECMOE_TORCH_AT_LEAST(2, 8) && defined(SPECMOE_WITH_CUDA)
    if (!x.is_cuda() || w.device() != x.device() || x.scalar_type() != at::kBFloat16 ||
        w.scalar_type() != at::kBFloat16 || x.dim() != 2 || w.dim() != 3 || x.size(1) != w.size(1) ||
        w.size(0) >= 1024)
        return false;
    // libtorch checks strides and pointers to 16 bytes (8 bfloat16) and throws otherwise.
    constexpr int64_t a = 8;
    const int64_t K = w.size(1), N = w.size(2);
    if (K % a != 0 || N % a != 0 || x.stride(1) != 1 || x.stride(0) % a != 0 || w.stride(0) % a != 0)
        return false;
    const bool rowMajor = w.stride(2) == 1 && w.stride(1) % a == 0 && w.stride(1) >= N;
    const bool colMajor = w.stride(1) == 1 && w.stride(2) % a == 0 && w.stride(2) >= K;
    if (!rowMajor && !colMajor)
        return false;
    if (reinterpret_cast<uintptr_t>(x.data_ptr()) % 16 != 0 || reinterpret_cast<uintptr_t>(w.data_ptr()) % 16 != 0)
        return false;
    int major = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, static_cast<int>(x.get_device())) !=
        cudaSuccess)
        return false;
#if SPECMOE_TORCH_AT_LEAST(2, 9)
    return major == 9 || major == 10;
#else
    return major == 9; // libtorch 2.8 throws on any other GPU
#endif
#else
    return false;
#endif
}

at::Tensor groupedMm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& offs)
{
    TORCH_CHECK(x.dim() == 2 && w.dim() == 3 && x.size(1) == w.size(1), "groupedMm: x [M, K] and w [G, K, N] expected, got ",
                x.sizes(), " and ", w.sizes());
    TORCH_CHECK(offs.dim() == 1 && offs.size(0) == w.size(0) && offs.scalar_type() == at::kInt,
                "groupedMm: offs must be int32 [", w.size(0), "], got ", offs.scalar_type(), " ", offs.sizes());
#if SPECMOE_TORCH_AT_LEAST(2, 8)
    if (groupedMmNative(x, w))
        return at::_grouped_mm(x, w, offs);
#endif
    const int64_t M = x.size(0), G = w.size(0);
    const at::Tensor ends = offs.to(at::kCPU).contiguous();
    const int32_t* end = ends.data_ptr<int32_t>();
    const bool low = x.is_cpu() && (x.scalar_type() == at::kHalf || x.scalar_type() == at::kBFloat16);
    at::Tensor out = at::empty({M, w.size(2)}, x.options());
    int64_t start = 0;
    for (int64_t g = 0; g < G; ++g) {
        TORCH_CHECK(end[g] >= start && end[g] <= M, "groupedMm: offs must be non-decreasing row ends within 0..", M,
                    ", got ", end[g], " after ", start, " at group ", g);
        const int64_t n = end[g] - start;
        if (n > 0) {
            at::Tensor dst = out.narrow(0, start, n);
            if (low) // CPU float16 / bfloat16 GEMMs: in float32, rounded to the dtype
                dst.copy_(at::mm(x.narrow(0, start, n).to(at::kFloat), w.select(0, g).to(at::kFloat)));
            else
                at::mm_out(dst, x.narrow(0, start, n), w.select(0, g));
        }
        start = end[g];
    }
    TORCH_CHECK(start == M, "groupedMm: offs must end at the row count ", M, ", got ", start);
    return out;
}

} // namespace specmoe::compat
