#include "widgets/export.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontMetrics>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include "widgets/view_qcustomplot.h"

#include <algorithm>
#include <cmath>

namespace specmoe::widgets {

ImageFormat imageFormatForPath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return ImageFormat::Png;
    if (suffix == QLatin1String("svg"))
        return ImageFormat::Svg;
    if (suffix == QLatin1String("pdf"))
        return ImageFormat::Pdf;
    return ImageFormat::Unknown;
}

namespace {

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

bool ensureParent(const QString& path, QString* error)
{
    const QDir dir = QFileInfo(path).absoluteDir();
    if (dir.exists() || QDir().mkpath(dir.absolutePath()))
        return true;
    setError(error, QObject::tr("Cannot create the folder %1").arg(dir.absolutePath()));
    return false;
}

// Paints with the scale that maps the logical canvas onto the device.
void paintScaled(QCPPainter& painter, const QSize& size, double scale, const PaintFn& paint)
{
    const QSize logical(std::max(1, int(std::lround(size.width() / scale))),
                        std::max(1, int(std::lround(size.height() / scale))));
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.scale(double(size.width()) / logical.width(), double(size.height()) / logical.height());
    painter.fillRect(QRect(QPoint(0, 0), logical), Qt::white);
    paint(painter, logical);
}

} // namespace

