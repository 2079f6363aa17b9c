#pragma once
// Internal to core/speculate (no torch): training batches made on a thread of their own.
// Why: reading the trace blocks and passing every token through the shuffle buffer ran on
// the training thread between the steps (about 11% of a CPU epoch; on a GPU, time the device
// waits); on a thread of their own they are ready when the step wants them.
#include "core/speculate/stats.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace specmoe::speculate {

// Runs a producer on its own thread and hands its batches to the caller in the order they
// were made, at most `ahead` of them waiting. The producer's exception reaches the caller
// after the batches it made before it. Destroying the object (also when the caller stops
// early or throws) tells the producer to stop and waits for it.
class BackgroundBatches {
public:
    // Called on the producer's thread with a full batch: hands it over (waiting while
    // `ahead` batches wait) and leaves `batch` without rows, in the same layout. False once
    // the caller has stopped: the producer should return then.
    using Deliver = std::function<bool(TokenTable& batch)>;
    using Producer = std::function<void(const Deliver& deliver)>;

    BackgroundBatches(Producer produce, size_t ahead);
    ~BackgroundBatches();
    BackgroundBatches(const BackgroundBatches&) = delete;
    BackgroundBatches& operator=(const BackgroundBatches&) = delete;

    // Moves the next batch into `batch`; false when the producer has finished and every
    // batch was taken. Rethrows the producer's exception in its place in the order.
    bool next(TokenTable& batch);

private:
    bool deliver(TokenTable& batch);

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<TokenTable> m_ready;
    const size_t m_ahead;
    bool m_stopped = false;  // the caller wants no more
    bool m_finished = false; // the producer has returned (or thrown)
    std::exception_ptr m_error;
    std::thread m_thread; // last: started once the members above exist
};

} // namespace specmoe::speculate
