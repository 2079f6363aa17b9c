#include "app/gui/import_dialog.h"

#include "app/gui/path_edit.h"
#include "core/trace/trace_set.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
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

namespace specmoe::gui {

bool parseLayerRanges(const QString& text, std::vector<int>* out)
{
    out->clear();
    for (const QString& raw : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString item = raw.trimmed();
        const int dash = item.indexOf(QLatin1Char('-'));
        bool okA = false, okB = false;
        const int a = (dash < 0 ? item : item.left(dash)).trimmed().toInt(&okA);
        const int b = dash < 0 ? a : item.mid(dash + 1).trimmed().toInt(&okB);
        if (!okA || (dash >= 0 && !okB) || a < 0 || b < a || b > 65535)
            return false;
        for (int x = a; x <= b; ++x) {
            if (!out->empty() && x <= out->back())
                return false;
            out->push_back(x);
        }
    }
    return true;
}

ImportDialog::ImportDialog(const QString& tracesDir, QWidget* parent) : ValidatingDialog(parent), m_tracesDir(tracesDir)
{
    setWindowTitle(tr("Import Traces"));
    setObjectName(QStringLiteral("importDialog"));

    auto* inBox = new QGroupBox(tr("Input"), this);
    m_format = new QComboBox(inBox);
    m_format->setObjectName(QStringLiteral("format"));
    m_format->addItem(tr("vLLM (import bundle .npz)"), QStringLiteral("vllm"));
    m_format->addItem(tr("SGLang (import bundle .npz)"), QStringLiteral("sglang"));
    m_format->addItem(tr("Megatron-Core (router_trace_rank*.jsonl, or a bundle)"), QStringLiteral("megatron"));
    m_format->addItem(tr("NumPy arrays (.npz or a folder of .npy)"), QStringLiteral("npy"));
    m_formatHelp = new QLabel(inBox);
    m_formatHelp->setWordWrap(true);
    m_formatHelp->setForegroundRole(QPalette::PlaceholderText);
    m_inputs = new QListWidget(inBox);
    m_inputs->setObjectName(QStringLiteral("inputs"));
    m_inputs->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_inputs->setMinimumHeight(80);
    auto* addFiles = new QPushButton(tr("Add Files…"), inBox);
    auto* addFolder = new QPushButton(tr("Add Folder…"), inBox);
    auto* remove = new QPushButton(tr("Remove"), inBox);
    remove->setObjectName(QStringLiteral("removeInput"));
    auto* inButtons = new QVBoxLayout;
    inButtons->addWidget(addFiles);
    inButtons->addWidget(addFolder);
    inButtons->addWidget(remove);
    inButtons->addStretch(1);
    auto* inRow = new QHBoxLayout;
    inRow->addWidget(m_inputs, 1);
    inRow->addLayout(inButtons);
    auto* inForm = new QFormLayout(inBox);
    inForm->addRow(tr("Format:"), m_format);
    inForm->addRow(QString(), m_formatHelp);
    inForm->addRow(tr("Files:"), inRow);

    auto* modelBox = new QGroupBox(tr("Model"), this);
    m_config = new PathEdit(PathEdit::OpenFile, modelBox);
    m_config->setObjectName(QStringLiteral("modelConfig"));
    m_config->setFilter(tr("Model configuration (*.json)"));
    m_config->setPlaceholderText(tr("the model's config.json (bundles carry it)"));
    m_experts = new QSpinBox(modelBox);
    m_experts->setObjectName(QStringLiteral("experts"));
    m_experts->setRange(0, 65535);
    m_experts->setSpecialValueText(tr("From the configuration"));
    m_moeLayers = new QLineEdit(modelBox);
    m_moeLayers->setObjectName(QStringLiteral("moeLayers"));
    m_moeLayers->setPlaceholderText(tr("from the configuration, e.g. 3-60"));
    m_decoderLayers = new QSpinBox(modelBox);
    m_decoderLayers->setObjectName(QStringLiteral("decoderLayers"));
    m_decoderLayers->setRange(0, 65536);
    m_decoderLayers->setSpecialValueText(tr("From the configuration"));
    m_shared = new QSpinBox(modelBox);
    m_shared->setObjectName(QStringLiteral("sharedExperts"));
    m_shared->setRange(0, 65535);
    m_shared->setSpecialValueText(tr("From the configuration"));
    auto* modelForm = new QFormLayout(modelBox);
    modelForm->addRow(tr("Configuration:"), m_config);
    modelForm->addRow(tr("Routed experts:"), m_experts);
    modelForm->addRow(tr("MoE layers:"), m_moeLayers);
    modelForm->addRow(tr("Decoder layers:"), m_decoderLayers);
    modelForm->addRow(tr("Shared experts:"), m_shared);

    auto* optBox = new QGroupBox(tr("Options"), this);
    m_layerAxis = new QComboBox(optBox);
    m_layerAxis->setObjectName(QStringLiteral("layerAxis"));
    m_layerAxis->addItem(tr("Decide from the model (MoE or all decoder layers)"), QStringLiteral("auto"));
    m_layerAxis->addItem(tr("One slot per MoE layer"), QStringLiteral("moe"));
    m_layerAxis->addItem(tr("One slot per decoder layer"), QStringLiteral("all"));
    m_allowMissing = new QCheckBox(tr("Drop tokens whose routing is marked missing (-1)"), optBox);
    m_allowMissing->setObjectName(QStringLiteral("allowMissing"));
    m_engineVersion = new QLineEdit(optBox);
    m_engineVersion->setObjectName(QStringLiteral("engineVersion"));
    m_engineVersion->setPlaceholderText(tr("as the input says"));
    m_numbering = new QComboBox(optBox);
    m_numbering->setObjectName(QStringLiteral("numbering"));
    m_numbering->addItem(tr("Match the model's MoE layers"), QStringLiteral("auto"));
    m_numbering->addItem(tr("0-based decoder indices (hook path)"), QStringLiteral("index0"));
    m_numbering->addItem(tr("1-based layer numbers (routing replay)"), QStringLiteral("number1"));
    m_microBatch = new QSpinBox(optBox);
    m_microBatch->setObjectName(QStringLiteral("microBatch"));
    m_microBatch->setRange(0, 1 << 20);
    m_microBatch->setSpecialValueText(tr("One sequence per router call"));
    auto* optForm = new QFormLayout(optBox);
    optForm->addRow(tr("Layer axis:"), m_layerAxis);
    optForm->addRow(QString(), m_allowMissing);
    optForm->addRow(tr("Engine version:"), m_engineVersion);
    optForm->addRow(tr("Megatron layer numbers:"), m_numbering);
    optForm->addRow(tr("Megatron micro-batch:"), m_microBatch);

    auto* outBox = new QGroupBox(tr("Output"), this);
    m_output = new PathEdit(PathEdit::SaveFolder, outBox);
    m_output->setObjectName(QStringLiteral("outputDir"));
    m_overwrite = new QCheckBox(tr("Replace a different trace set already in the folder"), outBox);
    m_overwrite->setObjectName(QStringLiteral("overwrite"));
    auto* outForm = new QFormLayout(outBox);
    outForm->addRow(tr("Trace set folder:"), m_output);
    outForm->addRow(QString(), m_overwrite);

    auto* content = new QVBoxLayout;
    content->addWidget(inBox);
    content->addWidget(modelBox);
    content->addWidget(optBox);
    content->addWidget(outBox);
    setContentLayout(content);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ImportDialog::formatChanged);
    connect(addFiles, &QPushButton::clicked, this, &ImportDialog::browseFiles);
    connect(addFolder, &QPushButton::clicked, this, &ImportDialog::browseFolder);
    connect(remove, &QPushButton::clicked, this, [this] {
        qDeleteAll(m_inputs->selectedItems());
        revalidate();
    });
    connect(m_output->lineEdit(), &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    setParams(import::ImportParams{});
    formatChanged();
    watch(this);
    resize(680, 760);
    revalidate();
}

void ImportDialog::formatChanged()
{
    const QString f = m_format->currentData().toString();
    const bool megatron = f == QLatin1String("megatron");
    m_numbering->setEnabled(megatron);
    m_microBatch->setEnabled(megatron);
    if (f == QLatin1String("vllm") || f == QLatin1String("sglang"))
        m_formatHelp->setText(tr("Bundles saved with the snippet of docs/trace-import.md from the engine's request "
                                 "outputs; they carry the model's configuration."));
    else if (megatron)
        m_formatHelp->setText(tr("The folder given to --moe-routing-trace-path (or its JSONL files); no token ids. "
                                 "A .npz is a bundle of the inference engine's requests."));
    else
        m_formatHelp->setText(tr("expert_ids [N, layers, k], token_ids [N], seq_lens [S]; optional weights, "
                                 "prompt_lens, request_ids."));
    revalidate();
}

void ImportDialog::browseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add Files"), m_tracesDir, tr("Routing traces (*.npz *.npy *.jsonl);;All files (*)"));
    addInputs(files);
}

