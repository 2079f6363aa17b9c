#include "app/gui/simulation_dialog.h"

#include "app/gui/collection_dialog.h"
#include "app/gui/path_edit.h"
#include "app/gui/token_limit_box.h"
#include "core/simulate/model_shape.h"
#include "core/simulate/simulation_file.h"
#include "core/speculate/prediction_stream.h"
#include "core/speculate/run_folder.h"
#include "core/trace/trace_set.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace specmoe::gui {
namespace {

using simulate::Policy;
constexpr Policy kPolicies[] = {Policy::Lru, Policy::Lfu, Policy::Static, Policy::Belady};

QString numbersText(const std::vector<double>& v)
{
    QStringList parts;
    for (double x : v)
        parts << QString::number(x, 'g', 6);
    return parts.join(QStringLiteral(", "));
}

QString numbersText(const std::vector<int>& v)
{
    return intListText(QVector<int>(v.begin(), v.end()));
}

QListWidgetItem* checkItem(QListWidget* list, const QString& text, const QString& data, bool checked)
{
    auto* item = new QListWidgetItem(text, list);
    item->setData(Qt::UserRole, data);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    return item;
}

QStringList checkedData(const QListWidget* list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            out << list->item(i)->data(Qt::UserRole).toString();
    return out;
}

QLineEdit* listEdit(const QString& objectName, const QString& text, const QString& placeholder, QWidget* parent)
{
    auto* e = new QLineEdit(text, parent);
    e->setObjectName(objectName);
    e->setPlaceholderText(placeholder);
    return e;
}

} // namespace

bool parsePositiveList(const QString& text, QVector<double>* out)
{
    QVector<double> v;
    for (const QString& p : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double x = p.toDouble(&ok);
        if (!ok || !(x > 0))
            return false;
        v << x;
    }
    *out = v;
    return true;
}

