#include "core/speculate/micro_step.h"

#include "core/tensor/torch_compat.h"
#include "core/util/blas_threads.h"

#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <thread>

namespace specmoe::speculate {

namespace {

struct ShardLoss {
    torch::Tensor total;                // scalar, with its graph
    torch::Tensor values;               // [5] doubles on the batch's device: total, then the parts
};

// The four models' binary cross-entropies as sums over the shard's valid samples divided by
// the whole batch's count (so the shards' losses add up to the batch's mean).
ShardLoss shardLoss(Predictor& predictor, const Batch& b, const MicroStepSettings& s)
{
    ForwardOut o;
    {
        // Per thread (autocast is thread-local): the CPU's shards each open their own.
        const compat::AutocastScope amp(b.valid.device().type(), torch::kBFloat16, s.mixedPrecision);
        o = predictor.forward(b, true);
    }
    if (s.mixedPrecision) // the losses in float32 (CUDA's autocast refuses binary_cross_entropy)
        for (torch::Tensor* t : {&o.interLogits, &o.statLogits, &o.hiddenLogits, &o.ensRaw})
            if (t->defined())
                *t = t->to(torch::kFloat);
    const auto opts = b.valid.options();
    auto masked = [&](const torch::Tensor& perElem) { return (perElem.mean(-1) * b.valid).sum() / s.samples; };
    torch::Tensor parts[4] = {torch::zeros({}, opts), torch::zeros({}, opts), torch::zeros({}, opts),
                              torch::zeros({}, opts)};
    if (o.interLogits.defined())
        parts[0] = masked(torch::binary_cross_entropy_with_logits(o.interLogits, b.target, {}, {}, at::Reduction::None));
    if (o.statLogits.defined())
        parts[1] = masked(torch::binary_cross_entropy_with_logits(o.statLogits, b.target, {}, {}, at::Reduction::None));
    if (o.hiddenLogits.defined())
        parts[3] = masked(torch::binary_cross_entropy_with_logits(o.hiddenLogits, b.target, {}, {}, at::Reduction::None));
    if (o.ensRaw.defined()) {
        // binary_cross_entropy refuses NaN input (an exception on the CPU, a device assert
        // on CUDA), and a diverged run or NaN in the traces gives NaN here: it gets 0.5
        // instead, and the NaN comes back through a zero-weighted sum (0 when all is finite,
        // NaN otherwise; no host sync), so the caller's loss check stops the run cleanly.
        const torch::Tensor p = o.ensRaw.clamp(1e-6, 1.0 - 1e-6);
        parts[2] = masked(torch::binary_cross_entropy(p.nan_to_num(0.5), b.target, {}, at::Reduction::None)) +
                   p.sum() * 0.0;
    }
    torch::Tensor total = parts[0] + parts[1] + parts[2] + parts[3];
    if (s.injectNan)
        total = total * std::numeric_limits<double>::quiet_NaN();
    // One copy to the host per shard (now or deferred): the loss and its parts together.
    torch::Tensor values = torch::stack({total, parts[0], parts[1], parts[2], parts[3]}).detach().to(torch::kDouble);
    return {total, values};
}

MicroStepLoss readLoss(const std::vector<torch::Tensor>& values)
{
    MicroStepLoss r;
    for (const torch::Tensor& v : values) {
        const double* x = v.data_ptr<double>();
        r.total += x[0];
        for (int i = 0; i < 4; ++i)
            r.parts[i] += x[i + 1];
    }
    return r;
}

TokenTable rowsOf(const TokenTable& t, size_t begin, size_t end)
{
    TokenTable out = t.layoutOnly();
    out.reserve(end - begin);
    for (size_t i = begin; i < end; ++i)
        out.append(t, i);
    return out;
}

MicroStepLoss oneShard(Predictor& predictor, const TokenTable& batch, const MicroStepSettings& s)
{
    const Batch b = buildBatch(batch, predictor.stats, predictor.cfg).to(s.device);
    const ShardLoss l = shardLoss(predictor, b, s);
    if (s.deferRead) {
        MicroStepLoss r;
        r.pending = std::make_shared<compat::DeferredRead>(l.values); // queued before the backward
        (l.total / double(s.accumulate)).backward();
        return r;
    }
    const MicroStepLoss r = readLoss({l.values.to(torch::kCPU)});
    if (std::isfinite(r.total))
        (l.total / double(s.accumulate)).backward();
    return r;
}

} // namespace

void MicroStepLoss::settle()
{
    if (!pending)
        return;
    const MicroStepLoss r = readLoss({pending->get()});
    total = r.total;
    std::copy(r.parts, r.parts + 4, parts);
    pending.reset();
}

int microStepShards(int64_t n, const torch::Device& device, int threads)
{
    if (!device.is_cpu())
        return 1;
    const int t = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    return int(std::clamp<int64_t>(n / kMinShardTokens, 1, t));
}

MicroStepLoss lossAndGradients(Predictor& predictor, const TokenTable& batch, const MicroStepSettings& s)
{
    const int P = std::max(1, s.shards);
    if (P == 1)
        return oneShard(predictor, batch, s);
    std::vector<torch::Tensor> params;
    for (const torch::Tensor& p : predictor.parameters())
        if (p.requires_grad())
            params.push_back(p);
    std::vector<torch::Tensor> values(static_cast<size_t>(P));
    std::vector<std::vector<torch::Tensor>> grads(static_cast<size_t>(P));
    {
        // One OpenBLAS thread per caller: the shards are the parallelism (its own pool would
        // spin beside them).
        ScopedBlasThreads blas(1);
        const size_t n = batch.size();
        std::vector<std::exception_ptr> failed(static_cast<size_t>(P));
        // An OpenMP team of its own (not at::parallel_for: this file is compiled with
        // OpenMP, core's other files are not): inside it libtorch's kernels run inline.
#pragma omp parallel for num_threads(P) schedule(static, 1)
        for (int i = 0; i < P; ++i) {
            try {
                const size_t u = size_t(i);
                const TokenTable rows = rowsOf(batch, n * u / size_t(P), n * (u + 1) / size_t(P));
                const ShardLoss l = shardLoss(predictor, buildBatch(rows, predictor.stats, predictor.cfg), s);
                values[u] = l.values;
                if (std::isfinite(l.values.data_ptr<double>()[0]))
                    grads[u] = torch::autograd::grad({l.total}, params, {}, false, false, true);
            } catch (...) {
                failed[size_t(i)] = std::current_exception(); // exceptions must not leave the team
            }
        }
        for (const std::exception_ptr& e : failed)
            if (e)
                std::rethrow_exception(e);
    }
    const MicroStepLoss r = readLoss(values);
    if (!std::isfinite(r.total))
        return r;
    torch::NoGradGuard ng;
    for (size_t j = 0; j < params.size(); ++j) {
        torch::Tensor sum;
        for (const std::vector<torch::Tensor>& g : grads)
            if (!g.empty() && g[j].defined()) // a shard without gradients had a non-finite loss
                sum = sum.defined() ? sum + g[j] : g[j];
        if (!sum.defined())
            continue;
        if (s.accumulate > 1)
            sum = sum / double(s.accumulate);
        torch::Tensor& dst = params[j].mutable_grad();
        if (dst.defined())
            dst.add_(sum);
        else
            dst = sum.clone();
    }
    return r;
}

} // namespace specmoe::speculate
