#include "app/gui/job_params.h"

#include "core/collect/collect_params_json.h"
#include "core/import/import_params_json.h"
#include "core/speculate/params_json.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace specmoe::gui {
namespace {

QJsonObject toQt(const nlohmann::json& json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json.dump())).object();
}

nlohmann::json fromQt(const QJsonObject& json)
{
    return nlohmann::json::parse(QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString());
}

// Moves o[from] to (*into or o)[to] when present.
void renameKey(QJsonObject& o, const char* from, const char* to, QJsonObject* into = nullptr)
{
    const QString key = QString::fromLatin1(from);
    if (!o.contains(key))
        return;
    const QJsonValue v = o.take(key);
    (into ? *into : o)[QString::fromLatin1(to)] = v;
}

} // namespace

bool parseIntList(const QString& text, QVector<int>* out)
{
    QVector<int> v;
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        bool ok = false;
        const int x = p.toInt(&ok);
        if (!ok || x <= 0)
            return false;
        v.push_back(x);
    }
    *out = v;
    return true;
}

QString intListText(const QVector<int>& v)
{
    QStringList parts;
    for (int x : v)
        parts << QString::number(x);
    return parts.join(QStringLiteral(", "));
}

QJsonObject ReshardSettings::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("sourceDir")] = sourceDir;
    o[QStringLiteral("outputDir")] = outputDir;
    o[QStringLiteral("shardSizeMB")] = options.shardSizeMB;
    o[QStringLiteral("deflateLevel")] = options.deflateLevel;
    o[QStringLiteral("chunkTokens")] = options.chunkTokens;
    o[QStringLiteral("overwrite")] = options.overwrite;
    return o;
}

ReshardSettings ReshardSettings::fromJson(const QJsonObject& o)
{
    ReshardSettings r;
    r.sourceDir = o.value(QStringLiteral("sourceDir")).toString();
    r.outputDir = o.value(QStringLiteral("outputDir")).toString();
    r.options.shardSizeMB = o.value(QStringLiteral("shardSizeMB")).toDouble(r.options.shardSizeMB);
    r.options.deflateLevel = o.value(QStringLiteral("deflateLevel")).toInt(r.options.deflateLevel);
    r.options.chunkTokens = o.value(QStringLiteral("chunkTokens")).toInt(r.options.chunkTokens);
    r.options.overwrite = o.value(QStringLiteral("overwrite")).toBool(r.options.overwrite);
    return r;
}

QJsonObject collectJobParams(const CollectParams& params) { return toQt(toJson(params)); }

QJsonObject importJobParams(const import::ImportParams& params) { return toQt(import::toJson(params)); }

import::ImportParams importParamsOfJob(const QJsonObject& json)
{
    return import::importParamsFromJson(fromQt(json), "import job");
}

CollectParams collectParamsOfJob(const QJsonObject& json)
{
    QJsonObject o = json;
    if (o.contains(QStringLiteral("outputDir")) && !o.contains(QStringLiteral("outDir"))) {
        // The workbench's own keys before it kept core's JSON; the rest were the same.
        renameKey(o, "outputDir", "outDir");
        renameKey(o, "tokenizer", "tokenizerPath");
        renameKey(o, "shardSizeMB", "shardMB");
    }
    return collectParamsFromJson(fromQt(o), "collection job");
}

QJsonObject trainJobParams(const speculate::TrainParams& params) { return toQt(speculate::toJson(params)); }

speculate::TrainParams trainParamsOfJob(const QJsonObject& json)
{
    QJsonObject o = json;
    if (o.contains(QStringLiteral("embedDim"))) {
        // The workbench's own keys before it kept core's JSON: split and model were flat.
        QJsonObject split, model;
        renameKey(o, "splitSeed", "seed", &split);
        renameKey(o, "trainFraction", "trainFraction", &split);
        renameKey(o, "validationFraction", "validationFraction", &split);
        for (const char* key : {"embedDim", "hiddenDim", "tokenBuckets", "statsDim", "useWeights", "useTokenIds",
                                "useLookahead"})
            renameKey(o, key, key, &model);
        o[QStringLiteral("split")] = split;
        o[QStringLiteral("model")] = model;
    }
    return speculate::trainParamsFromJson(fromQt(o), "training job");
}

} // namespace specmoe::gui
