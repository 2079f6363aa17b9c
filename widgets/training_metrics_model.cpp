#include "widgets/training_metrics_model.h"

#include "core/speculate/train.h"
#include "widgets/export.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <set>

namespace specmoe::widgets {

namespace {
bool isLossMetric(const QString& m)
{
    return m.startsWith(QLatin1String("loss"));
}

bool knownBaseline(const QString& name)
{
    return name == QLatin1String(speculate::kFrequency) || name == QLatin1String(speculate::kMarkov) ||
           name == QLatin1String(speculate::kLookahead) || name == QLatin1String(speculate::kUniform);
}
} // namespace

TrainingMetricsModel::TrainingMetricsModel(QObject* parent)
    : QObject(parent)
{
}

void TrainingMetricsModel::setBaseline(const QString& model, bool baseline)
{
    m_baseline[model] = baseline;
}

bool TrainingMetricsModel::isBaseline(const QString& model) const
{
    const auto it = m_baseline.find(model);
    return it != m_baseline.end() ? it->second : knownBaseline(model);
}

void TrainingMetricsModel::notify(bool structural)
{
    const bool schedule = !m_pendingPoints && !m_pendingStructure;
    m_pendingPoints = true;
    m_pendingStructure = m_pendingStructure || structural;
    if (!schedule)
        return;
    // Coalesce: one signal per event-loop turn however many points arrive.
    QMetaObject::invokeMethod(
        this,
        [this] {
            const bool structure = m_pendingStructure;
            m_pendingPoints = m_pendingStructure = false;
            if (structure)
                Q_EMIT structureChanged();
            else
                Q_EMIT pointsAdded();
        },
        Qt::QueuedConnection);
}

void TrainingMetricsModel::append(const MetricKey& key, const MetricPoint& point)
{
    if (!std::isfinite(point.value))
        return;
    auto [it, fresh] = m_series.try_emplace(key);
    if (fresh)
        m_modelNames.insert(key.model);
    it->second.push_back(point);
    ++m_points;
    notify(fresh);
}

int TrainingMetricsModel::addMetrics(const QString& model, int horizon, int layer, const QJsonObject& m, double step,
                                     double epoch)
{
    if (m.value(QLatin1String("n")).toDouble(1) <= 0)
        return 0; // no samples (e.g. a layer a horizon cannot predict)
    int added = 0;
    for (const char* f : {"top1", "exact", "logloss", "ece"}) {
        const QJsonValue v = m.value(QLatin1String(f));
        if (v.isDouble()) {
            append({model, QLatin1String(f), horizon, layer}, {step, epoch, v.toDouble()});
            ++added;
        }
    }
    const QJsonArray recall = m.value(QLatin1String("recall")).toArray();
    static const QStringList recallNames = [] {
        QStringList names;
        for (int r = 1; r <= 256; ++r)
            names << QStringLiteral("recall@%1").arg(r);
        return names;
    }();
    for (int r = 0; r < std::min<int>(recall.size(), recallNames.size()); ++r) {
        append({model, recallNames[r], horizon, layer}, {step, epoch, recall[r].toDouble()});
        ++added;
    }
    return added;
}

int TrainingMetricsModel::parseEval(const QJsonObject& report, double step, double epoch, bool perLayerOnly)
{
    int added = 0;
    const QJsonArray predictors = report.value(QLatin1String("predictors")).toArray();
    for (const QJsonValue& pv : predictors) {
        const QJsonObject p = pv.toObject();
        const QString name = p.value(QLatin1String("name")).toString();
        if (name.isEmpty())
            continue;
        if (p.contains(QLatin1String("baseline")))
            setBaseline(name, p.value(QLatin1String("baseline")).toBool());
        const QJsonArray horizons = p.value(QLatin1String("horizons")).toArray();
        for (int hi = 0; hi < horizons.size(); ++hi) {
            const QJsonObject h = horizons[hi].toObject();
            const int horizon = h.value(QLatin1String("horizon")).toInt(hi + 1);
            if (!perLayerOnly)
                added += addMetrics(name, horizon, -1, h.value(QLatin1String("overall")).toObject(), step, epoch);
            // EvalReport::toJson writes "per_layer"; "perLayer" is accepted too.
            QJsonArray perLayer = h.value(QLatin1String("per_layer")).toArray();
            if (perLayer.isEmpty())
                perLayer = h.value(QLatin1String("perLayer")).toArray();
            for (int l = 0; l < perLayer.size(); ++l)
                if (perLayer[l].isObject())
                    added += addMetrics(name, horizon, l, perLayer[l].toObject(), step, epoch);
        }
    }
    return added;
}

// The trainer's validation metrics: {predictor: {"h1": M, "h2": M, ...}} (docs/speculation.md).
int TrainingMetricsModel::parseTrainerMetrics(const QJsonObject& metrics, double step, double epoch)
{
    int added = 0;
    for (auto p = metrics.begin(); p != metrics.end(); ++p) {
        if (!p.value().isObject())
            continue;
        const QJsonObject perHorizon = p.value().toObject();
        for (auto h = perHorizon.begin(); h != perHorizon.end(); ++h) {
            const QString hk = h.key();
            bool ok = false;
            const int horizon = hk.startsWith(QLatin1Char('h')) ? hk.mid(1).toInt(&ok) : 0;
            if (!ok || horizon < 1 || !h.value().isObject())
                continue;
            const QJsonObject m = h.value().toObject();
            added += addMetrics(p.key(), horizon, -1, m, step, epoch);
            QJsonArray perLayer = m.value(QLatin1String("per_layer")).toArray();
            for (int l = 0; l < perLayer.size(); ++l)
                if (perLayer[l].isObject())
                    added += addMetrics(p.key(), horizon, l, perLayer[l].toObject(), step, epoch);
        }
    }
    return added;
}

namespace {
// {predictor: {"hN": {...}}}: the trainer's per-predictor, per-horizon metrics object.
bool isTrainerMetrics(const QJsonObject& o)
{
    for (auto p = o.begin(); p != o.end(); ++p) {
        if (!p.value().isObject())
            return false;
        const QJsonObject h = p.value().toObject();
        if (h.isEmpty() || !h.begin().key().startsWith(QLatin1Char('h')))
            return false;
    }
    return !o.isEmpty();
}
} // namespace

int TrainingMetricsModel::appendJsonLine(const QByteArray& line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return 0;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return 0;
    const QJsonObject o = doc.object();
    const QString type = o.value(QLatin1String("type")).toString();
    const double step = o.value(QLatin1String("step")).toDouble(0);
    // The trainer writes the 1-based epoch in progress; with steps_per_epoch from its start
    // line the epoch axis is continuous (step / steps per epoch; epoch e ends at e).
    const double epoch =
        m_stepsPerEpoch > 0 ? step / m_stepsPerEpoch : o.value(QLatin1String("epoch")).toDouble(0);

    if (type == QLatin1String("start")) {
        // A fresh (not resumed) run restarts the curves.
        if (!o.value(QLatin1String("resumed")).toBool() && !m_series.empty()) {
            m_series.clear();
            m_modelNames.clear();
            m_points = 0;
            m_bestStep = -1;
            notify(true);
        }
        for (const QJsonValue& v : o.value(QLatin1String("models")).toArray())
            setBaseline(v.toString(), false);
        for (const QJsonValue& v : o.value(QLatin1String("baselines")).toArray())
            setBaseline(v.toString(), true);
        m_stepsPerEpoch = o.value(QLatin1String("steps_per_epoch")).toDouble(0);
        return 0;
    }
    if (type == QLatin1String("end")) {
        // "validation" here repeats the best epoch's values (already plotted). The per-layer
        // values of the best predictor are in report.json next to the followed file.
        if (m_followPath.isEmpty() || o.value(QLatin1String("status")).toString() == QLatin1String("cancelled"))
            return 0;
        if (m_bestStep < 0) {
            const double bestEpoch = o.value(QLatin1String("best_epoch")).toDouble(0);
            m_bestStep = m_stepsPerEpoch > 0 ? bestEpoch * m_stepsPerEpoch : step;
            m_bestEpoch = bestEpoch;
        }
        return appendReportFile(QFileInfo(m_followPath).dir().filePath(QStringLiteral("report.json")));
    }
    int added = 0;
    if (type == QLatin1String("validation") && o.value(QLatin1String("best")).toBool()) {
        m_bestStep = step;
        m_bestEpoch = epoch;
    }
    // Validation reports: {"predictors": [...]} at the top or under a key.
    if (o.contains(QLatin1String("predictors")))
        added += parseEval(o, step, epoch);
    for (const char* key : {"validation", "report", "eval", "metrics"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isObject())
            continue;
        const QJsonObject vo = v.toObject();
        if (vo.contains(QLatin1String("predictors")))
            added += parseEval(vo, step, epoch);
        else if (isTrainerMetrics(vo))
            added += parseTrainerMetrics(vo, step, epoch);
    }
    // Losses: {"loss": {model: v}} (the trainer's step lines), {"model": m, "loss": v,
    // "val_loss": v} or {"losses": {m: v}} / {"train_loss": {m: v}}.
    const QString model = o.value(QLatin1String("model")).toString(o.value(QLatin1String("predictor")).toString());
    const QString kind = o.value(QLatin1String("split")).toString(QStringLiteral("train"));
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString k = it.key();
        if (!k.contains(QLatin1String("loss")) || k == QLatin1String("logloss"))
            continue;
        QString series = QStringLiteral("loss/train");
        if (k.startsWith(QLatin1String("val")) || (k == QLatin1String("loss") && kind.startsWith(QLatin1String("val"))))
            series = QStringLiteral("loss/validation");
        if (it.value().isDouble() && !model.isEmpty()) {
            append({model, series, 0, -1}, {step, epoch, it.value().toDouble()});
            ++added;
        } else if (it.value().isObject()) {
            const QJsonObject per = it.value().toObject();
            for (auto p = per.begin(); p != per.end(); ++p)
                if (p.value().isDouble()) {
                    append({p.key(), series, 0, -1}, {step, epoch, p.value().toDouble()});
                    ++added;
                }
        }
    }
    return added;
}

