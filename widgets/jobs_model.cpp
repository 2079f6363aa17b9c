#include "widgets/jobs_model.h"

#include <QApplication>
#include <QIcon>
#include <QLocale>
#include <QStyle>

#include <cmath>

namespace specmoe::widgets {

bool isTerminal(JobState s)
{
    return s == JobState::Finished || s == JobState::Failed || s == JobState::Cancelled ||
           s == JobState::Interrupted;
}

QString jobStateText(JobState s)
{
    switch (s) {
    case JobState::Queued: return JobsModel::tr("Queued");
    case JobState::Running: return JobsModel::tr("Running");
    case JobState::Cancelling: return JobsModel::tr("Cancelling");
    case JobState::Finished: return JobsModel::tr("Finished");
    case JobState::Failed: return JobsModel::tr("Failed");
    case JobState::Cancelled: return JobsModel::tr("Cancelled");
    case JobState::Interrupted: return JobsModel::tr("Interrupted");
    }
    return {};
}

JobsModel::JobsModel(QObject* parent) : QAbstractTableModel(parent) {}

int JobsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_jobs.size();
}

int JobsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobsModel::durationText(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QString();
    const qint64 s = qint64(std::llround(seconds));
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QString JobsModel::rateText(const JobInfo& job)
{
    if (job.rate <= 0)
        return QString();
    const QString number = QLocale().toString(job.rate, 'f', job.rate < 10 ? 1 : 0);
    if (job.unit == QLatin1String("tokens"))
        return tr("%1 tokens/s").arg(number);
    if (job.unit == QLatin1String("samples"))
        return tr("%1 samples/s").arg(number);
    if (job.unit == QLatin1String("sequences"))
        return tr("%1 sequences/s").arg(number);
    if (job.unit == QLatin1String("steps"))
        return tr("%1 steps/s").arg(number);
    return tr("%1/s").arg(number);
}

static QIcon stateIcon(JobState s)
{
    QStyle* st = QApplication::style();
    switch (s) {
    case JobState::Queued: return st->standardIcon(QStyle::SP_FileDialogInfoView);
    case JobState::Running: return st->standardIcon(QStyle::SP_MediaPlay);
    case JobState::Cancelling: return st->standardIcon(QStyle::SP_BrowserStop);
    case JobState::Finished: return st->standardIcon(QStyle::SP_DialogApplyButton);
    case JobState::Failed: return st->standardIcon(QStyle::SP_MessageBoxCritical);
    case JobState::Cancelled: return st->standardIcon(QStyle::SP_DialogCancelButton);
    case JobState::Interrupted: return st->standardIcon(QStyle::SP_MediaPause);
    }
    return {};
}

QVariant JobsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size() || index.column() >= ColumnCount)
        return {};
    const JobInfo& j = m_jobs[index.row()];
    switch (role) {
    case JobIdRole: return j.id;
    case StateRole: return int(j.state);
    case FractionRole: return j.total > 0 ? j.fraction() : (j.state == JobState::Finished ? 1.0 : -1.0);
    case ResumableRole: return j.resumable;
    case OutputPathRole: return j.outputPath;
    default: break;
    }
    if (role == Qt::DecorationRole && index.column() == StateColumn)
        return stateIcon(j.state);
    if (role == Qt::ToolTipRole) {
        QString tip = j.title;
        if (!j.outputPath.isEmpty())
            tip += QLatin1Char('\n') + tr("Output: %1").arg(j.outputPath);
        if (!j.error.isEmpty())
            tip += QLatin1Char('\n') + j.error;
        else if (!j.message.isEmpty())
            tip += QLatin1Char('\n') + j.message;
        return tip;
    }
    if (role == Qt::TextAlignmentRole && (index.column() == RateColumn || index.column() == EtaColumn ||
                                          index.column() == ElapsedColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case TitleColumn: return j.title;
    case StateColumn:
        if (j.state == JobState::Failed && !j.error.isEmpty())
            return tr("Failed: %1").arg(j.error.section(QLatin1Char('\n'), 0, 0));
        if (j.state == JobState::Running && !j.stage.isEmpty())
            return tr("Running (%1)").arg(j.stage);
        return jobStateText(j.state);
    case ProgressColumn: {
        if (j.total > 0)
            return tr("%1 of %2").arg(QLocale().toString(j.done), QLocale().toString(j.total));
        if (j.done > 0)
            return QLocale().toString(j.done);
        return QString();
    }
    case RateColumn: return j.state == JobState::Running ? rateText(j) : QString();
    case EtaColumn: return j.state == JobState::Running ? durationText(j.etaSeconds) : QString();
    case ElapsedColumn: {
        if (!j.startedAt.isValid())
            return QString();
        const QDateTime end = j.finishedAt.isValid() ? j.finishedAt : QDateTime::currentDateTime();
        return durationText(double(j.startedAt.msecsTo(end)) / 1000.0);
    }
    case ColumnCount: break;
    }
    return {};
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case TitleColumn: return tr("Job");
    case StateColumn: return tr("State");
    case ProgressColumn: return tr("Progress");
    case RateColumn: return tr("Rate");
    case EtaColumn: return tr("Time left");
    case ElapsedColumn: return tr("Elapsed");
    case ColumnCount: break;
    }
    return {};
}

int JobsModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].id == id)
            return i;
    return -1;
}

const JobInfo* JobsModel::find(qint64 id) const
{
    const int r = rowOf(id);
    return r < 0 ? nullptr : &m_jobs[r];
}

void JobsModel::upsert(const JobInfo& job)
{
    const int r = rowOf(job.id);
    if (r < 0) {
        beginInsertRows({}, m_jobs.size(), m_jobs.size());
        m_jobs.push_back(job);
        endInsertRows();
        return;
    }
    m_jobs[r] = job;
    Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
}

bool JobsModel::remove(qint64 id)
{
    const int r = rowOf(id);
    if (r < 0)
        return false;
    beginRemoveRows({}, r, r);
    m_jobs.removeAt(r);
    endRemoveRows();
    return true;
}

int JobsModel::removeTerminal()
{
    int removed = 0;
    for (int r = m_jobs.size() - 1; r >= 0; --r) {
        if (isTerminal(m_jobs[r].state) && !(m_jobs[r].state == JobState::Interrupted)) {
            beginRemoveRows({}, r, r);
            m_jobs.removeAt(r);
            endRemoveRows();
            ++removed;
        }
    }
    return removed;
}

int JobsModel::count(JobState state) const
{
    int n = 0;
    for (const JobInfo& j : m_jobs)
        n += j.state == state ? 1 : 0;
    return n;
}

} // namespace specmoe::widgets
