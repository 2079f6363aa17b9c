#include "widgets/view_tabs.h"

#include "widgets/export_dialog.h"
#include "widgets/exportable_view.h"

#include <QMenu>
#include <QToolButton>

namespace specmoe::widgets {

ViewTabs::ViewTabs(const QString& defaultTitle, QWidget* parent)
    : QTabWidget(parent), m_defaultTitle(defaultTitle)
{
    setDocumentMode(true);
    auto* button = new QToolButton(this);
    button->setText(tr("Export"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    menu->addAction(tr("Current view as image..."), this, [this] { exportViewImage(currentView(), this); });
    menu->addAction(tr("Current view data as CSV..."), this, [this] { exportViewCsv(currentView(), this); });
    menu->addSeparator();
    menu->addAction(tr("Report of all views..."), this, [this] { exportViewsReport(views(), title(), this); });
    button->setMenu(menu);
    setCornerWidget(button, Qt::TopRightCorner);
}

ExportableView* ViewTabs::currentView() const
{
    return dynamic_cast<ExportableView*>(currentWidget());
}

ReportResult ViewTabs::exportReport(const QString& dir, ReportOptions options) const
{
    if (options.title.isEmpty())
        options.title = title();
    return writeReport(dir, views(), options);
}

} // namespace specmoe::widgets
