#include "app/gui/view_registry.h"

namespace specmoe::gui {
namespace {

QVector<ViewFactory>& registry()
{
    static QVector<ViewFactory> r;
    return r;
}

} // namespace

void registerView(const ViewFactory& factory)
{
    for (ViewFactory& f : registry()) {
        if (f.kind == factory.kind && f.id == factory.id) {
            f = factory;
            return;
        }
    }
    registry().push_back(factory);
}

QVector<ViewFactory> viewsFor(widgets::WorkspaceEntry::Kind kind)
{
    QVector<ViewFactory> out;
    for (const ViewFactory& f : registry())
        if (f.kind == kind)
            out.push_back(f);
    return out;
}

void clearViews()
{
    registry().clear();
}

} // namespace specmoe::gui
