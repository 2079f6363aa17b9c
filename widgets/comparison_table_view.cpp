#include "widgets/comparison_table_view.h"

#include "widgets/export.h"

#include "core/speculate/train.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QSignalBlocker>
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
    m_layer = new QComboBox(this);
    m_layer->setObjectName(QStringLiteral("layer"));
    m_layer->setSizeAdjustPolicy(QComboBox::AdjustToContents); // filled by setReport, after the first show
    m_layer->setVisible(false); // only for evaluation reports, which hold per-layer metrics
    connect(m_layer, qOverload<int>(&QComboBox::currentIndexChanged), this, &ComparisonTableView::showLayer);
    auto* top = new QHBoxLayout;
    top->addWidget(m_note, 1);
    top->addWidget(m_layer);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
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

void ComparisonTableView::setReport(const speculate::EvalReport& report)
{
    m_report = std::make_shared<const speculate::EvalReport>(report);
    const int keep = m_layer->currentData().isValid() ? m_layer->currentData().toInt() : -1;
    const QSignalBlocker block(m_layer);
    m_layer->clear();
    m_layer->addItem(tr("All predicted layers"), -1);
    bool perLayer = false;
    for (const auto& p : report.predictors)
        for (const auto& h : p.horizons)
            perLayer = perLayer || !h.perLayer.empty();
    if (perLayer)
        for (int l = 1; l < report.dims.layers; ++l) // layer 0 is never predicted
            m_layer->addItem(tr("Predicted layer %1").arg(l), l);
    m_layer->setVisible(perLayer);
    const int i = m_layer->findData(keep);
    m_layer->setCurrentIndex(i >= 0 ? i : 0);
    showLayer();
}

void ComparisonTableView::showLayer()
{
    if (m_report)
        m_model->setFromReport(*m_report, m_layer->currentData().toInt());
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
            const int layer = m_report ? m_layer->currentData().toInt() : -1;
            paintItemModel(p, *m_model, logical,
                           layer < 0 ? m_imageTitle : tr("%1, predicted layer %2").arg(m_imageTitle).arg(layer));
        },
        error);
}

bool ComparisonTableView::exportCsv(const QString& path, QString* error) const
{
    return exportItemModelCsv(*m_model, path, error);
}

} // namespace specmoe::widgets
