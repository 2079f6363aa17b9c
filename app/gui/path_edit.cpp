#include "app/gui/path_edit.h"

#include <QCompleter>
#include <QDir>
#include <QFileDialog>
#include <QFileSystemModel>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace specmoe::gui {

PathEdit::PathEdit(Mode mode, QWidget* parent) : QWidget(parent), m_mode(mode)
{
    m_edit = new QLineEdit(this);
    m_edit->setClearButtonEnabled(true);
    auto* fsModel = new QFileSystemModel(this);
    fsModel->setRootPath(QString());
    fsModel->setFilter(mode == OpenFile ? QDir::AllDirs | QDir::Files | QDir::NoDotAndDotDot
                                        : QDir::AllDirs | QDir::NoDotAndDotDot);
    auto* completer = new QCompleter(fsModel, this);
    m_edit->setCompleter(completer);
    m_browse = new QToolButton(this);
    m_browse->setText(tr("Browse…"));
    m_browse->setIcon(style()->standardIcon(mode == OpenFile ? QStyle::SP_FileIcon : QStyle::SP_DirOpenIcon));
    m_browse->setToolButtonStyle(Qt::ToolButtonIconOnly);
    m_browse->setToolTip(tr("Browse…"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_browse);
    connect(m_browse, &QToolButton::clicked, this, &PathEdit::browse);
    connect(m_edit, &QLineEdit::textChanged, this, &PathEdit::pathChanged);
    setFocusProxy(m_edit);
}

QString PathEdit::path() const
{
    const QString t = m_edit->text().trimmed();
    return t.isEmpty() ? t : QDir::cleanPath(QDir::fromNativeSeparators(t));
}

void PathEdit::setPath(const QString& path)
{
    m_edit->setText(QDir::toNativeSeparators(path));
}

void PathEdit::setPlaceholderText(const QString& text)
{
    m_edit->setPlaceholderText(text);
}

void PathEdit::browse()
{
    QString picked;
    const QString start = path().isEmpty() ? QDir::homePath() : path();
    if (m_mode == OpenFile)
        picked = QFileDialog::getOpenFileName(this, tr("Choose a file"), start, m_filter);
    else
        picked = QFileDialog::getExistingDirectory(this, tr("Choose a folder"), start);
    if (!picked.isEmpty())
        setPath(picked);
}

} // namespace specmoe::gui
