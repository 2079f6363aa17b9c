#pragma once
// The model-comparison table (final metrics per model and baseline, per horizon) with export.
#include "widgets/comparison_table_model.h"
#include "widgets/exportable_view.h"

#include <QWidget>

class QTableView;

namespace specmoe::widgets {

class ComparisonTableView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit ComparisonTableView(QWidget* parent = nullptr);
    ComparisonTableModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

    QString viewId() const override { return QStringLiteral("model_comparison"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

private:
    ComparisonTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
};

} // namespace specmoe::widgets
