#include "widgets/comparison_table_view.h"

#include "widgets/export.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include "widgets/view_qcustomplot.h"

namespace specmoe::widgets {

ComparisonTableView::ComparisonTableView(QWidget* parent)
    : QWidget(parent)
{
    m_model = new ComparisonTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(Qt::UserRole);
    m_table = new QTableView(this);
    m_table->setModel(proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // model order until clicked
    m_table->setSortingEnabled(true);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("caption"));
    m_note->setWordWrap(true);
    setCaption(tr("Latest validation metrics over all predicted layers. Bold: best at that horizon "
                  "(lowest for log-loss and ECE)."),
               tr("Model comparison: validation metrics"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    connect(m_model, &QAbstractItemModel::modelReset, m_table, &QTableView::resizeColumnsToContents);
}

void ComparisonTableView::setCaption(const QString& caption, const QString& imageTitle)
{
    m_note->setText(caption);
    m_imageTitle = imageTitle;
}

QString ComparisonTableView::caption() const
{
    return m_note->text();
}

QString ComparisonTableView::viewTitle() const
{
    return tr("Model comparison");
}

bool ComparisonTableView::exportImage(const QString& path, const QSize& size, double dpi, QString* error)
{
    return exportPainted(
        path, size, dpi,
        [this](QCPPainter& p, const QSize& logical) {
            paintItemModel(p, *m_model, logical, m_imageTitle);
        },
        error);
}

bool ComparisonTableView::exportCsv(const QString& path, QString* error) const
{
    return exportItemModelCsv(*m_model, path, error);
}

} // namespace specmoe::widgets
