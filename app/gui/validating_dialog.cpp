#include "app/gui/validating_dialog.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace specmoe::gui {

ValidatingDialog::ValidatingDialog(QWidget* parent) : QDialog(parent)
{
    m_layout = new QVBoxLayout(this);
    m_layout->setSpacing(10);

    m_messageBox = new QFrame(this);
    m_messageBox->setObjectName(QStringLiteral("validationMessage"));
    m_messageBox->setAutoFillBackground(true);
    auto* ml = new QHBoxLayout(m_messageBox);
    ml->setContentsMargins(8, 6, 8, 6);
    m_icon = new QLabel(m_messageBox);
    m_message = new QLabel(m_messageBox);
    m_message->setObjectName(QStringLiteral("validationText"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ml->addWidget(m_icon, 0, Qt::AlignTop);
    ml->addWidget(m_message, 1);
    m_messageBox->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        revalidate();
        if (m_valid)
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_layout->addWidget(m_messageBox);
    m_layout->addWidget(m_buttons);
}

void ValidatingDialog::setContent(QWidget* content)
{
    m_layout->insertWidget(0, content, 1);
}

void ValidatingDialog::setContentLayout(QLayout* layout)
{
    m_layout->insertLayout(0, layout, 1);
}

QPushButton* ValidatingDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

QString ValidatingDialog::messageText() const
{
    return m_messageBox->isHidden() ? QString() : m_message->text();
}

void ValidatingDialog::revalidate()
{
    const Validation v = validate();
    m_valid = v.ok();
    okButton()->setEnabled(m_valid);
    const QString text = v.ok() ? v.warning : v.error;
    if (text.isEmpty()) {
        m_messageBox->hide();
        return;
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    const QIcon icon = style()->standardIcon(v.ok() ? QStyle::SP_MessageBoxWarning : QStyle::SP_MessageBoxCritical);
    m_icon->setPixmap(icon.pixmap(size, size));
    QPalette pal = m_messageBox->palette();
    pal.setColor(QPalette::Window, v.ok() ? QColor(0xff, 0xf4, 0xd6) : QColor(0xfd, 0xe4, 0xe4));
    pal.setColor(QPalette::WindowText, QColor(0x30, 0x30, 0x30));
    m_messageBox->setPalette(pal);
    m_message->setPalette(pal);
    m_message->setText(text);
    m_messageBox->show();
}

void ValidatingDialog::watch(QWidget* root)
{
    for (auto* w : root->findChildren<QLineEdit*>())
        connect(w, &QLineEdit::textChanged, this, &ValidatingDialog::revalidate);
    for (auto* w : root->findChildren<QSpinBox*>())
        connect(w, qOverload<int>(&QSpinBox::valueChanged), this, &ValidatingDialog::revalidate);
    for (auto* w : root->findChildren<QDoubleSpinBox*>())
        connect(w, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &ValidatingDialog::revalidate);
    for (auto* w : root->findChildren<QComboBox*>())
        connect(w, qOverload<int>(&QComboBox::currentIndexChanged), this, &ValidatingDialog::revalidate);
    for (auto* w : root->findChildren<QAbstractButton*>())
        if (w->isCheckable())
            connect(w, &QAbstractButton::toggled, this, &ValidatingDialog::revalidate);
    for (auto* w : root->findChildren<QTableWidget*>()) {
        connect(w->model(), &QAbstractItemModel::dataChanged, this, &ValidatingDialog::revalidate);
        connect(w->model(), &QAbstractItemModel::rowsInserted, this, &ValidatingDialog::revalidate);
        connect(w->model(), &QAbstractItemModel::rowsRemoved, this, &ValidatingDialog::revalidate);
    }
    for (auto* w : root->findChildren<QListWidget*>())
        connect(w, &QListWidget::itemChanged, this, &ValidatingDialog::revalidate);
}

} // namespace specmoe::gui
