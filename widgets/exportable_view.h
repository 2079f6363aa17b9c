#pragma once
// The interface every view implements so it can be exported (images and data) and collected
// into a report (widgets/report_writer.h).
#include <QSize>
#include <QString>

class QWidget;

namespace specmoe::widgets {

class ExportableView {
public:
    virtual ~ExportableView() = default;

    // Stable file-name stem ("usage_heatmap") and a human title for reports.
    virtual QString viewId() const = 0;
    virtual QString viewTitle() const = 0;
    // The widget itself (for containers and screenshots).
    virtual QWidget* viewWidget() = 0;

    // Writes the view as .png, .svg or .pdf (chosen by the suffix). size is the output size
    // in pixels (PNG, SVG) or dots (PDF page); dpi sets the resolution, i.e. how large the
    // fonts and lines appear (96 = screen). Returns false and sets *error on failure.
    virtual bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                             QString* error = nullptr) = 0;
    // Writes the data the view shows (as currently filtered) as CSV.
    virtual bool exportCsv(const QString& path, QString* error = nullptr) const = 0;
};

} // namespace specmoe::widgets
