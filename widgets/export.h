#pragma once
// Image and CSV export helpers shared by the views: one paint function renders into PNG,
// SVG or PDF at a chosen size and resolution; QCustomPlot plots and item models have
// ready-made painters.
#include <QSize>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

class QAbstractItemModel;
class QCPPainter;
class QCustomPlot;
class QPainter;

namespace specmoe::widgets {

enum class ImageFormat { Png, Svg, Pdf, Unknown };
ImageFormat imageFormatForPath(const QString& path);

// Paints the content into a logical canvas of `logical` size (device-independent pixels at
// 96 dpi); the painter is already scaled so that the output has size `size` pixels.
using PaintFn = std::function<void(QCPPainter& painter, const QSize& logical)>;

// Renders paint into path (format from suffix). The output is exactly size pixels (PNG,
// SVG viewBox) or a page of size / dpi inches (PDF); dpi / 96 scales the drawing.
bool exportPainted(const QString& path, const QSize& size, double dpi, const PaintFn& paint,
                   QString* error = nullptr);

// A QCustomPlot at the logical size (its widget keeps its own size and layout).
bool exportPlot(QCustomPlot* plot, const QString& path, const QSize& size, double dpi,
                QString* error = nullptr);

// Draws an item model as a plain table (header row, display text, alignments, bold for
// QFont roles) into rect; used to export table views.
void paintItemModel(QPainter& painter, const QAbstractItemModel& model, const QSize& logical,
                    const QString& title = {});

// CSV writing (RFC 4180 quoting).
QString csvField(const QString& value);
QString csvLine(const QStringList& fields);
bool writeTextFile(const QString& path, const QString& text, QString* error = nullptr);
// A whole item model (header + display data) as CSV.
bool exportItemModelCsv(const QAbstractItemModel& model, const QString& path,
                        QString* error = nullptr);

} // namespace specmoe::widgets
