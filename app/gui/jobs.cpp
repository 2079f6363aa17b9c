#include "app/gui/jobs.h"

#include "core/analysis/analysis.h"
#include "core/import/import_run.h"
#include "core/model/tokenizer.h"
#include "core/simulate/simulation_file.h"
#include "core/util/atomic_file.h"
#include "core/trace/trace_set.h"
#include "core/util/error.h"
#include "widgets/training_run_views.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace specmoe::gui {
namespace {

struct Jobs {
    Q_DECLARE_TR_FUNCTIONS(Jobs)
};

QString baseName(const QString& dir) { return QFileInfo(dir).fileName(); }

} // namespace

void registerJobTypes()
{
    qRegisterMetaType<specmoe::CollectResult>("specmoe::CollectResult");
    qRegisterMetaType<specmoe::ReshardResult>("specmoe::ReshardResult");
    qRegisterMetaType<specmoe::import::ImportResult>("specmoe::import::ImportResult");
    qRegisterMetaType<specmoe::speculate::TrainResult>("specmoe::speculate::TrainResult");
    qRegisterMetaType<specmoe::speculate::EvalReport>("specmoe::speculate::EvalReport");
    qRegisterMetaType<specmoe::speculate::ExportResult>("specmoe::speculate::ExportResult");
    qRegisterMetaType<specmoe::simulate::SimulationResult>("specmoe::simulate::SimulationResult");
    qRegisterMetaType<specmoe::gui::JobProgress>("specmoe::gui::JobProgress");
    qRegisterMetaType<specmoe::gui::AnalysisPtr>("specmoe::gui::AnalysisPtr");
    qRegisterMetaType<specmoe::gui::TraceAnalysis>("specmoe::gui::TraceAnalysis");
}

QString jobTitle(const JobSpec& spec)
{
    const QString& kind = spec.kind;
    const QString out = baseName(spec.outputPath);
    const auto param = [&spec](const char* key) { return spec.params.value(QLatin1String(key)).toString(); };
    if (kind == QLatin1String("collect"))
        return Jobs::tr("Collect %1").arg(out);
    if (kind == QLatin1String("reshard"))
        return Jobs::tr("Re-shard %1 into %2").arg(baseName(ReshardSettings::fromJson(spec.params).sourceDir), out);
    if (kind == QLatin1String("import"))
        return Jobs::tr("Import %1").arg(out);
    if (kind == QLatin1String("train"))
        return Jobs::tr("Train %1").arg(out);
    if (kind == QLatin1String("analyze"))
        return Jobs::tr("Analyze %1").arg(out);
    if (kind == QLatin1String("evaluate"))
        return Jobs::tr("Evaluate %1 (%2 split)").arg(out, widgets::TrainingRunViews::splitName(param("split")));
    if (kind == QLatin1String("export"))
        return Jobs::tr("Export %1").arg(baseName(param("run_dir")));
    if (kind == QLatin1String("simulate"))
        return Jobs::tr("Simulate %1").arg(out);
    if (kind == QLatin1String("demo"))
        return spec.params.value(QStringLiteral("quick")).toBool() ? Jobs::tr("Demo (quick)") : Jobs::tr("Demo");
    return spec.title; // a kind this version does not know (a newer workspace): as stored
}

JobSpec collectSpec(const CollectParams& p)
{
    JobSpec spec;
    spec.kind = QStringLiteral("collect");
    spec.outputPath = QString::fromStdString(p.outDir);
    spec.params = collectJobParams(p);
    spec.title = jobTitle(spec);
    spec.resumable = true;
    return spec;
}

JobSpec reshardSpec(const ReshardSettings& s)
{
    JobSpec spec;
    spec.kind = QStringLiteral("reshard");
    spec.outputPath = s.outputDir;
    spec.params = s.toJson();
    spec.title = jobTitle(spec);
    spec.resumable = true;
    return spec;
}