int TrainingMetricsModel::appendReportFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    if (!doc.isObject())
        return 0;
    const double step = m_bestStep >= 0 ? m_bestStep : 0;
    const double epoch = m_bestStep >= 0 ? m_bestEpoch : 0;
    // Only per-layer rows that are not there yet (a re-read must not duplicate them).
    const QJsonObject report = doc.object();
    for (const auto& [key, pts] : m_series)
        if (key.layer >= 0 && !pts.empty() && pts.back().step == step)
            return 0;
    return parseEval(report, step, epoch, true);
}

void TrainingMetricsModel::clear()
{
    m_series.clear();
    m_modelNames.clear();
    m_points = 0;
    m_bestStep = -1;
    notify(true);
}

bool TrainingMetricsModel::follow(const QString& path, int intervalMs)
{
    m_followPath = path;
    m_followOffset = 0;
    m_partial.clear();
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, [this] { poll(); });
    }
    m_timer->start(std::max(50, intervalMs));
    poll();
    return QFile::exists(path);
}

void TrainingMetricsModel::stopFollowing()
{
    if (m_timer)
        m_timer->stop();
}

int TrainingMetricsModel::poll()
{
    QFile file(m_followPath);
    if (m_followPath.isEmpty() || !file.open(QIODevice::ReadOnly))
        return 0;
    if (file.size() < m_followOffset) { // truncated / restarted run
        m_followOffset = 0;
        m_partial.clear();
    }
    if (!file.seek(m_followOffset))
        return 0;
    const QByteArray chunk = file.readAll();
    m_followOffset += chunk.size();
    m_partial += chunk;
    int added = 0;
    int start = 0;
    for (int nl = m_partial.indexOf('\n'); nl >= 0; nl = m_partial.indexOf('\n', start)) {
        added += appendJsonLine(m_partial.mid(start, nl - start));
        start = nl + 1;
    }
    m_partial.remove(0, start); // keep an unfinished last line for the next poll
    return added;
}

