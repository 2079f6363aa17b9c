#include "app/gui/settings_dialog.h"

#include "app/gui/collection_dialog.h"

#include <QApplication>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QPalette>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QStyleFactory>
#include <QThread>
#include <QVBoxLayout>

namespace specmoe::gui {

AppSettings AppSettings::load()
{
    QSettings s;
    AppSettings a;
    a.threads = s.value(QStringLiteral("compute/threads"), a.threads).toInt();
    a.device = s.value(QStringLiteral("compute/device"), a.device).toString();
    a.maxConcurrentJobs = qMax(1, s.value(QStringLiteral("jobs/maxConcurrent"), a.maxConcurrentJobs).toInt());
    a.language = s.value(QStringLiteral("ui/language"), a.language).toString();
    a.theme = s.value(QStringLiteral("ui/theme"), a.theme).toString();
    return a;
}

void AppSettings::applyDevice(DeviceSpec* device) const
{
    if (this->device.isEmpty())
        return;
    try {
        *device = parseDevice(this->device.toStdString());
    } catch (const std::exception&) {
        // Settings written by hand or by another version: the job's default stands.
    }
}

void AppSettings::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("compute/threads"), threads);
    s.setValue(QStringLiteral("compute/device"), device);
    s.setValue(QStringLiteral("jobs/maxConcurrent"), maxConcurrentJobs);
    s.setValue(QStringLiteral("ui/language"), language);
    s.setValue(QStringLiteral("ui/theme"), theme);
}

SettingsDialog::SettingsDialog(QWidget* parent) : ValidatingDialog(parent)
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));

    auto* computeBox = new QGroupBox(tr("Compute"), this);
    m_threads = new QSpinBox(computeBox);
    m_threads->setObjectName(QStringLiteral("threads"));
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    m_device = new QComboBox(computeBox);
    m_device->setObjectName(QStringLiteral("device"));
    fillDeviceCombo(m_device);
    m_device->insertItem(0, tr("Each job's default"), QString());
    m_jobs = new QSpinBox(computeBox);
    m_jobs->setObjectName(QStringLiteral("maxJobs"));
    m_jobs->setRange(1, 16);
    auto* computeForm = new QFormLayout(computeBox);
    computeForm->addRow(tr("CPU threads:"), m_threads);
    computeForm->addRow(tr("Default device:"), m_device);
    computeForm->addRow(tr("Jobs at the same time:"), m_jobs);

    auto* uiBox = new QGroupBox(tr("Appearance"), this);
    m_language = new QComboBox(uiBox);
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(tr("System language"), QString());
    // Language names in their own language, so a user can find theirs in any UI language.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QString::fromUtf8("简体中文"), QStringLiteral("zh_CN"));
    m_theme = new QComboBox(uiBox);
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("System"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    auto* uiForm = new QFormLayout(uiBox);
    uiForm->addRow(tr("Language:"), m_language);
    uiForm->addRow(tr("Theme:"), m_theme);

    auto* content = new QVBoxLayout;
    content->addWidget(computeBox);
    content->addWidget(uiBox);
    content->addStretch(1);
    setContentLayout(content);

    setSettings(AppSettings::load());
    watch(this);
    resize(480, 360);
    revalidate();
}

AppSettings SettingsDialog::settings() const
{
    AppSettings a;
    a.threads = m_threads->value();
    a.device = m_device->currentData().toString();
    a.maxConcurrentJobs = m_jobs->value();
    a.language = m_language->currentData().toString();
    a.theme = m_theme->currentData().toString();
    return a;
}

void SettingsDialog::setSettings(const AppSettings& a)
{
    m_threads->setValue(a.threads);
    selectDevice(m_device, a.device);
    m_jobs->setValue(a.maxConcurrentJobs);
    m_language->setCurrentIndex(qMax(0, m_language->findData(a.language)));
    m_theme->setCurrentIndex(qMax(0, m_theme->findData(a.theme)));
    m_initialLanguage = a.language;
}

Validation SettingsDialog::validate() const
{
    Validation v;
    if (m_language->currentData().toString() != m_initialLanguage)
        v.warning = tr("The new language applies after the workbench restarts.");
    return v;
}

void applyTheme(const QString& theme)
{
    static const QString platformStyle = QApplication::style()->name();
    static const QPalette platformPalette = QApplication::palette();
    if (theme == QLatin1String("light") || theme == QLatin1String("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QPalette p = QApplication::style()->standardPalette();
        if (theme == QLatin1String("dark")) {
            const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5);
            p.setColor(QPalette::Window, window);
            p.setColor(QPalette::WindowText, text);
            p.setColor(QPalette::Base, base);
            p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
            p.setColor(QPalette::Text, text);
            p.setColor(QPalette::Button, window);
            p.setColor(QPalette::ButtonText, text);
            p.setColor(QPalette::ToolTipBase, base);
            p.setColor(QPalette::ToolTipText, text);
            p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x94));
            p.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
            p.setColor(QPalette::HighlightedText, Qt::white);
            p.setColor(QPalette::Mid, QColor(0x45, 0x48, 0x4c));
            p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x72, 0x76));
            p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x72, 0x76));
            p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x72, 0x76));
        } else {
            p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
        }
        QApplication::setPalette(p);
    } else {
        QApplication::setStyle(QStyleFactory::create(platformStyle));
        QApplication::setPalette(platformPalette);
    }
}

} // namespace specmoe::gui
