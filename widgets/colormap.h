#pragma once
// Colour maps for the views: perceptually uniform viridis for magnitudes (QCustomPlot has no
// preset) and a categorical palette for expert ids.
#include <QColor>

class QCPColorGradient;

namespace specmoe::widgets {

// t in [0, 1] -> viridis colour (piecewise-linear through 9 published anchor colours).
QColor viridis(double t);

// Viridis as a QCustomPlot gradient (33 stops; NaN cells light grey).
QCPColorGradient viridisGradient();

// A distinct, colour-blind-aware colour for expert e (of `experts`); `light` gives the pale
// tint used as text background in the routing text view.
QColor expertColor(int expert, int experts = 8);
QColor expertTint(int expert, int experts = 8);

} // namespace specmoe::widgets
