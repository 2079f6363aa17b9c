#include "app/gui/workspace.h"

#include "core/model/model_summary.h"
#include "core/simulate/simulation_file.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/train.h"
#include "core/trace/trace_set.h"
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
            return p && !p->horizons.empty() ? QLocale().toString(p->horizons.front().overall.recallAt(k), 'f', 3)
                                             : QStringLiteral("–");
        };
        return Workspace::tr("%1 split, %2 tokens: %3 recall@%4 %5 (frequency %6, Markov %7), horizon 1")
            .arg(widgets::TrainingRunViews::splitName(QString::fromStdString(r.split)), QLocale().toString(qlonglong(r.tokens)),
                 QString::fromStdString(best->name))
            .arg(k)
            .arg(QLocale().toString(best->horizons.front().overall.recallAt(k), 'f', 3), recall(speculate::kFrequency),
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
        view.kind = kind == QLatin1String("run")          ? widgets::WorkspaceEntry::Run
                    : kind == QLatin1String("model")      ? widgets::WorkspaceEntry::Model
                    : kind == QLatin1String("simulation") ? widgets::WorkspaceEntry::Simulation
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
        j.insert(QStringLiteral("kind"), v.kind == widgets::WorkspaceEntry::Run          ? QStringLiteral("run")
                                         : v.kind == widgets::WorkspaceEntry::Model      ? QStringLiteral("model")
                                         : v.kind == widgets::WorkspaceEntry::Simulation ? QStringLiteral("simulation")
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
QString Workspace::simulationsDir() const { return QDir(m_root).filePath(QStringLiteral("simulations")); }

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
QString Workspace::uniqueSimulationDir(const QString& base) const { return uniqueIn(simulationsDir(), base); }

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

QStringList Workspace::simulationDirs() const
{
    return subfolders(simulationsDir()); // those without simulation.json yet are shown too (running)
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
    for (const QString& d : simulationDirs())
        c.simulations.push_back(describeSimulation(d));
    return c;
}

widgets::WorkspaceEntry Workspace::describeTraceSet(const QString& dir)
{
    using widgets::WorkspaceEntry;
    WorkspaceEntry e;
    e.kind = WorkspaceEntry::TraceSet;
    e.path = dir;
    e.name = QFileInfo(dir).fileName();
    if (!TraceSet::isTraceFolder(dir.toStdString())) {
        e.health = WorkspaceEntry::Incomplete;
        e.summary = tr("no manifest yet");
        return e;
    }
    TraceSet set;
    try {
        set = TraceSet::open(dir.toStdString());
    } catch (const std::exception& ex) {
        e.health = WorkspaceEntry::Failed;
        e.summary = tr("unreadable manifest");
        e.details.push_back({tr("Error"), QString::fromStdString(ex.what())});
        return e;
    }
    const TraceTotals totals = set.totals();
    const bool complete = set.complete();
    e.health = complete ? WorkspaceEntry::Ok : WorkspaceEntry::Incomplete;
    e.summary = complete ? tr("%1 tokens").arg(number(totals.tokens)) : tr("%1 tokens, incomplete").arg(number(totals.tokens));

    e.details.push_back({tr("Tokens"), number(totals.tokens)});
    e.details.push_back({tr("Sequences"), number(totals.sequences)});
    e.details.push_back({tr("Shards"), tr("%n shards", nullptr, int(totals.shards)) +
                                            (totals.fileBytes > 0 ? QStringLiteral(" (%1)").arg(bytes(totals.fileBytes)) : QString())});
    const TraceDims& dims = set.dims();
    e.details.push_back({tr("Routing"), tr("%1 layers × %2 experts, top-%3").arg(dims.layers).arg(dims.experts).arg(dims.topk)});
    if (!dims.lookahead.empty()) {
        QStringList probes;
        for (int d : dims.lookahead)
            probes << number(d);
        e.details.push_back({tr("Lookahead probes"), probes.join(QStringLiteral(", "))});
    }
    const TraceRunConfig& run = set.runConfig();
    if (!run.modelDir.empty())
        e.details.push_back({tr("Model"), QString::fromStdString(run.modelDir)});
    const std::string dtype = !run.dtype.empty() ? run.dtype : set.fingerprint().dtype;
    if (!dtype.empty())
        e.details.push_back({tr("Compute dtype"), QString::fromStdString(dtype)});
    QStringList sources;
    for (const TraceSourceRecord& s : run.sources)
        if (!s.name.empty())
            sources << QString::fromStdString(s.name);
    if (!sources.isEmpty())
        e.details.push_back({tr("Sources"), sources.join(QStringLiteral(", "))});
    e.details.push_back({tr("State"), complete ? tr("complete") : tr("incomplete (can be resumed)")});
    e.details.push_back({tr("Folder"), QDir::toNativeSeparators(dir)});
    return e;
}

widgets::WorkspaceEntry Workspace::describeRun(const QString& dir)
{
    using widgets::WorkspaceEntry;
    using speculate::RunState;
    WorkspaceEntry e;
    e.kind = WorkspaceEntry::Run;
    e.path = dir;
    e.name = QFileInfo(dir).fileName();
    const speculate::RunFolder run = speculate::RunFolder::open(dir.toStdString());
    const bool finished = run.state == RunState::Finished;
    e.health = finished ? WorkspaceEntry::Ok : WorkspaceEntry::Incomplete;
    const int latestEpoch = run.latest && run.latest->epoch ? int(*run.latest->epoch) : -1;
    if (finished)
        e.summary = run.epochsRun > 0 ? tr("finished after %n epochs", nullptr, run.epochsRun) : tr("finished");
    else if (run.state == RunState::Unfinished)
        e.summary = latestEpoch >= 0 ? tr("incomplete, epoch %1").arg(latestEpoch) : tr("incomplete");
    else
        e.summary = tr("not started");

    if (run.bestEpoch > 0)
        e.details.push_back({tr("Best epoch"), QString::number(run.bestEpoch)});
    if (finished) {
        // The best validation figures, and those of the latest evaluation (test split).
        const QString validation = reportSummary(speculate::RunFolder::reportFile(dir.toStdString()));
        if (!validation.isEmpty())
            e.details.push_back({tr("Validation"), validation});
    } else if (run.latest) {
        if (run.start && run.start->epochs > 0)
            e.details.push_back({tr("Epochs done"), tr("%1 of %2").arg(run.epochsRun).arg(run.start->epochs)});
        e.details.push_back({tr("Latest"), QString::fromStdString(speculate::describeMetricsRecord(*run.latest))});
    }
    if (run.best) {
        QStringList models;
        for (const std::string& m : run.best->models())
            models << QString::fromStdString(m);
        e.details.push_back({tr("Predictor"), tr("%1; horizon %2").arg(models.join(QStringLiteral(", "))).arg(run.best->horizon)});
    }
    QStringList traces;
    for (const std::string& t : run.traceDirs)
        traces << QDir::toNativeSeparators(QString::fromStdString(t));
    if (!traces.isEmpty())
        e.details.push_back({tr("Trace sets"), traces.join(QStringLiteral(", "))});
    const QString evaluation = reportSummary(run.latestEvaluation);
    if (!evaluation.isEmpty())
        e.details.push_back({tr("Latest evaluation"), evaluation});
    for (const std::string& p : run.problems)
        e.details.push_back({tr("Problem"), QString::fromStdString(p)});
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
    ModelSummary m;
    try {
        m = summarizeModel(dir.toStdString());
    } catch (const std::exception& ex) {
        e.health = WorkspaceEntry::Failed;
        e.summary = tr("missing or unreadable config.json");
        e.details.push_back({tr("Error"), QString::fromStdString(ex.what())});
        return e;
    }
    e.summary = tr("%1 layers × %2 experts, top-%3").arg(m.layers).arg(m.experts).arg(m.topk);
    e.details.push_back({tr("Architecture"), QString::fromStdString(m.architecture)});
    e.details.push_back({tr("Hidden size"), number(m.hiddenSize)});
    e.details.push_back({tr("Vocabulary"), number(m.vocabSize)});
    e.details.push_back({tr("Parameters"), number(m.parameters)});
    e.details.push_back({tr("Stored dtype"), QString::fromStdString(m.storedDtype)});
    e.details.push_back({tr("Weight files"), number(m.weightFiles)});
    e.details.push_back({tr("Tokenizer"), m.tokenizer.empty() ? tr("none (token-id sources only)")
                                                             : QDir::toNativeSeparators(QString::fromStdString(m.tokenizer))});
    e.details.push_back({tr("Folder"), QDir::toNativeSeparators(dir)});
    return e;
}

widgets::WorkspaceEntry Workspace::describeSimulation(const QString& dir)
{
    using widgets::WorkspaceEntry;
    WorkspaceEntry e;
    e.kind = WorkspaceEntry::Simulation;
    e.path = dir;
    e.name = QFileInfo(dir).fileName();
    if (!simulate::isSimulationFolder(dir.toStdString())) {
        e.health = WorkspaceEntry::Incomplete;
        e.summary = tr("no result yet");
        return e;
    }
    simulate::SimulationResult r;
    try {
        r = simulate::readSimulation(dir.toStdString());
    } catch (const std::exception& ex) {
        e.health = WorkspaceEntry::Failed;
        e.summary = tr("unreadable simulation.json");
        e.details.push_back({tr("Error"), QString::fromStdString(ex.what())});
        return e;
    }
    // The setting where the best predictor closes the most of the gap says what prediction buys
    // (only settings whose share means something: core's gapVerdict).
    const simulate::GapSummary* top = nullptr;
    bool beyondOracle = false;
    const std::vector<simulate::GapSummary> gaps = r.gaps();
    for (const simulate::GapSummary& g : gaps) {
        const simulate::GapVerdict v = simulate::gapVerdict(g);
        beyondOracle = beyondOracle || v == simulate::GapVerdict::BeyondOracle;
        if (v == simulate::GapVerdict::ClosesGap && (!top || g.gapClosed > top->gapClosed))
            top = &g;
    }
    e.summary = tr("%n setting(s)", nullptr, int(r.rows.size()));
    if (top)
        e.summary += tr(", best closes %1% of the gap").arg(QLocale().toString(100.0 * top->gapClosed, 'f', 0));
    else if (beyondOracle)
        e.summary += tr(", a predictor beats the oracle");
    e.details.push_back({tr("Replayed"), tr("%1 tokens of %2 sequences (%3 split), batch %4")
                                             .arg(number(r.tokens), number(r.sequences), QString::fromStdString(r.split))
                                             .arg(r.batch)});
    e.details.push_back({tr("Model"), tr("%1, expert %2 MB (%3)")
                                          .arg(QString::fromStdString(r.model.name))
                                          .arg(QLocale().toString(r.expertBytes / 1e6, 'f', 1))
                                          .arg(QString::fromLatin1(simulate::storageDTypeName(r.storage)))});
    e.details.push_back({tr("Hardware"), QString::fromStdString(r.hardware.name)});
    QStringList predictors;
    for (const simulate::SimulationRow& row : r.rows) {
        const QString p = QString::fromStdString(row.predictor);
        if (!predictors.contains(p))
            predictors << p;
    }
    e.details.push_back({tr("Predictors"), predictors.join(QStringLiteral(", "))});
    if (top)
        e.details.push_back({tr("Best"), tr("%1 at %2 experts per layer, %3 GB/s: %4 tokens/s (no prefetch %5, oracle %6)")
                                             .arg(QString::fromStdString(top->best))
                                             .arg(top->cacheExperts)
                                             .arg(QLocale().toString(top->linkGBps))
                                             .arg(QLocale().toString(top->bestTokensPerSecond, 'f', 2))
                                             .arg(QLocale().toString(top->noneTokensPerSecond, 'f', 2))
                                             .arg(QLocale().toString(top->oracleTokensPerSecond, 'f', 2))});
    e.details.push_back({tr("Folder"), QDir::toNativeSeparators(dir)});
    return e;
}

} // namespace specmoe::gui
