#pragma once
// Asks where and how to export: a view as an image (PNG/SVG/PDF, size, DPI), its data as
// CSV, or a whole report folder. The views themselves never open dialogs.
#include <QDialog>
#include <QList>
#include <QSize>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace specmoe::widgets {

class ExportableView;

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Mode { Image, Csv, Report };
    ExportDialog(Mode mode, const QString& suggestedPath, QWidget* parent = nullptr);

    QString path() const;
    QSize imageSize() const;
    double dpi() const;

private:
    void browse();

    Mode m_mode;
    QLineEdit* m_path = nullptr;
    QComboBox* m_format = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QSpinBox* m_dpi = nullptr;
};

// Runs the dialog and exports; reports failures in a message box. Returns true on success.
bool exportViewImage(ExportableView* view, QWidget* parent);
bool exportViewCsv(ExportableView* view, QWidget* parent);
bool exportViewsReport(const QList<ExportableView*>& views, const QString& title, QWidget* parent);

} // namespace specmoe::widgets
