#pragma once
// "Export report": every view of a trace set or training run into one folder (PNG, SVG,
// PDF and CSV per view) with an index.html that shows them.
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

namespace specmoe::widgets {

class ExportableView;

struct ReportOptions {
    QString title;                      // page heading; defaults to "SpecMoE report"
    QString subtitle;                   // e.g. the trace folder or run folder
    QSize size{1600, 1000};             // image size in pixels
    double dpi = 144.0;
    bool png = true, svg = true, pdf = true, csv = true;
};

struct ReportResult {
    bool ok = false;
    QString indexPath;
    QStringList files;  // written, relative to the folder
    QStringList errors; // one per failed file
};

ReportResult writeReport(const QString& dir, const QList<ExportableView*>& views,
                         const ReportOptions& options = {});

} // namespace specmoe::widgets
