#pragma once
// Exportable views in tabs with one Export menu (current view as image / CSV, a report of
// all views): the shared base of TraceSetViews and TrainingRunViews.
#include "widgets/report_writer.h"

#include <QTabWidget>

class QLabel;

namespace specmoe::widgets {

class ExportableView;

class ViewTabs : public QTabWidget {
    Q_OBJECT
public:
    // `defaultTitle` names reports until setTitle() gives a better one.
    ViewTabs(const QString& defaultTitle, QWidget* parent = nullptr);

    void setTitle(const QString& title) { m_title = title; }
    QString title() const { return m_title.isEmpty() ? m_defaultTitle : m_title; }
    QList<ExportableView*> views() const { return m_views; }
    ExportableView* currentView() const;
    ReportResult exportReport(const QString& dir, ReportOptions options = {}) const;

    // A message over the views while they have nothing to show: their data is still being
    // computed, or could not be (error: tinted red). An empty text hides it.
    void setNotice(const QString& text, bool error = false);
    QString notice() const;

protected:
    // Adds a view as a tab titled by its viewTitle(); W is a QWidget and an ExportableView.
    template <class W>
    W* addView(W* view)
    {
        addTab(view, view->viewTitle());
        m_views.append(view);
        return view;
    }
    bool hasTitle() const { return !m_title.isEmpty(); }
    void resizeEvent(QResizeEvent* event) override;

private:
    void placeNotice();

    QList<ExportableView*> m_views;
    QLabel* m_notice = nullptr;
    QString m_title, m_defaultTitle;
};

} // namespace specmoe::widgets