JobSpec importSpec(const import::ImportParams& p)
{
    JobSpec spec;
    spec.kind = QStringLiteral("import");
    spec.outputPath = QString::fromStdString(p.outDir);
    spec.params = importJobParams(p);
    spec.title = jobTitle(spec);
    spec.resumable = true;
    return spec;
}

JobSpec trainSpec(const speculate::TrainParams& p)
{
    JobSpec spec;
    spec.kind = QStringLiteral("train");
    spec.outputPath = QString::fromStdString(p.runDir);
    spec.params = trainJobParams(p);
    spec.title = jobTitle(spec);
    spec.resumable = true;
    return spec;
}

JobSpec analyzeSpec(const QString& traceDir)
{
    JobSpec spec;
    spec.kind = QStringLiteral("analyze");
    spec.outputPath = traceDir;
    spec.title = jobTitle(spec);
    spec.resumable = false;
    return spec;
}

JobFn makeAnalyzeJob(const QString& traceDir)
{
    const std::string dir = traceDir.toStdString();
    return [dir](const ProgressFn& progress) -> QVariant {
        const TraceSet traces = TraceSet::open(dir);
        AnalysisOptions options;
        options.journeyFirstSequences = 16;
        // Token texts when the collection's tokenizer is still where it was; pre-tokenized
        // sources (the demo's) record none, so then the model folder's tokenizer.model.
        const std::string tok = findTokenizer(traces.runConfig().tokenizer, traces.runConfig().modelDir);
        if (!tok.empty()) {
            auto tokenizer = std::make_shared<Tokenizer>(tok);
            options.tokenText = recordedTokenText(tokenizer);
        }
        TraceAnalysis out;
        out.result = std::make_shared<const AnalysisResult>(analyze(traces, options, progress));
        out.context = widgets::RoutingContext::fromDims(traces.dims());
        out.context.addSequences(traces.sequences()); // keeps only those with generated tokens
        return QVariant::fromValue(out);
    };
}

JobFn makeReshardJob(const ReshardSettings& s)
{
    return [s](const ProgressFn& progress) -> QVariant {
        const ReshardResult r = reshardTrace(s.sourceDir.toStdString(), s.outputDir.toStdString(), s.options, progress);
        return QVariant::fromValue(r);
    };
}

JobFn makeImportJob(const import::ImportParams& params)
{
    return [params](const ProgressFn& progress) -> QVariant {
        return QVariant::fromValue(import::importTrace(params, progress));
    };
}

JobFn makeTrainJob(const speculate::TrainParams& params, std::function<void(const QString&)> onMetrics)
{
    return [params, onMetrics](const ProgressFn& progress) -> QVariant {
        QDir().mkpath(QString::fromStdString(params.runDir));
        speculate::MetricsFn metrics;
        if (onMetrics)
            metrics = [onMetrics](const std::string& line) { onMetrics(QString::fromStdString(line)); };
        const speculate::TrainResult r = speculate::train(params, progress, metrics);
        return QVariant::fromValue(r);
    };
}

JobSpec evaluateSpec(const speculate::EvalParams& p)
{
    JobSpec spec;
    spec.kind = QStringLiteral("evaluate");
    spec.outputPath = QString::fromStdString(p.runDir);
    // Not resumable: the parameters hold only what the title needs.
    spec.params.insert(QStringLiteral("split"), QString::fromStdString(speculate::splitSelectionName(p.split)));
    spec.title = jobTitle(spec);
    spec.resumable = false; // seconds to minutes: run it again
    return spec;
}

JobFn makeEvaluateJob(const speculate::EvalParams& params)
{
    return [params](const ProgressFn& progress) -> QVariant {
        const speculate::EvalReport r = speculate::evaluate(params, progress);
        speculate::saveEvaluation(params.runDir, r);
        return QVariant::fromValue(r);
    };
}

