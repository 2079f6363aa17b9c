#pragma once
// Start-up of the workbench: translations, settings, main window.
class QApplication;

namespace specmoe::gui {

// Installs the translator for the language in Settings (or the system locale).
void installTranslations(QApplication& app);

// Ignores SIGXFSZ, as the CLI's launcher does: past `ulimit -f` a write of an in-process job
// (a collection's shard) then fails with EFBIG and the job reports "writing the shard
// failed ... rerun to resume" instead of the signal killing the whole workbench. main()
// calls it before anything else.
void ignoreFileSizeSignal();

int runWorkbench(int argc, char** argv);

} // namespace specmoe::gui
