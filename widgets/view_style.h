#pragma once
// Shared look of the plot views: fonts, axes, titles, interactions.
#include <QString>

class QCPAxis;
class QCPAxisRect;
class QCPTextElement;
class QCustomPlot;

namespace specmoe::widgets {

// White background, readable fonts, light grid, anti-aliasing; no interactions.
void stylePlot(QCustomPlot* plot);
void styleAxis(QCPAxis* axis, const QString& label);
void styleAxisRect(QCPAxisRect* rect);
// A bold title element inserted as a new first row of the plot layout.
QCPTextElement* addPlotTitle(QCustomPlot* plot, const QString& text);
// Integer ticks (layers, experts) with an optional tick step.
void setIntegerTicks(QCPAxis* axis, int step = 1);

} // namespace specmoe::widgets
