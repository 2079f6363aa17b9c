// MixtralRuntime's "grouped_mm" MoE kernel: the token-expert pairs sorted by expert, as in
// "grouped", but each of the two expert matmuls is one grouped GEMM over every expert
// (compat::groupedMm) and the per-expert row ranges stay on the device, so a layer needs no
// host sync where libtorch's fused kernel serves (compat::groupedMmNative: CUDA bfloat16,
// Hopper). Elsewhere groupedMm loops over the experts with one sync, like "grouped".
#include "core/model/runtime_impl.h"

#include <ATen/ATen.h>

namespace specmoe {

using namespace runtime_detail;

// x: [N, H]; idx [N, k] int64; wts [N, k]. Same results as moe()'s grouped kernel within
// rounding (on the CPU in float16 / bfloat16 each step is rounded as there).
at::Tensor MixtralRuntime::Impl::moeGroupedMm(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx,
                                              const at::Tensor& wts) const
{
    const int64_t k = idx.size(1), E = cfg.numExperts, I = cfg.intermediateSize;
    const at::Tensor flat = idx.reshape({-1});
    auto sorted = at::sort(flat, /*stable=*/true, 0, false);
    const at::Tensor& experts = std::get<0>(sorted); // expert of each grouped row
    const at::Tensor& order = std::get<1>(sorted);
    // Group ends: how many sorted ids are <= e, for every expert e, as int32 on the device.
    // (at::bincount would read its maximum to the host on CUDA: a sync.)
    const at::Tensor offs = at::searchsorted(experts, at::arange(E, flat.options()), /*out_int32=*/true, /*right=*/true);
    const at::Tensor tok = at::div(order, k, "floor");
    const at::ScalarType st = x.scalar_type();
    const bool low = lowCpu(x);
    // On the CPU in float16 / bfloat16 the GEMMs and bias run in float32, rounded after each
    // step (the weights' float32 copies are per call, every expert's: the CPU keeps "grouped").
    const at::ScalarType ct = low ? at::kFloat : st;
    // Expert weights as transposed views (w13 [E, 2I, H] -> [E, H, 2I]): no copy; the fused
    // kernel takes column-major operands.
    at::Tensor a = compat::groupedMm(x.index_select(0, tok).to(ct), w[W13].transpose(1, 2).to(ct), offs); // [N*k, 2I]
    if (w[W13Bias].defined())
        a.add_(w[W13Bias].to(ct).index_select(0, experts));
    if (low)
        a = a.to(st).to(at::kFloat);
    at::Tensor h = expertAct(a, I, st, low);
    if (low)
        h = h.to(st).to(at::kFloat);
    at::Tensor ys = compat::groupedMm(h.contiguous(), w[W2].transpose(1, 2).to(ct), offs); // [N*k, H]
    if (w[W2Bias].defined())
        ys.add_(w[W2Bias].to(ct).index_select(0, experts));
    return combineExperts(x, ys.to(st), tok, order, wts);
}

} // namespace specmoe
