// Export of every view: PNG of the requested pixel size and resolution, SVG that parses,
// PDF with a valid header and page size, CSV with a header; the report folder's index.html.
#include "tests/support/views_demo_data.h"
#include "widgets/comparison_table_view.h"
#include "widgets/export.h"
#include "widgets/export_dialog.h"
#include "widgets/report_writer.h"
#include "widgets/trace_set_views.h"
#include "widgets/training_metrics_series.h"
#include "widgets/training_run_views.h"
#include "widgets/usage_heatmap_view.h"
#include "widgets/view_qcustomplot.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QLineEdit>
#include <QPainter>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace specmoe;
using namespace specmoe::widgets;
using namespace specmoe::test;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void checkPng(const QString& path, const QSize& size, double dpi)
{
    QImageReader reader(path);
    QCOMPARE(QString::fromLatin1(reader.format()), QStringLiteral("png"));
    const QImage img = reader.read();
    QVERIFY2(!img.isNull(), qPrintable(path));
    QCOMPARE(img.size(), size);
    QVERIFY(std::abs(img.dotsPerMeterX() * 0.0254 - dpi) < 1.0);
    // Not blank: some pixels differ from the white background.
    int ink = 0;
    for (int y = 0; y < img.height(); y += 7)
        for (int x = 0; x < img.width(); x += 7)
            ink += img.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
    QVERIFY2(ink > 20, qPrintable(path));
}

void checkSvg(const QString& path, const QSize& size)
{
    const QByteArray data = readAll(path);
    QXmlStreamReader xml(data);
    bool sawSvg = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("svg")) {
            sawSvg = true;
            const QString vb = xml.attributes().value(QLatin1String("viewBox")).toString();
            QCOMPARE(vb, QStringLiteral("0 0 %1 %2").arg(size.width()).arg(size.height()));
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(sawSvg);
    QSvgRenderer renderer(path);
    QVERIFY(renderer.isValid());
}

void checkPdf(const QString& path, const QSize& size, double dpi)
{
    const QByteArray data = readAll(path);
    QVERIFY(data.startsWith("%PDF-"));
    QVERIFY(data.trimmed().endsWith("%%EOF"));
    // MediaBox in points: size / dpi * 72.
    const QByteArray box = QStringLiteral("/MediaBox [0 0 %1 %2]")
                               .arg(size.width() / dpi * 72.0, 0, 'g', 6)
                               .arg(size.height() / dpi * 72.0, 0, 'g', 6)
                               .toLatin1();
    const int at = data.indexOf("/MediaBox");
    QVERIFY(at >= 0);
    const QList<QByteArray> nums = data.mid(at + 9, 60).replace('[', ' ').replace(']', ' ').simplified().split(' ');
    QVERIFY(nums.size() >= 4);
    QVERIFY2(std::abs(nums[2].toDouble() - size.width() / dpi * 72.0) < 1.0, box.constData());
    QVERIFY2(std::abs(nums[3].toDouble() - size.height() / dpi * 72.0) < 1.0, box.constData());
}

