#include "app/gui/collection_dialog.h"

#include "app/gui/path_edit.h"
#include "core/collect/auto_batch.h"
#include "core/collect/tokenizer_fit.h"
#include "core/model/config.h"
#include "core/model/memory.h"
#include "core/model/tokenizer.h"
#include "core/tensor/device_memory.h"
#include "core/trace/feature_basis.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "core/util/sysmem.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <thread>

namespace specmoe::gui {
namespace {

enum SourceColumn { NameCol, PathCol, FormatCol, FieldCol, WeightCol, SourceColumns };

// Combo boxes hold core's names as item data.
QString qtName(const std::string& name) { return QString::fromStdString(name); }

QString bytesText(qint64 b) { return QLocale().formattedDataSize(b, 1, QLocale::DataSizeIecFormat); }

const SourceFormat kFormats[] = {SourceFormat::Auto,  SourceFormat::Text,     SourceFormat::Paragraphs,
                                 SourceFormat::Jsonl, SourceFormat::JsonlIds, SourceFormat::Csv,
                                 SourceFormat::Tsv};

// A source row for a picked file or folder: core's defaults for the rest.
SourceSpec newSource(const QString& name, const QString& path)
{
    SourceSpec s;
    s.name = name.toStdString();
    s.path = path.toStdString();
    return s;
}

} // namespace

void fillDeviceCombo(QComboBox* combo, bool withAuto)
{
    combo->clear();
    if (withAuto)
        combo->addItem(CollectionDialog::tr("Automatic (fastest available)"), QStringLiteral("auto"));
    combo->addItem(CollectionDialog::tr("CPU"), QStringLiteral("cpu"));
    for (const GpuMemory& g : gpuMemory())
        combo->addItem(CollectionDialog::tr("GPU %1: %2").arg(g.index).arg(QString::fromStdString(g.name)),
                       QStringLiteral("cuda:%1").arg(g.index));
}

void selectDevice(QComboBox* combo, const QString& device)
{
    int i = combo->findData(device == QLatin1String("cuda") ? QStringLiteral("cuda:0") : device);
    if (i < 0) { // a device this machine lacks (settings from another machine): keep it visible
        combo->addItem(device, device);
        i = combo->count() - 1;
    }
    combo->setCurrentIndex(i);
}

void selectDevice(QComboBox* combo, const DeviceSpec& device)
{
    selectDevice(combo, QString::fromStdString(deviceName(device)));
}

DeviceSpec selectedDevice(const QComboBox* combo)
{
    return parseDevice(combo->currentData().toString().toStdString()); // the combo holds core's names
}

CollectionDialog::CollectionDialog(const QString& tracesDir, const CollectParams& defaults, QWidget* parent)
    : ValidatingDialog(parent), m_tracesDir(tracesDir)
{
    setWindowTitle(tr("New Collection"));
    setObjectName(QStringLiteral("collectionDialog"));

    // Model
    auto* modelBox = new QGroupBox(tr("Model"), this);
    m_model = new PathEdit(PathEdit::Folder, modelBox);
    m_model->setObjectName(QStringLiteral("modelDir"));
    m_model->setPlaceholderText(tr("Folder with config.json and *.safetensors"));
    m_tokenizer = new PathEdit(PathEdit::OpenFile, modelBox);
    m_tokenizer->setObjectName(QStringLiteral("tokenizer"));
    m_tokenizer->setFilter(tr("Tokenizer (*.model *.json);;All files (*)"));
    m_tokenizer->setPlaceholderText(tr("tokenizer.model or tokenizer.json of the model folder"));
    m_modelSummary = new QLabel(modelBox);
    m_modelSummary->setObjectName(QStringLiteral("modelSummary"));
    m_modelSummary->setWordWrap(true);
    m_modelSummary->setTextFormat(Qt::PlainText);
    auto* modelForm = new QFormLayout(modelBox);
    modelForm->addRow(tr("Model folder:"), m_model);
    modelForm->addRow(QString(), m_modelSummary);
    modelForm->addRow(tr("Tokenizer:"), m_tokenizer);

    // Corpus
    auto* corpusBox = new QGroupBox(tr("Corpus"), this);
    m_sources = new QTableWidget(0, SourceColumns, corpusBox);
    m_sources->setObjectName(QStringLiteral("sources"));
    m_sources->setHorizontalHeaderLabels({tr("Name"), tr("Path"), tr("Format"), tr("Field / column"), tr("Weight")});
    // The path takes the room the other columns leave, elided in the middle so the file name
    // stays in sight (the tooltip holds the whole path); the others are as wide as their titles.
    QHeaderView* header = m_sources->horizontalHeader();
    header->setMinimumSectionSize(40);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(PathCol, QHeaderView::Stretch);
    header->setSectionResizeMode(FormatCol, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(WeightCol, QHeaderView::ResizeToContents); // its spin box whole
    for (int col : {NameCol, FieldCol})
        header->resizeSection(col, header->sectionSizeHint(col));
    m_sources->setTextElideMode(Qt::ElideMiddle);
    m_sources->setWordWrap(false);
    m_sources->verticalHeader()->hide();
    m_sources->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sources->setMinimumHeight(120);
    auto* addFile = new QToolButton(corpusBox);
    addFile->setText(tr("Add files…"));
    addFile->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
    addFile->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto* addFolder = new QToolButton(corpusBox);
    addFolder->setText(tr("Add folder…"));
    addFolder->setIcon(style()->standardIcon(QStyle::SP_DirIcon));
    addFolder->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto* remove = new QToolButton(corpusBox);
    remove->setText(tr("Remove"));
    remove->setObjectName(QStringLiteral("removeSource"));
    remove->setIcon(style()->standardIcon(QStyle::SP_TrashIcon));
    remove->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    connect(addFile, &QToolButton::clicked, this, &CollectionDialog::addSourceFromFile);
    connect(addFolder, &QToolButton::clicked, this, &CollectionDialog::addSourceFromFolder);
    connect(remove, &QToolButton::clicked, this, [this] {
        if (m_sources->currentRow() >= 0)
            removeSource(m_sources->currentRow());
    });
    auto* sourceButtons = new QHBoxLayout;
    sourceButtons->addWidget(addFile);
    sourceButtons->addWidget(addFolder);
    sourceButtons->addWidget(remove);
    sourceButtons->addStretch(1);

    m_target = new QDoubleSpinBox(corpusBox);
    m_target->setObjectName(QStringLiteral("targetTokens"));
    m_target->setDecimals(0);
    m_target->setRange(0, 1e12);
    m_target->setSpecialValueText(tr("The whole corpus"));
    m_target->setSingleStep(100000);
    m_target->setGroupSeparatorShown(true);
    m_target->setSuffix(tr(" tokens"));
    m_maxLength = new QSpinBox(corpusBox);
    m_maxLength->setObjectName(QStringLiteral("maxLength"));
    m_maxLength->setRange(2, 131072);
    m_maxLength->setSuffix(tr(" tokens"));
    // Bytes, exact: a double holds every whole number up to 2^53 (a QSpinBox stops at 2^31).
    m_maxDocBytes = new QDoubleSpinBox(corpusBox);
    m_maxDocBytes->setObjectName(QStringLiteral("maxDocBytes"));
    m_maxDocBytes->setDecimals(0);
    m_maxDocBytes->setRange(1, 9007199254740992.0);
    m_maxDocBytes->setSingleStep(1 << 20);
    m_maxDocBytes->setGroupSeparatorShown(true);
    m_maxDocBytes->setSuffix(tr(" bytes"));
    m_maxDocBytes->setToolTip(
        tr("Documents longer than this are skipped and counted as \"document-too-long\" in the source's "
           "statistics, so one huge line cannot exhaust the memory (the CLI's --max-doc-bytes)."));
    auto* corpusLayout = new QVBoxLayout(corpusBox);
    corpusLayout->addWidget(m_sources, 1);
    corpusLayout->addLayout(sourceButtons);
    auto* corpusForm = new QFormLayout;
    corpusForm->addRow(tr("Target size:"), m_target);
    corpusForm->addRow(tr("Maximum sequence length:"), m_maxLength);
    corpusForm->addRow(tr("Longest document:"), m_maxDocBytes);
    corpusLayout->addLayout(corpusForm);

    // Compute
    auto* computeBox = new QGroupBox(tr("Compute"), this);
    m_device = new QComboBox(computeBox);
    m_device->setObjectName(QStringLiteral("device"));
    fillDeviceCombo(m_device);
    m_dtype = new QComboBox(computeBox);
    m_dtype->setObjectName(QStringLiteral("dtype"));
    m_dtype->addItem(tr("Automatic (bfloat16 on a GPU; float32 on a CPU without AMX-BF16)"),
                     qtName(dtypeName(ComputeDType::Auto)));
    m_dtype->addItem(tr("bfloat16"), qtName(dtypeName(ComputeDType::BFloat16)));
    m_dtype->addItem(tr("float16"), qtName(dtypeName(ComputeDType::Float16)));
    m_dtype->addItem(tr("float32 (exact, twice the memory)"), qtName(dtypeName(ComputeDType::Float32)));
    m_residency = new QComboBox(computeBox);
    m_residency->setObjectName(QStringLiteral("residency"));
    m_residency->addItem(tr("Resident: all weights on one device"), qtName(residencyName(Residency::Resident)));
    m_residency->addItem(tr("Split: layers spread over the GPUs"), qtName(residencyName(Residency::Split)));
    m_residency->addItem(tr("Streaming: one layer at a time"), qtName(residencyName(Residency::Streaming)));
    m_batch = new QSpinBox(computeBox);
    m_batch->setObjectName(QStringLiteral("batchSize"));
    m_batch->setRange(0, 4096);
    m_batch->setSuffix(tr(" sequences"));
    m_batch->setSpecialValueText(tr("Automatic (measured: the fastest, within the free memory)"));
    m_memory = new QLabel(computeBox);
    m_memory->setObjectName(QStringLiteral("memoryEstimate"));
    m_memory->setWordWrap(true);
    // Their longest items (German, Chinese) widened this column at the corpus table's
    // expense, whose paths then showed a few letters: they elide in the box, whole in the list.
    for (QComboBox* c : {m_device, m_dtype, m_residency}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(24);
    }
    auto* computeForm = new QFormLayout(computeBox);
    computeForm->addRow(tr("Device:"), m_device);
    computeForm->addRow(tr("Compute dtype:"), m_dtype);
    computeForm->addRow(tr("Residency:"), m_residency);
    computeForm->addRow(tr("Batch size:"), m_batch);
    computeForm->addRow(tr("Memory needed:"), m_memory);

    // Output
    auto* outputBox = new QGroupBox(tr("Output"), this);
    m_name = new QLineEdit(outputBox);
    m_name->setObjectName(QStringLiteral("traceName"));
    m_name->setPlaceholderText(tr("e.g. mixtral-wiki-1M"));
    m_output = new PathEdit(PathEdit::SaveFolder, outputBox);
    m_output->setObjectName(QStringLiteral("outputDir"));
    m_shardSize = new QDoubleSpinBox(outputBox);
    m_shardSize->setObjectName(QStringLiteral("shardSize"));
    m_shardSize->setRange(0.01, 65536);
    m_shardSize->setDecimals(2);
    m_shardSize->setSuffix(tr(" MB"));
    m_lookahead = new QLineEdit(outputBox);
    m_lookahead->setObjectName(QStringLiteral("lookahead"));
    m_lookahead->setPlaceholderText(tr("e.g. 1, 2 (empty: none)"));
    m_lookahead->setToolTip(tr("Probe distances d: the gate of layer l+d applied to the hidden state of layer l."));
    m_features = new QLineEdit(outputBox);
    m_features->setObjectName(QStringLiteral("features"));
    m_features->setPlaceholderText(tr("none (e.g. %1)").arg(QString::fromLatin1(kDefaultFeatureSpec)));
    m_features->setToolTip(
        tr("Hidden-state features stored per token and layer (float16), a linear map of the layer's router "
           "input, for speculators that read the hidden state. Parts joined with '+': gate_logits:D (the "
           "logits of the next D gates, D x experts values), pca:R (R principal directions estimated on the "
           "first batches), routers (the rows of every router, layers x experts values), full (the router "
           "input itself, hidden-size values: for studies on a sample of tokens). At Mixtral-8x7B "
           "dims (32 layers, 8 experts, hidden 4096) %1 adds %2 bytes per token. Empty: no features.")
            .arg(QString::fromLatin1(kDefaultFeatureSpec))
            .arg(featureBytesPerToken(parseFeatureSpec(kDefaultFeatureSpec), 32, 8, 4096)));
    m_featureBasis = new PathEdit(PathEdit::Folder, outputBox);
    m_featureBasis->setObjectName(QStringLiteral("featureBasis"));
    m_featureBasis->setPlaceholderText(tr("build one (PCA on the first batches)"));
    m_featureBasis->setToolTip(
        tr("Compute the features with the basis of another collection (its trace folder, an exported "
           "predictor folder or a feature_basis.safetensors file) instead of estimating a new one, so "
           "held-out traces hold the same features as the training traces. The features field may stay "
           "empty: the basis names its spec."));
    auto* outputForm = new QFormLayout(outputBox);
    outputForm->addRow(tr("Trace set name:"), m_name);
    outputForm->addRow(tr("Output folder:"), m_output);
    outputForm->addRow(tr("Shard size:"), m_shardSize);
    outputForm->addRow(tr("Lookahead probes:"), m_lookahead);
    outputForm->addRow(tr("Hidden-state features:"), m_features);
    outputForm->addRow(tr("Feature basis from:"), m_featureBasis);

    auto* left = new QVBoxLayout;
    left->addWidget(modelBox);
    left->addWidget(corpusBox, 1);
    auto* right = new QVBoxLayout;
    right->addWidget(computeBox);
    right->addWidget(outputBox);
    right->addStretch(1);
    auto* columns = new QHBoxLayout;
    columns->setSpacing(12);
    columns->addLayout(left, 3);
    columns->addLayout(right, 2);
    setContentLayout(columns);

    connect(m_model, &PathEdit::pathChanged, this, &CollectionDialog::modelChanged);
    connect(m_name, &QLineEdit::textChanged, this, &CollectionDialog::suggestOutput);
    connect(m_output->lineEdit(), &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    for (QComboBox* c : {m_dtype, m_residency, m_device})
        connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &CollectionDialog::updateMemory);
    connect(m_batch, qOverload<int>(&QSpinBox::valueChanged), this, &CollectionDialog::updateMemory);
    connect(m_maxLength, qOverload<int>(&QSpinBox::valueChanged), this, &CollectionDialog::updateMemory);
    connect(m_lookahead, &QLineEdit::textChanged, this, &CollectionDialog::updateMemory);

    setParams(defaults);
    watch(this);
    resize(1280, 680);
    revalidate();
}

void CollectionDialog::addSource(const SourceSpec& s)
{
    const int row = m_sources->rowCount();
    m_sources->insertRow(row);
    m_sources->setItem(row, NameCol, new QTableWidgetItem(QString::fromStdString(s.name)));
    const QString path = QString::fromStdString(s.path);
    auto* pathItem = new QTableWidgetItem(QDir::toNativeSeparators(path));
    pathItem->setToolTip(path);
    m_sources->setItem(row, PathCol, pathItem);
    auto* format = new QComboBox(m_sources);
    for (SourceFormat f : kFormats)
        format->addItem(qtName(formatName(f)), qtName(formatName(f)));
    format->setCurrentIndex(qMax(0, format->findData(qtName(formatName(s.format)))));
    connect(format, qOverload<int>(&QComboBox::currentIndexChanged), this, &CollectionDialog::revalidate);
    m_sources->setCellWidget(row, FormatCol, format);
    m_sources->setItem(row, FieldCol, new QTableWidgetItem(QString::fromStdString(s.field)));
    auto* weight = new QDoubleSpinBox(m_sources);
    weight->setRange(0.0, 1000.0);
    weight->setDecimals(2);
    weight->setSingleStep(0.1);
    weight->setValue(s.weight);
    weight->setFrame(false);
    connect(weight, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &CollectionDialog::revalidate);
    m_sources->setCellWidget(row, WeightCol, weight);
    // A long source name widens its column, up to a share that leaves the path room.
    const int nameWidth = m_sources->fontMetrics().horizontalAdvance(QString::fromStdString(s.name)) + 16;
    if (nameWidth > m_sources->columnWidth(NameCol))
        m_sources->setColumnWidth(NameCol, qMin(nameWidth, 160));
    revalidate();
}

int CollectionDialog::sourceCount() const { return m_sources->rowCount(); }

void CollectionDialog::removeSource(int row)
{
    m_sources->removeRow(row);
    revalidate();
}

SourceSpec CollectionDialog::sourceAt(int row) const
{
    SourceSpec s;
    auto text = [&](int col) {
        const QTableWidgetItem* it = m_sources->item(row, col);
        return it ? it->text().trimmed() : QString();
    };
    s.name = text(NameCol).toStdString();
    s.path = QDir::fromNativeSeparators(text(PathCol)).toStdString();
    s.field = text(FieldCol).toStdString();
    if (auto* f = qobject_cast<QComboBox*>(m_sources->cellWidget(row, FormatCol)))
        s.format = parseFormat(f->currentData().toString().toStdString());
    if (auto* w = qobject_cast<QDoubleSpinBox*>(m_sources->cellWidget(row, WeightCol)))
        s.weight = w->value();
    return s;
}

void CollectionDialog::addSourceFromFile()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add corpus files"), QString(),
        tr("Corpus files (*.txt *.jsonl *.json *.csv *.tsv);;All files (*)"));
    for (const QString& f : files)
        addSource(newSource(QFileInfo(f).completeBaseName(), f));
}

