#include "widgets/training_metrics_series.h"

#include "core/speculate/metrics_log.h"
#include "core/speculate/train.h"
#include "widgets/export.h"

#include <QFile>
#include <QFileInfo>
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

TrainingMetricsSeries::TrainingMetricsSeries(QObject* parent)
    : QObject(parent)
{
}

void TrainingMetricsSeries::setBaseline(const QString& model, bool baseline)
{
    m_baseline[model] = baseline;
}

bool TrainingMetricsSeries::isBaseline(const QString& model) const
{
    const auto it = m_baseline.find(model);
    return it != m_baseline.end() ? it->second : knownBaseline(model);
}

void TrainingMetricsSeries::notify(bool structural)
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

void TrainingMetricsSeries::append(const MetricKey& key, const MetricPoint& point)
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

int TrainingMetricsSeries::addMetrics(const QString& model, int horizon, int layer, const speculate::Metrics& m,
                                     double step, double epoch)
{
    if (m.samples == 0)
        return 0; // no samples (e.g. a layer a horizon cannot predict)
    int added = 0;
    auto add = [&](const QString& metric, double value) {
        if (!std::isfinite(value))
            return; // not on the line (or not finite)
        append({model, metric, horizon, layer}, {step, epoch, value});
        ++added;
    };
    add(QStringLiteral("top1"), m.top1);
    add(QStringLiteral("exact"), m.exact);
    add(QStringLiteral("logloss"), m.logloss);
    add(QStringLiteral("ece"), m.ece);
    static const QStringList recallNames = [] {
        QStringList names;
        for (int r = 1; r <= 256; ++r)
            names << QStringLiteral("recall@%1").arg(r);
        return names;
    }();
    for (int r = 0; r < std::min<int>(int(m.recall.size()), int(recallNames.size())); ++r)
        add(recallNames[r], m.recall[size_t(r)]);
    return added;
}

int TrainingMetricsSeries::addScores(const speculate::LoggedScores& s, double step, double epoch)
{
    const QString name = QString::fromStdString(s.predictor);
    if (s.baseline)
        setBaseline(name, *s.baseline);
    int added = addMetrics(name, s.horizon, -1, s.overall, step, epoch);
    for (size_t l = 0; l < s.perLayer.size(); ++l)
        added += addMetrics(name, s.horizon, int(l), s.perLayer[l], step, epoch);
    return added;
}

void TrainingMetricsSeries::restart()
{
    m_series.clear();
    m_modelNames.clear();
    m_points = 0;
    m_bestStep = -1;
    notify(true);
}

int TrainingMetricsSeries::appendJsonLine(const QByteArray& line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return 0;
    try {
        return appendRecord(speculate::parseMetricsLine(trimmed.toStdString(), "metrics line"));
    } catch (const std::exception&) {
        return 0; // a damaged line adds nothing; the workspace tree names it
    }
}

int TrainingMetricsSeries::appendRecord(const speculate::MetricsRecord& r)
{
    using speculate::MetricsLineType;
    const double step = double(r.step);
    // The trainer writes the 1-based epoch in progress; with steps_per_epoch from its start
    // line the epoch axis is continuous (step / steps per epoch; epoch e ends at e).
    const double epoch = m_stepsPerEpoch > 0 ? step / m_stepsPerEpoch : r.epoch.value_or(0.0);

    if (r.type == MetricsLineType::Start) {
        // A fresh (not resumed) run restarts the curves.
        if (!r.resumed && !m_series.empty())
            restart();
        for (const std::string& m : r.models)
            setBaseline(QString::fromStdString(m), false);
        for (const std::string& b : r.baselines)
            setBaseline(QString::fromStdString(b), true);
        m_stepsPerEpoch = double(r.stepsPerEpoch);
        return 0;
    }
    if (r.type == MetricsLineType::End) {
        // Its "validation" repeats the best epoch's values (already plotted). The per-layer
        // values of the best predictor are in report.json next to the followed file.
        if (m_followPath.isEmpty() || r.status == "cancelled")
            return 0;
        if (m_bestStep < 0) {
            m_bestStep = m_stepsPerEpoch > 0 ? r.bestEpoch * m_stepsPerEpoch : step;
            m_bestEpoch = r.bestEpoch;
        }
        const std::string runDir = QFileInfo(m_followPath).absolutePath().toStdString();
        return appendReportFile(QString::fromStdString(speculate::RunFolder::reportFile(runDir)));
    }
    int added = 0;
    if (r.type == MetricsLineType::Validation && r.best) {
        m_bestStep = step;
        m_bestEpoch = epoch;
    }
    for (const speculate::LoggedScores& s : r.scores)
        added += addScores(s, step, epoch);
    for (const auto& [model, value] : r.loss)
        if (std::isfinite(value)) {
            append({QString::fromStdString(model), QStringLiteral("loss/train"), 0, -1}, {step, epoch, value});
            ++added;
        }
    return added;
}

