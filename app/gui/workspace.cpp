#include "app/gui/workspace.h"

#include "core/speculate/train.h"
#include "widgets/training_run_views.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace specmoe::gui {

bool readJsonObject(const QString& path, QJsonObject* out, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = Workspace::tr("Cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error = Workspace::tr("%1 is not a JSON object: %2").arg(path, pe.errorString());
        return false;
    }
    *out = doc.object();
    return true;
}

namespace {

QString number(qint64 n) { return QLocale().toString(n); }

QString bytes(qint64 n) { return QLocale().formattedDataSize(n, 1, QLocale::DataSizeIecFormat); }

QString scalarText(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool: return v.toBool() ? Workspace::tr("yes") : Workspace::tr("no");
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == double(qint64(d)) && qAbs(d) < 1e15)
            return number(qint64(d));
        return QLocale().toString(d, 'g', 4);
    }
    case QJsonValue::String: return v.toString();
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        QStringList parts;
        for (const QJsonValue& x : a) {
            if (x.isObject() || x.isArray())
                return Workspace::tr("%n items", nullptr, int(a.size()));
            parts << scalarText(x);
        }
        return parts.join(QStringLiteral(", "));
    }
    default: return {};
    }
}

// The first of several keys present in an object (manifest layouts may name a fact
// differently), searched at the top level and in the given sub-objects.
QJsonValue lookup(const QJsonObject& o, const QStringList& keys, const QStringList& subObjects = {})
{
    for (const QString& k : keys)
        if (o.contains(k))
            return o.value(k);
    for (const QString& s : subObjects) {
        const QJsonObject sub = o.value(s).toObject();
        for (const QString& k : keys)
            if (sub.contains(k))
                return sub.value(k);
    }
    return {};
}

QStringList subfolders(const QString& dir)
{
    QStringList out;
    const QFileInfoList infos =
        QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::IgnoreCase);
    for (const QFileInfo& fi : infos)
        out << fi.absoluteFilePath();
    return out;
}

QJsonArray toArray(const QStringList& l)
{
    QJsonArray a;
    for (const QString& s : l)
        a.append(s);
    return a;
}

QStringList toStringList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        if (x.isString())
            out << x.toString();
    return out;
}

QString lastLine(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = f.size();
    const qint64 from = qMax<qint64>(0, size - 65536);
    f.seek(from);
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (!it->trimmed().isEmpty())
            return QString::fromUtf8(it->trimmed());
    return {};
}

// One line on an evaluation report (report.json, evaluation-*.json): the best trained
// model's recall@k at horizon 1 beside the frequency and Markov baselines; empty when absent.
QString reportSummary(const std::string& file)
{
    if (file.empty() || !QFileInfo::exists(QString::fromStdString(file)))
        return {};
    try {
        const speculate::EvalReport r = speculate::EvalReport::load(file);
        const int k = r.dims.topk;
        const speculate::PredictorMetrics* best = nullptr;
        for (const auto& p : r.predictors)
            if (!p.baseline && !p.horizons.empty() &&
                (!best || p.horizons.front().overall.recallAt(k) > best->horizons.front().overall.recallAt(k)))
                best = &p;
        if (!best)
            return {};
        auto recall = [&](const char* name) {
            const speculate::PredictorMetrics* p = r.find(name);
            return p && !p->horizons.empty() ? QString::number(p->horizons.front().overall.recallAt(k), 'f', 3)
                                             : QStringLiteral("–");
        };
        return Workspace::tr("%1 split, %2 tokens: %3 recall@%4 %5 (frequency %6, Markov %7), horizon 1")
            .arg(widgets::TrainingRunViews::splitName(QString::fromStdString(r.split)), QLocale().toString(qlonglong(r.tokens)),
                 QString::fromStdString(best->name))
            .arg(k)
            .arg(QString::number(best->horizons.front().overall.recallAt(k), 'f', 3), recall(speculate::kFrequency),
                 recall(speculate::kMarkov));
    } catch (const std::exception&) {
        return Workspace::tr("unreadable report %1").arg(QFileInfo(QString::fromStdString(file)).fileName());
    }
}

} // namespace

bool Workspace::isWorkspace(const QString& dir)
{
    return QFileInfo::exists(QDir(dir).filePath(fileName()));
}

