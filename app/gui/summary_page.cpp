#include "app/gui/summary_page.h"

#include "core/speculate/metrics_log.h"
#include "core/speculate/run_folder.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace specmoe::gui {

SummaryPage::SummaryPage(const widgets::WorkspaceEntry& entry, QWidget* parent) : QWidget(parent), m_entry(entry)
{
    m_icon = new QLabel(this);
    m_title = new QLabel(this);
    QFont tf = m_title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.5);
    tf.setBold(true);
    m_title->setFont(tf);
    m_subtitle = new QLabel(this);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* titles = new QVBoxLayout;
    titles->setSpacing(2);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    auto* header = new QHBoxLayout;
    header->setSpacing(12);
    header->addWidget(m_icon, 0, Qt::AlignTop);
    header->addLayout(titles, 1);
    m_actions = new QHBoxLayout;
    m_actions->setSpacing(6);
    header->addLayout(m_actions);

    m_details = new QTreeWidget(this);
    m_details->setObjectName(QStringLiteral("summaryDetails"));
    m_details->setColumnCount(2);
    m_details->setHeaderLabels({tr("Property"), tr("Value")});
    m_details->setRootIsDecorated(false);
    m_details->setAlternatingRowColors(true);
    m_details->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

    m_metricsTitle = new QLabel(tr("Metrics"), this);
    QFont mf = m_metricsTitle->font();
    mf.setBold(true);
    m_metricsTitle->setFont(mf);
    m_metrics = new QTableWidget(this);
    m_metrics->setObjectName(QStringLiteral("summaryMetrics"));
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metrics->setAlternatingRowColors(true);
    m_metrics->verticalHeader()->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->setSpacing(12);
    layout->addLayout(header);
    layout->addWidget(m_details, 2);
    layout->addWidget(m_metricsTitle);
    layout->addWidget(m_metrics, 3);
    fill();
}

void SummaryPage::setEntry(const widgets::WorkspaceEntry& entry)
{
    m_entry = entry;
    fill();
}

int SummaryPage::metricsRows() const { return m_metrics->rowCount(); }

