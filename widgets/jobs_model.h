#pragma once
// The jobs table: one row per job the workbench queued, ran or finished, with its state,
// progress, rate and time left. The job runner (app/gui/job_runner.h) owns the jobs and
// keeps this model up to date; the jobs panel shows it.
#include <QAbstractTableModel>
#include <QDateTime>
#include <QMetaType>
#include <QVector>

namespace specmoe::widgets {

enum class JobState { Queued, Running, Cancelling, Finished, Failed, Cancelled, Interrupted };

// Is the job done (it will not change state any more unless resumed)?
bool isTerminal(JobState s);
QString jobStateText(JobState s);

struct JobInfo {
    qint64 id = 0;
    QString kind;        // "collect", "reshard", "train", ...
    QString title;       // shown to the user
    JobState state = JobState::Queued;
    QString stage;       // core's stage name, e.g. "load", "collect"
    qint64 done = 0;
    qint64 total = 0;    // 0 = unknown
    QString unit;        // "tokens", "samples", ...
    double rate = 0.0;   // units per second
    double etaSeconds = -1.0;
    QString message;     // last progress message
    QString error;       // why it failed
    QString outputPath;  // where its results go
    bool resumable = false;
    QDateTime queuedAt, startedAt, finishedAt;

    double fraction() const { return total > 0 ? double(done) / double(total) : 0.0; }
};

class JobsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TitleColumn, StateColumn, ProgressColumn, RateColumn, EtaColumn, ElapsedColumn, ColumnCount };
    enum Role {
        JobIdRole = Qt::UserRole + 1,
        StateRole,     // int(JobState)
        FractionRole,  // double in [0, 1], or -1 when the total is unknown
        ResumableRole, // bool
        OutputPathRole // QString
    };

    explicit JobsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adds the job or replaces the row with the same id.
    void upsert(const JobInfo& job);
    bool remove(qint64 id);
    // Removes every finished, failed and cancelled job; returns how many.
    int removeTerminal();
    const JobInfo* find(qint64 id) const;
    int rowOf(qint64 id) const;
    const JobInfo& at(int row) const { return m_jobs[row]; }
    int count(JobState state) const;

    // Text helpers shared with the status bar.
    static QString rateText(const JobInfo& job);
    static QString durationText(double seconds);

private:
    QVector<JobInfo> m_jobs;
};

} // namespace specmoe::widgets

Q_DECLARE_METATYPE(specmoe::widgets::JobInfo)