bool Workspace::create(const QString& dir, const QString& name, Workspace* out, QString* error)
{
    QDir d(dir);
    if (isWorkspace(dir)) {
        if (error)
            *error = tr("%1 already holds a workspace.").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    if (!d.mkpath(QStringLiteral(".")) || !d.mkpath(QStringLiteral("traces")) || !d.mkpath(QStringLiteral("runs"))) {
        if (error)
            *error = tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    Workspace w;
    w.m_root = QFileInfo(d.absolutePath()).absoluteFilePath();
    w.m_name = name.trimmed().isEmpty() ? QFileInfo(w.m_root).fileName() : name.trimmed();
    if (!w.save(error))
        return false;
    *out = w;
    return true;
}

bool Workspace::open(const QString& dir, Workspace* out, QString* error)
{
    const QString root = QFileInfo(dir).absoluteFilePath();
    const QString file = QDir(root).filePath(fileName());
    QJsonObject o;
    if (!readJsonObject(file, &o, error))
        return false;
    if (o.value(QStringLiteral("format")).toString() != QLatin1String("specmoe-workspace")) {
        if (error)
            *error = tr("%1: field \"format\" is not \"specmoe-workspace\".").arg(file);
        return false;
    }
    const int version = o.value(QStringLiteral("version")).toInt();
    if (version < 1 || version > kVersion) {
        if (error)
            *error = tr("%1: unsupported workspace version %2.").arg(file).arg(version);
        return false;
    }
    Workspace w;
    w.m_root = root;
    w.m_name = o.value(QStringLiteral("name")).toString(QFileInfo(root).fileName());
    for (const QString& m : toStringList(o.value(QStringLiteral("models"))))
        w.m_models << w.fromStored(m);
    for (const QString& m : toStringList(o.value(QStringLiteral("traceSets"))))
        w.m_extraTraceSets << w.fromStored(m);
    for (const QString& m : toStringList(o.value(QStringLiteral("runs"))))
        w.m_extraRuns << w.fromStored(m);
    for (const QJsonValue& v : o.value(QStringLiteral("jobs")).toArray()) {
        const QJsonObject j = v.toObject();
        JobSpec s;
        s.kind = j.value(QStringLiteral("kind")).toString();
        s.title = j.value(QStringLiteral("title")).toString();
        s.outputPath = w.fromStored(j.value(QStringLiteral("outputPath")).toString());
        s.params = j.value(QStringLiteral("params")).toObject();
        s.resumable = j.value(QStringLiteral("resumable")).toBool(true);
        if (!s.kind.isEmpty())
            w.m_jobs.push_back(s);
    }
    for (const QJsonValue& v : o.value(QStringLiteral("views")).toArray()) {
        const QJsonObject j = v.toObject();
        OpenView view;
        const QString kind = j.value(QStringLiteral("kind")).toString();
        view.kind = kind == QLatin1String("run")     ? widgets::WorkspaceEntry::Run
                    : kind == QLatin1String("model") ? widgets::WorkspaceEntry::Model
                                                     : widgets::WorkspaceEntry::TraceSet;
        view.path = w.fromStored(j.value(QStringLiteral("path")).toString());
        view.view = j.value(QStringLiteral("view")).toString();
        if (!view.path.isEmpty())
            w.m_views.push_back(view);
    }
    QDir(root).mkpath(QStringLiteral("traces"));
    QDir(root).mkpath(QStringLiteral("runs"));
    *out = w;
    return true;
}

bool Workspace::save(QString* error) const
{
    QJsonObject o;
    o.insert(QStringLiteral("format"), QStringLiteral("specmoe-workspace"));
    o.insert(QStringLiteral("version"), kVersion);
    o.insert(QStringLiteral("name"), m_name);
    QStringList models, traces, runs;
    for (const QString& m : m_models)
        models << toStored(m);
    for (const QString& m : m_extraTraceSets)
        traces << toStored(m);
    for (const QString& m : m_extraRuns)
        runs << toStored(m);
    o.insert(QStringLiteral("models"), toArray(models));
    o.insert(QStringLiteral("traceSets"), toArray(traces));
    o.insert(QStringLiteral("runs"), toArray(runs));
    QJsonArray jobs;
    for (const JobSpec& s : m_jobs) {
        QJsonObject j;
        j.insert(QStringLiteral("kind"), s.kind);
        j.insert(QStringLiteral("title"), s.title);
        j.insert(QStringLiteral("outputPath"), toStored(s.outputPath));
        j.insert(QStringLiteral("params"), s.params);
        j.insert(QStringLiteral("resumable"), s.resumable);
        jobs.append(j);
    }
    o.insert(QStringLiteral("jobs"), jobs);
    QJsonArray views;
    for (const OpenView& v : m_views) {
        QJsonObject j;
        j.insert(QStringLiteral("kind"), v.kind == widgets::WorkspaceEntry::Run     ? QStringLiteral("run")
                                         : v.kind == widgets::WorkspaceEntry::Model ? QStringLiteral("model")
                                                                                    : QStringLiteral("traceSet"));
        j.insert(QStringLiteral("path"), toStored(v.path));
        j.insert(QStringLiteral("view"), v.view);
        views.append(j);
    }
    o.insert(QStringLiteral("views"), views);

    QSaveFile f(QDir(m_root).filePath(fileName()));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson(QJsonDocument::Indented)) < 0 ||
        !f.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    return true;
}

QString Workspace::toStored(const QString& path) const
{
    const QString rel = QDir(m_root).relativeFilePath(path);
    return rel.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(rel) ? path : rel;
}

QString Workspace::fromStored(const QString& path) const
{
    if (path.isEmpty())
        return path;
    return QDir::isAbsolutePath(path) ? QDir::cleanPath(path) : QDir::cleanPath(QDir(m_root).filePath(path));
}

QString Workspace::tracesDir() const { return QDir(m_root).filePath(QStringLiteral("traces")); }
QString Workspace::runsDir() const { return QDir(m_root).filePath(QStringLiteral("runs")); }

static QString uniqueIn(const QString& parent, const QString& base)
{
    QString clean = base.trimmed();
    clean.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    if (clean.isEmpty())
        clean = QStringLiteral("item");
    QString candidate = QDir(parent).filePath(clean);
    for (int i = 2; QFileInfo::exists(candidate); ++i)
        candidate = QDir(parent).filePath(QStringLiteral("%1-%2").arg(clean).arg(i));
    return candidate;
}

QString Workspace::uniqueTraceDir(const QString& base) const { return uniqueIn(tracesDir(), base); }
QString Workspace::uniqueRunDir(const QString& base) const { return uniqueIn(runsDir(), base); }

void Workspace::addModel(const QString& dir)
{
    const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    if (!m_models.contains(clean))
        m_models << clean;
}

void Workspace::removeModel(const QString& dir)
{
    m_models.removeAll(QDir::cleanPath(dir));
}

void Workspace::addTraceSet(const QString& dir)
{
    const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    if (QFileInfo(clean).absolutePath() != QDir::cleanPath(tracesDir()) && !m_extraTraceSets.contains(clean))
        m_extraTraceSets << clean;
}

void Workspace::addRun(const QString& dir)
{
    const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    if (QFileInfo(clean).absolutePath() != QDir::cleanPath(runsDir()) && !m_extraRuns.contains(clean))
        m_extraRuns << clean;
}

void Workspace::setPendingJob(const JobSpec& spec)
{
    for (JobSpec& s : m_jobs) {
        if (s.outputPath == spec.outputPath) {
            s = spec;
            return;
        }
    }
    m_jobs.push_back(spec);
}

void Workspace::removePendingJob(const QString& outputPath)
{
    m_jobs.erase(std::remove_if(m_jobs.begin(), m_jobs.end(),
                                [&](const JobSpec& s) { return s.outputPath == outputPath; }),
                 m_jobs.end());
}

QStringList Workspace::traceSetDirs() const
{
    QStringList out;
    for (const QString& d : subfolders(tracesDir()))
        out << d; // folders without a manifest yet are shown too (a collection in progress)
    for (const QString& d : m_extraTraceSets)
        if (!out.contains(d))
            out << d;
    return out;
}

QStringList Workspace::runDirs() const
{
    QStringList out = subfolders(runsDir());
    for (const QString& d : m_extraRuns)
        if (!out.contains(d))
            out << d;
    return out;
}

widgets::WorkspaceContents Workspace::scan() const
{
    widgets::WorkspaceContents c;
    c.name = m_name;
    c.root = m_root;
    for (const QString& d : traceSetDirs())
        c.traceSets.push_back(describeTraceSet(d));
    for (const QString& d : runDirs())
        c.runs.push_back(describeRun(d));
    for (const QString& d : m_models)
        c.models.push_back(describeModel(d));
    return c;
}

widgets::WorkspaceEntry Workspace::describeTraceSet(const QString& dir)
{
    using widgets::WorkspaceEntry;
    WorkspaceEntry e;
    e.kind = WorkspaceEntry::TraceSet;
    e.path = dir;
    e.name = QFileInfo(dir).fileName();
    QJsonObject m;
    QString error;
    const QString manifest = QDir(dir).filePath(QStringLiteral("manifest.json"));
    if (!QFileInfo::exists(manifest)) {
        e.health = WorkspaceEntry::Incomplete;
        e.summary = tr("no manifest yet");
        return e;
    }
    if (!readJsonObject(manifest, &m, &error)) {
        e.health = WorkspaceEntry::Failed;
        e.summary = tr("unreadable manifest");
        e.details.push_back({tr("Error"), error});
        return e;
    }
    const QJsonArray shards = m.value(QStringLiteral("shards")).toArray();
    qint64 tokens = 0, sequences = 0, fileBytes = 0;
    for (const QJsonValue& s : shards) {
        const QJsonObject so = s.toObject();
        tokens += so.value(QStringLiteral("tokens")).toInteger();
        sequences += so.value(QStringLiteral("sequences")).toInteger();
        fileBytes += so.value(QStringLiteral("bytes")).toInteger();
    }
    const QJsonValue t = lookup(m, {QStringLiteral("tokens"), QStringLiteral("numTokens"), QStringLiteral("total_tokens")}, {QStringLiteral("totals")});
    if (t.isDouble())
        tokens = t.toInteger();
    const QJsonValue sq = lookup(m, {QStringLiteral("sequences"), QStringLiteral("numSequences"), QStringLiteral("total_sequences")}, {QStringLiteral("totals")});
    if (sq.isDouble())
        sequences = sq.toInteger();
    const bool complete = lookup(m, {QStringLiteral("complete")}).toBool(false);
    e.health = complete ? WorkspaceEntry::Ok : WorkspaceEntry::Incomplete;
    e.summary = complete ? tr("%1 tokens").arg(number(tokens)) : tr("%1 tokens, incomplete").arg(number(tokens));

    e.details.push_back({tr("Tokens"), number(tokens)});
    e.details.push_back({tr("Sequences"), number(sequences)});
    e.details.push_back({tr("Shards"), tr("%n shards", nullptr, int(shards.size())) +
                                            (fileBytes > 0 ? QStringLiteral(" (%1)").arg(bytes(fileBytes)) : QString())});
    const QStringList dimsObjects{QStringLiteral("dims"), QStringLiteral("model"), QStringLiteral("runConfig"), QStringLiteral("run_config")};
    const QJsonValue layers = lookup(m, {QStringLiteral("layers"), QStringLiteral("num_layers")}, dimsObjects);
    const QJsonValue experts = lookup(m, {QStringLiteral("experts"), QStringLiteral("num_experts")}, dimsObjects);
    const QJsonValue topk = lookup(m, {QStringLiteral("topk"), QStringLiteral("top_k")}, dimsObjects);
    if (layers.isDouble() && experts.isDouble())
        e.details.push_back({tr("Routing"), tr("%1 layers × %2 experts, top-%3")
                                                 .arg(layers.toInt()).arg(experts.toInt()).arg(topk.toInt())});
    const QJsonValue lookahead = lookup(m, {QStringLiteral("lookahead")}, dimsObjects);
    if (lookahead.isArray() && !lookahead.toArray().isEmpty())
        e.details.push_back({tr("Lookahead probes"), scalarText(lookahead)});
    const QStringList runObjects{QStringLiteral("runConfig"), QStringLiteral("run_config"), QStringLiteral("run"), QStringLiteral("fingerprint")};
    const QJsonValue model = lookup(m, {QStringLiteral("model"), QStringLiteral("modelDir"), QStringLiteral("model_dir")}, runObjects);
    if (model.isString())
        e.details.push_back({tr("Model"), model.toString()});
    const QJsonValue dtype = lookup(m, {QStringLiteral("dtype")}, runObjects);
    if (dtype.isString())
        e.details.push_back({tr("Compute dtype"), dtype.toString()});
    const QJsonValue sources = lookup(m, {QStringLiteral("sources")}, runObjects);
    if (sources.isArray()) {
        QStringList names;
        for (const QJsonValue& s : sources.toArray())
            names << (s.isObject() ? s.toObject().value(QStringLiteral("name")).toString() : s.toString());
        names.removeAll(QString());
        if (!names.isEmpty())
            e.details.push_back({tr("Sources"), names.join(QStringLiteral(", "))});
    }
    e.details.push_back({tr("State"), complete ? tr("complete") : tr("incomplete (can be resumed)")});
    e.details.push_back({tr("Folder"), QDir::toNativeSeparators(dir)});
    return e;
}

widgets::WorkspaceEntry Workspace::describeRun(const QString& dir)
{
    using widgets::WorkspaceEntry;
    WorkspaceEntry e;
    e.kind = WorkspaceEntry::Run;
    e.path = dir;
    e.name = QFileInfo(dir).fileName();
    const QDir d(dir);
    QJsonObject report;
    const bool finished = readJsonObject(d.filePath(QStringLiteral("report.json")), &report, nullptr);
    const QString last = lastLine(d.filePath(QStringLiteral("metrics.jsonl")));
    QJsonObject metrics;
    if (!last.isEmpty())
        metrics = QJsonDocument::fromJson(last.toUtf8()).object();

    e.health = finished ? WorkspaceEntry::Ok : WorkspaceEntry::Incomplete;
    const QJsonValue epoch = lookup(metrics,
                                    {QStringLiteral("epochsRun"), QStringLiteral("epochs_run"), QStringLiteral("epochs"),
                                     QStringLiteral("epoch")},
                                    {QStringLiteral("result")});
    if (finished)
        e.summary = epoch.isDouble() ? tr("finished after %n epochs", nullptr, epoch.toInt()) : tr("finished");
    else if (!metrics.isEmpty())
        e.summary = epoch.isDouble() ? tr("incomplete, epoch %1").arg(epoch.toInt()) : tr("incomplete");
    else
        e.summary = tr("not started");

    if (finished) {
        // The best validation figures, and those of the latest evaluation (test split).
        const QJsonValue bestEpoch = metrics.value(QStringLiteral("best_epoch"));
        if (bestEpoch.isDouble())
            e.details.push_back({tr("Best epoch"), QString::number(bestEpoch.toInt())});
        const QString validation = reportSummary(d.filePath(QStringLiteral("report.json")).toStdString());
        if (!validation.isEmpty())
            e.details.push_back({tr("Validation"), validation});
    } else {
        // The last metrics line as it is (step, loss, ...).
        int shown = 0;
        for (auto it = metrics.constBegin(); it != metrics.constEnd() && shown < 14; ++it) {
            const QString text = scalarText(it.value());
            if (text.isEmpty() || it.value().isObject() || text.size() > 80)
                continue;
            e.details.push_back({it.key(), text});
            ++shown;
        }
    }
    QStringList traces;
    for (const std::string& t : speculate::runTraceDirs(dir.toStdString()))
        traces << QDir::toNativeSeparators(QString::fromStdString(t));
    if (!traces.isEmpty())
        e.details.push_back({tr("Trace sets"), traces.join(QStringLiteral(", "))});
    const QString evaluation = reportSummary(speculate::latestEvaluationFile(dir.toStdString()));
    if (!evaluation.isEmpty())
        e.details.push_back({tr("Latest evaluation"), evaluation});
    e.details.push_back({tr("State"), finished ? tr("finished") : tr("incomplete (can be resumed)")});
    e.details.push_back({tr("Folder"), QDir::toNativeSeparators(dir)});
    return e;
}

widgets::WorkspaceEntry Workspace::describeModel(const QString& dir)
{
    using widgets::WorkspaceEntry;
    WorkspaceEntry e;
    e.kind = WorkspaceEntry::Model;
    e.path = dir;
    e.name = QFileInfo(dir).fileName();
    QJsonObject c;
    QString error;
    if (!readJsonObject(QDir(dir).filePath(QStringLiteral("config.json")), &c, &error)) {
        e.health = WorkspaceEntry::Failed;
        e.summary = tr("missing or unreadable config.json");
        e.details.push_back({tr("Error"), error});
        return e;
    }
    const int layers = c.value(QStringLiteral("num_hidden_layers")).toInt();
    const int experts = c.value(QStringLiteral("num_local_experts")).toInt();
    const int topk = c.value(QStringLiteral("num_experts_per_tok")).toInt();
    e.summary = tr("%1 layers × %2 experts, top-%3").arg(layers).arg(experts).arg(topk);
    e.details.push_back({tr("Architecture"), scalarText(c.value(QStringLiteral("architectures")))});
    e.details.push_back({tr("Hidden size"), scalarText(c.value(QStringLiteral("hidden_size")))});
    e.details.push_back({tr("Vocabulary"), scalarText(c.value(QStringLiteral("vocab_size")))});
    e.details.push_back({tr("Stored dtype"), scalarText(c.value(QStringLiteral("torch_dtype")))});
    e.details.push_back({tr("Folder"), QDir::toNativeSeparators(dir)});
    return e;
}

} // namespace specmoe::gui
