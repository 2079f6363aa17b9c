#pragma once
// The log panel: timestamped messages from the workbench and its jobs, coloured by level,
// with a level filter. Log lines are not translated (they are for bug reports); the
// panel's own labels are.
#include <QDateTime>
#include <QVector>
#include <QWidget>

class QComboBox;
class QPlainTextEdit;

namespace specmoe::widgets {

enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 };

struct LogEntry {
    QDateTime time;
    LogLevel level = LogLevel::Info;
    QString source; // e.g. "job 3", "workspace"
    QString text;
};

class LogPanel : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);

    int entryCount() const { return m_entries.size(); }
    const QVector<LogEntry>& entries() const { return m_entries; }
    // Text of what the view currently shows (tests).
    QString visibleText() const;
    void setMaximumEntries(int n) { m_maxEntries = n; }

public Q_SLOTS:
    void append(specmoe::widgets::LogLevel level, const QString& source, const QString& text);
    void info(const QString& source, const QString& text) { append(LogLevel::Info, source, text); }
    void warning(const QString& source, const QString& text) { append(LogLevel::Warning, source, text); }
    void error(const QString& source, const QString& text) { append(LogLevel::Error, source, text); }
    void clear();

private:
    void rebuild();
    void show(const LogEntry& e);
    LogLevel minimumLevel() const;

    QPlainTextEdit* m_view = nullptr;
    QComboBox* m_level = nullptr;
    QVector<LogEntry> m_entries;
    int m_maxEntries = 5000;
};

} // namespace specmoe::widgets
