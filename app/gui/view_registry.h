#pragma once
// Where the visualization views plug into the workbench. A view factory makes a widget for
// one workspace entry (a trace set or a training run); the main window opens it as a tab in
// its central area when the user opens the entry (double click, context menu, "Open").
//
//   specmoe::gui::registerView({WorkspaceEntry::TraceSet, "heatmap", tr("Expert load"),
//       [](const WorkspaceEntry& e, QWidget* parent) { return new HeatmapView(e.path, parent); }});
//
// Views registered first are the default for their kind; without any, the workbench opens
// its summary page (entry_summary_view.h).
#include "widgets/workspace_model.h"

#include <QString>
#include <QVector>

#include <functional>

class QWidget;

namespace specmoe::gui {

struct ViewFactory {
    widgets::WorkspaceEntry::Kind kind = widgets::WorkspaceEntry::TraceSet;
    QString id;    // stable, e.g. "heatmap"; one tab per (entry, id)
    QString title; // user-visible (translated by the registering code)
    std::function<QWidget*(const widgets::WorkspaceEntry& entry, QWidget* parent)> create;
};

void registerView(const ViewFactory& factory);
// Views for a kind, in registration order.
QVector<ViewFactory> viewsFor(widgets::WorkspaceEntry::Kind kind);
void clearViews(); // tests

} // namespace specmoe::gui
