#include "app/gui/evaluate_dialog.h"

#include "app/gui/collection_dialog.h"
#include "app/gui/path_edit.h"
#include "app/gui/token_limit_box.h"
#include "app/gui/workspace.h"
#include "core/speculate/run_folder.h"
#include "core/trace/trace_set.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace specmoe::gui {
namespace {

// One line about the run's best predictor: its models, horizon and epoch (or why it cannot
// be read).
QLabel* predictorFacts(const QString& runDir, QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    if (!speculate::RunFolder::hasBestCheckpoint(runDir.toStdString()))
        return l;
    try {
        const speculate::PredictorConfig best =
            speculate::PredictorConfig::load(speculate::RunFolder::bestCopy(runDir.toStdString()));
        QStringList models;
        for (const std::string& m : best.models())
            models << QString::fromStdString(m);
        l->setText(EvaluateDialog::tr("%1: best checkpoint of epoch %2; models %3; horizon %4.")
                       .arg(QFileInfo(runDir).fileName())
                       .arg(best.bestEpoch)
                       .arg(models.join(QStringLiteral(", ")))
                       .arg(best.horizon));
    } catch (const std::exception& e) {
        l->setText(QString::fromStdString(e.what()));
    }
    return l;
}

QString joinNames(const QStringList& dirs)
{
    QStringList names;
    for (const QString& d : dirs)
        names << QFileInfo(d).fileName();
    return names.join(QStringLiteral(" + "));
}

} // namespace

QString bestCheckpointProblem(const QString& runDir)
{
    if (!speculate::RunFolder::hasBestCheckpoint(runDir.toStdString()))
        return EvaluateDialog::tr("%1 has no best checkpoint yet: it is written at the end of the first epoch.")
            .arg(QFileInfo(runDir).fileName());
    return {};
}

EvaluateDialog::EvaluateDialog(const QString& runDir, const QStringList& traceSets,
                               const speculate::EvalParams& defaults, QWidget* parent)
    : ValidatingDialog(parent), m_runDir(runDir), m_defaults(defaults)
{
    setWindowTitle(tr("Evaluate a Predictor"));
    setObjectName(QStringLiteral("evaluateDialog"));
    for (const std::string& d : speculate::runTraceDirs(runDir.toStdString()))
        m_trainedOn << QString::fromStdString(d);

    auto* runBox = new QGroupBox(tr("Predictor"), this);
    auto* runLayout = new QVBoxLayout(runBox);
    runLayout->addWidget(predictorFacts(runDir, runBox));

    auto* dataBox = new QGroupBox(tr("Data"), this);
    m_traces = new QComboBox(dataBox);
    m_traces->setObjectName(QStringLiteral("traceSet"));
    if (!m_trainedOn.isEmpty())
        m_traces->addItem(tr("%1 (trained on)").arg(joinNames(m_trainedOn)), m_trainedOn);
    for (const QString& d : traceSets)
        if (m_trainedOn != QStringList{d})
            m_traces->addItem(QFileInfo(d).fileName(), QStringList{d});
    m_tracesInfo = new QLabel(dataBox);
    m_tracesInfo->setWordWrap(true);
    m_tracesInfo->setForegroundRole(QPalette::PlaceholderText);
    m_split = new QComboBox(dataBox);
    m_split->setObjectName(QStringLiteral("split"));
    using speculate::Split;
    const std::pair<std::optional<Split>, QString> splits[] = {
        {Split::Test, tr("Test (never seen in training or model selection)")},
        {Split::Validation, tr("Validation (chose the best epoch)")},
        {Split::Train, tr("Training")},
        {std::nullopt, tr("All sequences")}};
    for (const auto& [split, label] : splits)
        m_split->addItem(label, QString::fromStdString(speculate::splitSelectionName(split)));
    m_split->setCurrentIndex(
        qMax(0, m_split->findData(QString::fromStdString(speculate::splitSelectionName(defaults.split)))));
    m_maxTokens = makeMaxTokensBox(defaults.maxTokens, dataBox);
    auto* dataForm = new QFormLayout(dataBox);
    dataForm->addRow(tr("Trace set:"), m_traces);
    dataForm->addRow(QString(), m_tracesInfo);
    dataForm->addRow(tr("Split:"), m_split);
    dataForm->addRow(tr("Tokens scored at most:"), m_maxTokens);

    auto* runOpts = new QGroupBox(tr("Run"), this);
    m_device = new QComboBox(runOpts);
    m_device->setObjectName(QStringLiteral("device"));
    fillDeviceCombo(m_device);
    selectDevice(m_device, defaults.device);
    auto* runForm = new QFormLayout(runOpts);
    runForm->addRow(tr("Device:"), m_device);

    auto* content = new QVBoxLayout;
    content->addWidget(runBox);
    content->addWidget(dataBox);
    content->addWidget(runOpts);
    content->addStretch(1);
    setContentLayout(content);

    connect(m_traces, qOverload<int>(&QComboBox::currentIndexChanged), this, &EvaluateDialog::traceSetChanged);
    traceSetChanged();
    watch(this);
    resize(600, 400);
    revalidate();
}

