#pragma once
// "Import Traces": routing traces from vLLM, SGLang, Megatron-Core or NumPy arrays into a
// trace set of the workspace (docs/trace-import.md). Inputs, the model's layer map (a
// config.json and/or explicit values), the options of the chosen format and the output.
#include "app/gui/validating_dialog.h"
#include "core/import/import_params.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace specmoe::gui {

class PathEdit;

class ImportDialog : public ValidatingDialog {
    Q_OBJECT
public:
    // tracesDir: default parent of the output folder.
    explicit ImportDialog(const QString& tracesDir, QWidget* parent = nullptr);

    import::ImportParams params() const;
    void setParams(const import::ImportParams& p);
    void addInputs(const QStringList& paths);
    Validation validate() const override;

private:
    void formatChanged();
    void suggestOutput();
    void browseFiles();
    void browseFolder();

    QString m_tracesDir;
    QComboBox* m_format = nullptr;
    QLabel* m_formatHelp = nullptr;
    QListWidget* m_inputs = nullptr;
    PathEdit* m_config = nullptr;
    QSpinBox* m_experts = nullptr;
    QLineEdit* m_moeLayers = nullptr;
    QSpinBox* m_decoderLayers = nullptr;
    QSpinBox* m_shared = nullptr;
    QComboBox* m_layerAxis = nullptr;
    QCheckBox* m_allowMissing = nullptr;
    QLineEdit* m_engineVersion = nullptr;
    QComboBox* m_numbering = nullptr;
    QSpinBox* m_microBatch = nullptr;
    PathEdit* m_output = nullptr;
    QCheckBox* m_overwrite = nullptr;
    bool m_outputEdited = false;
};

// "3-60" or "0, 2, 4-7" -> ascending decoder indices; false on anything else.
bool parseLayerRanges(const QString& text, std::vector<int>* out);

} // namespace specmoe::gui
