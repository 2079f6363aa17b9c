#pragma once
// Runs one job on the thread it was moved to: calls the JobFn with a progress function
// that checks the cancel flag and forwards at most one report per interval (plus stage
// changes and the last one), then reports the value, the error or the cancellation.
#include "app/gui/job.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace specmoe::gui {

class JobWorker : public QObject {
    Q_OBJECT
public:
    JobWorker(qint64 id, JobFn fn, std::shared_ptr<std::atomic<bool>> cancel, int throttleMs);

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void progress(qint64 id, const specmoe::gui::JobProgress& p);
    void finished(qint64 id, const QVariant& result);
    void failed(qint64 id, const QString& error);
    void cancelled(qint64 id);
    void done();

private:
    qint64 m_id;
    JobFn m_fn;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    int m_throttleMs;
};

} // namespace specmoe::gui
