#pragma once
// A workspace: a folder holding trace sets (traces/), training runs (runs/), simulations
// (simulations/: simulation.json + .csv of core/simulate), references to
// model folders and the jobs that were not finished, described by workspace.json. Trace
// sets and runs are found by scanning the folders (plus any registered outside them), so a
// workspace reopens with everything collected or trained in it.
#include "app/gui/job.h"
#include "widgets/workspace_model.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace specmoe::gui {

// Reads a JSON object file; false with a message naming the file when it cannot be read or
// is not a JSON object (out is left as it was).
bool readJsonObject(const QString& path, QJsonObject* out, QString* error = nullptr);

class Workspace {
    Q_DECLARE_TR_FUNCTIONS(Workspace)
public:
    static constexpr int kVersion = 1;
    static QString fileName() { return QStringLiteral("workspace.json"); }

    // Creates the folder (if needed), its traces/ and runs/ folders and workspace.json.
    // Returns false with a message when the folder cannot be written or already holds a
    // workspace.
    static bool create(const QString& dir, const QString& name, Workspace* out, QString* error);
    // Reads DIR/workspace.json. Returns false with a message naming the file and the field.
    static bool open(const QString& dir, Workspace* out, QString* error);
    static bool isWorkspace(const QString& dir);

    bool isOpen() const { return !m_root.isEmpty(); }
    QString root() const { return m_root; }
    QString name() const { return m_name; }
    QString tracesDir() const;
    QString runsDir() const;
    QString simulationsDir() const; // created when the first simulation is written
    // A new folder name under traces/ or runs/ that does not exist yet ("name", "name-2", ...).
    QString uniqueTraceDir(const QString& base) const;
    QString uniqueRunDir(const QString& base) const;
    QString uniqueSimulationDir(const QString& base) const;

    QStringList models() const { return m_models; }
    void addModel(const QString& dir);
    void removeModel(const QString& dir);
    void addTraceSet(const QString& dir); // registers a folder outside traces/
    void addRun(const QString& dir);      // registers a folder outside runs/

    // Unfinished jobs (persisted so they can be resumed after a restart or a crash).
    QVector<JobSpec> pendingJobs() const { return m_jobs; }
    void setPendingJob(const JobSpec& spec);     // by outputPath
    void removePendingJob(const QString& outputPath);

    // The tabs that were open when the workspace was last closed (reopened with it).
    struct OpenView {
        widgets::WorkspaceEntry::Kind kind = widgets::WorkspaceEntry::TraceSet;
        QString path;
        QString view; // view id ("summary", "routing", ...)
    };
    QVector<OpenView> openViews() const { return m_views; }
    void setOpenViews(const QVector<OpenView>& views) { m_views = views; }

    bool save(QString* error) const;

    // Scans the folders: every trace set and run with its facts, plus the models.
    widgets::WorkspaceContents scan() const;
    QStringList traceSetDirs() const;
    QStringList runDirs() const;
    QStringList simulationDirs() const;

    // Facts of one folder, for the tree and the default views.
    static widgets::WorkspaceEntry describeTraceSet(const QString& dir);
    static widgets::WorkspaceEntry describeRun(const QString& dir);
    static widgets::WorkspaceEntry describeModel(const QString& dir);
    static widgets::WorkspaceEntry describeSimulation(const QString& dir);

private:
    QString toStored(const QString& path) const;
    QString fromStored(const QString& path) const;

    QString m_root;
    QString m_name;
    QStringList m_models, m_extraTraceSets, m_extraRuns;
    QVector<JobSpec> m_jobs;
    QVector<OpenView> m_views;
};

} // namespace specmoe::gui
