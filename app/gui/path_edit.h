#pragma once
// A line edit with a "Browse..." button that picks a folder or a file.
#include <QWidget>

class QLineEdit;
class QToolButton;

namespace specmoe::gui {

class PathEdit : public QWidget {
    Q_OBJECT
public:
    enum Mode { Folder, OpenFile, SaveFolder };
    explicit PathEdit(Mode mode, QWidget* parent = nullptr);

    QString path() const;
    void setPath(const QString& path);
    void setFilter(const QString& filter) { m_filter = filter; }
    void setPlaceholderText(const QString& text);
    QLineEdit* lineEdit() const { return m_edit; }

Q_SIGNALS:
    void pathChanged(const QString& path);

private:
    void browse();

    Mode m_mode;
    QString m_filter;
    QLineEdit* m_edit = nullptr;
    QToolButton* m_browse = nullptr;
};

} // namespace specmoe::gui
