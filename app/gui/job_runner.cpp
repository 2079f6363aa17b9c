#include "app/gui/job_runner.h"

#include "app/gui/job_worker.h"

#include <QCoreApplication>
#include <algorithm>
#include <QDeadlineTimer>
#include <QThread>

namespace specmoe::gui {

using widgets::JobInfo;
using widgets::JobState;
using widgets::LogLevel;

JobRunner::JobRunner(QObject* parent) : QObject(parent), m_model(new widgets::JobsModel(this))
{
    qRegisterMetaType<specmoe::gui::JobProgress>("specmoe::gui::JobProgress");
    qRegisterMetaType<specmoe::widgets::JobState>("specmoe::widgets::JobState");
    qRegisterMetaType<specmoe::widgets::LogLevel>("specmoe::widgets::LogLevel");
}

JobRunner::~JobRunner()
{
    m_queue.clear();
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it)
        it->cancel->store(true);
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
        if (it->thread) {
            it->thread->quit();
            it->thread->wait();
        }
    }
}

QString JobRunner::source(qint64 id) const
{
    return QStringLiteral("job %1").arg(id);
}

JobInfo JobRunner::info(qint64 id) const
{
    if (const JobInfo* j = m_model->find(id))
        return *j;
    JobInfo j;
    j.id = id;
    return j;
}

qint64 JobRunner::addJob(const JobSpec& spec, JobFn fn, JobState state, const QString& message)
{
    const qint64 id = m_nextId++;
    Job job;
    job.spec = spec;
    job.fn = std::move(fn);
    job.cancel = std::make_shared<std::atomic<bool>>(false);
    m_jobs.insert(id, job);
    JobInfo info;
    info.id = id;
    info.kind = spec.kind;
    info.title = spec.title;
    info.outputPath = spec.outputPath;
    info.resumable = spec.resumable;
    info.state = state;
    info.message = message;
    if (state == JobState::Queued)
        info.queuedAt = QDateTime::currentDateTime();
    m_model->upsert(info);
    return id;
}

qint64 JobRunner::submit(const JobSpec& spec, JobFn fn)
{
    const qint64 id = addJob(spec, std::move(fn), JobState::Queued, QString());
    Q_EMIT logMessage(LogLevel::Info, source(id), QStringLiteral("queued: %1").arg(spec.title));
    Q_EMIT jobStateChanged(id, JobState::Queued);
    m_queue.push_back(id);
    // Start from the event loop so callers can connect to the id first.
    QMetaObject::invokeMethod(this, &JobRunner::startNext, Qt::QueuedConnection);
    return id;
}

bool JobRunner::resubmit(qint64 id, const JobSpec& spec, JobFn fn)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->thread || !widgets::isTerminal(state(id)))
        return false;
    it->spec = spec;
    it->fn = std::move(fn);
    it->cancel = std::make_shared<std::atomic<bool>>(false);
    it->result = {};
    JobInfo j = info(id);
    j.title = spec.title;
    j.outputPath = spec.outputPath;
    j.resumable = spec.resumable;
    j.state = JobState::Queued;
    j.error.clear();
    j.message.clear();
    j.done = j.total = 0;
    j.rate = 0;
    j.etaSeconds = -1;
    j.startedAt = j.finishedAt = QDateTime();
    j.queuedAt = QDateTime::currentDateTime();
    m_model->upsert(j);
    Q_EMIT logMessage(LogLevel::Info, source(id), QStringLiteral("queued again: %1").arg(spec.title));
    Q_EMIT jobStateChanged(id, JobState::Queued);
    m_queue.push_back(id);
    QMetaObject::invokeMethod(this, &JobRunner::startNext, Qt::QueuedConnection);
    return true;
}

qint64 JobRunner::addInterrupted(const JobSpec& spec, const QString& why)
{
    return addJob(spec, JobFn(), JobState::Interrupted, why);
}

void JobRunner::startNext()
{
    while (runningCount() < m_maxConcurrent && !m_queue.isEmpty())
        start(m_queue.takeFirst());
}

void JobRunner::start(qint64 id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    if (it->cancel->load()) { // cancelled while queued
        onCancelled(id);
        return;
    }
    auto* thread = new QThread(this);
    thread->setObjectName(QStringLiteral("job-%1").arg(id));
    auto* worker = new JobWorker(id, it->fn, it->cancel, m_throttleMs);
    worker->moveToThread(thread);
    it->thread = thread;
    connect(thread, &QThread::started, worker, &JobWorker::run);
    connect(worker, &JobWorker::progress, this, &JobRunner::onProgress);
    connect(worker, &JobWorker::finished, this, &JobRunner::onFinished);
    connect(worker, &JobWorker::failed, this, &JobRunner::onFailed);
    connect(worker, &JobWorker::cancelled, this, &JobRunner::onCancelled);
    connect(worker, &JobWorker::done, thread, &QThread::quit);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, [this, id] { onThreadDone(id); });

    JobInfo j = info(id);
    j.state = JobState::Running;
    j.startedAt = QDateTime::currentDateTime();
    m_model->upsert(j);
    Q_EMIT logMessage(LogLevel::Info, source(id), QStringLiteral("started: %1").arg(j.title));
    Q_EMIT jobStateChanged(id, JobState::Running);
    Q_EMIT jobStarted(id);
    thread->start(QThread::LowPriority);
}

