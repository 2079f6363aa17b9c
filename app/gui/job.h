#pragma once
// What the job runner runs: a function that does core's work on a worker thread, reports
// through a ProgressFn (return false = stop) and produces a value. Plus the description
// the workbench keeps to show, persist and resume it.
#include "core/util/progress.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QVariant>

#include <functional>

namespace specmoe::gui {

// Runs on a worker thread. Must not touch widgets. Throws specmoe::Cancelled when the
// progress function asked to stop (reportProgress does this), anything else on failure.
using JobFn = std::function<QVariant(const specmoe::ProgressFn& progress)>;

struct JobSpec {
    QString kind;        // "collect", "reshard", "train", "demo", ...
    QString title;       // user-visible
    QString outputPath;  // folder the job writes (opened when it finishes)
    QJsonObject params;  // enough to run it again (resume), see job_params.h
    bool resumable = false;
};

// A progress report as it crosses to the GUI thread (value type, registered).
struct JobProgress {
    QString stage;
    qint64 done = 0;
    qint64 total = 0;
    QString unit;
    double rate = 0.0;
    double etaSeconds = -1.0;
    QString message;
};

JobProgress toJobProgress(const specmoe::Progress& p);

} // namespace specmoe::gui

Q_DECLARE_METATYPE(specmoe::gui::JobProgress)
