#include "widgets/view_tabs.h"

#include "widgets/export_dialog.h"
#include "widgets/exportable_view.h"

#include <QLabel>
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

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("viewNotice"));
    m_notice->setWordWrap(true);
    m_notice->setAlignment(Qt::AlignCenter);
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setAutoFillBackground(true);
    m_notice->setFrameShape(QFrame::StyledPanel);
    m_notice->setMargin(16);
    m_notice->hide();
}

void ViewTabs::setNotice(const QString& text, bool error)
{
    m_notice->setText(text);
    QPalette pal = m_notice->palette();
    pal.setColor(QPalette::Window, error ? QColor(0xfd, 0xe4, 0xe4) : QColor(0xff, 0xf4, 0xd6));
    pal.setColor(QPalette::WindowText, error ? QColor(0x90, 0x10, 0x10) : QColor(0x30, 0x30, 0x30));
    m_notice->setPalette(pal);
    m_notice->setVisible(!text.isEmpty());
    placeNotice();
}

QString ViewTabs::notice() const
{
    return m_notice->text();
}

void ViewTabs::resizeEvent(QResizeEvent* event)
{
    QTabWidget::resizeEvent(event);
    placeNotice();
}

// Centred over the (empty) views, at most 640 px wide so long errors wrap.
void ViewTabs::placeNotice()
{
    if (m_notice->text().isEmpty())
        return;
    const int w = qMax(120, qMin(640, width() - 40));
    const int h = m_notice->heightForWidth(w);
    m_notice->setGeometry((width() - w) / 2, qMax(0, (height() - h) / 3), w, h);
    m_notice->raise();
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