struct Fixture {
    DemoRouting routing = makeDemoRouting(5000, 16, 8, 2, 500, 3);
    std::unique_ptr<TraceSetViews> traces = std::make_unique<TraceSetViews>();
    std::unique_ptr<TrainingRunViews> run = std::make_unique<TrainingRunViews>();
    Fixture()
    {
        traces->resize(1000, 700);
        traces->setAnalysis(analyzeDemo(routing, 2, {"def"}, 8));
        traces->setRouting(routing.block, routing.textFn());
        traces->journeyView()->search(QStringLiteral("def"));
        for (const std::string& line : makeDemoMetricLines(300, 100, 2, 16, 2))
            run->metrics()->appendJsonLine(QByteArray::fromStdString(line));
        run->resize(1000, 700);
        traces->show();
        run->show();
        QCoreApplication::processEvents();
    }
    QList<ExportableView*> all() const { return traces->views() + run->views(); }
};

} // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void painted_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("dpi");
        QTest::newRow("screen") << QSize(640, 400) << 96.0;
        QTest::newRow("print") << QSize(1800, 1200) << 300.0;
        QTest::newRow("odd") << QSize(333, 777) << 144.0;
    }
    void painted()
    {
        QFETCH(QSize, size);
        QFETCH(double, dpi);
        QTemporaryDir dir;
        auto paint = [](QCPPainter& p, const QSize& logical) {
            p.setPen(QPen(Qt::black, 2));
            p.drawRect(QRect(QPoint(10, 10), logical - QSize(20, 20)));
            p.drawText(QPointF(20, 40), QStringLiteral("export"));
        };
        QVERIFY(exportPainted(dir.filePath(QStringLiteral("a.png")), size, dpi, paint));
        checkPng(dir.filePath(QStringLiteral("a.png")), size, dpi);
        QVERIFY(exportPainted(dir.filePath(QStringLiteral("a.svg")), size, dpi, paint));
        checkSvg(dir.filePath(QStringLiteral("a.svg")), size);
        QVERIFY(exportPainted(dir.filePath(QStringLiteral("a.pdf")), size, dpi, paint));
        checkPdf(dir.filePath(QStringLiteral("a.pdf")), size, dpi);
    }
    void rejectsBadInput()
    {
        QTemporaryDir dir;
        QString error;
        auto paint = [](QCPPainter&, const QSize&) {};
        QVERIFY(!exportPainted(dir.filePath(QStringLiteral("a.bmp")), QSize(10, 10), 96, paint, &error));
        QVERIFY(error.contains(QStringLiteral(".png")));
        QVERIFY(!exportPainted(dir.filePath(QStringLiteral("a.png")), QSize(0, 10), 96, paint, &error));
        QVERIFY(!exportPainted(dir.filePath(QStringLiteral("a.png")), QSize(10, 10), 0, paint, &error));
    }
    void csvQuoting()
    {
        QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
        QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(csvLine({QStringLiteral("x"), QStringLiteral("\n")}), QStringLiteral("x,\"\n\"\n"));
    }
    // The image dialog's format follows the file's suffix (the export does): "x.svg" typed
    // or browsed went on showing "PNG image".
    void imageDialogFormatFollowsTheSuffix()
    {
        ExportDialog dlg(ExportDialog::Mode::Image, QStringLiteral("/tmp/view.png"));
        auto* path = dlg.findChild<QLineEdit*>();
        auto* format = dlg.findChild<QComboBox*>();
        QVERIFY(path && format);
        QCOMPARE(format->currentData().toString(), QStringLiteral("png"));
        path->setText(QStringLiteral("/tmp/view.svg"));
        QCOMPARE(format->currentData().toString(), QStringLiteral("svg"));
        path->setText(QStringLiteral("/tmp/view.PDF"));
        QCOMPARE(format->currentData().toString(), QStringLiteral("pdf"));
        // And the other way round, as before.
        format->setCurrentIndex(format->findData(QStringLiteral("png")));
        QCOMPARE(dlg.path(), QStringLiteral("/tmp/view.png"));
    }

    // At a resolution above the screen's the picture is the screen's, scaled: nothing runs
    // off the edge. Fonts were enlarged twice (painter scale and the device's dpi), so the
    // heatmap's title and axis labels were cut at 144 dpi, in the PNG and the SVG alike.
    void highResolutionKeepsTextInside()
    {
        Fixture fx;
        QTemporaryDir dir;
        const QSize size(1600, 1000);
        for (const double dpi : {96.0, 144.0, 192.0}) {
            QString error;
            const QString png = dir.filePath(QStringLiteral("heat-%1.png").arg(dpi));
            QVERIFY2(fx.traces->heatmapView()->exportImage(png, size, dpi, &error), qPrintable(error));
            checkPng(png, size, dpi);
            const QString svg = dir.filePath(QStringLiteral("heat-%1.svg").arg(dpi));
            QVERIFY2(fx.traces->heatmapView()->exportImage(svg, size, dpi, &error), qPrintable(error));
            checkSvg(svg, size);
            QImage drawn(size, QImage::Format_ARGB32);
            drawn.fill(Qt::white);
            {
                QPainter p(&drawn);
                QSvgRenderer(svg).render(&p);
            }
            for (const auto& [what, img] : {std::pair{QStringLiteral("PNG"), QImage(png)}, std::pair{QStringLiteral("SVG"), drawn}}) {
                QCOMPARE(img.size(), size);
                int ink = 0; // non-white pixels on the 2 px frame
                for (int x = 0; x < img.width(); ++x)
                    for (int y : {0, 1, img.height() - 2, img.height() - 1})
                        ink += img.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
                for (int y = 0; y < img.height(); ++y)
                    for (int x : {0, 1, img.width() - 2, img.width() - 1})
                        ink += img.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
                QVERIFY2(ink == 0, qPrintable(QStringLiteral("%1 at %2 dpi: %3 pixels of ink on the border").arg(what).arg(dpi).arg(ink)));
            }
            const QString pdf = dir.filePath(QStringLiteral("heat-%1.pdf").arg(dpi));
            QVERIFY2(fx.traces->heatmapView()->exportImage(pdf, size, dpi, &error), qPrintable(error));
            checkPdf(pdf, size, dpi); // still size / dpi inches
        }
    }
    void everyView()
    {
        Fixture fx;
        QTemporaryDir dir;
        const QSize size(1200, 800);
        const double dpi = 150;
        QCOMPARE(fx.all().size(), 6);
        for (ExportableView* v : fx.all()) {
            const QString base = dir.filePath(v->viewId());
            QString error;
            QVERIFY2(v->exportImage(base + QStringLiteral(".png"), size, dpi, &error), qPrintable(error));
            checkPng(base + QStringLiteral(".png"), size, dpi);
            QVERIFY2(v->exportImage(base + QStringLiteral(".svg"), size, dpi, &error), qPrintable(error));
            checkSvg(base + QStringLiteral(".svg"), size);
            QVERIFY2(v->exportImage(base + QStringLiteral(".pdf"), size, dpi, &error), qPrintable(error));
            checkPdf(base + QStringLiteral(".pdf"), size, dpi);
            QVERIFY2(v->exportCsv(base + QStringLiteral(".csv"), &error), qPrintable(error));
            const QByteArray csv = readAll(base + QStringLiteral(".csv"));
            QVERIFY2(csv.count('\n') >= 2, qPrintable(v->viewId())); // header and data
        }
        // The on-screen widget keeps its own size after an export.
        QCOMPARE(fx.traces->heatmapView()->size().width() <= 1000, true);
    }
    void report()
    {
        Fixture fx;
        QTemporaryDir dir;
        ReportOptions o;
        o.title = QStringLiteral("Test <report>");
        o.size = QSize(800, 500);
        o.dpi = 96;
        const ReportResult r = writeReport(dir.filePath(QStringLiteral("out")), fx.all(), o);
        QVERIFY2(r.ok, qPrintable(r.errors.join(QLatin1Char('\n'))));
        QCOMPARE(r.files.size(), 6 * 4 + 1);
        const QString html = QString::fromUtf8(readAll(r.indexPath));
        QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
        QVERIFY(html.contains(QStringLiteral("Test &lt;report&gt;")));
        for (ExportableView* v : fx.all()) {
            QVERIFY2(html.contains(QStringLiteral("src=\"%1.png\"").arg(v->viewId())), qPrintable(v->viewId()));
            for (const char* ext : {".png", ".svg", ".pdf", ".csv"})
                QVERIFY(QFile::exists(dir.filePath(QStringLiteral("out/") + v->viewId() + QLatin1String(ext))));
        }
        checkPng(dir.filePath(QStringLiteral("out/usage_heatmap.png")), o.size, o.dpi);
        const ReportResult r2 = fx.traces->exportReport(dir.filePath(QStringLiteral("traces")));
        QVERIFY(r2.ok);
        QCOMPARE(r2.files.size(), 4 * 4 + 1);
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
