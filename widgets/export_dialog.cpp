#include "widgets/export_dialog.h"

#include "widgets/exportable_view.h"
#include "widgets/report_writer.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace specmoe::widgets {

ExportDialog::ExportDialog(Mode mode, const QString& suggestedPath, QWidget* parent)
    : QDialog(parent)
    , m_mode(mode)
{
    setWindowTitle(mode == Mode::Image ? tr("Export image") : mode == Mode::Csv ? tr("Export data") : tr("Export report"));
    auto* form = new QFormLayout;
    m_path = new QLineEdit(suggestedPath, this);
    m_path->setMinimumWidth(m_path->fontMetrics().averageCharWidth() * 48); // a path, not a name
    auto* browseButton = new QPushButton(tr("Browse..."), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browseButton);
    form->addRow(mode == Mode::Report ? tr("Folder:") : tr("File:"), pathRow);
    if (mode != Mode::Csv) {
        if (mode == Mode::Image) {
            m_format = new QComboBox(this);
            m_format->addItem(tr("PNG image"), QStringLiteral("png"));
            m_format->addItem(tr("SVG vector image"), QStringLiteral("svg"));
            m_format->addItem(tr("PDF document"), QStringLiteral("pdf"));
            form->addRow(tr("Format:"), m_format);
            connect(m_format, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
                QFileInfo fi(m_path->text());
                m_path->setText(fi.dir().filePath(fi.completeBaseName() + QLatin1Char('.') + m_format->currentData().toString()));
            });
            // The export follows the file's suffix: the format shown follows it too (typed or
            // browsed, "x.svg" went on showing "PNG image").
            connect(m_path, &QLineEdit::textChanged, this, [this](const QString& text) {
                const int i = m_format->findData(QFileInfo(text).suffix().toLower());
                if (i >= 0) {
                    const QSignalBlocker block(m_format);
                    m_format->setCurrentIndex(i);
                }
            });
        }
        m_width = new QSpinBox(this);
        m_height = new QSpinBox(this);
        m_dpi = new QSpinBox(this);
        m_width->setRange(100, 12000);
        m_height->setRange(100, 12000);
        m_dpi->setRange(48, 1200);
        m_width->setValue(1600);
        m_height->setValue(1000);
        m_dpi->setValue(144);
        m_width->setSuffix(tr(" px"));
        m_height->setSuffix(tr(" px"));
        m_dpi->setSuffix(tr(" dpi"));
        auto* sizeRow = new QHBoxLayout;
        sizeRow->addWidget(m_width);
        sizeRow->addWidget(m_height);
        form->addRow(tr("Size:"), sizeRow);
        form->addRow(tr("Resolution:"), m_dpi);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
}

void ExportDialog::browse()
{
    QString chosen;
    if (m_mode == Mode::Report)
        chosen = QFileDialog::getExistingDirectory(this, tr("Report folder"), m_path->text());
    else if (m_mode == Mode::Csv)
        chosen = QFileDialog::getSaveFileName(this, tr("Export data"), m_path->text(), tr("CSV files (*.csv)"));
    else
        chosen = QFileDialog::getSaveFileName(this, tr("Export image"), m_path->text(),
                                              tr("Images (*.png *.svg *.pdf)"));
    if (!chosen.isEmpty())
        m_path->setText(chosen);
}

QString ExportDialog::path() const
{
    return m_path->text();
}

QSize ExportDialog::imageSize() const
{
    return m_width ? QSize(m_width->value(), m_height->value()) : QSize(1600, 1000);
}

double ExportDialog::dpi() const
{
    return m_dpi ? m_dpi->value() : 144.0;
}

bool exportViewImage(ExportableView* view, QWidget* parent)
{
    if (!view)
        return false;
    ExportDialog dialog(ExportDialog::Mode::Image, QDir::home().filePath(view->viewId() + QStringLiteral(".png")), parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    QString error;
    if (!view->exportImage(dialog.path(), dialog.imageSize(), dialog.dpi(), &error)) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), error);
        return false;
    }
    return true;
}

bool exportViewCsv(ExportableView* view, QWidget* parent)
{
    if (!view)
        return false;
    ExportDialog dialog(ExportDialog::Mode::Csv, QDir::home().filePath(view->viewId() + QStringLiteral(".csv")), parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    QString error;
    if (!view->exportCsv(dialog.path(), &error)) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), error);
        return false;
    }
    return true;
}

bool exportViewsReport(const QList<ExportableView*>& views, const QString& title, QWidget* parent)
{
    ExportDialog dialog(ExportDialog::Mode::Report, QDir::home().filePath(QStringLiteral("specmoe-report")), parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    ReportOptions options;
    options.title = title;
    options.size = dialog.imageSize();
    options.dpi = dialog.dpi();
    const ReportResult result = writeReport(dialog.path(), views, options);
    if (!result.ok) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), result.errors.join(QLatin1Char('\n')));
        return false;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(result.indexPath));
    return true;
}

} // namespace specmoe::widgets
