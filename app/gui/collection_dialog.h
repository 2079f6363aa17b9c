#pragma once
// "New collection": model folder (validated as it is picked, with its summary), tokenizer,
// corpus sources, sizes, compute device and dtype, residency mode with the memory it
// needs, shard size, lookahead probes and output folder. Filled from core's CollectParams
// (its defaults unless the caller passes others); fields without a widget keep their value.
#include "app/gui/job_params.h"
#include "app/gui/validating_dialog.h"
#include "core/collect/collector.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace specmoe::gui {

class PathEdit;

class CollectionDialog : public ValidatingDialog {
    Q_OBJECT
public:
    // tracesDir: where new trace sets go by default (the workspace's traces/ folder).
    explicit CollectionDialog(const QString& tracesDir, const CollectParams& defaults = {},
                              QWidget* parent = nullptr);

    CollectParams params() const;
    void setParams(const CollectParams& p);
    Validation validate() const override;

    // Adds a row to the sources table.
    void addSource(const SourceSpec& s);
    int sourceCount() const;
    void removeSource(int row);

    QString modelSummary() const;
    QString memoryText() const;
    qint64 memoryNeededBytes() const { return m_memoryNeeded; } // 0 without an estimate
    PathEdit* modelEdit() const { return m_model; }
    PathEdit* tokenizerEdit() const { return m_tokenizer; }
    QTableWidget* sourcesTable() const { return m_sources; }

private:
    void modelChanged();
    void fitDefaultLengthToModel();
    void updateMemory();
    void addSourceFromFile();
    void addSourceFromFolder();
    void suggestOutput();
    SourceSpec sourceAt(int row) const;
    // Why the tokenizer the collection would use does not fit the model (core's
    // collectTokenizerFit), or "".
    QString tokenizerProblem() const;

    QString m_tracesDir;
    CollectParams m_params; // what setParams gave: the fields the form does not show
    PathEdit* m_model = nullptr;
    PathEdit* m_tokenizer = nullptr;
    QLabel* m_modelSummary = nullptr;
    QTableWidget* m_sources = nullptr;
    QDoubleSpinBox* m_target = nullptr;
    QSpinBox* m_maxLength = nullptr;
    QDoubleSpinBox* m_maxDocBytes = nullptr;
    QSpinBox* m_batch = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_dtype = nullptr;
    QComboBox* m_residency = nullptr;
    QLabel* m_memory = nullptr;
    QDoubleSpinBox* m_shardSize = nullptr;
    QLineEdit* m_lookahead = nullptr;
    QLineEdit* m_features = nullptr;
    PathEdit* m_featureBasis = nullptr; // reuse another collection's basis (held-out traces)
    QLineEdit* m_name = nullptr;
    PathEdit* m_output = nullptr;
    bool m_outputEdited = false;
    bool m_modelOk = false;
    QString m_modelError;
    qint64 m_modelLayers = 0;
    qint64 m_modelPositions = 0; // max_position_embeddings (0: not stated)
    qint64 m_modelVocab = 0;
    mutable QString m_tokenizerKey; // the file, its date and size, the model's vocabulary
    mutable QString m_tokenizerProblem;
    bool m_modelHasTokenizer = false;
    bool m_memoryTooLarge = false;
    qint64 m_memoryNeeded = 0;
};

// The compute devices for combo boxes: "auto", "cpu", then "cuda:N" with the GPU's name
// (item data: core's device names).
void fillDeviceCombo(QComboBox* combo, bool withAuto = true);
// Selects a device by name; one this machine lacks is added so it stays visible.
void selectDevice(QComboBox* combo, const QString& device);
void selectDevice(QComboBox* combo, const DeviceSpec& device);
DeviceSpec selectedDevice(const QComboBox* combo);

} // namespace specmoe::gui