void CollectionDialog::addSourceFromFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a corpus folder"));
    if (!dir.isEmpty())
        addSource(newSource(QFileInfo(dir).fileName(), dir));
}

void CollectionDialog::suggestOutput()
{
    if (m_outputEdited || m_tracesDir.isEmpty())
        return;
    const QString name = m_name->text().trimmed();
    m_output->setPath(name.isEmpty() ? QString() : QDir(m_tracesDir).filePath(name));
}

void CollectionDialog::modelChanged()
{
    m_modelOk = false;
    m_modelError.clear();
    m_modelLayers = 0;
    m_modelPositions = 0;
    m_modelVocab = 0;
    m_modelHasTokenizer = false;
    const QString dir = m_model->path();
    if (dir.isEmpty()) {
        m_modelSummary->setText(tr("Pick a checkpoint folder in Hugging Face hub layout: Mixtral, Qwen2-MoE, "
                                   "Qwen3-MoE, OLMoE, DeepSeek-V2/V3 or gpt-oss (docs/models.md)."));
    } else if (!QFileInfo(dir).isDir()) {
        m_modelError = tr("The model folder %1 does not exist.").arg(QDir::toNativeSeparators(dir));
        m_modelSummary->setText(m_modelError);
    } else {
        try {
            const MixtralConfig c = loadConfig(dir.toStdString());
            const QStringList weights = QDir(dir).entryList({QStringLiteral("*.safetensors")}, QDir::Files);
            if (weights.isEmpty()) {
                m_modelError = tr("%1 holds no *.safetensors weight files.").arg(QDir::toNativeSeparators(dir));
                m_modelSummary->setText(m_modelError);
            } else {
                m_modelOk = true;
                m_modelLayers = c.numLayers;
                m_modelPositions = c.maxPositions;
                m_modelVocab = c.vocabSize;
                m_modelHasTokenizer = !findTokenizer({}, dir.toStdString()).empty();
                const double params = double(parameterCount(c));
                // The user's decimal separator, as the data sizes beside it (formattedDataSize).
                const QString paramText = params >= 1e9
                                              ? tr("%1 B parameters").arg(QLocale().toString(params / 1e9, 'f', 1))
                                              : tr("%1 M parameters").arg(QLocale().toString(params / 1e6, 'f', 2));
                // Families differ in dense layers, shared experts and the router function: say
                // which, since the trace's layer axis runs over the MoE layers only.
                const QString layers = c.moeLayerCount() == c.numLayers
                                           ? tr("%1 layers").arg(c.numLayers)
                                           : tr("%1 of %2 layers MoE").arg(c.moeLayerCount()).arg(c.numLayers);
                const QString shared = c.hasSharedExpert() ? tr(", a shared expert") : QString();
                m_modelSummary->setText(
                    tr("%1: %2 × %3 experts%4, top-%5 (%6); hidden size %7, vocabulary %8; %9; %n weight file(s).",
                       nullptr, int(weights.size()))
                        .arg(QString::fromStdString(c.architecture), layers)
                        .arg(c.numExperts)
                        .arg(shared)
                        .arg(c.topk)
                        .arg(QString::fromStdString(c.routing()))
                        .arg(c.hiddenSize)
                        .arg(c.vocabSize)
                        .arg(paramText));
            }
        } catch (const std::exception& e) {
            m_modelError = QString::fromStdString(e.what());
            m_modelSummary->setText(m_modelError);
        }
    }
    QPalette pal = m_modelSummary->palette();
    pal.setColor(QPalette::WindowText, m_modelError.isEmpty() ? palette().color(QPalette::PlaceholderText)
                                                              : QColor(0xc0, 0x30, 0x30));
    m_modelSummary->setPalette(pal);
    fitDefaultLengthToModel();
    updateMemory();
}

