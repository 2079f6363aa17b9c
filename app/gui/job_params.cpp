#include "app/gui/job_params.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace specmoe::gui {
namespace {

QJsonArray intArray(const QVector<int>& v)
{
    QJsonArray a;
    for (int x : v)
        a.append(x);
    return a;
}

QVector<int> intVector(const QJsonValue& v)
{
    QVector<int> out;
    for (const QJsonValue& x : v.toArray())
        out.push_back(x.toInt());
    return out;
}

QString str(const std::string& s) { return QString::fromStdString(s); }
std::string std_(const QJsonValue& v, const std::string& fallback = {})
{
    return v.isString() ? v.toString().toStdString() : fallback;
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

QJsonObject CollectSettings::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("modelDir")] = modelDir;
    o[QStringLiteral("tokenizer")] = tokenizer;
    QJsonArray src;
    for (const SourceSettings& s : sources) {
        QJsonObject so;
        so[QStringLiteral("name")] = s.name;
        so[QStringLiteral("path")] = s.path;
        so[QStringLiteral("format")] = s.format;
        so[QStringLiteral("field")] = s.field;
        so[QStringLiteral("weight")] = s.weight;
        src.append(so);
    }
    o[QStringLiteral("sources")] = src;
    o[QStringLiteral("targetTokens")] = double(targetTokens);
    o[QStringLiteral("maxLength")] = maxLength;
    o[QStringLiteral("batchSize")] = batchSize;
    o[QStringLiteral("device")] = device;
    o[QStringLiteral("dtype")] = dtype;
    o[QStringLiteral("residency")] = residency;
    o[QStringLiteral("shardSizeMB")] = shardSizeMB;
    o[QStringLiteral("lookahead")] = intArray(lookahead);
    o[QStringLiteral("outputDir")] = outputDir;
    o[QStringLiteral("threads")] = threads;
    return o;
}

