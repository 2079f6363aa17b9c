#include "widgets/log_panel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTextBlock>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace specmoe::widgets {
namespace {

const char* levelTag(LogLevel l)
{
    switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
    }
    return "";
}

} // namespace

LogPanel::LogPanel(QWidget* parent) : QWidget(parent)
{
    m_view = new QPlainTextEdit(this);
    m_view->setReadOnly(true);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setObjectName(QStringLiteral("logView"));

    m_level = new QComboBox(this);
    m_level->setObjectName(QStringLiteral("logLevel"));
    m_level->addItem(tr("All messages"), int(LogLevel::Debug));
    m_level->addItem(tr("Information and above"), int(LogLevel::Info));
    m_level->addItem(tr("Warnings and errors"), int(LogLevel::Warning));
    m_level->addItem(tr("Errors only"), int(LogLevel::Error));
    m_level->setCurrentIndex(1);
    connect(m_level, qOverload<int>(&QComboBox::currentIndexChanged), this, &LogPanel::rebuild);

    auto* clearButton = new QToolButton(this);
    clearButton->setIcon(style()->standardIcon(QStyle::SP_DialogResetButton));
    clearButton->setToolTip(tr("Clear the log"));
    clearButton->setAutoRaise(true);
    connect(clearButton, &QToolButton::clicked, this, &LogPanel::clear);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_level);
    bar->addStretch(1);
    bar->addWidget(clearButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
}

LogLevel LogPanel::minimumLevel() const
{
    return LogLevel(m_level->currentData().toInt());
}

void LogPanel::append(LogLevel level, const QString& source, const QString& text)
{
    LogEntry e{QDateTime::currentDateTime(), level, source, text};
    m_entries.push_back(e);
    if (m_entries.size() > m_maxEntries) {
        m_entries.remove(0, m_entries.size() - m_maxEntries);
        rebuild();
        return;
    }
    if (int(level) >= int(minimumLevel()))
        show(e);
}

void LogPanel::show(const LogEntry& e)
{
    QTextCharFormat fmt;
    const QPalette pal = palette();
    switch (e.level) {
    case LogLevel::Debug: fmt.setForeground(pal.color(QPalette::PlaceholderText)); break;
    case LogLevel::Info: fmt.setForeground(pal.color(QPalette::Text)); break;
    case LogLevel::Warning: fmt.setForeground(QColor(0xc0, 0x7a, 0x00)); break;
    case LogLevel::Error: fmt.setForeground(QColor(0xd0, 0x30, 0x30)); break;
    }
    QString line = e.time.toString(QStringLiteral("HH:mm:ss")) + QLatin1Char(' ') +
                   QString::fromLatin1(levelTag(e.level)).leftJustified(8, QLatin1Char(' '));
    if (!e.source.isEmpty())
        line += QLatin1Char('[') + e.source + QLatin1String("] ");
    line += e.text;
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    if (!m_view->document()->isEmpty())
        cursor.insertBlock();
    cursor.insertText(line, fmt);
    m_view->moveCursor(QTextCursor::End);
}

void LogPanel::rebuild()
{
    m_view->clear();
    for (const LogEntry& e : m_entries)
        if (int(e.level) >= int(minimumLevel()))
            show(e);
}

void LogPanel::clear()
{
    m_entries.clear();
    m_view->clear();
}

QString LogPanel::visibleText() const
{
    return m_view->toPlainText();
}

} // namespace specmoe::widgets