JobSpec exportSpec(const speculate::ExportParams& p)
{
    JobSpec spec;
    spec.kind = QStringLiteral("export");
    spec.outputPath = QString::fromStdString(p.outDir);
    spec.params.insert(QStringLiteral("run_dir"), QString::fromStdString(p.runDir));
    spec.title = jobTitle(spec);
    spec.resumable = false;
    return spec;
}

JobFn makeExportJob(const speculate::ExportParams& params)
{
    return [params](const ProgressFn&) -> QVariant {
        return QVariant::fromValue(speculate::exportPredictor(params)); // creates the folder
    };
}

JobSpec simulationSpec(const SimulationSettings& s)
{
    JobSpec spec;
    spec.kind = QStringLiteral("simulate");
    spec.outputPath = s.outputDir;
    spec.title = jobTitle(spec);
    spec.resumable = false; // a replay starts over: nothing to continue
    return spec;
}

JobFn makeSimulationJob(const SimulationSettings& s)
{
    return [s](const ProgressFn& progress) -> QVariant {
        const simulate::SimulationResult r = simulate::runSimulation(s.params, progress);
        if (!QDir().mkpath(s.outputDir))
            throw Error("cannot create " + s.outputDir.toStdString());
        const std::string dir = s.outputDir.toStdString();
        writeFileAtomic(dir + "/" + simulate::kSimulationFile, r.toJson() + "\n");
        writeFileAtomic(dir + "/simulation.csv", r.toCsv());
        return QVariant::fromValue(r);
    };
}

JobFn makeCollectJob(const CollectParams& params)
{
    // The collector makes the folder once it has read the corpus, and removes it again when
    // it stops before its first shard: made here, a failure left an empty folder to resume.
    return [params](const ProgressFn& progress) -> QVariant {
        const CollectResult r = collect(params, progress);
        return QVariant::fromValue(r);
    };
}

CollectReport collectReport(const CollectResult& r)
{
    CollectReport report;
    report.info << Jobs::tr("%1: %2 sequences, %3 tokens written in %4 s (%5 tokens/s); %6 shards%7")
                       .arg(QDir::toNativeSeparators(QString::fromStdString(r.outDir)))
                       .arg(qlonglong(r.sequencesWritten))
                       .arg(qlonglong(r.tokensWritten))
                       .arg(QLocale().toString(r.seconds, 'f', 1))
                       .arg(QLocale().toString(r.tokensPerSecond, 'f', 0))
                       .arg(qulonglong(r.shards))
                       .arg(r.complete ? QString() : Jobs::tr(", not complete (resumable)"));
    for (const std::string& s : describeSources(r))
        report.info << QString::fromStdString(s);
    for (const std::string& w : r.modelWarnings)
        report.warnings << QString::fromStdString(w);
    if (!r.warnings.empty())
        report.warnings << Jobs::tr("skipped input: %n item(s), also listed in manifest.json (\"skipped\")", nullptr,
                                    int(r.skippedInputs));
    for (const std::string& w : r.warnings)
        report.warnings << QString::fromStdString(w);
    return report;
}

JobFn makeResumeJob(const JobSpec& spec, std::function<void(const QString&)> onMetrics)
{
    if (spec.kind == QLatin1String("collect")) {
        // The collector continues a folder holding part of the same trace by itself.
        return makeCollectJob(collectParamsOfJob(spec.params));
    }
    if (spec.kind == QLatin1String("train")) {
        speculate::TrainParams p = trainParamsOfJob(spec.params);
        p.resume = true;
        return makeTrainJob(p, std::move(onMetrics));
    }
    if (spec.kind == QLatin1String("import")) // the importer continues a folder holding part of it
        return makeImportJob(importParamsOfJob(spec.params));
    if (spec.kind == QLatin1String("reshard")) {
        ReshardSettings s = ReshardSettings::fromJson(spec.params);
        s.options.overwrite = true; // a half-written destination is ours: start it over
        return makeReshardJob(s);
    }
    return {};
}

} // namespace specmoe::gui