SimulationDialog::SimulationDialog(const QStringList& traceSets, const QStringList& runs, const QStringList& models,
                                   const QString& outputDir, const simulate::SimulateParams& defaults, QWidget* parent)
    : ValidatingDialog(parent), m_defaults(defaults)
{
    setWindowTitle(tr("Simulate an Expert Cache"));
    setObjectName(QStringLiteral("simulationDialog"));

    // Data: what is replayed.
    auto* dataBox = new QGroupBox(tr("Traces"), this);
    m_traces = new QListWidget(dataBox);
    m_traces->setObjectName(QStringLiteral("traceSets"));
    m_traces->setMaximumHeight(90);
    for (const QString& d : traceSets)
        checkItem(m_traces, QFileInfo(d).fileName(), d, traceSets.size() == 1)->setToolTip(d);
    m_split = new QComboBox(dataBox);
    m_split->setObjectName(QStringLiteral("split"));
    const std::pair<std::optional<Split>, QString> splits[] = {
        {Split::Test, tr("Test (what no predictor trained or chose its epoch on)")},
        {Split::Validation, tr("Validation")},
        {Split::Train, tr("Training")},
        {std::nullopt, tr("All sequences")}};
    for (const auto& [split, label] : splits)
        m_split->addItem(label, QString::fromStdString(speculate::splitSelectionName(split)));
    m_split->setCurrentIndex(qMax(0, m_split->findData(QString::fromStdString(speculate::splitSelectionName(defaults.split)))));
    m_batch = new QSpinBox(dataBox);
    m_batch->setObjectName(QStringLiteral("batch"));
    m_batch->setRange(1, 4096);
    m_batch->setValue(defaults.batch);
    m_batch->setToolTip(tr("Sequences decoded together: a layer needs the union of their experts"));
    m_maxTokens = makeMaxTokensBox(defaults.maxTokens, dataBox);
    auto* dataForm = new QFormLayout(dataBox);
    dataForm->addRow(tr("Trace sets:"), m_traces);
    dataForm->addRow(tr("Split:"), m_split);
    dataForm->addRow(tr("Batch (sequences):"), m_batch);
    dataForm->addRow(tr("Tokens replayed at most:"), m_maxTokens);

    // The engine: model, storage, hardware, cache.
    auto* engineBox = new QGroupBox(tr("Engine"), this);
    m_model = new QComboBox(engineBox);
    m_model->setObjectName(QStringLiteral("model"));
    m_model->addItem(tr("The traces' model"), QString());
    for (const simulate::ModelShape& s : simulate::modelShapes())
        m_model->addItem(tr("Preset: %1").arg(QString::fromStdString(s.name)), QString::fromStdString(s.name));
    for (const QString& m : models)
        m_model->addItem(tr("Folder: %1").arg(QFileInfo(m).fileName()), m);
    m_model->setCurrentIndex(qMax(0, m_model->findData(QString::fromStdString(defaults.model))));
    m_storage = new QComboBox(engineBox);
    m_storage->setObjectName(QStringLiteral("storage"));
    for (simulate::StorageDType d : {simulate::StorageDType::BF16, simulate::StorageDType::Int8, simulate::StorageDType::Int4})
        m_storage->addItem(QString::fromLatin1(simulate::storageDTypeName(d)), int(d));
    m_storage->setCurrentIndex(qMax(0, m_storage->findData(int(defaults.storage))));
    m_hardware = new QComboBox(engineBox);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    for (const simulate::HardwareProfile& h : simulate::hardwareProfiles())
        m_hardware->addItem(QString::fromStdString(h.description), QString::fromStdString(h.name));
    m_hardware->setCurrentIndex(qMax(0, m_hardware->findData(QString::fromStdString(defaults.hardware.name))));
    m_hardwareInfo = new QLabel(engineBox);
    m_hardwareInfo->setForegroundRole(QPalette::PlaceholderText);
    m_compute = new QComboBox(engineBox);
    m_compute->setObjectName(QStringLiteral("computeSource"));
    m_compute->addItem(tr("From the hardware profile"), QString());
    for (const QString& m : models)
        m_compute->addItem(tr("Measured here: our runtime on %1").arg(QFileInfo(m).fileName()), m);
    m_compute->setCurrentIndex(qMax(0, m_compute->findData(QString::fromStdString(defaults.measureComputeModel))));
    m_compute->setToolTip(tr("Times one decode step of the batch through the checkpoint's forward pass on the "
                             "device below, before the replay, and uses its time per layer."));
    m_caches = listEdit(QStringLiteral("cacheExperts"), numbersText(defaults.cacheExperts), tr("half the experts"), engineBox);
    m_cacheGB = listEdit(QStringLiteral("cacheGB"), numbersText(defaults.cacheGB), tr("none"), engineBox);
    auto* policyRow = new QHBoxLayout;
    const QString policyText[] = {tr("LRU"), tr("LFU"), tr("Static hot set"), tr("Belady (optimal)")};
    for (int i = 0; i < 4; ++i) {
        m_policies[i] = new QCheckBox(policyText[i], engineBox);
        m_policies[i]->setObjectName(QStringLiteral("policy_") + QString::fromLatin1(simulate::policyName(kPolicies[i])));
        m_policies[i]->setChecked(std::find(defaults.policies.begin(), defaults.policies.end(), kPolicies[i]) !=
                                  defaults.policies.end());
        policyRow->addWidget(m_policies[i]);
    }
    policyRow->addStretch(1);
    m_protect = new QCheckBox(tr("Keep prefetched experts until their layer has run"), engineBox);
    m_protect->setChecked(defaults.protectPrefetched);
    auto* engineForm = new QFormLayout(engineBox);
    engineForm->addRow(tr("Model:"), m_model);
    engineForm->addRow(tr("Expert storage:"), m_storage);
    engineForm->addRow(tr("Hardware:"), m_hardware);
    engineForm->addRow(QString(), m_hardwareInfo);
    engineForm->addRow(tr("Compute time per layer:"), m_compute);
    engineForm->addRow(tr("Cache sizes (experts per layer):"), m_caches);
    engineForm->addRow(tr("Cache budgets (GB):"), m_cacheGB);
    engineForm->addRow(tr("Replacement:"), policyRow);
    engineForm->addRow(QString(), m_protect);

    // Prefetching: predictors and their settings.
    auto* prefetchBox = new QGroupBox(tr("Prefetching"), this);
    m_predictors = new QListWidget(prefetchBox);
    m_predictors->setObjectName(QStringLiteral("predictors"));
    m_predictors->setMaximumHeight(120);
    m_predictors->setMinimumWidth(320);
    // The bounds are always simulated: shown, not choosable.
    for (const auto& [name, label] : {std::pair{simulate::kNoPrefetch, tr("no prefetch (lower bound)")},
                                      std::pair{simulate::kOracle, tr("oracle: the true routing (upper bound for prediction)")}}) {
        auto* item = checkItem(m_predictors, label, QString::fromLatin1(name), true);
        item->setFlags(Qt::ItemIsUserCheckable); // checked and greyed out
    }
    for (const std::string& b : speculate::PredictionStream::trainingSplitBaselines()) {
        const bool on = std::find(defaults.predictors.begin(), defaults.predictors.end(), b) != defaults.predictors.end();
        checkItem(m_predictors, tr("baseline: %1").arg(QString::fromStdString(b)), QString::fromStdString(b), on);
    }
    for (const QString& r : runs)
        if (speculate::RunFolder::hasBestCheckpoint(r.toStdString()))
            checkItem(m_predictors, tr("trained run: %1").arg(QFileInfo(r).fileName()), r, false)->setToolTip(r);
    m_horizons = listEdit(QStringLiteral("horizons"), numbersText(defaults.horizons), QString(), prefetchBox);
    m_budgets = listEdit(QStringLiteral("budgets"), numbersText(defaults.budgets), tr("top-k of the model"), prefetchBox);
    m_links = listEdit(QStringLiteral("links"), numbersText(defaults.linkGBps), tr("the hardware's link"), prefetchBox);
    m_device = new QComboBox(prefetchBox);
    m_device->setObjectName(QStringLiteral("device"));
    fillDeviceCombo(m_device);
    selectDevice(m_device, defaults.device);
    auto* prefetchForm = new QFormLayout(prefetchBox);
    prefetchForm->addRow(tr("Predictors:"), m_predictors);
    prefetchForm->addRow(tr("Horizons h (layers ahead):"), m_horizons);
    prefetchForm->addRow(tr("Budgets m (experts per layer):"), m_budgets);
    prefetchForm->addRow(tr("Link bandwidths (GB/s):"), m_links);
    m_device->setToolTip(tr("Where trained runs predict, and where the compute time per layer is measured"));
    prefetchForm->addRow(tr("Device:"), m_device);

    auto* outBox = new QGroupBox(tr("Output"), this);
    m_output = new PathEdit(PathEdit::SaveFolder, outBox);
    m_output->setObjectName(QStringLiteral("outputDir"));
    m_output->setPath(outputDir);
    m_output->setMinimumWidth(320);
    auto* outForm = new QFormLayout(outBox);
    outForm->addRow(tr("Folder (simulation.json, simulation.csv):"), m_output);

    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(dataBox);
    left->addWidget(engineBox);
    left->addStretch(1);
    auto* right = new QVBoxLayout;
    right->addWidget(prefetchBox);
    right->addWidget(outBox);
    right->addStretch(1);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    setContentLayout(columns);

    connect(m_hardware, qOverload<int>(&QComboBox::currentIndexChanged), this, &SimulationDialog::hardwareChanged);
    connect(m_predictors, &QListWidget::itemChanged, this, &SimulationDialog::revalidate);
    connect(m_traces, &QListWidget::itemChanged, this, &SimulationDialog::revalidate);
    hardwareChanged();
    watch(this);
    resize(980, 560);
    revalidate();
}

