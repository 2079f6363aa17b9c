// specmoe-workbench: the desktop workbench. All logic lives in specmoe_app and widgets.
#include "app/gui/application.h"

int main(int argc, char** argv)
{
    specmoe::gui::ignoreFileSizeSignal();
    return specmoe::gui::runWorkbench(argc, argv);
}
