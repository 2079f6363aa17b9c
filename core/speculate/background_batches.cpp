#include "core/speculate/background_batches.h"

#include <algorithm>
#include <utility>

namespace specmoe::speculate {

BackgroundBatches::BackgroundBatches(Producer produce, size_t ahead) : m_ahead(std::max<size_t>(1, ahead))
{
    m_thread = std::thread([this, produce = std::move(produce)] {
        std::exception_ptr error;
        try {
            produce([this](TokenTable& batch) { return deliver(batch); });
        } catch (...) {
            error = std::current_exception(); // nothing may leave a thread
        }
        std::lock_guard<std::mutex> lock(m_mutex);
        m_error = error;
        m_finished = true;
        m_changed.notify_all();
    });
}

BackgroundBatches::~BackgroundBatches()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopped = true;
        m_changed.notify_all();
    }
    m_thread.join(); // the producer returns at its next deliver (or when its stream ends)
}

bool BackgroundBatches::deliver(TokenTable& batch)
{
    TokenTable empty = batch.layoutOnly();
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [&] { return m_stopped || m_ready.size() < m_ahead; });
    if (m_stopped)
        return false;
    m_ready.push_back(std::move(batch));
    batch = std::move(empty);
    m_changed.notify_all();
    return true;
}

bool BackgroundBatches::next(TokenTable& batch)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_ready.empty() || m_finished; });
    if (m_ready.empty()) {
        if (m_error)
            std::rethrow_exception(std::exchange(m_error, nullptr));
        return false;
    }
    batch = std::move(m_ready.front());
    m_ready.pop_front();
    m_changed.notify_all(); // room for the producer
    return true;
}

} // namespace specmoe::speculate
