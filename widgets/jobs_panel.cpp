#include "widgets/jobs_panel.h"

#include "widgets/jobs_model.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionProgressBar>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace specmoe::widgets {
namespace {

// Draws the progress column as a progress bar with the "done of total" text on it.
class ProgressDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const double fraction = index.data(JobsModel::FractionRole).toDouble();
        const auto state = JobState(index.data(JobsModel::StateRole).toInt());
        if (state == JobState::Queued) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem bg = option;
        initStyleOption(&bg, index);
        bg.text.clear();
        QStyle* style = option.widget ? option.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &bg, painter, option.widget);

        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.minimum = 0;
        bar.maximum = fraction < 0 && state == JobState::Running ? 0 : 1000; // busy when unknown
        bar.progress = fraction < 0 ? 0 : int(fraction * 1000);
        bar.text = index.data(Qt::DisplayRole).toString();
        bar.textVisible = true;
        bar.textAlignment = Qt::AlignCenter;
        bar.state = option.state | QStyle::State_Horizontal;
        bar.palette = option.palette;
        if (state == JobState::Failed)
            bar.palette.setColor(QPalette::Highlight, QColor(0xc8, 0x3c, 0x3c));
        else if (state == JobState::Cancelled || state == JobState::Interrupted)
            bar.palette.setColor(QPalette::Highlight, QColor(0xb0, 0x8a, 0x30));
        else if (state == JobState::Finished)
            bar.palette.setColor(QPalette::Highlight, QColor(0x3c, 0x9a, 0x50));
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(qMax(s.height(), option.fontMetrics.height() + 10));
        s.setWidth(qMax(s.width(), 180));
        return s;
    }
};

QToolButton* makeButton(QWidget* parent, const QIcon& icon, const QString& text, const QString& name)
{
    auto* b = new QToolButton(parent);
    b->setIcon(icon);
    b->setText(text);
    b->setToolTip(text);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setAutoRaise(true);
    b->setObjectName(name);
    return b;
}

} // namespace

JobsPanel::JobsPanel(QWidget* parent) : QWidget(parent)
{
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("jobsView"));
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setItemDelegateForColumn(JobsModel::ProgressColumn, new ProgressDelegate(m_view));
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const qint64 id = index.data(JobsModel::JobIdRole).toLongLong();
        if (id && JobState(index.data(JobsModel::StateRole).toInt()) == JobState::Finished)
            Q_EMIT openRequested(id);
    });

    QStyle* st = style();
    m_cancel = makeButton(this, st->standardIcon(QStyle::SP_BrowserStop), tr("Cancel"),
                          QStringLiteral("cancelJob"));
    m_resume = makeButton(this, st->standardIcon(QStyle::SP_MediaPlay), tr("Resume"),
                          QStringLiteral("resumeJob"));
    m_open = makeButton(this, st->standardIcon(QStyle::SP_DirOpenIcon), tr("Open result"),
                        QStringLiteral("openJob"));
    m_clear = makeButton(this, st->standardIcon(QStyle::SP_DialogResetButton), tr("Clear finished"),
                         QStringLiteral("clearJobs"));
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        if (const qint64 id = currentJobId())
            Q_EMIT cancelRequested(id);
    });
    connect(m_resume, &QToolButton::clicked, this, [this] {
        if (const qint64 id = currentJobId())
            Q_EMIT resumeRequested(id);
    });
    connect(m_open, &QToolButton::clicked, this, [this] {
        if (const qint64 id = currentJobId())
            Q_EMIT openRequested(id);
    });
    connect(m_clear, &QToolButton::clicked, this, &JobsPanel::clearFinishedRequested);

    m_summary = new QLabel(this);
    m_summary->setForegroundRole(QPalette::PlaceholderText);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->setSpacing(2);
    bar->addWidget(m_cancel);
    bar->addWidget(m_resume);
    bar->addWidget(m_open);
    bar->addStretch(1);
    bar->addWidget(m_summary);
    bar->addSpacing(8);
    bar->addWidget(m_clear);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    updateButtons();
}

void JobsPanel::setModel(JobsModel* model)
{
    m_model = model;
    m_view->setModel(model);
    QHeaderView* h = m_view->header();
    h->setStretchLastSection(false);
    h->setSectionResizeMode(JobsModel::TitleColumn, QHeaderView::Stretch);
    h->setSectionResizeMode(JobsModel::StateColumn, QHeaderView::Interactive);
    h->setSectionResizeMode(JobsModel::ProgressColumn, QHeaderView::Interactive);
    h->resizeSection(JobsModel::StateColumn, 170);
    h->resizeSection(JobsModel::ProgressColumn, 230);
    h->resizeSection(JobsModel::RateColumn, 130);
    h->resizeSection(JobsModel::EtaColumn, 90);
    h->resizeSection(JobsModel::ElapsedColumn, 90);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobsPanel::updateButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateButtons);
    connect(model, &QAbstractItemModel::rowsInserted, this, &JobsPanel::updateButtons);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &JobsPanel::updateButtons);
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int first, int) {
        // Follow the newest job unless the user picked one.
        if (!m_view->currentIndex().isValid())
            m_view->setCurrentIndex(m_model->index(first, 0));
    });
    updateButtons();
}

qint64 JobsPanel::currentJobId() const
{
    const QModelIndex i = m_view->currentIndex();
    return i.isValid() ? i.data(JobsModel::JobIdRole).toLongLong() : 0;
}

void JobsPanel::selectJob(qint64 id)
{
    if (!m_model)
        return;
    const int r = m_model->rowOf(id);
    if (r >= 0)
        m_view->setCurrentIndex(m_model->index(r, 0));
}

void JobsPanel::updateButtons()
{
    const JobInfo* j = m_model ? m_model->find(currentJobId()) : nullptr;
    m_cancel->setEnabled(j && (j->state == JobState::Queued || j->state == JobState::Running));
    m_resume->setEnabled(j && j->resumable &&
                         (j->state == JobState::Cancelled || j->state == JobState::Interrupted ||
                          j->state == JobState::Failed));
    m_open->setEnabled(j && j->state == JobState::Finished && !j->outputPath.isEmpty());
    if (!m_model) {
        m_summary->clear();
        return;
    }
    const int running = m_model->count(JobState::Running) + m_model->count(JobState::Cancelling);
    const int queued = m_model->count(JobState::Queued);
    m_summary->setText(tr("%n running", nullptr, running) + QStringLiteral(" · ") +
                       tr("%n queued", nullptr, queued));
    m_clear->setEnabled(m_model->rowCount() > running + queued);
}

} // namespace specmoe::widgets