// core's default length (512) is above what a small model has positions for (the demo's has
// 256): it becomes the model's, so the dialog does not open on an error. A length the user
// chose is left as it is, for validate() to name when too long.
void CollectionDialog::fitDefaultLengthToModel()
{
    if (m_modelPositions > 0 && m_maxLength->value() == CollectParams{}.maxLength &&
        m_maxLength->value() > m_modelPositions)
        m_maxLength->setValue(int(m_modelPositions));
}

void CollectionDialog::updateMemory()
{
    m_memoryTooLarge = false;
    m_memoryNeeded = 0;
    if (!m_modelOk) {
        m_memory->setText(tr("Pick a model to see the estimate."));
        return;
    }
    try {
        const MixtralConfig c = loadConfig(m_model->path().toStdString());
        const Residency mode = parseResidency(m_residency->currentData().toString().toStdString());
        QVector<int> probes;
        parseIntList(m_lookahead->text(), &probes);
        const DeviceSpec device = selectedDevice(m_device);
        const std::vector<GpuMemory> gpus = gpuMemory();
        const bool onGpu = device.kind == DeviceKind::Cuda || (device.kind == DeviceKind::Auto && !gpus.empty());
        // Automatic: the dtype the collection will resolve on that device.
        const ComputeDType dtype =
            resolveComputeDType(parseDType(m_dtype->currentData().toString().toStdString()), onGpu).dtype;
        const qint64 weights = weightBytesForMode(c, dtype, mode);
        const qint64 staging = stagingBytesForMode(c, dtype, mode);
        qint64 available = 0;
        QString where;
        if (onGpu) {
            for (const GpuMemory& g : gpus) {
                if (mode == Residency::Split)
                    available += g.freeBytes;
                else if (device.kind == DeviceKind::Auto || qMax(0, device.index) == g.index) // auto: most free
                    available = qMax(available, g.freeBytes);
            }
            where = tr("free on the GPU");
        } else {
            available = systemMemory().availableBytes;
            where = tr("available memory");
        }
        int64_t batch = m_batch->value();
        QString batchNote;
        if (batch == 0) { // the collector's rule, before it measures (chooseAutoBatch without a probe)
            AutoBatchInput in;
            in.config = c;
            in.dtype = dtype;
            in.cuda = onGpu;
            in.seqLen = m_maxLength->value();
            in.sequences = kMaxAutoBatch; // the corpus is not read here
            in.freeBytes = available > 0 ? available - weights : INT64_MAX / 4; // unknown: no cap
            in.memoryFraction = m_params.memoryFraction;
            in.numLookahead = int(probes.size());
            in.cores = int(std::max(1u, std::thread::hardware_concurrency()));
            const AutoBatchChoice proposal = chooseAutoBatch(in);
            batch = proposal.batch;
            batchNote = tr("automatic batch size: about %n sequence(s), measured when the run starts "
                           "(the memory share allows %1)",
                           nullptr, int(batch))
                            .arg(proposal.memoryCap);
        }
        const qint64 acts = activationBytes(c, dtype, batch, m_maxLength->value(), int(probes.size()));
        const qint64 need = weights + acts;
        m_memoryNeeded = need;
        QString text = tr("%1 (weights %2, activations %3)").arg(bytesText(need), bytesText(weights), bytesText(acts));
        if (staging > 0)
            text += QLatin1Char('\n') + tr("plus %1 of pinned host memory for streaming").arg(bytesText(staging));
        if (available > 0) {
            text += QLatin1Char('\n') + tr("%1 %2").arg(bytesText(available), where);
            m_memoryTooLarge = need > available;
        }
        if (!batchNote.isEmpty())
            text += QLatin1Char('\n') + batchNote;
        m_memory->setText(text);
    } catch (const std::exception& e) {
        m_memory->setText(QString::fromStdString(e.what()));
    }
}