QCheckBox* SimulationDialog::policyCheck(Policy p) const
{
    for (int i = 0; i < 4; ++i)
        if (kPolicies[i] == p)
            return m_policies[i];
    return nullptr;
}

void SimulationDialog::selectTraceSets(const QStringList& dirs)
{
    for (int i = 0; i < m_traces->count(); ++i)
        m_traces->item(i)->setCheckState(dirs.contains(m_traces->item(i)->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                                            : Qt::Unchecked);
}

void SimulationDialog::selectPredictors(const QStringList& names)
{
    for (int i = 0; i < m_predictors->count(); ++i)
        if (names.contains(m_predictors->item(i)->data(Qt::UserRole).toString()))
            m_predictors->item(i)->setCheckState(Qt::Checked);
}

void SimulationDialog::hardwareChanged()
{
    try {
        const simulate::HardwareProfile& h = simulate::hardwareProfile(m_hardware->currentData().toString().toStdString());
        m_hardwareInfo->setText(tr("link %1 GB/s, %2 µs per transfer; GPU memory %3 GB/s, %4 TFLOPS")
                                    .arg(QLocale().toString(h.linkGBps))
                                    .arg(QLocale().toString(h.linkLatencyUs))
                                    .arg(QLocale().toString(h.memoryGBps))
                                    .arg(QLocale().toString(h.tflops)));
    } catch (const std::exception& e) {
        m_hardwareInfo->setText(QString::fromStdString(e.what()));
    }
}

SimulationSettings SimulationDialog::settings() const
{
    SimulationSettings s;
    simulate::SimulateParams& p = s.params;
    p = m_defaults;
    p.source = {};
    p.traceDirs.clear();
    for (const QString& d : checkedData(m_traces))
        p.traceDirs.push_back(d.toStdString());
    p.split = speculate::parseSplitSelection(m_split->currentData().toString().toStdString());
    p.batch = m_batch->value();
    p.maxTokens = m_maxTokens->value();
    p.model = m_model->currentData().toString().toStdString();
    p.storage = simulate::StorageDType(m_storage->currentData().toInt());
    p.hardware = simulate::hardwareProfile(m_hardware->currentData().toString().toStdString());
    p.measureComputeModel = m_compute->currentData().toString().toStdString();
    QVector<int> ints;
    QVector<double> doubles;
    p.cacheExperts.clear();
    if (parseIntList(m_caches->text(), &ints))
        p.cacheExperts.assign(ints.begin(), ints.end());
    p.cacheGB.clear();
    if (parsePositiveList(m_cacheGB->text(), &doubles))
        p.cacheGB.assign(doubles.begin(), doubles.end());
    p.policies.clear();
    for (int i = 0; i < 4; ++i)
        if (m_policies[i]->isChecked())
            p.policies.push_back(kPolicies[i]);
    p.protectPrefetched = m_protect->isChecked();
    p.predictors.clear();
    for (const QString& name : checkedData(m_predictors))
        if (name != QLatin1String(simulate::kNoPrefetch) && name != QLatin1String(simulate::kOracle))
            p.predictors.push_back(name.toStdString()); // core always adds the bounds
    p.horizons.clear();
    if (parseIntList(m_horizons->text(), &ints))
        p.horizons.assign(ints.begin(), ints.end());
    p.budgets.clear();
    if (parseIntList(m_budgets->text(), &ints))
        p.budgets.assign(ints.begin(), ints.end());
    p.linkGBps.clear();
    if (parsePositiveList(m_links->text(), &doubles))
        p.linkGBps.assign(doubles.begin(), doubles.end());
    p.device = selectedDevice(m_device);
    s.outputDir = m_output->path();
    return s;
}

// With "The traces' model" chosen, whether core can size an expert from the traces alone
// (simulate::presetOfTraces, as the job does); otherwise the job failed at once, naming the
// CLI's --model.
QString SimulationDialog::tracesModelProblem(const QString& traceDir) const
{
    if (!m_model->currentData().toString().isEmpty())
        return {};
    std::string named;
    try {
        const TraceSet set = TraceSet::open(traceDir.toStdString());
        named = set.model().name;
        const TraceDims& d = set.dims();
        if (simulate::presetOfTraces(named, d.layers, d.experts, d.topk))
            return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return tr("The size of an expert is unknown for the traces' model (%1): under Model, choose a preset "
              "or a model folder of the workspace.")
        .arg(named.empty() ? tr("unnamed") : QString::fromStdString(named));
}

Validation SimulationDialog::validate() const
{
    const QStringList traces = checkedData(m_traces);
    if (traces.isEmpty())
        return {tr("Choose the trace sets to replay."), {}};
    for (const QString& d : traces)
        if (!TraceSet::isTraceFolder(d.toStdString()))
            return {tr("%1 is not a trace set (no manifest.json).").arg(QDir::toNativeSeparators(d)), {}};
    if (const QString problem = tracesModelProblem(traces.front()); !problem.isEmpty())
        return {problem, {}};
    QVector<int> ints;
    QVector<double> doubles;
    if (!parseIntList(m_caches->text(), &ints))
        return {tr("Cache sizes: whole numbers of experts per layer, separated by commas."), {}};
    if (!parsePositiveList(m_cacheGB->text(), &doubles))
        return {tr("Cache budgets: numbers of GB above 0, separated by commas."), {}};
    bool anyPolicy = false;
    for (QCheckBox* c : m_policies)
        anyPolicy = anyPolicy || c->isChecked();
    if (!anyPolicy)
        return {tr("Choose at least one replacement policy."), {}};
    if (!parseIntList(m_horizons->text(), &ints) || ints.isEmpty())
        return {tr("Horizons: one or more whole numbers of layers ahead (1 = the next layer)."), {}};
    if (!parseIntList(m_budgets->text(), &ints))
        return {tr("Budgets: whole numbers of experts per layer, separated by commas (empty: top-k)."), {}};
    if (!parsePositiveList(m_links->text(), &doubles))
        return {tr("Link bandwidths: numbers of GB/s above 0, separated by commas (empty: the hardware's)."), {}};
    const QString out = m_output->path();
    if (out.isEmpty())
        return {tr("Choose the output folder."), {}};
    if (simulate::isSimulationFolder(out.toStdString()))
        return {{}, tr("The folder holds a simulation; it will be replaced.")};
    return {};
}

} // namespace specmoe::gui
