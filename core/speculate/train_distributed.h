#pragma once
// Internal to core/speculate (torch code): training as one rank of several, data-parallel
// (docs/speculation.md, "Training on several ranks"). Every rank holds the same weights:
// rank 0's at the start, then each optimizer step applies the gradients averaged over the
// ranks (one Gloo allreduce of one flat buffer). Each rank trains on its own sequences of
// the training split; all run the same number of micro-batches per epoch (the fewest any
// rank has). Rank 0 alone writes the run folder. One process: every call is a no-op.
#include <ATen/ATen.h>

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace specmoe::dist {
class ProcessGroup;
}

namespace specmoe::speculate {

class DataParallel {
public:
    DataParallel(std::shared_ptr<dist::ProcessGroup> group, double timeoutSeconds);

    bool active() const { return m_world > 1; }
    int rank() const { return m_rank; }
    int worldSize() const { return m_world; }
    // Rank 0 alone writes metrics.jsonl, checkpoints, best/ and report.json.
    bool writes() const { return m_rank == 0; }
    // Deals the training sequences to the ranks in stream order: the k-th training sequence
    // of a pass goes to rank k mod world size, so the parts differ by one sequence at most.
    // Deterministic (the stream's order is), the same on every rerun with that world size.
    // startPass() before each pass; owns() with every training token of the pass.
    void startPass()
    {
        m_lastSequence = INT64_MIN;
        m_position = -1;
    }
    bool owns(int64_t seqId)
    {
        if (m_world <= 1)
            return true;
        if (seqId != m_lastSequence) {
            m_lastSequence = seqId;
            ++m_position;
        }
        return m_position % m_world == m_rank;
    }

    // The smallest value over the ranks (the micro-batches of an epoch).
    int64_t agreeMin(int64_t value, const std::string& what);
    // After the predictor is built (and resumed): every rank must stand at the same epoch and
    // step (a resume reads the same checkpoint everywhere), then takes rank 0's weights.
    void start(const std::vector<at::Tensor>& parameters, int64_t epoch, int64_t step);
    // Replaces each gradient by its mean over the ranks (a missing gradient counts as 0).
    void averageGradients(const std::vector<at::Tensor>& parameters, int64_t step);
    // A rank that stops on an error leaves its message for the others to name.
    void reportFailure(const std::string& message) noexcept;

private:
    // After a failed collective: throws an Error naming the ranks that failed or are gone.
    [[noreturn]] void lost(const std::string& during, const std::string& problem);
    void sumFloats(std::vector<float>& buffer, const std::string& during);

    std::shared_ptr<dist::ProcessGroup> m_group;
    double m_timeout = 600;
    int m_rank = 0, m_world = 1;
    int64_t m_lastSequence = INT64_MIN, m_position = -1;
};

} // namespace specmoe::speculate