QString CollectionDialog::tokenizerProblem() const
{
    if (!m_modelOk || m_modelVocab <= 0)
        return {};
    const std::string modelDir = m_model->path().toStdString();
    const QFileInfo file(QString::fromStdString(tokenizerFile(m_tokenizer->path().toStdString(), modelDir)));
    // Loading a tokenizer takes a moment: the answer stands until the file or the model changes.
    const QString key = QStringLiteral("%1|%2|%3|%4")
                            .arg(file.absoluteFilePath())
                            .arg(file.lastModified().toMSecsSinceEpoch())
                            .arg(file.size())
                            .arg(m_modelVocab);
    if (key == m_tokenizerKey)
        return m_tokenizerProblem;
    m_tokenizerKey = key;
    m_tokenizerProblem.clear();
    const QString name = QDir::toNativeSeparators(file.filePath());
    try {
        const TokenizerFit fit = collectTokenizerFit(m_tokenizer->path().toStdString(), modelDir, m_modelVocab);
        if (fit.fits())
            return {};
        m_tokenizerProblem =
            fit.tokenizerVocab > fit.modelVocab
                ? tr("The tokenizer %1 has a vocabulary of %2 tokens, more than the model's %3 (vocab_size in "
                     "config.json): its token ids would not fit the model. Choose the model's own tokenizer.")
                : tr("The tokenizer %1 has a vocabulary of %2 tokens, but the model's vocab_size is %3; a "
                     "SentencePiece tokenizer must match it. Choose the model's own tokenizer.");
        m_tokenizerProblem = m_tokenizerProblem.arg(name).arg(qlonglong(fit.tokenizerVocab)).arg(qlonglong(fit.modelVocab));
    } catch (const std::exception& e) {
        m_tokenizerProblem = tr("The tokenizer %1 cannot be read: %2").arg(name, QString::fromStdString(e.what()));
    }
    return m_tokenizerProblem;
}

