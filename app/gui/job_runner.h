#pragma once
// The job runner: a queue of jobs, each run on its own worker thread (a JobWorker moved to
// a QThread), at most maxConcurrent at a time. The GUI thread never waits on a job: it
// learns about progress, results and failures through queued signals and keeps the jobs
// model current.
#include "app/gui/job.h"
#include "widgets/jobs_model.h"
#include "widgets/log_panel.h"

#include <QHash>
#include <QObject>
#include <QVariant>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace specmoe::gui {

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    // Cancels every job and waits for the worker threads (they stop at their next
    // progress report).
    ~JobRunner() override;

    widgets::JobsModel* model() const { return m_model; }

    // Queues a job; it starts as soon as a slot is free. Returns its id (> 0).
    qint64 submit(const JobSpec& spec, JobFn fn);
    // Runs a finished, failed, cancelled or interrupted job again under the same id, with a
    // new function (usually the same parameters with resume on).
    bool resubmit(qint64 id, const JobSpec& spec, JobFn fn);
    // Shows a job that an earlier session left unfinished (from the workspace); it can be
    // resumed with resubmit.
    qint64 addInterrupted(const JobSpec& spec, const QString& why);

    // Whether the jobs panel offers to resume a job (false: its output holds nothing to
    // continue); the spec keeps its kind's flag, so a resubmit offers it again.
    void setResumable(qint64 id, bool resumable);
    // Every job's title made again by `title` (jobTitle, after a language change).
    void retitle(const std::function<QString(const JobSpec&)>& title);

    void cancel(qint64 id);
    void cancelAll();
    bool remove(qint64 id); // terminal jobs only
    int clearFinished();

    // Blocks (running the event loop) until no job is active or msecs pass; for shutdown
    // and tests. Returns true when idle.
    bool waitForIdle(int msecs);

    int activeCount() const; // queued + running
    int runningCount() const;
    void setMaxConcurrent(int n);
    int maxConcurrent() const { return m_maxConcurrent; }
    void setProgressInterval(int ms) { m_throttleMs = ms; }

    const JobSpec* spec(qint64 id) const;
    QVariant result(qint64 id) const;
    widgets::JobState state(qint64 id) const;

Q_SIGNALS:
    void jobStarted(qint64 id);
    void jobProgress(qint64 id, const specmoe::gui::JobProgress& progress);
    void jobFinished(qint64 id, const QVariant& result);
    void jobFailed(qint64 id, const QString& error);
    void jobCancelled(qint64 id);
    void jobStateChanged(qint64 id, specmoe::widgets::JobState state);
    void idle();
    void logMessage(specmoe::widgets::LogLevel level, const QString& source, const QString& text);

private:
    // Registers a job and its row in the model; submit() then queues it.
    qint64 addJob(const JobSpec& spec, JobFn fn, widgets::JobState state, const QString& message);
    struct Job {
        JobSpec spec;
        JobFn fn;
        std::shared_ptr<std::atomic<bool>> cancel;
        QThread* thread = nullptr;
        QVariant result;
    };

    void startNext();
    void start(qint64 id);
    void onProgress(qint64 id, const specmoe::gui::JobProgress& p);
    void onFinished(qint64 id, const QVariant& result);
    void onFailed(qint64 id, const QString& error);
    void onCancelled(qint64 id);
    void onThreadDone(qint64 id);
    void setState(qint64 id, widgets::JobState state);
    widgets::JobInfo info(qint64 id) const;
    QString source(qint64 id) const;

    widgets::JobsModel* m_model;
    QHash<qint64, Job> m_jobs;
    QList<qint64> m_queue;
    qint64 m_nextId = 1;
    int m_maxConcurrent = 1;
    int m_throttleMs = 100;
};

} // namespace specmoe::gui
