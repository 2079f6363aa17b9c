#pragma once
// Start-up of the workbench: translations, settings, main window.
class QApplication;

namespace specmoe::gui {

// Installs the translator for the language in Settings (or the system locale).
void installTranslations(QApplication& app);

int runWorkbench(int argc, char** argv);

} // namespace specmoe::gui