void ImportDialog::browseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add Folder"), m_tracesDir);
    if (!dir.isEmpty())
        addInputs({dir});
}

void ImportDialog::addInputs(const QStringList& paths)
{
    for (const QString& p : paths)
        if (!p.isEmpty() && m_inputs->findItems(p, Qt::MatchExactly).isEmpty())
            m_inputs->addItem(QDir::cleanPath(p));
    suggestOutput();
    revalidate();
}

void ImportDialog::suggestOutput()
{
    if (m_outputEdited || m_tracesDir.isEmpty() || m_inputs->count() == 0)
        return;
    const QString stem = QFileInfo(m_inputs->item(0)->text()).completeBaseName() + QStringLiteral("-imported");
    QString out = QDir(m_tracesDir).filePath(stem);
    for (int i = 2; QFileInfo::exists(out); ++i)
        out = QDir(m_tracesDir).filePath(QStringLiteral("%1-%2").arg(stem).arg(i));
    m_output->setPath(out);
}

import::ImportParams ImportDialog::params() const
{
    import::ImportParams p;
    p.format = import::parseImportFormat(m_format->currentData().toString().toStdString());
    for (int i = 0; i < m_inputs->count(); ++i)
        p.inputs.push_back(m_inputs->item(i)->text().toStdString());
    p.outDir = m_output->path().toStdString();
    p.modelConfig = m_config->path().toStdString();
    p.layout.experts = m_experts->value();
    parseLayerRanges(m_moeLayers->text(), &p.layout.moeLayers);
    p.layout.decoderLayers = m_decoderLayers->value();
    p.layout.sharedExperts = m_shared->value();
    p.layerAxis = import::parseLayerAxis(m_layerAxis->currentData().toString().toStdString());
    p.allowMissing = m_allowMissing->isChecked();
    p.engineVersion = m_engineVersion->text().trimmed().toStdString();
    p.megatronNumbering = import::parseLayerNumbering(m_numbering->currentData().toString().toStdString());
    p.microBatch = m_microBatch->value();
    p.overwrite = m_overwrite->isChecked();
    return p;
}

