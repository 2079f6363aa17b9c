#include "widgets/layer_spin_box.h"

#include <QLineEdit>

namespace specmoe::widgets {

LayerSpinBox::LayerSpinBox(QWidget* parent)
    : QSpinBox(parent)
{
}

void LayerSpinBox::setLabel(std::function<QString(int)> label)
{
    m_label = std::move(label);
    lineEdit()->setText(textFromValue(value())); // the current value with the new labels
    updateGeometry();
}

QString LayerSpinBox::textFromValue(int value) const
{
    return m_label ? m_label(value) : QSpinBox::textFromValue(value);
}

int LayerSpinBox::valueFromText(const QString& text) const
{
    if (!m_label)
        return QSpinBox::valueFromText(text);
    for (int v = minimum(); v <= maximum(); ++v) // a few dozen layers: a scan is fine
        if (m_label(v) == text.trimmed())
            return v;
    return value();
}

QValidator::State LayerSpinBox::validate(QString& text, int& pos) const
{
    if (!m_label)
        return QSpinBox::validate(text, pos);
    for (int v = minimum(); v <= maximum(); ++v)
        if (m_label(v) == text.trimmed())
            return QValidator::Acceptable;
    return QValidator::Intermediate;
}

} // namespace specmoe::widgets
