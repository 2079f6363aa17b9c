#include "widgets/colormap.h"

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

} // namespace specmoe::widgets
