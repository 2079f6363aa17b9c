#pragma once
// "Re-shard a trace set": source trace set, destination folder, shard size and the HDF5
// filter settings.
#include "app/gui/job_params.h"
#include "app/gui/validating_dialog.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace specmoe::gui {

class PathEdit;

class ReshardDialog : public ValidatingDialog {
    Q_OBJECT
public:
    // traceSets: the workspace's trace set folders; tracesDir: default parent of the output.
    ReshardDialog(const QStringList& traceSets, const QString& tracesDir, QWidget* parent = nullptr);

    ReshardSettings settings() const;
    void setSettings(const ReshardSettings& s);
    void setSource(const QString& dir);
    Validation validate() const override;

private:
    void sourceChanged();

    QString m_tracesDir;
    QComboBox* m_source = nullptr;
    QLabel* m_sourceInfo = nullptr;
    PathEdit* m_output = nullptr;
    QDoubleSpinBox* m_shardSize = nullptr;
    QSpinBox* m_deflate = nullptr;
    QSpinBox* m_chunk = nullptr;
    QCheckBox* m_overwrite = nullptr;
    bool m_outputEdited = false;
};

} // namespace specmoe::gui
