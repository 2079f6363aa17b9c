// MixtralRuntime's MoE kernels: grouped (tokens sorted per expert) and dense (every expert
// on every token), and the rule "auto" chooses among them and grouped_mm
// (runtime_moe_grouped_mm.cpp) by.
#include "core/model/runtime_impl.h"

#include <ATen/ATen.h>

namespace specmoe {

using namespace runtime_detail;

bool moeDenseWorthIt(const ModelConfig& c, int64_t tokens, int64_t dtypeBytes)
{
    const int64_t perExpert = c.hiddenSize * c.intermediateSize;
    const int64_t denseBytes = c.numExperts * tokens * 2 * c.intermediateSize * dtypeBytes;
    return perExpert <= (int64_t(1) << 20) && denseBytes <= (int64_t(1) << 30);
}


// auto: the CPU keeps grouped (its tuned kernel); on CUDA dense for small experts, else
// grouped. grouped_mm is chosen by name only until a GPU has measured it against grouped
// (bench/gpu.sh `ours` runs both; it also holds every expert's activations at once);
// without the fused kernel it is GroupedMmLoop.
MoeKernel MixtralRuntime::Impl::moeKernelFor(const at::Tensor& x, const LayerWeights& w) const
{
    // The second matmul's K is I: checked here, as its activations do not exist yet.
    const auto fused = [&] {
        return compat::groupedMmNative(x, w[W13].transpose(1, 2)) && cfg.intermediateSize % 8 == 0;
    };
    if (opts.moeKernel == "dense")
        return MoeKernel::Dense;
    if (opts.moeKernel == "grouped")
        return MoeKernel::Grouped;
    if (opts.moeKernel == "grouped_mm")
        return fused() ? MoeKernel::GroupedMm : MoeKernel::GroupedMmLoop;
    if (!x.is_cuda())
        return MoeKernel::Grouped;
    if (moeDenseWorthIt(cfg, x.size(0), x.element_size()))
        return MoeKernel::Dense;
    return MoeKernel::Grouped;
}

// Every expert on every token ([E, N, 2I] batched matmuls), combined with the routing
// weights scattered into [N, E] (zero for unchosen experts): no host sync, few launches.
at::Tensor MixtralRuntime::Impl::moeDense(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx, const at::Tensor& wts) const
{
    const int64_t N = x.size(0), E = cfg.numExperts, I = cfg.intermediateSize;
    const bool low = lowCpu(x);
    const at::ScalarType ct = low ? at::kFloat : x.scalar_type();
    at::Tensor xin = x.to(ct), w13 = w[W13].to(ct), w2 = w[W2].to(ct);
    at::Tensor a = at::matmul(xin.unsqueeze(0), w13.transpose(1, 2)); // [E, N, 2I]
    if (w[W13Bias].defined())
        a.add_(w[W13Bias].to(ct).unsqueeze(1));
    if (low)
        a = a.to(x.scalar_type()).to(at::kFloat);
    at::Tensor hcur = expertAct(a, I, x.scalar_type(), low);
    if (low)
        hcur = hcur.to(x.scalar_type()).to(at::kFloat);
    at::Tensor y = at::bmm(hcur, w2.transpose(1, 2)); // [E, N, H]
    if (w[W2Bias].defined())
        y.add_(w[W2Bias].to(ct).unsqueeze(1));
    if (low)
        y = y.to(x.scalar_type()).to(at::kFloat);
    at::Tensor gate = at::zeros({N, E}, wts.options().dtype(at::kFloat)).scatter_(1, idx, wts.to(at::kFloat));
    gate = gate.to(x.scalar_type()).to(ct).t().unsqueeze(-1); // [E, N, 1]
    return y.mul_(gate).sum(0).to(x.scalar_type());
}

at::Tensor MixtralRuntime::Impl::expertAct(const at::Tensor& a, int64_t I, at::ScalarType dtype, bool low) const
{
    const at::Tensor gate = a.narrow(-1, 0, I), up = a.narrow(-1, I, I);
    auto rounded = [&](at::Tensor t) { return low ? t.to(dtype).to(at::kFloat) : t; };
    if (cfg.expertActivation == ModelConfig::ExpertActivation::SiluGlu)
        return rounded(at::silu(gate)).mul_(up);
    // gpt-oss: (up.clamp(-limit, limit) + 1) * g * sigmoid(alpha * g), g = gate.clamp(max = limit).
    const double limit = cfg.swigluLimit;
    const at::Tensor g = gate.clamp_max(limit);
    const at::Tensor glu = rounded(g * rounded(at::sigmoid(rounded(g * cfg.swigluAlpha))));
    return rounded(up.clamp(-limit, limit) + 1).mul_(glu);
}

// x: [N, H]; w13 [2I, H] = cat(gate, up); w2 [H, I]. On the CPU in float16 / bfloat16 the
// matmuls run in float32 with each result rounded to the dtype, as the grouped kernel does.
at::Tensor MixtralRuntime::Impl::mlp(const at::Tensor& x, const at::Tensor& w13, const at::Tensor& w2) const
{
    const int64_t I = w13.size(0) / 2;
    if (lowCpu(x)) {
        at::Tensor a = at::linear(x.to(at::kFloat), w13.to(at::kFloat)).to(x.scalar_type()).to(at::kFloat);
        at::Tensor h = at::silu(a.narrow(1, 0, I)).to(x.scalar_type()).to(at::kFloat).mul_(a.narrow(1, I, I));
        return at::linear(h.to(x.scalar_type()).to(at::kFloat), w2.to(at::kFloat)).to(x.scalar_type());
    }
    at::Tensor a = at::linear(x, w13);
    return at::linear(at::silu(a.narrow(1, 0, I)).mul_(a.narrow(1, I, I)), w2);
}

// transformers' Qwen2-MoE block: sigmoid(shared_expert_gate(x)) * shared_expert(x), in the
// activation dtype, added to the routed experts' sum.
at::Tensor MixtralRuntime::Impl::sharedExpert(const at::Tensor& x, const LayerWeights& w) const
{
    at::Tensor y = mlp(x, w[SharedW13], w[SharedW2]);
    if (w[SharedGate].defined()) {
        const at::Tensor logit = lin(x, w[SharedGate]);
        // libtorch's CPU sigmoid has no float16 kernel: float32, rounded back to float16.
        const bool halfCpu = logit.scalar_type() == at::kHalf && logit.device().is_cpu();
        y = (halfCpu ? at::sigmoid(logit.to(at::kFloat)).to(at::kHalf) : at::sigmoid(logit)) * y;
    }
    return y;
}

// Sparse MoE by grouping tokens per expert. x: [N, H]; idx [N, k] int64; wts [N, k].
at::Tensor MixtralRuntime::Impl::moe(const at::Tensor& x, const LayerWeights& w, const at::Tensor& idx, const at::Tensor& wts) const
{
    const MoeKernel kernel = moeKernelFor(x, w);
    lastMoeKernel.store(int(kernel), std::memory_order_relaxed);
    if (kernel == MoeKernel::Dense)
        return moeDense(x, w, idx, wts);
    if (kernel == MoeKernel::GroupedMm || kernel == MoeKernel::GroupedMmLoop)
        return moeGroupedMm(x, w, idx, wts);
    const int64_t k = idx.size(1), E = cfg.numExperts, I = cfg.intermediateSize;
    at::Tensor flat = idx.reshape({-1});
    at::Tensor order = std::get<1>(at::sort(flat, /*stable=*/true, 0, false));
    at::Tensor counts = at::bincount(flat, {}, E).to(at::kCPU);
    const int64_t* cnt = counts.data_ptr<int64_t>();
    at::Tensor tok = at::div(order, k, "floor");
    at::Tensor xs = x.index_select(0, tok);                 // [N*k, H] grouped by expert
    at::Tensor ys = at::empty_like(xs);
    int64_t off = 0;
    for (int64_t e = 0; e < E; ++e) {
        const int64_t n = cnt[e];
        if (n == 0)
            continue;
        at::Tensor dst = ys.narrow(0, off, n);
        // The experts' biases (gpt-oss), undefined for the other families.
        const at::Tensor b13 = w[W13Bias].defined() ? w[W13Bias].select(0, e) : at::Tensor();
        const at::Tensor b2 = w[W2Bias].defined() ? w[W2Bias].select(0, e) : at::Tensor();
        if (lowCpu(xs)) {
            const at::ScalarType st = xs.scalar_type();
            at::Tensor a = lin(xs.narrow(0, off, n), w[W13].select(0, e), b13).to(at::kFloat); // rounded to st
            at::Tensor hcur = expertAct(a, I, st, true);
            dst.copy_(lin(hcur.to(st), w[W2].select(0, e), b2));
        } else {
            at::Tensor a = lin(xs.narrow(0, off, n), w[W13].select(0, e), b13); // [n, 2I]
            at::Tensor hcur = expertAct(a, I, xs.scalar_type(), false);
            if (b2.defined())
                at::linear_out(dst, hcur, w[W2].select(0, e), b2);
            else
                at::linear_out(dst, hcur, w[W2].select(0, e));
        }
        off += n;
    }
    return combineExperts(x, ys, tok, order, wts);
}

at::Tensor MixtralRuntime::Impl::combineExperts(const at::Tensor& x, at::Tensor ys, const at::Tensor& tok,
                                                const at::Tensor& order, const at::Tensor& wts) const
{
    at::Tensor ws = wts.reshape({-1}).index_select(0, order).to(x.scalar_type()).unsqueeze(1);
    ys.mul_(ws);
    if (lowCpu(ys)) // no float16 index_add on the CPU
        return at::zeros(x.sizes(), x.options().dtype(at::kFloat)).index_add_(0, tok, ys.to(at::kFloat)).to(x.scalar_type());
    at::Tensor out = at::zeros_like(x);
    out.index_add_(0, tok, ys);
    return out;
}

} // namespace specmoe
