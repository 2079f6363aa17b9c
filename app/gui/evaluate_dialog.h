#pragma once
// "Evaluate a predictor": score a training run's best checkpoint and the baselines on a split
// (default: the test split, never seen in training or model selection) of a trace set
// (default: the one it was trained on).
#include "app/gui/validating_dialog.h"
#include "core/speculate/train.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace specmoe::gui {

class EvaluateDialog : public ValidatingDialog {
    Q_OBJECT
public:
    // runDir: the training run; traceSets: the workspace's trace set folders; defaults: the
    // split, token limit, device and threads shown first (core's unless the caller passes others).
    EvaluateDialog(const QString& runDir, const QStringList& traceSets,
                   const speculate::EvalParams& defaults = {}, QWidget* parent = nullptr);

    speculate::EvalParams params() const;
    Validation validate() const override;

private:
    QStringList chosenTraceDirs() const;
    void traceSetChanged();

    QString m_runDir;
    speculate::EvalParams m_defaults;
    QStringList m_trainedOn; // the run's own trace folders (from its metrics.jsonl)
    QComboBox* m_traces = nullptr;
    QLabel* m_tracesInfo = nullptr;
    QComboBox* m_split = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QComboBox* m_device = nullptr;
};

// "Export a predictor": writes the run's best predictor (predictor.safetensors + config.json)
// to a folder an inference engine or the Python recipe (docs/load_predictor.py) loads.
class ExportPredictorDialog : public ValidatingDialog {
    Q_OBJECT
public:
    // exportsDir: default parent of the output folder.
    ExportPredictorDialog(const QString& runDir, const QString& exportsDir, QWidget* parent = nullptr);

    speculate::ExportParams params() const;
    void setOutputDir(const QString& dir);
    Validation validate() const override;

private:
    QString m_runDir;
    class PathEdit* m_output = nullptr;
};

// The run's best checkpoint, or an error text when there is none yet.
QString bestCheckpointProblem(const QString& runDir);

} // namespace specmoe::gui
