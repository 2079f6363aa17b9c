#pragma once
// "New training": which trace sets (of one model), which predictors, horizons, the context
// the predictors see, hyper-parameters, device and the run folder. Filled from a TrainParams
// (core's defaults unless the caller passes others, e.g. the device of the settings);
// "Restore Defaults" goes back to it, and fields without a widget keep their value.
#include "app/gui/validating_dialog.h"
#include "core/speculate/train.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace specmoe::gui {

class PathEdit;

class TrainingDialog : public ValidatingDialog {
    Q_OBJECT
public:
    TrainingDialog(const QStringList& traceSets, const QString& runsDir,
                   const speculate::TrainParams& defaults = {}, QWidget* parent = nullptr);

    speculate::TrainParams params() const;
    void setParams(const speculate::TrainParams& p);
    // Ticks exactly these trace sets.
    void selectTraceSets(const QStringList& dirs);
    void restoreDefaults();
    Validation validate() const override;

private:
    void suggestOutput();
    QStringList checkedTraceSets() const;

    QString m_runsDir;
    speculate::TrainParams m_defaults;
    speculate::TrainParams m_params; // the last setParams (or the defaults)
    QListWidget* m_traceSets = nullptr;
    QCheckBox* m_interLayer = nullptr;
    QCheckBox* m_statistics = nullptr;
    QCheckBox* m_hiddenState = nullptr;
    QCheckBox* m_decodeContext = nullptr;
    QCheckBox* m_decodeFeatures = nullptr;
    QCheckBox* m_ensemble = nullptr;
    QSpinBox* m_horizon = nullptr;
    QCheckBox* m_useTokenIds = nullptr;
    QCheckBox* m_useWeights = nullptr;
    QCheckBox* m_useLookahead = nullptr;
    QDoubleSpinBox* m_maxTokens = nullptr;
    QDoubleSpinBox* m_trainFraction = nullptr;
    QDoubleSpinBox* m_validationFraction = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_batch = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QDoubleSpinBox* m_weightDecay = nullptr;
    QDoubleSpinBox* m_warmup = nullptr;
    QSpinBox* m_patience = nullptr;
    QSpinBox* m_embedDim = nullptr;
    QSpinBox* m_hiddenDim = nullptr;
    QComboBox* m_device = nullptr;
    QCheckBox* m_mixedPrecision = nullptr;
    QLineEdit* m_name = nullptr;
    PathEdit* m_output = nullptr;
    bool m_outputEdited = false;
    // The learning rate follows the batch size (speculate::defaultLearningRate, as `specmoe
    // train` without --lr) until the user sets one: m_autoLr is the rate it would show now.
    double m_autoLr = 0;
};

// What to ask before a training starts in params.runDir (issue 17: starting over a finished
// run replaced its best predictor without a word). Empty text: nothing to ask (no run
// there, or params.resume is set).
struct ExistingRunQuestion {
    QString text;
    bool canContinue = false; // the run has a checkpoint to resume from
};
ExistingRunQuestion existingRunQuestion(const speculate::TrainParams& params);

// Layers and fingerprint text of a trace set from its manifest (0 / empty when unknown).
int traceSetLayers(const QString& dir);
QString traceSetFingerprint(const QString& dir);

} // namespace specmoe::gui