QStringList TrainingMetricsModel::models() const
{
    QStringList models, baselines;
    for (const QString& m : m_modelNames)
        (isBaseline(m) ? baselines : models) << m;
    // The three predictors in their documented order first.
    QStringList ordered;
    for (const char* n : {speculate::kInterLayer, speculate::kStatistics, speculate::kEnsemble})
        if (models.removeAll(QLatin1String(n)) > 0)
            ordered << QLatin1String(n);
    return ordered + models + baselines;
}

QStringList TrainingMetricsModel::metrics() const
{
    std::set<QString> all;
    for (const auto& [key, pts] : m_series)
        if (!isLossMetric(key.metric))
            all.insert(key.metric);
    QStringList out;
    for (const char* preferred : {"top1", "exact"})
        if (all.erase(QLatin1String(preferred)))
            out << QLatin1String(preferred);
    QStringList rest(all.begin(), all.end());
    std::sort(rest.begin(), rest.end(), [](const QString& a, const QString& b) {
        if (a.startsWith(QLatin1String("recall@")) && b.startsWith(QLatin1String("recall@")))
            return a.mid(7).toInt() < b.mid(7).toInt();
        return a < b;
    });
    return out + rest;
}

QStringList TrainingMetricsModel::lossMetrics() const
{
    std::set<QString> all;
    for (const auto& [key, pts] : m_series)
        if (isLossMetric(key.metric))
            all.insert(key.metric);
    return QStringList(all.begin(), all.end());
}

