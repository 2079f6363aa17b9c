#include "widgets/training_metrics_model.h"

#include "core/speculate/train.h"
#include "widgets/export.h"

#include <QFile>
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
    it->second.push_back(point);
    ++m_points;
    notify(fresh);
}

int TrainingMetricsModel::parseEval(const QJsonObject& report, double step, double epoch)
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
            auto addMetrics = [&](const QJsonObject& m, int layer) {
                if (m.value(QLatin1String("n")).toDouble(1) <= 0)
                    return;
                for (const char* f : {"top1", "exact", "logloss", "ece"}) {
                    const QJsonValue v = m.value(QLatin1String(f));
                    if (v.isDouble()) {
                        append({name, QLatin1String(f), horizon, layer}, {step, epoch, v.toDouble()});
                        ++added;
                    }
                }
                const QJsonArray recall = m.value(QLatin1String("recall")).toArray();
                for (int r = 0; r < recall.size(); ++r) {
                    append({name, QStringLiteral("recall@%1").arg(r + 1), horizon, layer},
                           {step, epoch, recall[r].toDouble()});
                    ++added;
                }
            };
            addMetrics(h.value(QLatin1String("overall")).toObject(), -1);
            const QJsonArray perLayer = h.value(QLatin1String("perLayer")).toArray();
            for (int l = 0; l < perLayer.size(); ++l)
                if (perLayer[l].isObject())
                    addMetrics(perLayer[l].toObject(), l);
        }
    }
    return added;
}

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
    const double step = o.value(QLatin1String("step")).toDouble(0);
    const double epoch = o.value(QLatin1String("epoch")).toDouble(0);
    int added = 0;
    // Validation reports: {"predictors": [...]} at the top or under a key.
    if (o.contains(QLatin1String("predictors")))
        added += parseEval(o, step, epoch);
    for (const char* key : {"validation", "report", "eval", "metrics"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isObject() && v.toObject().contains(QLatin1String("predictors")))
            added += parseEval(v.toObject(), step, epoch);
    }
    // Losses: {"model": m, "loss": v, "val_loss": v} or {"losses": {m: v}} / {"train_loss": {m: v}}.
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

void TrainingMetricsModel::clear()
{
    m_series.clear();
    m_points = 0;
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
    std::set<QString> all;
    for (const auto& [key, pts] : m_series)
        all.insert(key.model);
    QStringList models, baselines;
    for (const QString& m : all)
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
