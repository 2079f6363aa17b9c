// A training run whose trace folder and run folder are named with bytes that are not UTF-8
// (Linux paths are bytes): metrics.jsonl stays UTF-8 JSON, its start line keeps the trace
// folder's bytes (core/util/path_json.h) so evaluation finds the traces from the run alone,
// and --resume continues the run. Before, the first metrics line failed with nlohmann's
// "[json.exception.type_error.316] invalid UTF-8 byte".
#include "core/speculate/metrics_log.h"
#include "core/speculate/params_json.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/train.h"
#include "core/trace/trace_writer.h"
#include "core/util/utf8.h"
#include "synth.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_training.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace specmoe;
using namespace specmoe::speculate;

TEST(TrainPaths, ARunOnFoldersThatAreNotUtf8ResumesAndEvaluates)
{
    test::TempDir dir("train_paths");
    const std::string traceDir = dir.file("trace\xff");
    const std::string runDir = dir.file("run\xfe");
    test::SynthSpec s;
    s.sequences = 40;
    {
        const std::vector<RoutingBlock> blocks = test::synthBlocks(s, 2);
        TraceWriter w(traceDir, blocks[0].dims, {"cfg", "float32", "tok", "run"});
        for (const RoutingBlock& b : blocks)
            w.append(b);
        w.finish();
    }
    TrainParams p = test::tinyTrainParams(runDir, {});
    p.traceDirs = {traceDir};
    p.epochs = 1;
    const TrainResult first = train(p);
    EXPECT_EQ(first.epochsRun, 1);

    const std::string metrics = test::readFile(RunFolder::metricsFile(runDir));
    EXPECT_TRUE(isValidUtf8(metrics));
    const std::string absTrace = std::filesystem::absolute(traceDir).lexically_normal().string();
    EXPECT_EQ(runTraceDirs(runDir), std::vector<std::string>{absTrace});
    std::string checkpoint;
    for (const MetricsRecord& m : readMetricsLog(RunFolder::metricsFile(runDir)))
        if (m.type == MetricsLineType::Checkpoint)
            checkpoint = m.path;
    EXPECT_EQ(checkpoint, runDir + "/checkpoint");

    // The parameters a job keeps (the workbench's workspace.json) come back byte for byte.
    const TrainParams kept = trainParamsFromJson(nlohmann::json::parse(toJson(p).dump()));
    EXPECT_EQ(kept.traceDirs, p.traceDirs);
    EXPECT_EQ(kept.runDir, p.runDir);

    TrainParams more = kept;
    more.source = {};
    more.resume = true;
    more.epochs = 2;
    const TrainResult second = train(more);
    EXPECT_TRUE(second.resumed);
    EXPECT_EQ(second.epochsRun, 2);
    EXPECT_GT(second.steps, first.steps);
    EXPECT_EQ(RunFolder::open(runDir).traceDirs, std::vector<std::string>{absTrace});

    EvalParams e; // the traces from the run's start line
    e.runDir = runDir;
    const EvalParams keptEval = evalParamsFromJson(nlohmann::json::parse(toJson(e).dump()));
    EXPECT_EQ(keptEval.runDir, runDir);
    EXPECT_GT(evaluate(keptEval).tokens, 0);

    const std::string exported = dir.file("exported\xfd");
    exportPredictor({runDir, exported});
    EvalParams onExport;
    onExport.predictorDir = exported;
    onExport.traceDirs = {traceDir};
    EXPECT_GT(evaluate(onExport).tokens, 0);
}
