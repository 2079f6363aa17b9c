#include "widgets/workspace_model.h"

#include <QApplication>
#include <QFont>
#include <QIcon>
#include <QPalette>
#include <QStyle>

namespace specmoe::widgets {

struct WorkspaceModel::Node {
    Node* parent = nullptr;
    int row = 0;
    NodeKind kind = GroupNode;
    int group = -1;       // WorkspaceEntry::Kind of the group this node is in
    int entryIndex = -1;  // index into the group's entries
    QString name, detail;
    std::vector<std::unique_ptr<Node>> children;

    Node* add(NodeKind k, const QString& n, const QString& d)
    {
        auto c = std::make_unique<Node>();
        c->parent = this;
        c->row = int(children.size());
        c->kind = k;
        c->group = group;
        c->entryIndex = entryIndex;
        c->name = n;
        c->detail = d;
        children.push_back(std::move(c));
        return children.back().get();
    }
};

WorkspaceModel::WorkspaceModel(QObject* parent) : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{
    rebuild();
}

WorkspaceModel::~WorkspaceModel() = default;

void WorkspaceModel::setContents(const WorkspaceContents& contents)
{
    beginResetModel();
    m_contents = contents;
    rebuild();
    endResetModel();
}

void WorkspaceModel::clear()
{
    setContents({});
}

void WorkspaceModel::rebuild()
{
    m_root = std::make_unique<Node>();
    const struct {
        WorkspaceEntry::Kind kind;
        NodeKind nodeKind;
        QString title;
        const QVector<WorkspaceEntry>* entries;
    } groups[] = {
        {WorkspaceEntry::TraceSet, TraceSetNode, tr("Trace sets"), &m_contents.traceSets},
        {WorkspaceEntry::Run, RunNode, tr("Training runs"), &m_contents.runs},
        {WorkspaceEntry::Simulation, SimulationNode, tr("Simulations"), &m_contents.simulations},
        {WorkspaceEntry::Model, ModelNode, tr("Models"), &m_contents.models},
    };
    for (const auto& g : groups) {
        m_root->group = int(g.kind);
        Node* gn = m_root->add(GroupNode, g.title, g.entries->isEmpty() ? tr("none") : QString::number(g.entries->size()));
        gn->group = int(g.kind);
        for (int i = 0; i < g.entries->size(); ++i) {
            const WorkspaceEntry& e = (*g.entries)[i];
            gn->entryIndex = i;
            Node* en = gn->add(g.nodeKind, e.name, e.summary);
            for (const auto& d : e.details)
                en->add(DetailNode, d.first, d.second);
        }
        gn->entryIndex = -1;
    }
    m_root->group = -1;
}

WorkspaceModel::Node* WorkspaceModel::node(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

const WorkspaceEntry* WorkspaceModel::entry(const QModelIndex& index) const
{
    const Node* n = index.isValid() ? node(index) : nullptr;
    if (!n || n->kind == GroupNode || n->entryIndex < 0)
        return nullptr;
    const QVector<WorkspaceEntry>* list = nullptr;
    switch (WorkspaceEntry::Kind(n->group)) {
    case WorkspaceEntry::TraceSet: list = &m_contents.traceSets; break;
    case WorkspaceEntry::Run: list = &m_contents.runs; break;
    case WorkspaceEntry::Model: list = &m_contents.models; break;
    case WorkspaceEntry::Simulation: list = &m_contents.simulations; break;
    }
    return list && n->entryIndex < list->size() ? &(*list)[n->entryIndex] : nullptr;
}

QModelIndex WorkspaceModel::groupIndex(WorkspaceEntry::Kind kind) const
{
    for (const auto& c : m_root->children)
        if (c->group == int(kind))
            return createIndex(c->row, 0, c.get());
    return {};
}

QModelIndex WorkspaceModel::indexOf(WorkspaceEntry::Kind kind, const QString& path) const
{
    const QModelIndex g = groupIndex(kind);
    if (!g.isValid())
        return {};
    const Node* gn = node(g);
    for (const auto& c : gn->children) {
        const QModelIndex i = createIndex(c->row, 0, c.get());
        const WorkspaceEntry* e = entry(i);
        if (e && e->path == path)
            return i;
    }
    return {};
}

QModelIndex WorkspaceModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    const Node* p = node(parent);
    if (!p || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex WorkspaceModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const Node* n = node(child);
    if (!n->parent || n->parent == m_root.get())
        return {};
    return createIndex(n->parent->row, 0, n->parent);
}

int WorkspaceModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const Node* p = node(parent);
    return p ? int(p->children.size()) : 0;
}

int WorkspaceModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

Qt::ItemFlags WorkspaceModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant WorkspaceModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node* n = node(index);
    const WorkspaceEntry* e = entry(index);
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? n->name : n->detail;
    case Qt::ToolTipRole:
        if (e && n->kind != DetailNode)
            return e->path;
        return n->detail.isEmpty() ? n->name : n->name + QStringLiteral(": ") + n->detail;
    case NodeKindRole: return int(n->kind);
    case PathRole: return e ? e->path : QString();
    case HealthRole: return e ? int(e->health) : int(WorkspaceEntry::Ok);
    case Qt::FontRole:
        if (n->kind == GroupNode && index.column() == NameColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        if (n->kind == DetailNode && index.column() == NameColumn)
            return QApplication::palette().color(QPalette::PlaceholderText);
        if (n->kind == GroupNode && index.column() == DetailColumn)
            return QApplication::palette().color(QPalette::PlaceholderText);
        if (e && n->kind != DetailNode && index.column() == DetailColumn) {
            if (e->health == WorkspaceEntry::Failed)
                return QColor(0xc0, 0x30, 0x30);
            if (e->health == WorkspaceEntry::Incomplete)
                return QColor(0xb0, 0x70, 0x00);
        }
        return {};
    case Qt::DecorationRole: {
        if (index.column() != NameColumn)
            return {};
        QStyle* st = QApplication::style();
        switch (n->kind) {
        case GroupNode: return st->standardIcon(QStyle::SP_DirIcon);
        case TraceSetNode: {
            const QIcon icon(QStringLiteral(":/icons/traceset.svg"));
            return icon.isNull() ? st->standardIcon(QStyle::SP_FileDialogDetailedView) : icon;
        }
        case RunNode: {
            const QIcon icon(QStringLiteral(":/icons/run.svg"));
            return icon.isNull() ? st->standardIcon(QStyle::SP_FileDialogContentsView) : icon;
        }
        case ModelNode: {
            const QIcon icon(QStringLiteral(":/icons/model.svg"));
            return icon.isNull() ? st->standardIcon(QStyle::SP_DriveHDIcon) : icon;
        }
        case SimulationNode: {
            const QIcon icon(QStringLiteral(":/icons/simulation.svg"));
            return icon.isNull() ? st->standardIcon(QStyle::SP_MediaPlay) : icon;
        }
        case DetailNode: return {};
        }
        return {};
    }
    default: return {};
    }
}

QVariant WorkspaceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Name") : tr("Details");
}

} // namespace specmoe::widgets
