#pragma once
// Settings: compute threads, default device, concurrent jobs, language and theme. Values
// live in QSettings (read on the GUI thread, passed to jobs by value).
#include "app/gui/validating_dialog.h"
#include "core/tensor/device.h"

class QComboBox;
class QSpinBox;

namespace specmoe::gui {

struct AppSettings {
    int threads = 0;                          // 0 = all cores
    QString device;                           // "" = each job's own default (core's); else a
                                              // device name every new job starts with
    int maxConcurrentJobs = 1;
    QString language;                         // "" = system, "en", "de", "zh_CN"
    QString theme = QStringLiteral("system"); // "system", "light", "dark"

    static AppSettings load();
    void save() const;
    // Sets *device to the settings' device when one is chosen (a name no longer understood
    // leaves the job's default).
    void applyDevice(DeviceSpec* device) const;
};

class SettingsDialog : public ValidatingDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    AppSettings settings() const;
    void setSettings(const AppSettings& s);
    Validation validate() const override;

private:
    QSpinBox* m_threads = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_jobs = nullptr;
    QComboBox* m_language = nullptr;
    QComboBox* m_theme = nullptr;
    QString m_initialLanguage;
};

// Applies the theme to the application (Fusion style with a light or dark palette, or the
// platform's look for "system").
void applyTheme(const QString& theme);

} // namespace specmoe::gui
