#include "app/gui/application.h"

#include "app/gui/main_window.h"
#include "app/gui/settings_dialog.h"

#include "core/specmoe_core.h"

#include <QApplication>
#include <QMessageBox>
#include <QIcon>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <clocale>
#include <csignal>

namespace specmoe::gui {

void installTranslations(QApplication& app)
{
    QSettings settings;
    // An empty setting means "follow the system locale".
    const QString lang = settings.value(QStringLiteral("ui/language")).toString();
    const QLocale locale = lang.isEmpty() ? QLocale::system() : QLocale(lang);
    if (!lang.isEmpty())
        QLocale::setDefault(locale); // numbers and sizes as the chosen language writes them
    auto* translator = new QTranslator(&app);
    if (translator->load(locale, QStringLiteral("specmoe"), QStringLiteral("_"),
                         QStringLiteral(":/i18n")))
        app.installTranslator(translator);
    auto* qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(qtTranslator);
}

void ignoreFileSizeSignal()
{
    std::signal(SIGXFSZ, SIG_IGN);
}

int runWorkbench(int argc, char** argv)
{
    QApplication app(argc, argv);
    // QApplication set the C locale from the environment; core writes and parses numbers for
    // files with the C library (and so do libtorch and HDF5): under a decimal-comma locale
    // they read "0.5" as 0 and wrote "0,5" into CSV. The screen's numbers follow QLocale.
    std::setlocale(LC_NUMERIC, "C");
    QApplication::setOrganizationName(QStringLiteral("SpecMoE"));
    QApplication::setApplicationName(QStringLiteral("SpecMoE Workbench"));
    QApplication::setApplicationVersion(QString::fromStdString(specmoe::version()));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/specmoe.svg")));
    installTranslations(app);
    applyTheme(QSettings().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString());

    MainWindow window;
    // A workspace folder on the command line, else the last one used.
    // A folder written by `specmoe demo` (scripts/run-demo.sh) is adopted as a workspace.
    const QStringList args = QApplication::arguments();
    window.show();
    if (args.size() > 1) {
        QString err;
        if (!window.openWorkspaceOrDemo(args.at(1), &err))
            QMessageBox::warning(&window, MainWindow::tr("Open Workspace"), err);
    } else {
        const QString last = QSettings().value(QStringLiteral("workspaces/last")).toString();
        if (!last.isEmpty() && Workspace::isWorkspace(last))
            window.openWorkspace(last);
    }
    return app.exec();
}

} // namespace specmoe::gui