void SummaryPage::fill()
{
    using widgets::WorkspaceEntry;
    QIcon icon;
    switch (m_entry.kind) {
    case WorkspaceEntry::TraceSet: icon = QIcon(QStringLiteral(":/icons/traceset.svg")); break;
    case WorkspaceEntry::Run: icon = QIcon(QStringLiteral(":/icons/run.svg")); break;
    case WorkspaceEntry::Model: icon = QIcon(QStringLiteral(":/icons/model.svg")); break;
    case WorkspaceEntry::Simulation: icon = QIcon(QStringLiteral(":/icons/simulation.svg")); break;
    }
    if (icon.isNull())
        icon = style()->standardIcon(QStyle::SP_FileDialogDetailedView);
    m_icon->setPixmap(icon.pixmap(40, 40));
    m_title->setText(m_entry.name);
    m_subtitle->setText(m_entry.summary + QStringLiteral("  ·  ") + QDir::toNativeSeparators(m_entry.path));

    m_details->clear();
    for (const auto& d : m_entry.details)
        new QTreeWidgetItem(m_details, {d.first, d.second});

    while (QLayoutItem* item = m_actions->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    auto addAction = [this](const QString& text, QStyle::StandardPixmap pm, const char* name, auto fn) {
        auto* b = new QPushButton(style()->standardIcon(pm), text, this);
        b->setObjectName(QString::fromLatin1(name));
        connect(b, &QPushButton::clicked, this, fn);
        m_actions->addWidget(b);
    };
    const QString path = m_entry.path;
    if (m_entry.kind == WorkspaceEntry::TraceSet) {
        addAction(tr("Train on It…"), QStyle::SP_MediaPlay, "trainOnTraceSet", [this, path] { Q_EMIT trainRequested(path); });
        addAction(tr("Re-shard…"), QStyle::SP_BrowserReload, "reshardTraceSet", [this, path] { Q_EMIT reshardRequested(path); });
    }
    if (m_entry.kind == WorkspaceEntry::Run) {
        addAction(tr("Evaluate…"), QStyle::SP_FileDialogDetailedView, "evaluateRun", [this, path] { Q_EMIT evaluateRequested(path); });
        addAction(tr("Export Predictor…"), QStyle::SP_DialogSaveButton, "exportRun", [this, path] { Q_EMIT exportRequested(path); });
    }
    addAction(tr("Show Folder"), QStyle::SP_DirOpenIcon, "showFolder", [this, path] { Q_EMIT showFolderRequested(path); });

    const bool isRun = m_entry.kind == WorkspaceEntry::Run;
    m_metricsTitle->setVisible(isRun);
    m_metrics->setVisible(isRun);
    if (isRun)
        loadMetrics();
}

void SummaryPage::loadMetrics()
{
    using speculate::MetricsLineType;
    using speculate::MetricsRecord;
    m_metrics->clear();
    m_metrics->setRowCount(0);
    std::vector<std::string> problems; // damaged lines are named in the workspace tree
    std::vector<MetricsRecord> rows =
        speculate::readMetricsLog(speculate::RunFolder::metricsFile(m_entry.path.toStdString()), &problems);
    constexpr size_t kMaxRows = 2000;
    if (rows.size() > kMaxRows)
        rows.erase(rows.begin(), rows.end() - kMaxRows);

    // One column per figure some line holds; a cell stays empty where its line has none.
    struct Column {
        QString title;
        std::function<QVariant(const MetricsRecord&)> value;
    };
    auto finite = [](double v) { return std::isfinite(v) ? QVariant(v) : QVariant(); };
    std::vector<Column> columns{
        {tr("Line"), [](const MetricsRecord& r) { return QVariant(QString::fromStdString(r.typeName)); }},
        {tr("Epoch"), [](const MetricsRecord& r) { return r.epoch ? QVariant(*r.epoch) : QVariant(); }},
        {tr("Step"), [](const MetricsRecord& r) { return QVariant(double(r.step)); }},
        {tr("Time (s)"), [finite](const MetricsRecord& r) { return finite(r.time); }},
        {tr("Learning rate"),
         [](const MetricsRecord& r) { return r.type == MetricsLineType::Step ? QVariant(r.lr) : QVariant(); }},
    };
    std::set<std::string> lossModels;
    for (const MetricsRecord& r : rows)
        for (const auto& [model, v] : r.loss)
            lossModels.insert(model);
    for (const std::string& model : lossModels)
        columns.push_back({tr("Loss %1").arg(QString::fromStdString(model)), [model, finite](const MetricsRecord& r) {
                               const auto it = r.loss.find(model);
                               return it == r.loss.end() ? QVariant() : finite(it->second);
                           }});
    columns.push_back({tr("Validation score"), [finite](const MetricsRecord& r) { return finite(r.score); }});
    columns.push_back({tr("Best"), [](const MetricsRecord& r) {
                           return r.type == MetricsLineType::Validation ? QVariant(r.best) : QVariant();
                       }});
    columns.push_back({tr("Samples/s"), [](const MetricsRecord& r) {
                           return r.samplesPerSecond > 0 ? QVariant(r.samplesPerSecond) : QVariant();
                       }});
    columns.push_back({tr("Note"), [](const MetricsRecord& r) {
                           const std::string& note = !r.status.empty() ? r.status : !r.message.empty() ? r.message : r.path;
                           return note.empty() ? QVariant() : QVariant(QString::fromStdString(note));
                       }});
    std::vector<Column> shown;
    for (Column& c : columns) {
        const bool any = std::any_of(rows.begin(), rows.end(), [&](const MetricsRecord& r) {
            const QVariant v = c.value(r);
            return v.isValid() && !(v.typeId() == QMetaType::QString && v.toString().isEmpty());
        });
        if (any)
            shown.push_back(std::move(c));
    }

    m_metrics->setColumnCount(int(shown.size()));
    QStringList titles;
    for (const Column& c : shown)
        titles << c.title;
    m_metrics->setHorizontalHeaderLabels(titles);
    m_metrics->setRowCount(int(rows.size()));
    for (int r = 0; r < int(rows.size()); ++r) {
        for (int c = 0; c < int(shown.size()); ++c) {
            const QVariant v = shown[size_t(c)].value(rows[size_t(r)]);
            QString text;
            if (v.typeId() == QMetaType::Double) {
                const double d = v.toDouble();
                text = d == double(qint64(d)) ? QLocale().toString(qint64(d)) : QLocale().toString(d, 'f', 4);
            } else if (v.typeId() == QMetaType::Bool) {
                text = v.toBool() ? tr("yes") : tr("no");
            } else {
                text = v.toString();
            }
            auto* item = new QTableWidgetItem(text);
            if (v.typeId() == QMetaType::Double)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_metrics->setItem(r, c, item);
        }
    }
    m_metrics->resizeColumnsToContents();
}

} // namespace specmoe::gui