std::vector<int> TrainingMetricsModel::horizons() const
{
    std::set<int> all;
    for (const auto& [key, pts] : m_series)
        if (key.horizon > 0)
            all.insert(key.horizon);
    return {all.begin(), all.end()};
}

std::vector<int> TrainingMetricsModel::layers() const
{
    std::set<int> all;
    for (const auto& [key, pts] : m_series)
        if (key.layer >= 0)
            all.insert(key.layer);
    return {all.begin(), all.end()};
}

const std::vector<MetricPoint>* TrainingMetricsModel::series(const MetricKey& key) const
{
    const auto it = m_series.find(key);
    return it == m_series.end() ? nullptr : &it->second;
}

std::optional<double> TrainingMetricsModel::finalValue(const MetricKey& key) const
{
    const auto* s = series(key);
    if (!s || s->empty())
        return std::nullopt;
    return s->back().value;
}

bool TrainingMetricsModel::writeCsv(const QString& path, QString* error) const
{
    QString out = csvLine({QStringLiteral("model"), QStringLiteral("baseline"), QStringLiteral("metric"),
                           QStringLiteral("horizon"), QStringLiteral("layer"), QStringLiteral("step"),
                           QStringLiteral("epoch"), QStringLiteral("value")});
    for (const auto& [key, pts] : m_series)
        for (const MetricPoint& p : pts)
            out += csvLine({key.model, isBaseline(key.model) ? QStringLiteral("1") : QStringLiteral("0"), key.metric,
                            QString::number(key.horizon), QString::number(key.layer), QString::number(p.step, 'g', 12),
                            QString::number(p.epoch, 'g', 8), QString::number(p.value, 'g', 8)});
    return writeTextFile(path, out, error);
}

} // namespace specmoe::widgets
