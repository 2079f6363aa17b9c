#include "app/gui/token_limit_box.h"

#include <QCoreApplication>
#include <QSpinBox>

#include <algorithm>

namespace specmoe::gui {

QSpinBox* makeMaxTokensBox(int64_t value, QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(QStringLiteral("maxTokens"));
    box->setRange(0, 2000000000); // a QSpinBox holds an int; core's field is 64-bit
    box->setSingleStep(10000);
    box->setSpecialValueText(QCoreApplication::translate("MaxTokensBox", "All"));
    box->setValue(int(std::clamp<int64_t>(value, 0, box->maximum())));
    return box;
}

} // namespace specmoe::gui
