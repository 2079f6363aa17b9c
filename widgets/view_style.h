#pragma once
// Shared look of the plot views: fonts, axes, titles, interactions.
#include <QString>

#include <functional>

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
// Integer ticks labelled by `label` (a row's expert id when rows are sorted, a stored
// layer's decoder index): the step is a multiple of 1 chosen so about `ticks` labels show,
// so 256 experts or 61 layers stay legible at any zoom.
void setLabelledIntegerTicks(QCPAxis* axis, std::function<QString(int)> label, int ticks = 8);
// r moved (or shrunk) inside [lower, upper], never smaller than minSize: pan and zoom stay
// on the data.
struct AxisBounds {
    double lower = 0, upper = 1, minSize = 1;
};
void keepAxisInside(QCPAxis* axis, const AxisBounds& bounds);
// A hover text as tooltip rich text: token texts such as "<s>" or "<0x0A>" were read as
// HTML tags (struck through, or gone).
QString hoverToolTip(const QString& text);
// Shows a view's hover text in its status label and as a tooltip at the mouse (hides the
// tooltip when the text is empty). One place for every plot view's mouse-move handler.
void showHover(QLabel* label, QWidget* anchor, const QMouseEvent* event, const QString& text);

} // namespace specmoe::widgets
