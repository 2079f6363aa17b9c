// `specmoe traces import`: exit codes and messages (docs/cli.md), on the engine samples of
// tests/data/import/engines.
#include "core/trace/trace_set.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

std::string sample(const std::string& name) { return dataPath("import/engines/" + name); }

} // namespace

TEST(CliImport, ImportsVerifiesAndReports)
{
    TempDir tmp("cli-import");
    const std::string out = tmp.file("t");
    std::string text;
    ASSERT_EQ(runCommand(cliPath() + " traces import --quiet --format npy --experts 8 --out " + out + " " +
                             sample("npy_weights.npz"),
                         &text),
              0)
        << text;
    EXPECT_TRUE(has(text, "imported 2 sequences, 20 tokens into " + out)) << text;
    EXPECT_TRUE(has(text, "OK: 1 shards verified")) << text;
    EXPECT_EQ(runCommand(cliPath() + " traces verify --quiet " + out, &text), 0) << text;
    EXPECT_EQ(TraceSet::open(out).numTokens(), 20);
    // The same command again finds everything stored: nothing is written twice.
    ASSERT_EQ(runCommand(cliPath() + " traces import --quiet --format npy --experts 8 --out " + out + " " +
                             sample("npy_weights.npz"),
                         &text),
              0)
        << text;
    EXPECT_TRUE(has(text, "resumed: 2 sequences were already stored, 0 written now")) << text;
    EXPECT_EQ(TraceSet::open(out).numTokens(), 20);
}

TEST(CliImport, BadInputExitsOneNamingFileAndSequenceAndWritesNothing)
{
    TempDir tmp("cli-import");
    const std::string out = tmp.file("t");
    std::string text;
    EXPECT_EQ(runCommand(cliPath() + " traces import --quiet --format vllm --out " + out + " " +
                             sample("bad_id_ge_e.npz"),
                         &text),
              1);
    EXPECT_TRUE(has(text, "specmoe traces import: error: " + sample("bad_id_ge_e.npz") +
                              ": sequence 1 (request 'cmpl-1/0'), token at position 2, layer slot 2 (decoder layer 2): "
                              "expert id 8 is not below the expert count 8"))
        << text;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(runCommand(cliPath() + " traces import --quiet --format npy --experts 8 --out " + out + " " +
                             sample("bad_truncated"),
                         &text),
              1);
    EXPECT_TRUE(has(text, "bad_truncated/expert_ids.npy: truncated")) << text;
    EXPECT_FALSE(fs::exists(out));
}

TEST(CliImport, UsageErrorsExitTwo)
{
    struct Case {
        std::string args, message;
    };
    const std::vector<Case> cases = {
        {"--format foo --out O x", "--format: import format 'foo' is not known (accepted: vllm, sglang, megatron, npy)"},
        {"--format npy x", "--out DIR is required"},
        {"--out O x", "--format is required (vllm, sglang, megatron, npy)"},
        {"--format npy --out O", "missing argument <input>"},
        {"--format npy --out O --moe-layers 5-2 x", "option --moe-layers: '5-2' is not a layer index or a range"},
        {"--format npy --out O --layer-axis dense x", "--layer-axis: layer axis 'dense' is not known (accepted: auto, moe, all)"},
        {"--format npy --out O --experts 0 x", "option --experts: 0 is out of range (accepted: an integer from 1 to 65535)"},
    };
    for (const Case& c : cases) {
        TempDir tmp("cli-import");
        std::string text;
        EXPECT_EQ(runCommand("cd " + tmp.path() + " && " + cliPath() + " traces import " + c.args, &text), 2) << c.args;
        EXPECT_TRUE(has(text, c.message)) << c.args << "\n" << text;
        EXPECT_TRUE(fs::is_empty(tmp.path())) << c.args;
    }
}
