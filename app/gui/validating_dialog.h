#pragma once
// Base of the workbench's dialogs: OK stays disabled while the input is invalid, and the
// reason is shown inside the dialog (an inline message above the buttons), before anything
// runs. Subclasses implement validate() and call revalidate() when a field changes
// (watch() connects the usual change signals).
#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QVBoxLayout;
class QWidget;

namespace specmoe::gui {

struct Validation {
    QString error;   // blocks OK
    QString warning; // shown, does not block
    bool ok() const { return error.isEmpty(); }
};

class ValidatingDialog : public QDialog {
    Q_OBJECT
public:
    explicit ValidatingDialog(QWidget* parent = nullptr);

    QPushButton* okButton() const;
    QString messageText() const;
    bool isInputValid() const { return m_valid; }
    virtual Validation validate() const = 0;

public Q_SLOTS:
    void revalidate();

protected:
    // Puts the content above the message and the buttons.
    void setContent(QWidget* content);
    void setContentLayout(QLayout* layout);
    // Connects the change signal of line edits, spin boxes, combo boxes, check boxes and
    // tables below `root` to revalidate().
    void watch(QWidget* root);
    QDialogButtonBox* buttons() const { return m_buttons; }

private:
    QVBoxLayout* m_layout = nullptr;
    QLabel* m_icon = nullptr;
    QLabel* m_message = nullptr;
    QWidget* m_messageBox = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    bool m_valid = false;
};


} // namespace specmoe::gui
