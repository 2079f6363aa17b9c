#include "widgets/colormap.h"

#include "widgets/view_qcustomplot.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace specmoe::widgets {

QColor viridis(double t)
{
    // Anchor colours of matplotlib's viridis at t = 0, 1/8, ..., 1 (public values).
    static const std::array<std::array<int, 3>, 9> anchors{{{68, 1, 84},
                                                             {71, 44, 122},
                                                             {59, 81, 139},
                                                             {44, 113, 142},
                                                             {33, 144, 141},
                                                             {39, 173, 129},
                                                             {92, 200, 99},
                                                             {170, 220, 50},
                                                             {253, 231, 37}}};
    if (!std::isfinite(t))
        t = 0.0;
    t = std::clamp(t, 0.0, 1.0) * 8.0;
    const int i = std::min(7, static_cast<int>(t));
    const double f = t - i;
    auto mix = [&](int c) {
        return static_cast<int>(std::lround(anchors[i][c] + f * (anchors[i + 1][c] - anchors[i][c])));
    };
    return QColor(mix(0), mix(1), mix(2));
}

QCPColorGradient viridisGradient()
{
    QCPColorGradient g;
    QMap<double, QColor> stops;
    for (int i = 0; i <= 32; ++i)
        stops.insert(i / 32.0, viridis(i / 32.0));
    g.setColorStops(stops);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    g.setNanHandling(QCPColorGradient::nhNanColor);
    g.setNanColor(QColor(225, 225, 225));
    return g;
}

namespace {
// Okabe-Ito inspired categorical colours, distinguishable for common colour blindness.
const std::array<QColor, 8> kExpertColors{{QColor(0, 114, 178), QColor(230, 159, 0),
                                           QColor(0, 158, 115), QColor(204, 121, 167),
                                           QColor(86, 180, 233), QColor(213, 94, 0),
                                           QColor(140, 140, 40), QColor(110, 80, 170)}};
} // namespace

QColor expertColor(int expert, int experts)
{
    if (expert < 0)
        return QColor(150, 150, 150);
    if (experts <= int(kExpertColors.size()))
        return kExpertColors[size_t(expert) % kExpertColors.size()];
    return QColor::fromHsvF(std::fmod(expert * 0.61803398875, 1.0), 0.65, 0.8);
}

QColor expertTint(int expert, int experts)
{
    const QColor c = expertColor(expert, experts);
    // 45 % of the colour over white: readable black text on every tint.
    auto mix = [](int v) { return int(std::lround(255 - 0.45 * (255 - v))); };
    return QColor(mix(c.red()), mix(c.green()), mix(c.blue()));
}

} // namespace specmoe::widgets
