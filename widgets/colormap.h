#pragma once
// Perceptually uniform colour maps (viridis) for heatmaps; QCustomPlot has no preset.
#include <QColor>

namespace specmoe::widgets {

// t in [0, 1] -> viridis colour (piecewise-linear through 9 published anchor colours).
QColor viridis(double t);

} // namespace specmoe::widgets