int TrainingMetricsSeries::appendReportFile(const QString& path)
{
    if (!QFileInfo::exists(path))
        return 0;
    speculate::EvalReport report;
    try {
        report = speculate::EvalReport::load(path.toStdString());
    } catch (const std::exception&) {
        return 0; // a damaged report: the curves keep the validation lines
    }
    const double step = m_bestStep >= 0 ? m_bestStep : 0;
    const double epoch = m_bestStep >= 0 ? m_bestEpoch : 0;
    // Only per-layer rows that are not there yet (a re-read must not duplicate them).
    for (const auto& [key, pts] : m_series)
        if (key.layer >= 0 && !pts.empty() && pts.back().step == step)
            return 0;
    int added = 0;
    for (const speculate::PredictorMetrics& p : report.predictors) {
        const QString name = QString::fromStdString(p.name);
        setBaseline(name, p.baseline);
        for (const speculate::HorizonMetrics& h : p.horizons)
            for (size_t l = 0; l < h.perLayer.size(); ++l)
                added += addMetrics(name, h.horizon, int(l), h.perLayer[l], step, epoch);
    }
    return added;
}

void TrainingMetricsSeries::clear()
{
    restart();
}

bool TrainingMetricsSeries::follow(const QString& path, int intervalMs)
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

void TrainingMetricsSeries::stopFollowing()
{
    if (m_timer)
        m_timer->stop();
}

int TrainingMetricsSeries::poll()
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

QStringList TrainingMetricsSeries::models() const
{
    QStringList models, baselines;
    for (const QString& m : m_modelNames)
        (isBaseline(m) ? baselines : models) << m;
    // The predictors in their documented order first.
    QStringList ordered;
    for (const char* n : {speculate::kInterLayer, speculate::kStatistics, speculate::kHiddenState, speculate::kEnsemble})
        if (models.removeAll(QLatin1String(n)) > 0)
            ordered << QLatin1String(n);
    return ordered + models + baselines;
}

QStringList TrainingMetricsSeries::metrics() const
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

QStringList TrainingMetricsSeries::lossMetrics() const
{
    std::set<QString> all;
    for (const auto& [key, pts] : m_series)
        if (isLossMetric(key.metric))
            all.insert(key.metric);
    return QStringList(all.begin(), all.end());
}

std::vector<int> TrainingMetricsSeries::horizons() const
{
    std::set<int> all;
    for (const auto& [key, pts] : m_series)
        if (key.horizon > 0)
            all.insert(key.horizon);
    return {all.begin(), all.end()};
}

std::vector<int> TrainingMetricsSeries::layers() const
{
    std::set<int> all;
    for (const auto& [key, pts] : m_series)
        if (key.layer >= 0)
            all.insert(key.layer);
    return {all.begin(), all.end()};
}

const std::vector<MetricPoint>* TrainingMetricsSeries::series(const MetricKey& key) const
{
    const auto it = m_series.find(key);
    return it == m_series.end() ? nullptr : &it->second;
}

std::optional<double> TrainingMetricsSeries::finalValue(const MetricKey& key) const
{
    const auto* s = series(key);
    if (!s || s->empty())
        return std::nullopt;
    return s->back().value;
}

bool TrainingMetricsSeries::writeCsv(const QString& path, QString* error) const
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
