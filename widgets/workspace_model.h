#pragma once
// The workspace tree: trace sets (with their manifest facts), training runs (with their
// latest metrics), simulations (simulation.json) and models, grouped, as a QAbstractItemModel. The contents are plain
// values filled by the workbench (app/gui/workspace.h reads the folder); the model only
// presents them.
#include <QAbstractItemModel>
#include <QPair>
#include <QVector>

#include <memory>
#include <vector>

namespace specmoe::widgets {

struct WorkspaceEntry {
    enum Kind { TraceSet, Run, Model, Simulation };
    enum Health { Ok, Incomplete, Failed, Busy };
    Kind kind = TraceSet;
    QString name;
    QString path;     // absolute folder
    QString summary;  // one line shown beside the name
    Health health = Ok;
    QVector<QPair<QString, QString>> details; // label, value (shown as children)
};

struct WorkspaceContents {
    QString name;
    QString root;
    QVector<WorkspaceEntry> traceSets;
    QVector<WorkspaceEntry> runs;
    QVector<WorkspaceEntry> models;
    QVector<WorkspaceEntry> simulations;
};

class WorkspaceModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DetailColumn, ColumnCount };
    enum NodeKind { GroupNode, TraceSetNode, RunNode, ModelNode, DetailNode, SimulationNode };
    enum Role {
        NodeKindRole = Qt::UserRole + 1, // NodeKind
        PathRole,                        // entry folder (entries and their details)
        HealthRole                       // WorkspaceEntry::Health (entries)
    };

    explicit WorkspaceModel(QObject* parent = nullptr);
    ~WorkspaceModel() override;

    void setContents(const WorkspaceContents& contents);
    const WorkspaceContents& contents() const { return m_contents; }
    void clear();

    // The entry an index (or one of its detail rows) belongs to; nullptr for groups.
    const WorkspaceEntry* entry(const QModelIndex& index) const;
    // The index of the entry with this kind and folder (invalid when absent).
    QModelIndex indexOf(WorkspaceEntry::Kind kind, const QString& path) const;
    QModelIndex groupIndex(WorkspaceEntry::Kind kind) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    struct Node;
    Node* node(const QModelIndex& index) const;
    void rebuild();

    WorkspaceContents m_contents;
    std::unique_ptr<Node> m_root;
};

} // namespace specmoe::widgets