CollectSettings CollectSettings::fromJson(const QJsonObject& o)
{
    CollectSettings c;
    c.modelDir = o.value(QStringLiteral("modelDir")).toString();
    c.tokenizer = o.value(QStringLiteral("tokenizer")).toString();
    for (const QJsonValue& v : o.value(QStringLiteral("sources")).toArray()) {
        const QJsonObject so = v.toObject();
        SourceSettings s;
        s.name = so.value(QStringLiteral("name")).toString();
        s.path = so.value(QStringLiteral("path")).toString();
        s.format = so.value(QStringLiteral("format")).toString(QStringLiteral("auto"));
        s.field = so.value(QStringLiteral("field")).toString();
        s.weight = so.value(QStringLiteral("weight")).toDouble(1.0);
        c.sources.push_back(s);
    }
    c.targetTokens = qint64(o.value(QStringLiteral("targetTokens")).toDouble(double(c.targetTokens)));
    c.maxLength = o.value(QStringLiteral("maxLength")).toInt(c.maxLength);
    c.batchSize = o.value(QStringLiteral("batchSize")).toInt(c.batchSize);
    c.device = o.value(QStringLiteral("device")).toString(c.device);
    c.dtype = o.value(QStringLiteral("dtype")).toString(c.dtype);
    c.residency = o.value(QStringLiteral("residency")).toString(c.residency);
    c.shardSizeMB = o.value(QStringLiteral("shardSizeMB")).toDouble(c.shardSizeMB);
    if (o.contains(QStringLiteral("lookahead")))
        c.lookahead = intVector(o.value(QStringLiteral("lookahead")));
    c.outputDir = o.value(QStringLiteral("outputDir")).toString();
    c.threads = o.value(QStringLiteral("threads")).toInt(0);
    return c;
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

QJsonObject trainParamsToJson(const speculate::TrainParams& p)
{
    QJsonObject o;
    QJsonArray dirs;
    for (const std::string& d : p.traceDirs)
        dirs.append(str(d));
    o[QStringLiteral("traceDirs")] = dirs;
    o[QStringLiteral("maxTokens")] = double(p.maxTokens);
    o[QStringLiteral("splitSeed")] = double(p.split.seed);
    o[QStringLiteral("trainFraction")] = p.split.trainFraction;
    o[QStringLiteral("validationFraction")] = p.split.validationFraction;
    o[QStringLiteral("horizon")] = p.horizon;
    o[QStringLiteral("shuffleBuffer")] = p.shuffleBuffer;
    o[QStringLiteral("maxValidationTokens")] = double(p.maxValidationTokens);
    o[QStringLiteral("trainInterLayer")] = p.trainInterLayer;
    o[QStringLiteral("trainStatistics")] = p.trainStatistics;
    o[QStringLiteral("trainEnsemble")] = p.trainEnsemble;
    o[QStringLiteral("embedDim")] = p.model.embedDim;
    o[QStringLiteral("hiddenDim")] = p.model.hiddenDim;
    o[QStringLiteral("tokenBuckets")] = p.model.tokenBuckets;
    o[QStringLiteral("statsDim")] = p.model.statsDim;
    o[QStringLiteral("useWeights")] = p.model.useWeights;
    o[QStringLiteral("useTokenIds")] = p.model.useTokenIds;
    o[QStringLiteral("useLookahead")] = p.model.useLookahead;
    o[QStringLiteral("epochs")] = p.epochs;
    o[QStringLiteral("batchSize")] = p.batchSize;
    o[QStringLiteral("accumulate")] = p.accumulate;
    o[QStringLiteral("learningRate")] = p.learningRate;
    o[QStringLiteral("weightDecay")] = p.weightDecay;
    o[QStringLiteral("warmupFraction")] = p.warmupFraction;
    o[QStringLiteral("minLrFactor")] = p.minLrFactor;
    o[QStringLiteral("gradClip")] = p.gradClip;
    o[QStringLiteral("patience")] = p.patience;
    o[QStringLiteral("evalEverySteps")] = double(p.evalEverySteps);
    o[QStringLiteral("runDir")] = str(p.runDir);
    o[QStringLiteral("device")] = str(p.device);
    o[QStringLiteral("threads")] = p.threads;
    return o;
}

speculate::TrainParams trainParamsFromJson(const QJsonObject& o)
{
    speculate::TrainParams p;
    for (const QJsonValue& v : o.value(QStringLiteral("traceDirs")).toArray())
        p.traceDirs.push_back(v.toString().toStdString());
    p.maxTokens = int64_t(o.value(QStringLiteral("maxTokens")).toDouble(double(p.maxTokens)));
    p.split.seed = uint64_t(o.value(QStringLiteral("splitSeed")).toDouble(double(p.split.seed)));
    p.split.trainFraction = o.value(QStringLiteral("trainFraction")).toDouble(p.split.trainFraction);
    p.split.validationFraction = o.value(QStringLiteral("validationFraction")).toDouble(p.split.validationFraction);
    p.horizon = o.value(QStringLiteral("horizon")).toInt(p.horizon);
    p.shuffleBuffer = o.value(QStringLiteral("shuffleBuffer")).toInt(p.shuffleBuffer);
    p.maxValidationTokens = int64_t(o.value(QStringLiteral("maxValidationTokens")).toDouble(double(p.maxValidationTokens)));
    p.trainInterLayer = o.value(QStringLiteral("trainInterLayer")).toBool(p.trainInterLayer);
    p.trainStatistics = o.value(QStringLiteral("trainStatistics")).toBool(p.trainStatistics);
    p.trainEnsemble = o.value(QStringLiteral("trainEnsemble")).toBool(p.trainEnsemble);
    p.model.embedDim = o.value(QStringLiteral("embedDim")).toInt(p.model.embedDim);
    p.model.hiddenDim = o.value(QStringLiteral("hiddenDim")).toInt(p.model.hiddenDim);
    p.model.tokenBuckets = o.value(QStringLiteral("tokenBuckets")).toInt(p.model.tokenBuckets);
    p.model.statsDim = o.value(QStringLiteral("statsDim")).toInt(p.model.statsDim);
    p.model.useWeights = o.value(QStringLiteral("useWeights")).toBool(p.model.useWeights);
    p.model.useTokenIds = o.value(QStringLiteral("useTokenIds")).toBool(p.model.useTokenIds);
    p.model.useLookahead = o.value(QStringLiteral("useLookahead")).toBool(p.model.useLookahead);
    p.epochs = o.value(QStringLiteral("epochs")).toInt(p.epochs);
    p.batchSize = o.value(QStringLiteral("batchSize")).toInt(p.batchSize);
    p.accumulate = o.value(QStringLiteral("accumulate")).toInt(p.accumulate);
    p.learningRate = o.value(QStringLiteral("learningRate")).toDouble(p.learningRate);
    p.weightDecay = o.value(QStringLiteral("weightDecay")).toDouble(p.weightDecay);
    p.warmupFraction = o.value(QStringLiteral("warmupFraction")).toDouble(p.warmupFraction);
    p.minLrFactor = o.value(QStringLiteral("minLrFactor")).toDouble(p.minLrFactor);
    p.gradClip = o.value(QStringLiteral("gradClip")).toDouble(p.gradClip);
    p.patience = o.value(QStringLiteral("patience")).toInt(p.patience);
    p.evalEverySteps = int64_t(o.value(QStringLiteral("evalEverySteps")).toDouble(double(p.evalEverySteps)));
    p.runDir = std_(o.value(QStringLiteral("runDir")));
    p.device = std_(o.value(QStringLiteral("device")), p.device);
    p.threads = o.value(QStringLiteral("threads")).toInt(p.threads);
    return p;
}

} // namespace specmoe::gui
