// `specmoe traces synth`, `analyze`, `train`, `eval` and `export` on an id-only trace at
// Qwen3-30B-A3B dims (128 experts, top-8, 48 layers; no router weights, no probes), as a
// serving engine's import gives.
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace specmoe;
using specmoe::test::has;

TEST(CliWide, QwenIdsOnlyAnalyzeTrainEvalExport)
{
    test::TempDir dir("cli-wide");
    const std::string cli = test::cliPath();
    std::string out;
    ASSERT_EQ(test::runCommand(cli + " traces synth --out " + dir.file("t") +
                                   " --preset qwen3-30b-a3b --tokens 2000 --seq-len 32 --no-weights --quiet 2>&1",
                               &out),
              0)
        << out;
    EXPECT_TRUE(has(out, "ids only")) << out;
    ASSERT_EQ(test::runCommand(cli + " traces info " + dir.file("t") + " --json 2>&1", &out), 0) << out;
    const nlohmann::json manifest = nlohmann::json::parse(out);
    EXPECT_EQ(manifest.at("dims").at("experts"), 128);

    ASSERT_EQ(test::runCommand(cli + " analyze " + dir.file("t") + " --out " + dir.file("a") +
                                   " --no-text --contexts 1 --horizons 1 --distances 1 2>&1",
                               &out),
              0)
        << out;
    EXPECT_TRUE(has(out, "128 experts")) << out;
    EXPECT_TRUE(has(out, "no router weights")) << out;

    ASSERT_EQ(test::runCommand(cli + " train --traces " + dir.file("t") + " --out " + dir.file("run") +
                                   " --epochs 1 --embed 16 --hidden 32 --threads 1 --max-val-tokens 300 --quiet 2>&1",
                               &out),
              0)
        << out;
    EXPECT_TRUE(has(out, "recall@8")) << out;
    EXPECT_TRUE(has(out, "lookahead    unavailable: the traces hold no lookahead probes")) << out;

    ASSERT_EQ(test::runCommand(cli + " eval --run " + dir.file("run") + " --quiet 2>&1", &out), 0) << out;
    EXPECT_TRUE(has(out, "recall@8")) << out;
    EXPECT_TRUE(has(out, "markov")) << out;
    EXPECT_TRUE(has(out, "lookahead    unavailable")) << out;

    ASSERT_EQ(test::runCommand(cli + " export --run " + dir.file("run") + " --out " + dir.file("x") + " 2>&1", &out), 0)
        << out;
    const nlohmann::json cfg = nlohmann::json::parse(test::readFile(dir.file("x/config.json")));
    EXPECT_EQ(cfg.at("model").at("use_weights"), false);
    EXPECT_EQ(cfg.at("dims").at("has_weights"), false);
    EXPECT_EQ(cfg.at("dims").at("experts"), 128);
}