QString CollectionDialog::modelSummary() const { return m_modelSummary->text(); }
QString CollectionDialog::memoryText() const { return m_memory->text(); }

CollectParams CollectionDialog::params() const
{
    CollectParams p = m_params;
    p.modelDir = m_model->path().toStdString();
    p.tokenizerPath = m_tokenizer->path().toStdString();
    p.sources.clear();
    for (int r = 0; r < m_sources->rowCount(); ++r)
        p.sources.push_back(sourceAt(r));
    p.targetTokens = int64_t(m_target->value());
    p.maxLength = m_maxLength->value();
    p.maxDocumentBytes = int64_t(m_maxDocBytes->value());
    p.batchSize = m_batch->value();
    p.device = selectedDevice(m_device);
    p.dtype = parseDType(m_dtype->currentData().toString().toStdString());
    p.residency = parseResidency(m_residency->currentData().toString().toStdString());
    p.shardMB = m_shardSize->value();
    QVector<int> probes;
    parseIntList(m_lookahead->text(), &probes);
    p.lookahead.assign(probes.cbegin(), probes.cend());
    p.features = m_features->text().trimmed().toStdString();
    p.featureBasis = m_featureBasis->path().trimmed().toStdString();
    p.outDir = m_output->path().toStdString();
    return p;
}

