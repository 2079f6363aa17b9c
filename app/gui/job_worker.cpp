#include "app/gui/job_worker.h"

#include "core/util/error.h"

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>

namespace specmoe::gui {

JobProgress toJobProgress(const specmoe::Progress& p)
{
    JobProgress j;
    j.stage = QString::fromStdString(p.stage);
    j.done = p.done;
    j.total = p.total;
    j.unit = QString::fromStdString(p.unit);
    j.rate = p.rate;
    j.etaSeconds = etaSeconds(p); // from the rate when the job set none
    j.message = QString::fromStdString(p.message);
    return j;
}

JobWorker::JobWorker(qint64 id, JobFn fn, std::shared_ptr<std::atomic<bool>> cancel, int throttleMs)
    : m_id(id), m_fn(std::move(fn)), m_cancel(std::move(cancel)), m_throttleMs(throttleMs)
{
}

void JobWorker::run()
{
    using Clock = std::chrono::steady_clock;
    Clock::time_point last{};
    std::string lastStage, lastMessage;
    bool any = false;
    std::optional<JobProgress> held; // the newest report the throttle held back
    std::mutex mutex;
    const auto interval = std::chrono::milliseconds(m_throttleMs);
    // Progress comes from the worker thread (and maybe from threads core starts itself);
    // signals across threads are queued, so this is safe from any thread core calls it on.
    const specmoe::ProgressFn progressFn = [&](const specmoe::Progress& p) {
        const auto now = Clock::now();
        const bool last_ = p.total > 0 && p.done >= p.total;
        std::lock_guard<std::mutex> lock(mutex);
        if (!any || now - last >= interval || p.stage != lastStage || last_ ||
            (!p.message.empty() && p.message != lastMessage)) {
            any = true;
            last = now;
            lastStage = p.stage;
            lastMessage = p.message;
            held.reset();
            Q_EMIT progress(m_id, toJobProgress(p));
        } else {
            held = toJobProgress(p);
        }
        return !m_cancel->load();
    };
    try {
        if (m_cancel->load())
            throw specmoe::Cancelled();
        // A job that returns normally finished, even when cancel came too late to matter.
        const QVariant result = m_fn(progressFn);
        {
            // The panel keeps the last figure a finished job reported (e.g. tokens scored),
            // not the last one the throttle let through.
            std::lock_guard<std::mutex> lock(mutex);
            if (held)
                Q_EMIT progress(m_id, *held);
        }
        Q_EMIT finished(m_id, result);
    } catch (const specmoe::Cancelled&) {
        Q_EMIT cancelled(m_id);
    } catch (const std::exception& e) {
        Q_EMIT failed(m_id, QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(m_id, QStringLiteral("unknown error"));
    }
    Q_EMIT done();
}

} // namespace specmoe::gui
