#include "core/speculate/grad_clip.h"

namespace specmoe::speculate {

void clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm)
{
    std::vector<torch::Tensor> grads, norms;
    for (const torch::Tensor& p : params)
        if (p.grad().defined()) {
            grads.push_back(p.grad().data());
            norms.push_back(grads.back().norm(2.0));
        }
    if (grads.empty())
        return;
    const torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2.0);
    const torch::Tensor coef = (maxNorm / (total + 1e-6)).clamp_max(1.0);
    for (torch::Tensor& g : grads)
        g.mul_(coef);
}

} // namespace specmoe::speculate
