#pragma once
// The "tokens at most" field of the dialogs that read a split (evaluation, simulation): one
// spin box built one way, 0 shown as "All", values beyond its range clamped.
#include <cstdint>

class QSpinBox;
class QWidget;

namespace specmoe::gui {

// A spin box named "maxTokens" holding `value` (core's maxTokens; 0 = all tokens).
QSpinBox* makeMaxTokensBox(int64_t value, QWidget* parent);

} // namespace specmoe::gui
