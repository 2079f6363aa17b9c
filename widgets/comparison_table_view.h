#pragma once
// The model-comparison table (final metrics per model and baseline, per horizon) with export.
#include "widgets/comparison_table_model.h"
#include "widgets/exportable_view.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QTableView;

namespace specmoe::widgets {

class ComparisonTableView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit ComparisonTableView(QWidget* parent = nullptr);
    ComparisonTableModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    // What the rows are (shown above the table and as the title of exported images).
    void setCaption(const QString& caption, const QString& imageTitle);
    QString caption() const;
    // Shows an evaluation report; a layer selector then picks all predicted layers or one.
    void setReport(const speculate::EvalReport& report);
    QComboBox* layerSelector() const { return m_layer; }

    QString viewId() const override { return QStringLiteral("model_comparison"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

private:
    ComparisonTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    void showLayer();

    QLabel* m_note = nullptr;
    QComboBox* m_layer = nullptr;
    QString m_imageTitle;
    std::shared_ptr<const speculate::EvalReport> m_report;
};

} // namespace specmoe::widgets