void CollectionDialog::setParams(const CollectParams& p)
{
    m_params = p;
    m_model->setPath(QString::fromStdString(p.modelDir));
    m_tokenizer->setPath(QString::fromStdString(p.tokenizerPath));
    m_sources->setRowCount(0);
    for (const SourceSpec& src : p.sources)
        addSource(src);
    m_target->setValue(double(p.targetTokens));
    m_maxLength->setValue(p.maxLength);
    fitDefaultLengthToModel();
    m_maxDocBytes->setValue(double(p.maxDocumentBytes));
    m_batch->setValue(p.batchSize);
    selectDevice(m_device, p.device);
    m_dtype->setCurrentIndex(qMax(0, m_dtype->findData(qtName(dtypeName(p.dtype)))));
    m_residency->setCurrentIndex(qMax(0, m_residency->findData(qtName(residencyName(p.residency)))));
    m_shardSize->setValue(p.shardMB);
    m_lookahead->setText(intListText(QVector<int>(p.lookahead.cbegin(), p.lookahead.cend())));
    m_features->setText(QString::fromStdString(p.features));
    m_featureBasis->setPath(QString::fromStdString(p.featureBasis));
    if (!p.outDir.empty()) {
        const QString out = QString::fromStdString(p.outDir);
        m_output->setPath(out);
        m_outputEdited = true;
        m_name->setText(QFileInfo(out).fileName());
    }
    modelChanged();
}

