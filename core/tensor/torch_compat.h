#pragma once
// The one place where differences between libtorch 1.13 (Debian, CPU) and libtorch 2.x
// (CUDA builds) are handled. Include it instead of spelling version checks elsewhere.
#include <ATen/ATen.h>
#include <c10/core/Device.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <torch/version.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#define SPECMOE_TORCH_AT_LEAST(major, minor)                                                   \
    (TORCH_VERSION_MAJOR > (major) ||                                                           \
     (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace specmoe::compat {

// Free and total bytes of a CUDA device, or {0, 0} when CUDA is absent.
std::pair<int64_t, int64_t> cudaMemInfo(int device);

// Caching-allocator statistics of a CUDA device (bytes), zeros without CUDA.
struct CudaAllocatorStats {
    int64_t allocated = 0;
    int64_t reserved = 0;
    int64_t peakAllocated = 0;
};
CudaAllocatorStats cudaAllocatorStats(int device);

// libtorch's own message of an error (its first line: no C++ stack trace, which what()
// carries), for messages that name the input at fault.
std::string errorText(const c10::Error& e);

int cudaDeviceCount();
bool cudaAvailable();
std::string cudaDeviceName(int device);

// Pinned (page-locked) host tensor when CUDA is present, else an ordinary one.
at::Tensor emptyPinned(at::IntArrayRef sizes, at::ScalarType dtype);

// Whether fused scaled-dot-product attention kernels (flash / memory-efficient) serve
// tensors on q's device in this libtorch: CUDA with libtorch >= 2.1.
bool fusedSdpa(const at::Tensor& q);

// Scaled-dot-product attention: the fused kernels where fusedSdpa(q), an eager reference
// otherwise. q [B, h, T, D], k/v [B, h, S, D] (grouped key/value heads already repeated);
// mask: bool [B, 1, T, S], true = attend, or undefined; causal: key j is visible to query
// i only when j <= i (T == S). Every query row must see at least one key.
at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                const at::Tensor& mask, bool causal, double scale);

// Mixed precision for a scope: while it lives, ops of this thread on devices of `type` (CPU
// or CUDA) run under libtorch's autocast in `dtype` (matmuls and linear layers in the low
// dtype, reductions and losses in float32; the weights stay float32). Nested scopes and the
// cast-weight cache are handled (the cache is cleared when the outermost scope ends, so an
// optimizer step is never served stale copies). enabled = false does nothing. Autocast is
// per thread: a worker thread needs its own scope.
class AutocastScope {
public:
    AutocastScope(c10::DeviceType type, at::ScalarType dtype, bool enabled = true);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    c10::DeviceType m_type;
    bool m_active = false;
    bool m_wasEnabled = false;
    at::ScalarType m_wasDtype = at::kFloat;
};

// A small device tensor read on the host later without waiting for the work queued after
// it (training's loss values: no host sync per step). On CUDA the constructor queues the
// copy into pinned host memory on the current stream and records an event; get() waits for
// that event only. Elsewhere the copy is made at once.
class DeferredRead {
public:
    explicit DeferredRead(const at::Tensor& t);
    ~DeferredRead();
    DeferredRead(const DeferredRead&) = delete;
    DeferredRead& operator=(const DeferredRead&) = delete;
    at::Tensor get(); // the host copy, once it is there

private:
    struct Event;
    at::Tensor m_host;
    std::unique_ptr<Event> m_event;
};

// Autocast off (CPU and CUDA) for ops inside an AutocastScope that must stay float32.
class AutocastPause {
public:
    AutocastPause();

private:
    c10::impl::ExcludeDispatchKeyGuard m_guard;
};

// A side CUDA stream for weight copies that overlap compute (streaming residency). On a
// CPU device, or without CUDA, copies are synchronous and the waits do nothing.
class SideStream {
public:
    explicit SideStream(c10::Device device);
    ~SideStream();
    SideStream(const SideStream&) = delete;
    SideStream& operator=(const SideStream&) = delete;
    // Queues dst.copy_(src) on the side stream after the work queued so far on the current
    // stream (so dst may still be in use by that work); src should be pinned host memory.
    void copyAfterCurrent(at::Tensor& dst, const at::Tensor& src);
    // Marks the end of a group of copies; the group gets an event.
    void endGroup();
    // The current stream waits (on the device) for the latest group.
    void currentWaitsForLatest();
    // The host blocks until all queued copies are done (before reusing a pinned buffer).
    void hostWaitsForAll();

private:
    struct Impl;
    Impl* m_impl = nullptr;
};

// Grouped matmul: rows offs[g-1]..offs[g] of x (offs[-1] = 0) times w[g], for MoE experts
// whose tokens are sorted by expert. x [M, K]; w [G, K, N], contiguous or a transposed view
// of a contiguous [G, N, K] (the runtime's expert weights, w.transpose(1, 2): no copy);
// offs int32 [G], cumulative group ends on x's device, non-decreasing, offs[G-1] = M.
// Returns [M, N] in x's dtype. Where groupedMmNative(x, w), libtorch's fused kernel runs
// (one launch, no host sync); elsewhere a loop over the groups reads offs to the host (one
// sync) and, on the CPU in float16 / bfloat16, multiplies in float32 rounded to the dtype.
at::Tensor groupedMm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& offs);

// Whether groupedMm(x, w, ...) runs libtorch's fused grouped GEMM (at::_grouped_mm): libtorch
// >= 2.8, CUDA, bfloat16, compute capability 9.x (10.x from 2.9), fewer than 1024 groups,
// K and N multiples of 8 and 16-byte aligned rows (the kernel's TMA needs them). libtorch
// 2.8 refuses other GPUs; later versions fall back to a host-synced loop of their own.
bool groupedMmNative(const at::Tensor& x, const at::Tensor& w);

} // namespace specmoe::compat
