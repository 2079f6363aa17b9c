// Data-parallel training across ranks: gradient averaging and the agreements it needs.
#include "core/speculate/train_distributed.h"

#include "core/dist/process_group.h"
#include "core/util/error.h"

#include <c10/core/GradMode.h>

#include <chrono>
#include <thread>

namespace specmoe::speculate {

namespace {

std::string failedKey(int rank) { return "specmoe/train/failed/" + std::to_string(rank); }
std::string aliveKey(int rank) { return "specmoe/train/alive/" + std::to_string(rank); }

} // namespace

DataParallel::DataParallel(std::shared_ptr<dist::ProcessGroup> group, double timeoutSeconds)
    : m_group(std::move(group)), m_timeout(timeoutSeconds)
{
    if (m_group) {
        m_rank = m_group->rank();
        m_world = m_group->worldSize();
    }
}

void DataParallel::lost(const std::string& during, const std::string& problem)
{
    std::string text = "train: rank " + std::to_string(m_rank) + ": " + during + " failed (" + problem + ")";
    // Survivors sign in; a rank that neither left a message nor signs in within a few
    // seconds is gone. Without the store, rank 0 (which serves it) is gone.
    try {
        m_group->set(aliveKey(m_rank), "1");
        std::string named;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        for (;;) {
            named.clear();
            int missing = 0;
            for (int r = 0; r < m_world; ++r) {
                if (r == m_rank || m_group->has(aliveKey(r)))
                    continue;
                if (m_group->has(failedKey(r))) {
                    named += "; rank " + std::to_string(r) + " failed: " + m_group->get(failedKey(r), 5);
                } else {
                    named += "; rank " + std::to_string(r) + " is gone (killed, or ended without a word)";
                    ++missing;
                }
            }
            if (missing == 0 || std::chrono::steady_clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        text += named;
    } catch (const std::exception&) {
        text += "; rank 0 is gone (the rendezvous store it serves cannot be reached)";
    }
    throw Error(text + ". Rank 0's last checkpoint is kept in the run folder: rerun the same command with --resume");
}

void DataParallel::sumFloats(std::vector<float>& buffer, const std::string& during)
{
    std::string problem;
    if (!m_group->allreduceSum(buffer.data(), buffer.size(), m_timeout, &problem))
        lost(during, problem);
}

int64_t DataParallel::agreeMin(int64_t value, const std::string& what)
{
    if (!active())
        return value;
    std::string problem;
    if (!m_group->allreduceMin(&value, 1, m_timeout, &problem))
        lost("agreeing on " + what, problem);
    return value;
}

void DataParallel::start(const std::vector<at::Tensor>& parameters, int64_t epoch, int64_t step)
{
    if (!active())
        return;
    // min(x) == -min(-x) tells whether every rank stands at the same place.
    int64_t where[4] = {epoch, -epoch, step, -step};
    std::string problem;
    if (!m_group->allreduceMin(where, 4, m_timeout, &problem))
        lost("agreeing on the epoch to start at", problem);
    if (where[0] != -where[1] || where[2] != -where[3])
        throw Error("train: rank " + std::to_string(m_rank) + ": the ranks would start at different epochs (" +
                    std::to_string(where[0]) + " to " + std::to_string(-where[1]) + ", this rank " +
                    std::to_string(epoch) + "): with --resume every rank reads the run folder's checkpoint, so the "
                    "run folder must be on a file system all ranks share");
    // Rank 0's weights: the others contribute zeros to the sum.
    std::vector<float> flat;
    for (const at::Tensor& p : parameters) {
        const at::Tensor c = p.detach().to(at::kCPU, at::kFloat).contiguous().view({-1});
        const float* d = c.data_ptr<float>();
        for (int64_t i = 0; i < c.numel(); ++i)
            flat.push_back(m_rank == 0 ? d[i] : 0.0f);
    }
    sumFloats(flat, "taking rank 0's initial weights");
    c10::NoGradGuard ng;
    size_t offset = 0;
    for (const at::Tensor& p : parameters) {
        const int64_t n = p.numel();
        p.copy_(at::from_blob(flat.data() + offset, p.sizes(), at::kFloat).to(p.options()));
        offset += size_t(n);
    }
}

void DataParallel::averageGradients(const std::vector<at::Tensor>& parameters, int64_t step)
{
    if (!active())
        return;
    int64_t total = 0;
    for (const at::Tensor& p : parameters)
        total += p.numel();
    std::vector<float> flat(size_t(total), 0.0f);
    size_t offset = 0;
    for (const at::Tensor& p : parameters) {
        if (p.grad().defined()) {
            const at::Tensor g = p.grad().detach().to(at::kCPU, at::kFloat).contiguous();
            std::copy(g.data_ptr<float>(), g.data_ptr<float>() + g.numel(), flat.begin() + int64_t(offset));
        }
        offset += size_t(p.numel());
    }
    sumFloats(flat, "the gradient exchange of step " + std::to_string(step + 1));
    const float inv = 1.0f / float(m_world);
    for (float& v : flat)
        v *= inv;
    offset = 0;
    for (const at::Tensor& p : parameters) {
        const at::Tensor mean = at::from_blob(flat.data() + offset, p.sizes(), at::kFloat).to(p.options());
        if (p.grad().defined())
            p.mutable_grad().copy_(mean);
        else
            p.mutable_grad() = mean.clone();
        offset += size_t(p.numel());
    }
}

void DataParallel::reportFailure(const std::string& message) noexcept
{
    if (!active())
        return;
    try {
        m_group->set(failedKey(m_rank), message);
    } catch (const std::exception&) {
    }
}

} // namespace specmoe::speculate
