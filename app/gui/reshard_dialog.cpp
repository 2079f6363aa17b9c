#include "app/gui/reshard_dialog.h"

#include "app/gui/path_edit.h"
#include "app/gui/workspace.h"
#include "core/trace/trace_set.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace specmoe::gui {

ReshardDialog::ReshardDialog(const QStringList& traceSets, const QString& tracesDir, QWidget* parent)
    : ValidatingDialog(parent), m_tracesDir(tracesDir)
{
    setWindowTitle(tr("Re-shard a Trace Set"));
    setObjectName(QStringLiteral("reshardDialog"));

    auto* sourceBox = new QGroupBox(tr("Source"), this);
    m_source = new QComboBox(sourceBox);
    m_source->setObjectName(QStringLiteral("source"));
    m_source->setEditable(true);
    m_source->setInsertPolicy(QComboBox::NoInsert);
    for (const QString& d : traceSets)
        m_source->addItem(QFileInfo(d).fileName(), d);
    m_sourceInfo = new QLabel(sourceBox);
    m_sourceInfo->setWordWrap(true);
    m_sourceInfo->setForegroundRole(QPalette::PlaceholderText);
    auto* sourceForm = new QFormLayout(sourceBox);
    sourceForm->addRow(tr("Trace set:"), m_source);
    sourceForm->addRow(QString(), m_sourceInfo);

    auto* outBox = new QGroupBox(tr("Destination"), this);
    m_output = new PathEdit(PathEdit::SaveFolder, outBox);
    m_output->setObjectName(QStringLiteral("outputDir"));
    m_shardSize = new QDoubleSpinBox(outBox);
    m_shardSize->setObjectName(QStringLiteral("shardSize"));
    m_shardSize->setRange(0.01, 65536);
    m_shardSize->setDecimals(2);
    m_shardSize->setSuffix(tr(" MB"));
    m_deflate = new QSpinBox(outBox);
    m_deflate->setObjectName(QStringLiteral("deflate"));
    m_deflate->setRange(-1, 9);
    m_deflate->setSpecialValueText(tr("Keep the source's"));
    m_chunk = new QSpinBox(outBox);
    m_chunk->setObjectName(QStringLiteral("chunkTokens"));
    m_chunk->setRange(0, 1 << 24);
    m_chunk->setSingleStep(1024);
    m_chunk->setSpecialValueText(tr("Keep the source's"));
    m_overwrite = new QCheckBox(tr("Replace a trace set already in the destination"), outBox);
    m_overwrite->setObjectName(QStringLiteral("overwrite"));
    auto* outForm = new QFormLayout(outBox);
    outForm->addRow(tr("Output folder:"), m_output);
    outForm->addRow(tr("Shard size:"), m_shardSize);
    outForm->addRow(tr("Deflate level:"), m_deflate);
    outForm->addRow(tr("Chunk size (tokens):"), m_chunk);
    outForm->addRow(QString(), m_overwrite);

    auto* content = new QVBoxLayout;
    content->addWidget(sourceBox);
    content->addWidget(outBox);
    content->addStretch(1);
    setContentLayout(content);

    connect(m_source, &QComboBox::currentTextChanged, this, &ReshardDialog::sourceChanged);
    connect(m_output->lineEdit(), &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    setSettings(ReshardSettings{});
    if (m_source->count() > 0)
        m_source->setCurrentIndex(0);
    sourceChanged();
    watch(this);
    resize(620, 420);
    revalidate();
}

void ReshardDialog::setSource(const QString& dir)
{
    const int i = m_source->findData(dir);
    if (i >= 0)
        m_source->setCurrentIndex(i);
    else
        m_source->setEditText(dir);
    sourceChanged();
}

static QString sourcePath(const QComboBox* c)
{
    const int i = c->findText(c->currentText());
    const QString data = i >= 0 ? c->itemData(i).toString() : QString();
    return data.isEmpty() ? QDir::cleanPath(c->currentText().trimmed()) : data;
}

void ReshardDialog::sourceChanged()
{
    const QString src = sourcePath(m_source);
    if (src.isEmpty() || src == QLatin1String(".")) {
        m_sourceInfo->clear();
        return;
    }
    const widgets::WorkspaceEntry e = Workspace::describeTraceSet(src);
    QStringList facts{e.summary};
    for (const auto& d : e.details)
        if (d.first == Workspace::tr("Shards") || d.first == Workspace::tr("Sequences"))
            facts << d.first + QStringLiteral(": ") + d.second;
    m_sourceInfo->setText(facts.join(QStringLiteral("; ")));
    if (!m_outputEdited && !m_tracesDir.isEmpty()) {
        QString out = QDir(m_tracesDir).filePath(QFileInfo(src).fileName() + QStringLiteral("-resharded"));
        for (int i = 2; QFileInfo::exists(out); ++i)
            out = QDir(m_tracesDir).filePath(QStringLiteral("%1-resharded-%2").arg(QFileInfo(src).fileName()).arg(i));
        m_output->setPath(out);
    }
    revalidate();
}

ReshardSettings ReshardDialog::settings() const
{
    ReshardSettings s;
    s.sourceDir = sourcePath(m_source);
    s.outputDir = m_output->path();
    s.options.shardSizeMB = m_shardSize->value();
    s.options.deflateLevel = m_deflate->value();
    s.options.chunkTokens = m_chunk->value();
    s.options.overwrite = m_overwrite->isChecked();
    return s;
}

void ReshardDialog::setSettings(const ReshardSettings& s)
{
    if (!s.sourceDir.isEmpty())
        setSource(s.sourceDir);
    if (!s.outputDir.isEmpty()) {
        m_output->setPath(s.outputDir);
        m_outputEdited = true;
    }
    m_shardSize->setValue(s.options.shardSizeMB);
    m_deflate->setValue(s.options.deflateLevel);
    m_chunk->setValue(s.options.chunkTokens);
    m_overwrite->setChecked(s.options.overwrite);
}

Validation ReshardDialog::validate() const
{
    const ReshardSettings s = settings();
    if (s.sourceDir.isEmpty() || s.sourceDir == QLatin1String("."))
        return {tr("Choose the trace set to re-shard."), {}};
    if (!TraceSet::isTraceFolder(s.sourceDir.toStdString()))
        return {tr("%1 is not a trace set (no manifest.json).").arg(QDir::toNativeSeparators(s.sourceDir)), {}};
    if (s.outputDir.isEmpty())
        return {tr("Choose the output folder."), {}};
    if (QDir(s.outputDir).absolutePath() == QDir(s.sourceDir).absolutePath())
        return {tr("The output folder must differ from the source."), {}};
    if (TraceSet::isTraceFolder(s.outputDir.toStdString()) && !s.options.overwrite)
        return {tr("The output folder already holds a trace set; tick \"Replace\" to overwrite it."), {}};
    return {};
}

} // namespace specmoe::gui
