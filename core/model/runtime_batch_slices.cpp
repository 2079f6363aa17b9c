// MixtralRuntime::Impl::route(): a CPU batch cut into slices routed on threads of their own.
#include "core/model/runtime_impl.h"

#include "core/util/blas_threads.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <exception>
#include <thread>

namespace specmoe {


// On a CPU with a pthreads OpenBLAS (auto threads), the batch is cut into `splitParts`
// slices routed on as many threads, each with single-threaded GEMMs: the element-wise
// work then uses every core too, and no thread pool spins against another. The rows
// of a sequence never depend on the other sequences, so the results are the same.
RoutingResult MixtralRuntime::Impl::route(const at::Tensor& idsIn, const at::Tensor& maskIn, const RouteOptions& ro)
{
    const at::Tensor ids = checkInput(idsIn, maskIn, ro);
    const int64_t B = ids.size(0), parts = std::min<int64_t>(splitParts, B);
    if (parts < 2)
        return routeChecked(ids, maskIn, ro);
    const at::Tensor mask = maskIn.to(at::kCPU);
    std::vector<RoutingResult> out(static_cast<size_t>(parts));
    std::vector<std::exception_ptr> err(out.size());
    {
        const ScopedBlasThreads blas(1); // single-threaded GEMMs while the slices run
        std::vector<std::thread> workers;
        for (int64_t j = 0; j < parts; ++j) {
            const int64_t b0 = B * j / parts, b1 = B * (j + 1) / parts;
            workers.emplace_back([&, j, b0, b1] {
                try {
                    out[size_t(j)] = routeChecked(ids.narrow(0, b0, b1 - b0), mask.narrow(0, b0, b1 - b0), ro);
                } catch (...) {
                    err[size_t(j)] = std::current_exception();
                }
            });
        }
        for (auto& w : workers)
            w.join();
    }
    for (const auto& e : err)
        if (e)
            std::rethrow_exception(e);
    auto cat = [&](at::Tensor RoutingResult::*f, int64_t dim) {
        std::vector<at::Tensor> v;
        for (auto& r : out)
            v.push_back(r.*f);
        return v.front().defined() ? at::cat(v, dim) : at::Tensor();
    };
    RoutingResult res;
    res.routerLogits = cat(&RoutingResult::routerLogits, 1);
    res.topkIds = cat(&RoutingResult::topkIds, 1);
    res.topkWeights = cat(&RoutingResult::topkWeights, 1);
    res.lookaheadIds = cat(&RoutingResult::lookaheadIds, 2);
    res.lmLogits = cat(&RoutingResult::lmLogits, 0);
    res.features = cat(&RoutingResult::features, 1);
    res.routerInputs = cat(&RoutingResult::routerInputs, 1);
    return res;
}

} // namespace specmoe