Validation CollectionDialog::validate() const
{
    Validation v;
    if (m_model->path().isEmpty())
        return {tr("Choose the model folder."), {}};
    if (!m_modelOk)
        return {m_modelError.isEmpty() ? tr("The model folder is not usable.") : m_modelError, {}};
    if (m_sources->rowCount() == 0)
        return {tr("Add at least one corpus source."), {}};
    bool allIds = true;
    QStringList names;
    for (int r = 0; r < m_sources->rowCount(); ++r) {
        const SourceSpec s = sourceAt(r);
        const QString name = QString::fromStdString(s.name), path = QString::fromStdString(s.path);
        if (name.isEmpty())
            return {tr("Source %1 has no name.").arg(r + 1), {}};
        if (names.contains(name))
            return {tr("Two sources are named \"%1\"; names must be unique.").arg(name), {}};
        names << name;
        if (path.isEmpty() || !QFileInfo::exists(path))
            return {tr("The path of source \"%1\" does not exist: %2").arg(name, QDir::toNativeSeparators(path)), {}};
        if (s.weight <= 0)
            return {tr("The weight of source \"%1\" must be positive.").arg(name), {}};
        allIds = allIds && s.format == SourceFormat::JsonlIds;
    }
    const QString tok = m_tokenizer->path();
    if (!tok.isEmpty() && !QFileInfo(tok).isFile())
        return {tr("The tokenizer file %1 does not exist.").arg(QDir::toNativeSeparators(tok)), {}};
    if (tok.isEmpty() && !m_modelHasTokenizer && !allIds)
        return {tr("The model folder has no tokenizer.model or tokenizer.json: choose a tokenizer, or use sources of token ids (jsonl-ids)."), {}};
    // The collector refuses it once the job has read the corpus (core: checkTokenizerFitsModel).
    if (!allIds) {
        const QString problem = tokenizerProblem();
        if (!problem.isEmpty())
            return {problem, {}};
    }
    // The collector refuses it once the job has started (core: Collection::readModelConfig).
    if (m_modelPositions > 0 && m_maxLength->value() > m_modelPositions)
        return {tr("The maximum sequence length of %1 tokens exceeds the model's %2 positions "
                   "(max_position_embeddings): lower it to %2 or less.")
                    .arg(m_maxLength->value())
                    .arg(m_modelPositions),
                {}};
    QVector<int> probes;
    if (!parseIntList(m_lookahead->text(), &probes))
        return {tr("Lookahead probes must be positive whole numbers separated by commas, e.g. 1, 2."), {}};
    for (int d : probes)
        if (m_modelLayers > 0 && d >= m_modelLayers)
            return {tr("A lookahead probe distance of %1 needs more than %2 layers.").arg(d).arg(m_modelLayers), {}};
    const QString features = m_features->text().trimmed();
    if (!features.isEmpty()) {
        try {
            parseFeatureSpec(features.toStdString());
        } catch (const Error& e) {
            return {tr("Hidden-state features: %1").arg(QString::fromStdString(e.what())), {}};
        }
    }
    const QString basis = m_featureBasis->path().trimmed();
    if (!basis.isEmpty() && !QFileInfo::exists(basis))
        return {tr("The feature basis %1 does not exist.").arg(QDir::toNativeSeparators(basis)), {}};
    const bool split = m_residency->currentData().toString() == qtName(residencyName(Residency::Split));
    if (split && gpuMemory().empty())
        return {tr("Split residency spreads layers over GPUs; this machine has none."), {}};
    if (selectedDevice(m_device).kind == DeviceKind::Cpu && split)
        return {tr("Split residency needs a GPU device."), {}};
    const QString out = m_output->path();
    if (out.isEmpty())
        return {tr("Choose a name or an output folder for the trace set."), {}};
    if (QFileInfo(out).exists() && !QFileInfo(out).isDir())
        return {tr("The output %1 is a file, not a folder.").arg(QDir::toNativeSeparators(out)), {}};
    if (TraceSet::isTraceFolder(out.toStdString()))
        v.warning = tr("The output folder already holds a trace set: the collection will resume it if the settings match.");
    if (m_memoryTooLarge)
        v.warning = tr("The estimate exceeds the memory available: lower the batch size or the sequence length, or choose streaming residency.");
    return v;
}

} // namespace specmoe::gui