bool exportPainted(const QString& path, const QSize& size, double dpi, const PaintFn& paint,
                   QString* error)
{
    if (size.width() < 1 || size.height() < 1 || size.width() > 20000 || size.height() > 20000) {
        setError(error, QObject::tr("Invalid image size %1 x %2").arg(size.width()).arg(size.height()));
        return false;
    }
    if (!(dpi >= 10 && dpi <= 2400)) {
        setError(error, QObject::tr("Invalid resolution %1 dpi").arg(dpi));
        return false;
    }
    if (!ensureParent(path, error))
        return false;
    const double scale = dpi / 96.0;
    switch (imageFormatForPath(path)) {
    case ImageFormat::Png: {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        {
            QCPPainter painter(&image);
            paintScaled(painter, size, scale, paint);
        }
        // Only after painting: a painter on an image of `dpi` draws point-size fonts dpi/96
        // larger on top of the scale above, and the plots, laid out with screen metrics,
        // had their titles and axis labels cut at the border.
        const int dpm = int(std::lround(dpi / 0.0254));
        image.setDotsPerMeterX(dpm);
        image.setDotsPerMeterY(dpm);
        if (!image.save(path, "PNG")) {
            setError(error, QObject::tr("Cannot write %1").arg(path));
            return false;
        }
        return true;
    }
    case ImageFormat::Svg: {
        // Fonts follow the device's resolution on top of the painter's scale (as the PNG's
        // did): draw at 96 dpi and state the physical size (size / dpi inches) through the
        // device size instead; the viewBox stays `size` pixels.
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(std::max(1, int(std::lround(size.width() / scale))),
                          std::max(1, int(std::lround(size.height() / scale)))));
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setResolution(96);
        svg.setTitle(QFileInfo(path).completeBaseName());
        svg.setDescription(QObject::tr("SpecMoE Workbench export"));
        QCPPainter painter;
        if (!painter.begin(&svg)) {
            setError(error, QObject::tr("Cannot write %1").arg(path));
            return false;
        }
        paintScaled(painter, size, scale, paint);
        painter.end();
        if (!QFileInfo::exists(path)) {
            setError(error, QObject::tr("Cannot write %1").arg(path));
            return false;
        }
        return true;
    }
    case ImageFormat::Pdf: {
        QPdfWriter pdf(path);
        // The page is size / dpi inches; drawn at 96 dpi its pixels are the logical canvas,
        // so fonts are not enlarged twice (device resolution and painter scale).
        pdf.setResolution(96);
        pdf.setCreator(QObject::tr("SpecMoE Workbench"));
        pdf.setTitle(QFileInfo(path).completeBaseName());
        const QPageSize pageSize(QSizeF(size.width() / dpi, size.height() / dpi), QPageSize::Inch,
                                 QString(), QPageSize::ExactMatch);
        pdf.setPageLayout(QPageLayout(pageSize, QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        QCPPainter painter;
        if (!painter.begin(&pdf)) {
            setError(error, QObject::tr("Cannot write %1").arg(path));
            return false;
        }
        // The PDF device measures in dots at the writer's resolution: the logical canvas.
        const QRect page = pdf.pageLayout().paintRectPixels(pdf.resolution());
        paintScaled(painter, page.size().isEmpty() ? size : page.size(), 1.0, paint);
        painter.end();
        return true;
    }
    case ImageFormat::Unknown:
        break;
    }
    setError(error, QObject::tr("Unknown image format of %1 (use .png, .svg or .pdf)").arg(path));
    return false;
}

bool exportPlot(QCustomPlot* plot, const QString& path, const QSize& size, double dpi, QString* error)
{
    if (!plot) {
        setError(error, QObject::tr("No plot to export"));
        return false;
    }
    const bool ok = exportPainted(
        path, size, dpi,
        [plot](QCPPainter& painter, const QSize& logical) {
            painter.setMode(QCPPainter::pmVectorized, true);
            plot->toPainter(&painter, logical.width(), logical.height());
        },
        error);
    // toPainter laid the plot out at the export size: restore the on-screen layout.
    plot->replot(QCustomPlot::rpQueuedReplot);
    return ok;
}

void paintItemModel(QPainter& painter, const QAbstractItemModel& model, const QSize& logical,
                    const QString& title)
{
    const int rows = model.rowCount();
    const int cols = model.columnCount();
    QFont font = painter.font();
    font.setPointSizeF(9.5);
    QFont bold = font;
    bold.setBold(true);
    QFont titleFont = font;
    titleFont.setPointSizeF(12);
    titleFont.setBold(true);
    const int margin = 16;
    int y = margin;
    if (!title.isEmpty()) {
        painter.setFont(titleFont);
        painter.setPen(Qt::black);
        const int h = QFontMetrics(titleFont).height();
        painter.drawText(QRect(margin, y, logical.width() - 2 * margin, h), Qt::AlignLeft | Qt::AlignVCenter, title);
        y += h + 8;
    }
    if (cols == 0)
        return;
    // Column widths from the content (header bold), then stretched to the width.
    QFontMetrics fm(font), bfm(bold);
    std::vector<double> widths(size_t(cols), 0.0);
    for (int c = 0; c < cols; ++c) {
        widths[size_t(c)] = bfm.horizontalAdvance(model.headerData(c, Qt::Horizontal).toString()) + 16;
        for (int r = 0; r < rows; ++r)
            widths[size_t(c)] = std::max<double>(widths[size_t(c)],
                                                 bfm.horizontalAdvance(model.index(r, c).data().toString()) + 16);
    }
    double total = 0;
    for (double w : widths)
        total += w;
    const double avail = logical.width() - 2 * margin;
    const double stretch = total > 0 ? std::max(0.3, avail / total) : 1.0;
    const int rowH = fm.height() + 10;
    auto cellRect = [&](int c, int yy) {
        double x = margin;
        for (int i = 0; i < c; ++i)
            x += widths[size_t(i)] * stretch;
        return QRectF(x, yy, widths[size_t(c)] * stretch, rowH);
    };
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(232, 236, 242));
    painter.drawRect(QRectF(margin, y, avail, rowH));
    painter.setFont(bold);
    painter.setPen(Qt::black);
    for (int c = 0; c < cols; ++c)
        painter.drawText(cellRect(c, y).adjusted(6, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         model.headerData(c, Qt::Horizontal).toString());
    y += rowH;
    for (int r = 0; r < rows && y + rowH <= logical.height() - margin; ++r) {
        if (r % 2 == 1) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(QColor(246, 247, 249));
            painter.drawRect(QRectF(margin, y, avail, rowH));
        }
        for (int c = 0; c < cols; ++c) {
            const QModelIndex idx = model.index(r, c);
            const QVariant f = idx.data(Qt::FontRole);
            painter.setFont(f.canConvert<QFont>() && f.value<QFont>().bold() ? bold : font);
            const QVariant fg = idx.data(Qt::ForegroundRole);
            painter.setPen(fg.canConvert<QBrush>() ? fg.value<QBrush>().color() : QColor(Qt::black));
            const QVariant a = idx.data(Qt::TextAlignmentRole);
            const Qt::Alignment align = a.isValid() ? Qt::Alignment(a.toInt()) : (Qt::AlignLeft | Qt::AlignVCenter);
            painter.drawText(cellRect(c, y).adjusted(6, 0, -6, 0), int(align | Qt::AlignVCenter),
                             idx.data().toString());
        }
        y += rowH;
    }
    painter.setPen(QPen(QColor(180, 186, 196), 1));
    painter.drawLine(QPointF(margin, y), QPointF(margin + avail, y));
}

QString csvField(const QString& value)
{
    if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) ||
        value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r'))) {
        QString v = value;
        v.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + v + QLatin1Char('"');
    }
    return value;
}

QString csvLine(const QStringList& fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString& f : fields)
        quoted << csvField(f);
    return quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
}

bool writeTextFile(const QString& path, const QString& text, QString* error)
{
    if (!ensureParent(path, error))
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        setError(error, QObject::tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    file.write(text.toUtf8());
    if (!file.commit()) {
        setError(error, QObject::tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

bool exportItemModelCsv(const QAbstractItemModel& model, const QString& path, QString* error)
{
    QString out;
    QStringList header;
    for (int c = 0; c < model.columnCount(); ++c)
        header << model.headerData(c, Qt::Horizontal).toString();
    out += csvLine(header);
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < model.columnCount(); ++c) {
            const QModelIndex idx = model.index(r, c);
            const QVariant raw = idx.data(Qt::UserRole);
            row << (raw.isValid() ? raw.toString() : idx.data().toString());
        }
        out += csvLine(row);
    }
    return writeTextFile(path, out, error);
}

} // namespace specmoe::widgets
