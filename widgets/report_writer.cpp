#include "widgets/report_writer.h"

#include "widgets/export.h"
#include "widgets/exportable_view.h"

#include <QDateTime>
#include <QDir>
#include <QObject>

namespace specmoe::widgets {

ReportResult writeReport(const QString& dir, const QList<ExportableView*>& views, const ReportOptions& o)
{
    ReportResult result;
    if (!QDir().mkpath(dir)) {
        result.errors << QObject::tr("Cannot create the folder %1").arg(dir);
        return result;
    }
    const QDir out(dir);
    const QString title = o.title.isEmpty() ? QObject::tr("SpecMoE report") : o.title;
    QString html;
    html += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html += QStringLiteral("<title>%1</title>\n").arg(title.toHtmlEscaped());
    html += QStringLiteral(
        "<style>\nbody{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1200px;"
        "color:#222;padding:0 1em}\nh1{font-size:1.6em;margin-bottom:.2em}\n.sub{color:#666;margin-top:0}\n"
        "section{margin:2.2em 0;border-top:1px solid #ddd;padding-top:1em}\nimg{max-width:100%;height:auto;"
        "border:1px solid #e4e4e4}\n.links a{margin-right:1em}\nnav a{margin-right:1.2em}\n</style>\n</head>\n<body>\n");
    html += QStringLiteral("<h1>%1</h1>\n").arg(title.toHtmlEscaped());
    html += QStringLiteral("<p class=\"sub\">%1%2</p>\n")
                .arg(o.subtitle.toHtmlEscaped())
                .arg((o.subtitle.isEmpty() ? QString() : QStringLiteral(" &middot; ")) +
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toHtmlEscaped());
    html += QStringLiteral("<nav>");
    for (ExportableView* v : views)
        if (v)
            html += QStringLiteral("<a href=\"#%1\">%2</a>").arg(v->viewId(), v->viewTitle().toHtmlEscaped());
    html += QStringLiteral("</nav>\n");

    for (ExportableView* v : views) {
        if (!v)
            continue;
        const QString id = v->viewId();
        QStringList links;
        auto attempt = [&](const QString& suffix, bool image) {
            const QString name = id + QLatin1Char('.') + suffix;
            QString error;
            const bool ok = image ? v->exportImage(out.filePath(name), o.size, o.dpi, &error)
                                  : v->exportCsv(out.filePath(name), &error);
            if (ok) {
                result.files << name;
                links << QStringLiteral("<a href=\"%1\">%2</a>").arg(name, suffix.toUpper());
            } else {
                result.errors << QStringLiteral("%1: %2").arg(name, error);
            }
            return ok;
        };
        const bool havePng = o.png && attempt(QStringLiteral("png"), true);
        const bool haveSvg = o.svg && attempt(QStringLiteral("svg"), true);
        if (o.pdf)
            attempt(QStringLiteral("pdf"), true);
        if (o.csv)
            attempt(QStringLiteral("csv"), false);
        html += QStringLiteral("<section id=\"%1\">\n<h2>%2</h2>\n").arg(id, v->viewTitle().toHtmlEscaped());
        if (havePng || haveSvg)
            html += QStringLiteral("<img src=\"%1\" alt=\"%2\" width=\"%3\">\n")
                        .arg(id + (havePng ? QStringLiteral(".png") : QStringLiteral(".svg")),
                             v->viewTitle().toHtmlEscaped())
                        .arg(o.size.width());
        html += QStringLiteral("<p class=\"links\">%1</p>\n</section>\n").arg(links.join(QLatin1Char(' ')));
    }
    html += QStringLiteral("</body>\n</html>\n");
    QString error;
    result.indexPath = out.filePath(QStringLiteral("index.html"));
    if (writeTextFile(result.indexPath, html, &error))
        result.files << QStringLiteral("index.html");
    else
        result.errors << error;
    result.ok = result.errors.isEmpty();
    return result;
}

} // namespace specmoe::widgets