QStringList EvaluateDialog::chosenTraceDirs() const
{
    return m_traces->currentData().toStringList();
}

void EvaluateDialog::traceSetChanged()
{
    const QStringList dirs = chosenTraceDirs();
    QStringList facts;
    for (const QString& d : dirs)
        facts << QFileInfo(d).fileName() + QStringLiteral(": ") + Workspace::describeTraceSet(d).summary;
    m_tracesInfo->setText(facts.join(QStringLiteral("; ")));
    revalidate();
}

speculate::EvalParams EvaluateDialog::params() const
{
    speculate::EvalParams p = m_defaults;
    p.runDir = m_runDir.toStdString();
    p.traceDirs.clear();
    for (const QString& d : chosenTraceDirs())
        p.traceDirs.push_back(d.toStdString());
    p.split = speculate::parseSplitSelection(m_split->currentData().toString().toStdString());
    p.maxTokens = m_maxTokens->value();
    p.device = selectedDevice(m_device);
    return p;
}

Validation EvaluateDialog::validate() const
{
    const QString best = bestCheckpointProblem(m_runDir);
    if (!best.isEmpty())
        return {best, {}};
    const QStringList dirs = chosenTraceDirs();
    if (dirs.isEmpty())
        return {tr("Choose the trace set to score the predictor on."), {}};
    for (const QString& d : dirs)
        if (!TraceSet::isTraceFolder(d.toStdString()))
            return {tr("%1 is not a trace set (no manifest.json).").arg(QDir::toNativeSeparators(d)), {}};
    if (!m_trainedOn.isEmpty() && dirs != m_trainedOn)
        return {{}, tr("Not the trace set this run was trained on: the baselines still use the training "
                       "statistics, and the traces must come from the same model.")};
    return {};
}

ExportPredictorDialog::ExportPredictorDialog(const QString& runDir, const QString& exportsDir, QWidget* parent)
    : ValidatingDialog(parent), m_runDir(runDir)
{
    setWindowTitle(tr("Export a Predictor"));
    setObjectName(QStringLiteral("exportPredictorDialog"));
    auto* box = new QGroupBox(tr("Predictor"), this);
    auto* facts = predictorFacts(runDir, box);
    auto* note = new QLabel(tr("Writes predictor.safetensors and config.json (layout in docs/speculation.md); "
                               "docs/load_predictor.py loads and runs them with PyTorch."),
                            box);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    m_output = new PathEdit(PathEdit::SaveFolder, box);
    m_output->setObjectName(QStringLiteral("outputDir"));
    auto* form = new QFormLayout(box);
    form->addRow(facts);
    form->addRow(tr("Output folder:"), m_output);
    form->addRow(note);
    auto* content = new QVBoxLayout;
    content->addWidget(box);
    content->addStretch(1);
    setContentLayout(content);
    if (!exportsDir.isEmpty())
        m_output->setPath(QDir(exportsDir).filePath(QFileInfo(runDir).fileName()));
    watch(this);
    resize(560, 260);
    revalidate();
}

void ExportPredictorDialog::setOutputDir(const QString& dir)
{
    m_output->setPath(dir);
}

speculate::ExportParams ExportPredictorDialog::params() const
{
    speculate::ExportParams p;
    p.runDir = m_runDir.toStdString();
    p.outDir = m_output->path().toStdString();
    return p;
}

Validation ExportPredictorDialog::validate() const
{
    const QString best = bestCheckpointProblem(m_runDir);
    if (!best.isEmpty())
        return {best, {}};
    const QString out = m_output->path();
    if (out.isEmpty())
        return {tr("Choose the output folder."), {}};
    const QString runAbs = QDir(m_runDir).absolutePath(), outAbs = QDir(out).absolutePath();
    if (outAbs == runAbs || outAbs.startsWith(runAbs + QLatin1Char('/')))
        return {tr("Choose a folder outside the run: the run's own checkpoints live there."), {}};
    try {
        if (speculate::PredictorConfig::find(out.toStdString()))
            return {{}, tr("The folder already holds a predictor; it will be replaced.")};
    } catch (const std::exception& e) {
        // Core's export refuses it too: it would overwrite another file's config.json.
        return {tr("The folder holds a config.json that is not a predictor's: choose another folder (%1).")
                    .arg(QString::fromStdString(e.what())),
                {}};
    }
    return {};
}

} // namespace specmoe::gui
