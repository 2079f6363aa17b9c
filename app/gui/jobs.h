#pragma once
// The workbench's jobs: core's long operations wrapped as JobFns (core/... parameters
// passed by value, progress and cancel through the ProgressFn) and their results as
// registered value types.
#include "app/gui/job.h"
#include "app/gui/job_params.h"
#include "core/analysis/analysis_result.h"
#include "core/collect/collector.h"
#include "core/import/import_params.h"
#include "core/simulate/simulate.h"
#include "core/speculate/train.h"
#include "core/trace/reshard.h"
#include "widgets/routing_context.h"

#include <QMetaType>
#include <QStringList>

#include <functional>
#include <memory>

namespace specmoe::gui {

JobFn makeCollectJob(const CollectParams& params);
JobFn makeReshardJob(const ReshardSettings& settings);
// Imports routing traces from a serving engine (value: import::ImportResult).
JobFn makeImportJob(const import::ImportParams& params);
// onMetrics is called on the worker thread with every metrics.jsonl line.
JobFn makeTrainJob(const speculate::TrainParams& params, std::function<void(const QString&)> onMetrics = {});

// A job's title in the current language, made from its kind, output and parameters (the
// specs below use it; the workbench calls it again for jobs restored from workspace.json
// and when the language changes, so no title stays in the language it was made in).
QString jobTitle(const JobSpec& spec);

// The spec (title, output, JSON parameters) of each job, for the runner and the workspace.
JobSpec collectSpec(const CollectParams& params);
JobSpec reshardSpec(const ReshardSettings& settings);
JobSpec importSpec(const import::ImportParams& params);
JobSpec trainSpec(const speculate::TrainParams& params);

// Scores a run's best checkpoint and the baselines on a split of trace sets (value: the
// speculate::EvalReport); the report is also kept in the run (speculate::saveEvaluation).
JobFn makeEvaluateJob(const speculate::EvalParams& params);
JobSpec evaluateSpec(const speculate::EvalParams& params);
// Writes a run's best predictor in the documented export layout (value: ExportResult).
JobFn makeExportJob(const speculate::ExportParams& params);
JobSpec exportSpec(const speculate::ExportParams& params);

// A simulation (core/simulate) and the folder its simulation.json and simulation.csv go to
// (created). The value is the simulate::SimulationResult. Not resumable: run it again.
struct SimulationSettings {
    simulate::SimulateParams params;
    QString outputDir;
};
JobFn makeSimulationJob(const SimulationSettings& settings);
JobSpec simulationSpec(const SimulationSettings& settings);

// The JobFn that resumes a persisted job (resume on for collections and training; an
// import continues by itself; a re-shard starts over). Returns an empty function for an unknown kind; throws
// specmoe::Error when the persisted parameters are malformed.
JobFn makeResumeJob(const JobSpec& spec, std::function<void(const QString&)> onMetrics = {});

// The routing analysis of a trace set (core/analysis), for the trace set views. The value
// is a std::shared_ptr<const AnalysisResult> (results can be large; shared, not copied).
JobFn makeAnalyzeJob(const QString& traceDir);
JobSpec analyzeSpec(const QString& traceDir);
using AnalysisPtr = std::shared_ptr<const AnalysisResult>;
// The analyze job's value: the analysis and what the views need besides (layer map,
// weights flag, token phases from the trace's dims and sequence table).
struct TraceAnalysis {
    AnalysisPtr result;
    widgets::RoutingContext context;
};

// What a finished collection tells the user in the log: a summary line, one line per
// source (kept, dropped, skipped; core's describeSources), and as warnings the checkpoint's
// (CollectResult::modelWarnings: unused tensors, by name) and the skipped corpus input.
struct CollectReport {
    QStringList info;
    QStringList warnings;
};
CollectReport collectReport(const CollectResult& result);

void registerJobTypes();

} // namespace specmoe::gui

Q_DECLARE_METATYPE(specmoe::CollectResult)
Q_DECLARE_METATYPE(specmoe::gui::AnalysisPtr)
Q_DECLARE_METATYPE(specmoe::gui::TraceAnalysis)
Q_DECLARE_METATYPE(specmoe::ReshardResult)
Q_DECLARE_METATYPE(specmoe::import::ImportResult)
Q_DECLARE_METATYPE(specmoe::speculate::TrainResult)
Q_DECLARE_METATYPE(specmoe::speculate::EvalReport)
Q_DECLARE_METATYPE(specmoe::speculate::ExportResult)
Q_DECLARE_METATYPE(specmoe::simulate::SimulationResult)
