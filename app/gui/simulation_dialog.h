#pragma once
// "Simulate an expert cache": what prediction buys in an offloading engine (core/simulate,
// docs/simulation.md). Trace sets and split, batch, the model (the traces' own, a preset or
// a model folder of the workspace) and storage dtype, a built-in hardware profile (or a model
// folder whose forward our runtime times on this machine for the layer time), the sweep
// (cache sizes, policies, horizons h, budgets m, link bandwidths) and the predictors (no
// prefetch and the oracle always; the baselines; the workspace's trained runs), the output
// folder. Every field starts at core's SimulateParams default.
#include "app/gui/jobs.h"
#include "app/gui/validating_dialog.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace specmoe::gui {

class PathEdit;

class SimulationDialog : public ValidatingDialog {
    Q_OBJECT
public:
    // traceSets / runs / models: the workspace's folders (runs without a best checkpoint are
    // not offered); outputDir: the folder proposed for the result.
    SimulationDialog(const QStringList& traceSets, const QStringList& runs, const QStringList& models,
                     const QString& outputDir, const simulate::SimulateParams& defaults = {},
                     QWidget* parent = nullptr);

    SimulationSettings settings() const;
    Validation validate() const override;

    void selectTraceSets(const QStringList& dirs);
    void selectPredictors(const QStringList& names); // baselines or run folders, added to the checked ones

    // Parts, for tests.
    QListWidget* traceList() const { return m_traces; }
    QListWidget* predictorList() const { return m_predictors; }
    QComboBox* modelBox() const { return m_model; }
    QComboBox* hardwareBox() const { return m_hardware; }
    QComboBox* storageBox() const { return m_storage; }
    // "From the hardware profile" or a workspace model folder whose forward our runtime times.
    QComboBox* computeBox() const { return m_compute; }
    QComboBox* splitBox() const { return m_split; }
    QSpinBox* batchBox() const { return m_batch; }
    QLineEdit* cacheEdit() const { return m_caches; }
    QLineEdit* cacheGBEdit() const { return m_cacheGB; }
    QLineEdit* horizonEdit() const { return m_horizons; }
    QLineEdit* budgetEdit() const { return m_budgets; }
    QLineEdit* linkEdit() const { return m_links; }
    QCheckBox* policyCheck(simulate::Policy p) const;
    PathEdit* outputEdit() const { return m_output; }

private:
    void hardwareChanged();
    QString tracesModelProblem(const QString& traceDir) const;

    simulate::SimulateParams m_defaults;
    QListWidget* m_traces = nullptr;
    QComboBox* m_split = nullptr;
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QComboBox* m_model = nullptr;
    QComboBox* m_storage = nullptr;
    QComboBox* m_hardware = nullptr;
    QLabel* m_hardwareInfo = nullptr;
    QComboBox* m_compute = nullptr;
    QLineEdit* m_caches = nullptr;
    QLineEdit* m_cacheGB = nullptr;
    QCheckBox* m_policies[4] = {};
    QCheckBox* m_protect = nullptr;
    QListWidget* m_predictors = nullptr;
    QLineEdit* m_horizons = nullptr;
    QLineEdit* m_budgets = nullptr;
    QLineEdit* m_links = nullptr;
    QComboBox* m_device = nullptr;
    PathEdit* m_output = nullptr;
};

// "8, 25.5" -> {8, 25.5}; false unless every entry is a number > 0.
bool parsePositiveList(const QString& text, QVector<double>* out);

} // namespace specmoe::gui
