#include "app/gui/training_dialog.h"

#include "app/gui/collection_dialog.h"
#include "app/gui/path_edit.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/run_start.h"
#include "core/trace/trace_set.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <optional>

namespace specmoe::gui {
namespace {

// The trace set's manifest, or nothing when it cannot be read (validate() names that).
std::optional<TraceSet> openTraceSet(const QString& dir)
{
    try {
        return TraceSet::open(dir.toStdString());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

QDoubleSpinBox* doubleSpin(QWidget* parent, double lo, double hi, int decimals, double step, const char* name)
{
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setObjectName(QString::fromLatin1(name));
    return s;
}

QSpinBox* intSpin(QWidget* parent, int lo, int hi, const char* name)
{
    auto* s = new QSpinBox(parent);
    s->setRange(lo, hi);
    s->setObjectName(QString::fromLatin1(name));
    return s;
}

} // namespace

int traceSetLayers(const QString& dir)
{
    const std::optional<TraceSet> set = openTraceSet(dir);
    return set ? set->dims().layers : 0;
}

QString traceSetFingerprint(const QString& dir)
{
    const std::optional<TraceSet> set = openTraceSet(dir);
    if (!set)
        return {};
    // Only the model identity: the run configuration may differ between trace sets.
    const TraceFingerprint& fp = set->fingerprint();
    return QStringLiteral("%1/%2/%3").arg(QString::fromStdString(fp.modelConfigHash), QString::fromStdString(fp.dtype),
                                          QString::fromStdString(fp.tokenizerHash));
}

TrainingDialog::TrainingDialog(const QStringList& traceSets, const QString& runsDir,
                               const speculate::TrainParams& defaults, QWidget* parent)
    : ValidatingDialog(parent), m_runsDir(runsDir), m_defaults(defaults), m_params(defaults)
{
    setWindowTitle(tr("New Training Run"));
    setObjectName(QStringLiteral("trainingDialog"));

    // Data
    auto* dataBox = new QGroupBox(tr("Data"), this);
    m_traceSets = new QListWidget(dataBox);
    m_traceSets->setObjectName(QStringLiteral("traceSets"));
    for (const QString& d : traceSets) {
        auto* item = new QListWidgetItem(QFileInfo(d).fileName(), m_traceSets);
        item->setData(Qt::UserRole, d);
        item->setToolTip(d);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_traceSets->setMinimumHeight(90);
    m_maxTokens = doubleSpin(dataBox, 0, 1e12, 0, 100000, "maxTokens");
    m_maxTokens->setSpecialValueText(tr("All"));
    m_maxTokens->setGroupSeparatorShown(true);
    m_trainFraction = doubleSpin(dataBox, 0.01, 0.98, 2, 0.05, "trainFraction");
    m_validationFraction = doubleSpin(dataBox, 0.01, 0.98, 2, 0.05, "validationFraction");
    auto* dataForm = new QFormLayout(dataBox);
    dataForm->addRow(tr("Trace sets:"), m_traceSets);
    dataForm->addRow(tr("Tokens to read:"), m_maxTokens);
    dataForm->addRow(tr("Training share:"), m_trainFraction);
    dataForm->addRow(tr("Validation share:"), m_validationFraction);

    // Predictors and context
    auto* modelBox = new QGroupBox(tr("Predictors"), this);
    m_interLayer = new QCheckBox(tr("Inter-layer (GRU over the routing history)"), modelBox);
    m_interLayer->setObjectName(QStringLiteral("interLayer"));
    m_statistics = new QCheckBox(tr("Statistics-aware"), modelBox);
    m_statistics->setObjectName(QStringLiteral("statistics"));
    m_hiddenState = new QCheckBox(tr("Hidden-state (MLP over the traces' hidden-state features)"), modelBox);
    m_hiddenState->setObjectName(QStringLiteral("hiddenState"));
    m_hiddenState->setToolTip(tr("Needs traces collected with hidden-state features; without them it is "
                                 "reported as unavailable and the other predictors train."));
    m_ensemble = new QCheckBox(tr("Ensemble with the baselines"), modelBox);
    m_ensemble->setObjectName(QStringLiteral("ensemble"));
    m_horizon = intSpin(modelBox, 1, 64, "horizon");
    m_horizon->setToolTip(tr("Predict the experts of layers l+1 … l+h from the routing up to layer l."));
    m_useTokenIds = new QCheckBox(tr("Token ids"), modelBox);
    m_useTokenIds->setObjectName(QStringLiteral("useTokenIds"));
    m_useWeights = new QCheckBox(tr("Router weights"), modelBox);
    m_useWeights->setObjectName(QStringLiteral("useWeights"));
    m_useLookahead = new QCheckBox(tr("Lookahead probes (when the traces have them)"), modelBox);
    m_useLookahead->setObjectName(QStringLiteral("useLookahead"));
    m_decodeContext = new QCheckBox(tr("Previous token's routing (decode engines)"), modelBox);
    m_decodeContext->setObjectName(QStringLiteral("decodeContext"));
    m_decodeContext->setToolTip(tr("The hidden-state model also reads the previous token's routing at every layer. "
                                   "Valid where tokens are decoded one at a time (the previous token has finished "
                                   "every layer); turn it off for predictors that run during prefill."));
    m_decodeFeatures = new QCheckBox(tr("Previous token's features (decode engines)"), modelBox);
    m_decodeFeatures->setObjectName(QStringLiteral("decodeFeatures"));
    m_decodeFeatures->setToolTip(tr("With the previous token's routing, the hidden-state model also reads the previous "
                                    "token's hidden-state features of every layer. Valid in decode only, like the "
                                    "routing above."));
    connect(m_decodeContext, &QCheckBox::toggled, m_decodeFeatures, &QWidget::setEnabled);
    auto* contextBox = new QVBoxLayout;
    contextBox->addWidget(m_useTokenIds);
    contextBox->addWidget(m_useWeights);
    contextBox->addWidget(m_useLookahead);
    contextBox->addWidget(m_decodeContext);
    contextBox->addWidget(m_decodeFeatures);
    auto* predictorList = new QVBoxLayout;
    predictorList->addWidget(m_interLayer);
    predictorList->addWidget(m_statistics);
    predictorList->addWidget(m_hiddenState);
    predictorList->addWidget(m_ensemble);
    auto* modelForm = new QFormLayout(modelBox);
    modelForm->addRow(tr("Train:"), predictorList);
    modelForm->addRow(tr("Horizon (layers ahead):"), m_horizon);
    modelForm->addRow(tr("Context:"), contextBox);

    // Hyper-parameters
    auto* hpBox = new QGroupBox(tr("Hyper-parameters"), this);
    m_epochs = intSpin(hpBox, 1, 10000, "epochs");
    m_batch = intSpin(hpBox, 1, 1 << 20, "batchSize");
    m_batch->setSuffix(tr(" tokens"));
    m_lr = doubleSpin(hpBox, 1e-6, 1.0, 6, 1e-4, "learningRate");
    m_weightDecay = doubleSpin(hpBox, 0.0, 1.0, 4, 0.01, "weightDecay");
    m_warmup = doubleSpin(hpBox, 0.0, 0.9, 3, 0.01, "warmup");
    m_patience = intSpin(hpBox, 0, 1000, "patience");
    m_patience->setSpecialValueText(tr("No early stopping"));
    m_embedDim = intSpin(hpBox, 4, 4096, "embedDim");
    m_hiddenDim = intSpin(hpBox, 4, 8192, "hiddenDim");
    auto* restore = new QPushButton(tr("Restore Defaults"), hpBox);
    restore->setObjectName(QStringLiteral("restoreDefaults"));
    connect(restore, &QPushButton::clicked, this, &TrainingDialog::restoreDefaults);
    connect(m_batch, qOverload<int>(&QSpinBox::valueChanged), this, [this](int batch) {
        const double next = speculate::defaultLearningRate(int64_t(batch) * std::max(1, m_params.accumulate));
        // 1e-6: the spin box keeps 6 decimals, so a followed rate reads back rounded.
        if (std::abs(m_lr->value() - m_autoLr) < 1e-6)
            m_lr->setValue(next);
        m_autoLr = next;
    });
    auto* hpForm = new QFormLayout(hpBox);
    hpForm->addRow(tr("Epochs:"), m_epochs);
    hpForm->addRow(tr("Batch size:"), m_batch);
    hpForm->addRow(tr("Learning rate:"), m_lr);
    hpForm->addRow(tr("Weight decay:"), m_weightDecay);
    hpForm->addRow(tr("Warm-up share:"), m_warmup);
    hpForm->addRow(tr("Patience (epochs):"), m_patience);
    hpForm->addRow(tr("Embedding size:"), m_embedDim);
    hpForm->addRow(tr("Hidden size:"), m_hiddenDim);
    hpForm->addRow(QString(), restore);

    // Run
    auto* runBox = new QGroupBox(tr("Run"), this);
    m_device = new QComboBox(runBox);
    m_device->setObjectName(QStringLiteral("device"));
    fillDeviceCombo(m_device);
    m_mixedPrecision = new QCheckBox(tr("Mixed precision (bfloat16)"), runBox);
    m_mixedPrecision->setObjectName(QStringLiteral("mixedPrecision"));
    m_mixedPrecision->setToolTip(tr("Runs the forward passes in bfloat16 where that is safe; losses, gradients "
                                    "and weights stay float32. For GPUs with bfloat16 tensor cores."));
    m_name = new QLineEdit(runBox);
    m_name->setObjectName(QStringLiteral("runName"));
    m_name->setPlaceholderText(tr("e.g. gru-h2"));
    m_output = new PathEdit(PathEdit::SaveFolder, runBox);
    m_output->setObjectName(QStringLiteral("runDir"));
    auto* runForm = new QFormLayout(runBox);
    runForm->addRow(tr("Device:"), m_device);
    runForm->addRow(QString(), m_mixedPrecision);
    runForm->addRow(tr("Run name:"), m_name);
    runForm->addRow(tr("Run folder:"), m_output);

    auto* left = new QVBoxLayout;
    left->addWidget(dataBox, 1);
    left->addWidget(modelBox);
    auto* right = new QVBoxLayout;
    right->addWidget(hpBox);
    right->addWidget(runBox);
    right->addStretch(1);
    auto* columns = new QHBoxLayout;
    columns->setSpacing(12);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    setContentLayout(columns);

    connect(m_name, &QLineEdit::textChanged, this, &TrainingDialog::suggestOutput);
    connect(m_output->lineEdit(), &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    setParams(defaults);
    if (m_traceSets->count() == 1 && checkedTraceSets().isEmpty())
        m_traceSets->item(0)->setCheckState(Qt::Checked);
    watch(this);
    resize(980, 640);
    revalidate();
}

void TrainingDialog::restoreDefaults()
{
    const speculate::TrainParams& d = m_defaults;
    m_maxTokens->setValue(double(d.maxTokens));
    m_trainFraction->setValue(d.split.trainFraction);
    m_validationFraction->setValue(d.split.validationFraction);
    m_interLayer->setChecked(d.trainInterLayer);
    m_statistics->setChecked(d.trainStatistics);
    m_hiddenState->setChecked(d.trainHiddenState);
    m_ensemble->setChecked(d.trainEnsemble);
    m_horizon->setValue(d.horizon);
    m_useTokenIds->setChecked(d.model.useTokenIds);
    m_decodeContext->setChecked(d.model.decodeContext);
    m_decodeFeatures->setChecked(d.model.decodeFeatures);
    m_useWeights->setChecked(d.model.useWeights);
    m_useLookahead->setChecked(d.model.useLookahead);
    m_epochs->setValue(d.epochs);
    m_batch->setValue(d.batchSize);
    m_lr->setValue(d.learningRate);
    m_weightDecay->setValue(d.weightDecay);
    m_warmup->setValue(d.warmupFraction);
    m_patience->setValue(d.patience);
    m_embedDim->setValue(d.model.embedDim);
    m_hiddenDim->setValue(d.model.hiddenDim);
}

void TrainingDialog::suggestOutput()
{
    if (m_outputEdited || m_runsDir.isEmpty())
        return;
    const QString name = m_name->text().trimmed();
    m_output->setPath(name.isEmpty() ? QString() : QDir(m_runsDir).filePath(name));
}

QStringList TrainingDialog::checkedTraceSets() const
{
    QStringList out;
    for (int i = 0; i < m_traceSets->count(); ++i)
        if (m_traceSets->item(i)->checkState() == Qt::Checked)
            out << m_traceSets->item(i)->data(Qt::UserRole).toString();
    return out;
}

void TrainingDialog::selectTraceSets(const QStringList& dirs)
{
    for (const QString& d : dirs) {
        bool found = false;
        for (int i = 0; i < m_traceSets->count(); ++i)
            found = found || m_traceSets->item(i)->data(Qt::UserRole).toString() == d;
        if (!found) {
            auto* item = new QListWidgetItem(QFileInfo(d).fileName(), m_traceSets);
            item->setData(Qt::UserRole, d);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        }
    }
    for (int i = 0; i < m_traceSets->count(); ++i) {
        QListWidgetItem* item = m_traceSets->item(i);
        item->setCheckState(dirs.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
}

speculate::TrainParams TrainingDialog::params() const
{
    speculate::TrainParams p = m_params;
    p.traceDirs.clear();
    for (const QString& d : checkedTraceSets())
        p.traceDirs.push_back(d.toStdString());
    p.maxTokens = int64_t(m_maxTokens->value());
    p.split.trainFraction = m_trainFraction->value();
    p.split.validationFraction = m_validationFraction->value();
    p.trainInterLayer = m_interLayer->isChecked();
    p.trainStatistics = m_statistics->isChecked();
    p.trainHiddenState = m_hiddenState->isChecked();
    p.trainEnsemble = m_ensemble->isChecked();
    p.horizon = m_horizon->value();
    p.model.useTokenIds = m_useTokenIds->isChecked();
    p.model.useWeights = m_useWeights->isChecked();
    p.model.useLookahead = m_useLookahead->isChecked();
    p.model.decodeContext = m_decodeContext->isChecked();
    p.model.decodeFeatures = m_decodeFeatures->isChecked();
    p.epochs = m_epochs->value();
    p.batchSize = m_batch->value();
    p.learningRate = m_lr->value();
    p.weightDecay = m_weightDecay->value();
    p.warmupFraction = m_warmup->value();
    p.patience = m_patience->value();
    p.model.embedDim = m_embedDim->value();
    p.model.hiddenDim = m_hiddenDim->value();
    p.device = selectedDevice(m_device);
    p.mixedPrecision = m_mixedPrecision->isChecked();
    p.runDir = m_output->path().toStdString();
    return p;
}

void TrainingDialog::setParams(const speculate::TrainParams& p)
{
    m_params = p;
    QStringList dirs;
    for (const std::string& d : p.traceDirs)
        dirs << QString::fromStdString(d);
    selectTraceSets(dirs);
    m_maxTokens->setValue(double(p.maxTokens));
    m_trainFraction->setValue(p.split.trainFraction);
    m_validationFraction->setValue(p.split.validationFraction);
    m_interLayer->setChecked(p.trainInterLayer);
    m_statistics->setChecked(p.trainStatistics);
    m_hiddenState->setChecked(p.trainHiddenState);
    m_ensemble->setChecked(p.trainEnsemble);
    m_horizon->setValue(p.horizon);
    m_useTokenIds->setChecked(p.model.useTokenIds);
    m_useWeights->setChecked(p.model.useWeights);
    m_useLookahead->setChecked(p.model.useLookahead);
    m_decodeContext->setChecked(p.model.decodeContext);
    m_decodeFeatures->setChecked(p.model.decodeFeatures);
    m_epochs->setValue(p.epochs);
    m_batch->setValue(p.batchSize);
    m_lr->setValue(p.learningRate);
    m_weightDecay->setValue(p.weightDecay);
    m_warmup->setValue(p.warmupFraction);
    m_patience->setValue(p.patience);
    m_embedDim->setValue(p.model.embedDim);
    m_hiddenDim->setValue(p.model.hiddenDim);
    selectDevice(m_device, p.device);
    m_mixedPrecision->setChecked(p.mixedPrecision);
    if (!p.runDir.empty()) {
        m_output->setPath(QString::fromStdString(p.runDir));
        m_outputEdited = true;
        m_name->setText(QFileInfo(QString::fromStdString(p.runDir)).fileName());
    }
    revalidate();
}

Validation TrainingDialog::validate() const
{
    const QStringList dirs = checkedTraceSets();
    if (dirs.isEmpty())
        return {tr("Tick at least one trace set."), {}};
    QString fingerprint;
    int layers = 0;
    for (const QString& d : dirs) {
        if (!TraceSet::isTraceFolder(d.toStdString()))
            return {tr("%1 is not a trace set (no manifest.json).").arg(QDir::toNativeSeparators(d)), {}};
        const QString fp = traceSetFingerprint(d);
        if (!fingerprint.isEmpty() && !fp.isEmpty() && fp != fingerprint)
            return {tr("The ticked trace sets come from different models; train on one model at a time."), {}};
        if (!fp.isEmpty())
            fingerprint = fp;
        const int l = traceSetLayers(d);
        if (l > 0)
            layers = layers == 0 ? l : qMin(layers, l);
    }
    if (!m_interLayer->isChecked() && !m_statistics->isChecked() && !m_hiddenState->isChecked())
        return {tr("Choose at least one predictor to train."), {}};
    if (layers > 0 && m_horizon->value() >= layers)
        return {tr("The horizon must be below the number of layers (%1).").arg(layers), {}};
    if (m_trainFraction->value() + m_validationFraction->value() >= 1.0)
        return {tr("Training and validation shares must leave a test share (their sum must be below 1)."), {}};
    const QString out = m_output->path();
    if (out.isEmpty())
        return {tr("Choose a run name or a run folder."), {}};
    if (QFileInfo(out).exists() && !QFileInfo(out).isDir())
        return {tr("The run folder %1 is a file.").arg(QDir::toNativeSeparators(out)), {}};
    Validation v;
    if (!existingRunQuestion(params()).text.isEmpty())
        v.warning = tr("The run folder already holds a run: you will be asked whether to continue it or start over.");
    return v;
}

ExistingRunQuestion existingRunQuestion(const speculate::TrainParams& params)
{
    namespace sp = speculate;
    ExistingRunQuestion q;
    // The CLI's rule: a run is there when `specmoe train` without --resume would refuse.
    if (params.resume || sp::planRunStart(params.runDir, false, false).action != sp::RunStartAction::Refuse)
        return q;
    q.canContinue = sp::planRunStart(params.runDir, true, false).action == sp::RunStartAction::Resume;
    const sp::RunFolder run = sp::RunFolder::open(params.runDir);
    const QString dir = QDir::toNativeSeparators(QString::fromStdString(params.runDir));
    const QString what = run.state == sp::RunState::Finished
                             ? TrainingDialog::tr("%1 holds a finished training run (%n epoch(s), best epoch %2).",
                                                  nullptr, run.epochsRun)
                                   .arg(dir)
                                   .arg(run.bestEpoch)
                             : TrainingDialog::tr("%1 holds an unfinished training run (%n epoch(s) done).", nullptr,
                                                  run.epochsRun)
                                   .arg(dir);
    q.text = what + QLatin1Char(' ') +
             (q.canContinue ? TrainingDialog::tr("Continue it from its checkpoint, or start over? Starting over deletes its "
                                                 "best predictor, metrics and evaluations.")
                            : TrainingDialog::tr("It has no checkpoint to continue from. Start over? That deletes its best "
                                                 "predictor, metrics and evaluations."));
    return q;
}

} // namespace specmoe::gui