void JobRunner::onProgress(qint64 id, const JobProgress& p)
{
    JobInfo j = info(id);
    if (j.state != JobState::Running)
        return; // late report after a cancel request
    if (!p.message.isEmpty() && p.message != j.message)
        Q_EMIT logMessage(LogLevel::Info, source(id), p.message);
    j.stage = p.stage;
    j.done = p.done;
    j.total = p.total;
    j.unit = p.unit;
    j.rate = p.rate;
    j.etaSeconds = p.etaSeconds;
    if (!p.message.isEmpty())
        j.message = p.message;
    m_model->upsert(j);
    Q_EMIT jobProgress(id, p);
}

void JobRunner::onFinished(qint64 id, const QVariant& result)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    it->result = result;
    JobInfo j = info(id);
    j.state = JobState::Finished;
    j.finishedAt = QDateTime::currentDateTime();
    j.etaSeconds = -1;
    if (j.total > 0)
        j.done = j.total;
    m_model->upsert(j);
    Q_EMIT logMessage(LogLevel::Info, source(id), QStringLiteral("finished: %1").arg(j.title));
    Q_EMIT jobStateChanged(id, JobState::Finished);
    Q_EMIT jobFinished(id, result);
}

void JobRunner::onFailed(qint64 id, const QString& error)
{
    JobInfo j = info(id);
    j.state = JobState::Failed;
    j.error = error;
    j.finishedAt = QDateTime::currentDateTime();
    j.etaSeconds = -1;
    m_model->upsert(j);
    Q_EMIT logMessage(LogLevel::Error, source(id), QStringLiteral("failed: %1").arg(error));
    Q_EMIT jobStateChanged(id, JobState::Failed);
    Q_EMIT jobFailed(id, error);
}

void JobRunner::onCancelled(qint64 id)
{
    JobInfo j = info(id);
    j.state = JobState::Cancelled;
    j.finishedAt = QDateTime::currentDateTime();
    j.etaSeconds = -1;
    m_model->upsert(j);
    Q_EMIT logMessage(LogLevel::Warning, source(id), QStringLiteral("cancelled: %1").arg(j.title));
    Q_EMIT jobStateChanged(id, JobState::Cancelled);
    Q_EMIT jobCancelled(id);
}

void JobRunner::onThreadDone(qint64 id)
{
    auto it = m_jobs.find(id);
    if (it != m_jobs.end() && it->thread) {
        it->thread->deleteLater();
        it->thread = nullptr;
    }
    startNext();
    if (activeCount() == 0)
        Q_EMIT idle();
}

void JobRunner::setResumable(qint64 id, bool resumable)
{
    if (!m_jobs.contains(id))
        return;
    JobInfo j = info(id);
    j.resumable = resumable;
    m_model->upsert(j);
}

void JobRunner::retitle(const std::function<QString(const JobSpec&)>& title)
{
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
        const QString t = title(it->spec);
        if (t.isEmpty() || t == it->spec.title)
            continue;
        it->spec.title = t;
        JobInfo j = info(it.key());
        j.title = t;
        m_model->upsert(j);
    }
}

void JobRunner::cancel(qint64 id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    const JobState s = state(id);
    if (s == JobState::Queued) {
        m_queue.removeAll(id);
        it->cancel->store(true);
        onCancelled(id);
        return;
    }
    if (s != JobState::Running)
        return;
    it->cancel->store(true);
    JobInfo j = info(id);
    j.state = JobState::Cancelling;
    m_model->upsert(j);
    Q_EMIT logMessage(LogLevel::Info, source(id), QStringLiteral("cancel requested"));
    Q_EMIT jobStateChanged(id, JobState::Cancelling);
}

void JobRunner::cancelAll()
{
    const QList<qint64> queued = m_queue;
    for (qint64 id : queued)
        cancel(id);
    for (auto it = m_jobs.keyBegin(); it != m_jobs.keyEnd(); ++it)
        if (state(*it) == JobState::Running)
            cancel(*it);
}

bool JobRunner::remove(qint64 id)
{
    if (!widgets::isTerminal(state(id)) || m_jobs.value(id).thread)
        return false;
    m_jobs.remove(id);
    return m_model->remove(id);
}

int JobRunner::clearFinished()
{
    int n = 0;
    const QList<qint64> ids = m_jobs.keys();
    for (qint64 id : ids) {
        const JobState s = state(id);
        if ((s == JobState::Finished || s == JobState::Failed || s == JobState::Cancelled) && remove(id))
            ++n;
    }
    return n;
}

bool JobRunner::waitForIdle(int msecs)
{
    QDeadlineTimer deadline(msecs);
    while (activeCount() > 0 || std::any_of(m_jobs.cbegin(), m_jobs.cend(), [](const Job& j) { return j.thread; })) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(5);
    }
    return true;
}

int JobRunner::activeCount() const
{
    int n = 0;
    for (auto it = m_jobs.keyBegin(); it != m_jobs.keyEnd(); ++it) {
        const JobState s = state(*it);
        n += (s == JobState::Queued || s == JobState::Running || s == JobState::Cancelling) ? 1 : 0;
    }
    return n;
}

int JobRunner::runningCount() const
{
    int n = 0;
    for (const Job& j : m_jobs)
        n += j.thread ? 1 : 0;
    return n;
}

void JobRunner::setMaxConcurrent(int n)
{
    m_maxConcurrent = qMax(1, n);
    QMetaObject::invokeMethod(this, &JobRunner::startNext, Qt::QueuedConnection);
}

const JobSpec* JobRunner::spec(qint64 id) const
{
    auto it = m_jobs.constFind(id);
    return it == m_jobs.cend() ? nullptr : &it->spec;
}

QVariant JobRunner::result(qint64 id) const
{
    return m_jobs.value(id).result;
}

JobState JobRunner::state(qint64 id) const
{
    const JobInfo* j = m_model->find(id);
    return j ? j->state : JobState::Failed;
}

} // namespace specmoe::gui