void ImportDialog::setParams(const import::ImportParams& p)
{
    m_format->setCurrentIndex(m_format->findData(QString::fromLatin1(import::importFormatName(p.format))));
    m_inputs->clear();
    for (const auto& i : p.inputs)
        m_inputs->addItem(QString::fromStdString(i));
    if (!p.outDir.empty()) {
        m_output->setPath(QString::fromStdString(p.outDir));
        m_outputEdited = true;
    }
    m_config->setPath(QString::fromStdString(p.modelConfig));
    m_experts->setValue(p.layout.experts);
    QStringList layers;
    for (int l : p.layout.moeLayers)
        layers << QString::number(l);
    m_moeLayers->setText(layers.join(QStringLiteral(", ")));
    m_decoderLayers->setValue(p.layout.decoderLayers);
    m_shared->setValue(p.layout.sharedExperts);
    m_layerAxis->setCurrentIndex(m_layerAxis->findData(QString::fromLatin1(import::layerAxisName(p.layerAxis))));
    m_allowMissing->setChecked(p.allowMissing);
    m_engineVersion->setText(QString::fromStdString(p.engineVersion));
    m_numbering->setCurrentIndex(
        m_numbering->findData(QString::fromLatin1(import::layerNumberingName(p.megatronNumbering))));
    m_microBatch->setValue(p.microBatch);
    m_overwrite->setChecked(p.overwrite);
}

Validation ImportDialog::validate() const
{
    if (m_inputs->count() == 0)
        return {tr("Add the files or folders to import."), {}};
    for (int i = 0; i < m_inputs->count(); ++i)
        if (!QFileInfo::exists(m_inputs->item(i)->text()))
            return {tr("%1 does not exist.").arg(QDir::toNativeSeparators(m_inputs->item(i)->text())), {}};
    const QString config = m_config->path();
    if (!config.isEmpty() && !QFileInfo(config).isFile())
        return {tr("The model configuration %1 is not a file.").arg(QDir::toNativeSeparators(config)), {}};
    std::vector<int> layers;
    if (!parseLayerRanges(m_moeLayers->text(), &layers))
        return {tr("MoE layers: \"%1\" is not a list of ascending layer indices or ranges such as 3-60.")
                    .arg(m_moeLayers->text()),
                {}};
    const QString f = m_format->currentData().toString();
    bool bundlesOnly = f == QLatin1String("vllm") || f == QLatin1String("sglang");
    if (f == QLatin1String("megatron")) {
        bundlesOnly = true;
        for (int i = 0; i < m_inputs->count(); ++i)
            bundlesOnly = bundlesOnly && m_inputs->item(i)->text().endsWith(QLatin1String(".npz"));
    }
    if (!bundlesOnly && config.isEmpty() && m_experts->value() == 0)
        return {tr("Give the number of routed experts or the model's config.json: these inputs do not carry it."),
                {}};
    const QString out = m_output->path();
    if (out.isEmpty())
        return {tr("Choose the output folder."), {}};
    if (TraceSet::isTraceFolder(out.toStdString()) && !m_overwrite->isChecked())
        return {{},
                tr("The output folder holds a trace set: the same import continues it; another one needs "
                   "\"Replace\".")};
    return {};
}

} // namespace specmoe::gui
