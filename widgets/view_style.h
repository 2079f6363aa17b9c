#pragma once
// Shared look of the plot views: fonts, axes, titles, interactions.
#include <QString>

class QCPAxis;
class QCPAxisRect;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QWidget;

namespace specmoe::widgets {

// White background, readable fonts, light grid, anti-aliasing; no interactions.
void stylePlot(QCustomPlot* plot);
void styleAxis(QCPAxis* axis, const QString& label);
void styleAxisRect(QCPAxisRect* rect);
// A bold title element inserted as a new first row of the plot layout.
QCPTextElement* addPlotTitle(QCustomPlot* plot, const QString& text);
// Integer ticks (layers, experts) with an optional tick step.
void setIntegerTicks(QCPAxis* axis, int step = 1);
// Shows a view's hover text in its status label and as a tooltip at the mouse (hides the
// tooltip when the text is empty). One place for every plot view's mouse-move handler.
void showHover(QLabel* label, QWidget* anchor, const QMouseEvent* event, const QString& text);

} // namespace specmoe::widgets
