#include "app/gui/welcome_page.h"

#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace specmoe::gui {
namespace {

QPushButton* bigButton(QWidget* parent, const QIcon& icon, const QString& text, const QString& name)
{
    auto* b = new QPushButton(icon, text, parent);
    b->setObjectName(name);
    b->setIconSize(QSize(24, 24));
    b->setMinimumHeight(44);
    b->setMinimumWidth(240);
    b->setStyleSheet(QStringLiteral("text-align: left; padding-left: 12px;"));
    return b;
}

QIcon resourceIcon(const QString& path, QStyle::StandardPixmap fallback, const QStyle* style)
{
    const QIcon icon(path);
    return icon.pixmap(24, 24).isNull() ? style->standardIcon(fallback) : icon;
}

} // namespace

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto* logo = new QLabel(this);
    logo->setPixmap(QIcon(QStringLiteral(":/icons/specmoe.svg")).pixmap(72, 72));
    m_heading = new QLabel(this);
    QFont hf = m_heading->font();
    hf.setPointSizeF(hf.pointSizeF() * 1.9);
    hf.setBold(true);
    m_heading->setFont(hf);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setForegroundRole(QPalette::PlaceholderText);
    m_text->setMaximumWidth(620);

    const QStyle* st = style();
    m_new = bigButton(this, st->standardIcon(QStyle::SP_FileDialogNewFolder), tr("New Workspace…"), QStringLiteral("welcomeNew"));
    m_open = bigButton(this, st->standardIcon(QStyle::SP_DialogOpenButton), tr("Open Workspace…"), QStringLiteral("welcomeOpen"));
    m_demo = bigButton(this, resourceIcon(QStringLiteral(":/icons/demo.svg"), QStyle::SP_ComputerIcon, st),
                       tr("Open Demo Workspace"), QStringLiteral("welcomeDemo"));
    m_collect = bigButton(this, resourceIcon(QStringLiteral(":/icons/collect.svg"), QStyle::SP_MediaPlay, st),
                          tr("Collect Routing Traces…"), QStringLiteral("welcomeCollect"));
    m_train = bigButton(this, resourceIcon(QStringLiteral(":/icons/train.svg"), QStyle::SP_MediaSeekForward, st),
                        tr("Train Expert Predictors…"), QStringLiteral("welcomeTrain"));
    connect(m_new, &QPushButton::clicked, this, &WelcomePage::newWorkspaceRequested);
    connect(m_open, &QPushButton::clicked, this, &WelcomePage::openWorkspaceRequested);
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    connect(m_collect, &QPushButton::clicked, this, &WelcomePage::collectRequested);
    connect(m_train, &QPushButton::clicked, this, &WelcomePage::trainRequested);

    m_recentLabel = new QLabel(tr("Recent workspaces"), this);
    QFont rf = m_recentLabel->font();
    rf.setBold(true);
    m_recentLabel->setFont(rf);
    m_recent = new QListWidget(this);
    m_recent->setObjectName(QStringLiteral("recentWorkspaces"));
    m_recent->setMaximumWidth(620);
    m_recent->setMaximumHeight(180);
    m_recent->setFrameShape(QFrame::NoFrame);
    connect(m_recent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { Q_EMIT recentRequested(item->data(Qt::UserRole).toString()); });

    auto* head = new QHBoxLayout;
    head->setSpacing(16);
    head->addWidget(logo, 0, Qt::AlignTop);
    auto* headText = new QVBoxLayout;
    headText->addWidget(m_heading);
    headText->addWidget(m_text);
    head->addLayout(headText, 1);

    auto* buttons = new QGridLayout;
    buttons->setSpacing(10);
    buttons->addWidget(m_new, 0, 0);
    buttons->addWidget(m_open, 0, 1);
    buttons->addWidget(m_collect, 1, 0);
    buttons->addWidget(m_train, 1, 1);
    buttons->addWidget(m_demo, 2, 0);

    auto* column = new QVBoxLayout;
    column->setSpacing(18);
    column->addLayout(head);
    column->addLayout(buttons);
    column->addWidget(m_recentLabel);
    column->addWidget(m_recent);
    column->addStretch(1);

    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(48, 40, 48, 24);
    outer->addLayout(column);
    outer->addStretch(1);
    setWorkspace(nullptr);
}

void WelcomePage::setRecent(const QStringList& dirs)
{
    m_recent->clear();
    for (const QString& d : dirs) {
        auto* item = new QListWidgetItem(style()->standardIcon(QStyle::SP_DirIcon),
                                         QStringLiteral("%1  —  %2").arg(QFileInfo(d).fileName(), QDir::toNativeSeparators(d)),
                                         m_recent);
        item->setData(Qt::UserRole, d);
    }
    m_recentLabel->setVisible(!dirs.isEmpty());
    m_recent->setVisible(!dirs.isEmpty());
}

void WelcomePage::setWorkspace(const widgets::WorkspaceContents* c)
{
    if (!c) {
        m_heading->setText(tr("SpecMoE Workbench"));
        m_text->setText(tr("Collect the expert routing of a Mixture-of-Experts model on your corpus, explore it, "
                           "and train predictors that know ahead of time which experts the next layers need. "
                           "Start with a workspace: a folder that holds trace sets, training runs and "
                           "references to models."));
    } else {
        m_heading->setText(c->name);
        m_text->setText(tr("%n trace set(s)", nullptr, int(c->traceSets.size())) + QStringLiteral(" · ") +
                        tr("%n training run(s)", nullptr, int(c->runs.size())) + QStringLiteral(" · ") +
                        tr("%n simulation(s)", nullptr, int(c->simulations.size())) + QStringLiteral(" · ") +
                        tr("%n model(s)", nullptr, int(c->models.size())) + QStringLiteral("\n") +
                        tr("Open an entry of the workspace tree to see it, or start the next step below."));
    }
    m_collect->setVisible(c != nullptr);
    m_train->setVisible(c != nullptr);
    m_train->setEnabled(c && !c->traceSets.isEmpty());
}

} // namespace specmoe::gui
