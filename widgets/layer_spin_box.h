#pragma once
// A spin box over stored layer indices that shows each layer by its label (the decoder
// layer of an MoE layer when dense layers are not stored): the value stays the stored
// index the views work with, the text is what the plots' axes and titles call the layer.
#include <QSpinBox>

#include <functional>

namespace specmoe::widgets {

class LayerSpinBox : public QSpinBox {
    Q_OBJECT
public:
    explicit LayerSpinBox(QWidget* parent = nullptr);
    // label(stored) -> shown text; empty function: the index itself.
    void setLabel(std::function<QString(int)> label);

protected:
    QString textFromValue(int value) const override;
    int valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;

private:
    std::function<QString(int)> m_label;
};

} // namespace specmoe::widgets
