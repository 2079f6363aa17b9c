// The CLI workflow with every folder it takes or writes named with bytes that are not UTF-8
// (Linux paths are bytes): make-model -> collect -> traces verify/info -> analyze -> train ->
// resume -> eval -> export -> simulate, and traces import. Before, collect failed writing the
// manifest with nlohmann's raw "[json.exception.type_error.316] invalid UTF-8 byte"; paths
// the next step reopens now keep their bytes in JSON (core/util/path_json.h).
#include "core/speculate/run_folder.h"
#include "core/trace/trace_set.h"
#include "core/util/utf8.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

// A folder name with a byte that is no UTF-8 (shell-quoted: the bytes pass as they are).
std::string q(const std::string& path) { return "'" + path + "'"; }

int cli(const std::string& args, std::string* out) { return runCommand(cliPath() + " " + args + " 2>&1", out); }

const std::string kSmall = " --epochs 1 --hidden 8 --embed 8 --threads 1 --max-val-tokens 200 --quiet";

} // namespace

TEST(CliPaths, TheWorkflowRunsOnFoldersThatAreNotUtf8)
{
    TempDir tmp("cli-paths");
    const std::string model = tmp.file("m\xff");
    const std::string corpus = tmp.file("c\xfe");
    const std::string traces = tmp.file("t\xfd");
    const std::string analysis = tmp.file("a\xfc");
    const std::string run = tmp.file("r\xfb");
    const std::string exported = tmp.file("x\xfa");
    const std::string sim = tmp.file("s\xf9");
    std::string out;
    ASSERT_EQ(cli("make-model --family mixtral --preset tiny --out " + q(model) + " --quiet", &out), 0) << out;
    fs::create_directories(corpus);
    std::string ids;
    for (int d = 0; d < 24; ++d) {
        ids += "{\"input_ids\": [1";
        for (int i = 1; i < 20; ++i)
            ids += ", " + std::to_string(1 + (d * 7 + i * 13) % 199);
        ids += "]}\n";
    }
    writeFile(corpus + "/ids\xf8.jsonl", ids);

    ASSERT_EQ(cli("collect --model " + q(model) + " --source " + q("a=" + corpus + "/ids\xf8.jsonl:jsonl-ids") +
                      " --out " + q(traces) + " --max-length 16 --device cpu --threads 1 --quiet",
                  &out),
              0)
        << out;
    EXPECT_FALSE(has(out, "json.exception")) << out;
    EXPECT_TRUE(isValidUtf8(readFile(traces + "/manifest.json")));
    const TraceSet set = TraceSet::open(traces);
    EXPECT_EQ(set.runConfig().modelDir, fs::absolute(model).string());
    ASSERT_EQ(set.runConfig().sources.size(), 1u);
    EXPECT_EQ(set.runConfig().sources[0].path, corpus + "/ids\xf8.jsonl");

    EXPECT_EQ(cli("traces verify " + q(traces) + " --quiet", &out), 0) << out;
    EXPECT_EQ(cli("traces info " + q(traces), &out), 0) << out;
    EXPECT_EQ(cli("traces info " + q(traces) + " --json", &out), 0) << out;
    EXPECT_TRUE(has(out, "\"bytes_hex\"")) << out;

    EXPECT_EQ(cli("analyze " + q(traces) + " --out " + q(analysis) + " --quiet", &out), 0) << out;

    ASSERT_EQ(cli("train --traces " + q(traces) + " --out " + q(run) + kSmall, &out), 0) << out;
    EXPECT_EQ(speculate::runTraceDirs(run), std::vector<std::string>{fs::absolute(traces).string()});
    // --resume recognises its own run and continues it.
    ASSERT_EQ(cli("train --traces " + q(traces) + " --out " + q(run) + " --resume" + kSmall + " --epochs 2", &out), 0)
        << out;
    EXPECT_EQ(speculate::RunFolder::open(run).epochsRun, 2) << out;

    // eval finds the traces from the run's start line alone.
    EXPECT_EQ(cli("eval --run " + q(run) + " --json " + q(run + "/e\xf7.json") + " --quiet", &out), 0) << out;
    EXPECT_TRUE(fs::exists(run + "/e\xf7.json"));
    ASSERT_EQ(cli("export --run " + q(run) + " --out " + q(exported), &out), 0) << out;
    EXPECT_EQ(cli("eval --predictor " + q(exported) + " --traces " + q(traces) + " --quiet", &out), 0) << out;
    EXPECT_EQ(cli("simulate --traces " + q(traces) + " --model " + q(model) + " --predictors " +
                      q("frequency," + exported) + " --out " + q(sim) + " --quiet",
                  &out),
              0)
        << out;
    EXPECT_TRUE(isValidUtf8(readFile(sim + "/simulation.json")));
}

TEST(CliPaths, ImportIntoAndFromFoldersThatAreNotUtf8)
{
    TempDir tmp("cli-paths");
    const std::string inputs = tmp.file("in\xff");
    fs::create_directories(inputs);
    fs::copy_file(dataPath("import/engines/npy_weights.npz"), inputs + "/b\xfe.npz");
    const std::string traces = tmp.file("t\xfd");
    const std::string import = "traces import --quiet --format npy --experts 8 --out " + q(traces) + " " +
                               q(inputs + "/b\xfe.npz");
    std::string out;
    ASSERT_EQ(cli(import, &out), 0) << out;
    EXPECT_EQ(TraceSet::open(traces).origin().inputs, std::vector<std::string>{inputs + "/b\xfe.npz"});
    // The same import again resumes its own folder: nothing to write.
    ASSERT_EQ(cli(import, &out), 0) << out;
    EXPECT_EQ(TraceSet::open(traces).numTokens(), 20);
    EXPECT_EQ(cli("traces verify " + q(traces) + " --quiet", &out), 0) << out;
}

// A tokenizer and a reused feature basis named with such bytes: the manifest records them
// as they are, and analyze finds the tokenizer again from the manifest.
TEST(CliPaths, TokenizerAndFeatureBasisPathsAreReopened)
{
    TempDir tmp("cli-paths");
    const std::string model = tmp.file("m\xff");
    const std::string tokenizer = tmp.file("tok\xfe.model");
    const std::string text = tmp.file("c\xfd.txt");
    std::string out;
    ASSERT_EQ(cli("make-model --family mixtral --preset tiny --out " + q(model) + " --quiet", &out), 0) << out;
    fs::copy_file(std::string(SPECMOE_SOURCE_DIR) + "/tests/core/model/data/tokenizer.model", tokenizer);
    writeFile(text, "the routing of a small model over a few words of text\nand a second line of words\n");
    const std::string collect = "collect --model " + q(model) + " --tokenizer " + q(tokenizer) + " --source " +
                                q("b=" + text + ":text") +
                                " --max-length 16 --min-length 1 --device cpu --threads 1 --features gate_logits:2"
                                " --quiet --out ";
    ASSERT_EQ(cli(collect + q(tmp.file("t\xfc")), &out), 0) << out;
    EXPECT_EQ(TraceSet::open(tmp.file("t\xfc")).runConfig().tokenizer, tokenizer);
    ASSERT_EQ(cli(collect + q(tmp.file("u\xfb")) + " --feature-basis " + q(tmp.file("t\xfc")), &out), 0) << out;
    EXPECT_EQ(TraceSet::open(tmp.file("u\xfb")).runConfig().featureBasis,
              tmp.file("t\xfc") + "/feature_basis.safetensors");
    ASSERT_EQ(cli("analyze " + q(tmp.file("u\xfb")) + " --out " + q(tmp.file("a\xfa")) + " --quiet", &out), 0) << out;
}
