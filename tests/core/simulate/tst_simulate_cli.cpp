// `specmoe simulate` end to end on a synthetic Mixtral-shaped trace folder: the files it
// writes, the table it prints, and the exit codes of usage and input errors.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe::test;

namespace {

std::string synthTraces(const TempDir& tmp)
{
    const std::string dir = tmp.file("traces");
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " traces synth --out " + dir +
                             " --preset mixtral-8x7b --tokens 6000 --seq-len 60 --quiet",
                         &out),
              0)
        << out;
    return dir;
}

} // namespace

TEST(SimulateCli, WritesJsonCsvAndTable)
{
    TempDir tmp("simulate-cli");
    const std::string traces = synthTraces(tmp);
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " simulate --traces " + traces + " --out " + tmp.file("out") +
                             " --cache 2,4 --policy lru,lfu --predictors markov --link-gbps 25,50 --threads 1 2>&1",
                         &out),
              0)
        << out;
    EXPECT_NE(out.find("oracle"), std::string::npos) << out;
    // one line per setting with the bounds and the best predictor (its share of the gap, or
    // why a share would mean nothing)
    EXPECT_NE(out.find("oracle"), std::string::npos) << out;
    EXPECT_NE(out.find(", best markov"), std::string::npos) << out;
    const nlohmann::json j = nlohmann::json::parse(readFile(tmp.file("out/simulation.json")));
    // none: 2 policies x 2 caches x 2 links; oracle and markov: the same x 1 horizon x 1 budget
    EXPECT_EQ(j.at("rows").size(), 8u * 3u);
    EXPECT_EQ(j.at("model").at("name"), "mixtral-8x7b");
    EXPECT_EQ(j.at("split"), "test");
    EXPECT_GT(j.at("tokens").get<int>(), 0);
    for (const auto& row : j.at("rows")) {
        EXPECT_GE(row.at("hit_rate").get<double>(), 0.0);
        EXPECT_LE(row.at("hit_rate").get<double>(), 1.0);
        EXPECT_GT(row.at("tokens_per_s").get<double>(), 0.0);
    }
    const std::string csv = readFile(tmp.file("out/simulation.csv"));
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 8 * 3 + 1);
    EXPECT_EQ(csv.rfind("predictor,policy,cache_experts", 0), 0u);
}

TEST(SimulateCli, MeasuresComputeWithOurRuntime)
{
    TempDir tmp("simulate-measure");
    const std::string traces = synthTraces(tmp);
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " simulate --traces " + traces + " --out " + tmp.file("out") +
                             " --cache 4 --predictors none --max-tokens 300 --batch 3 --threads 1 --measure-compute " +
                             dataPath("hf-tiny-mixtral") + " 2>&1",
                         &out),
              0)
        << out;
    EXPECT_NE(out.find("ms per layer, measured: median of 20 forwards of [3, 1] tokens"), std::string::npos) << out;
    const nlohmann::json j = nlohmann::json::parse(readFile(tmp.file("out/simulation.json")));
    const nlohmann::json& m = j.at("compute_measurement");
    EXPECT_EQ(m.at("batch"), 3);
    EXPECT_EQ(m.at("layers"), 3);
    EXPECT_GT(m.at("ms_per_layer").get<double>(), 0.0);
    EXPECT_EQ(j.at("compute_ms_per_layer").get<double>(), m.at("ms_per_layer").get<double>());
    EXPECT_EQ(runCommand(cliPath() + " simulate --traces " + traces + " --out " + tmp.file("o2") +
                             " --quiet --measure-compute " + tmp.file("nothing") + " 2>&1",
                         &out),
              1)
        << out;
    EXPECT_NE(out.find("config.json expected"), std::string::npos) << out;
}

TEST(SimulateCli, ShowsAndReadsProfiles)
{
    TempDir tmp("simulate-profile");
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " simulate --profile a100-80gb --show-profile", &out), 0) << out;
    EXPECT_NE(out.find("\"link_gbps\": 25"), std::string::npos) << out;
    writeFile(tmp.file("p.json"), R"({"link_gbps": "fast"})");
    EXPECT_EQ(runCommand(cliPath() + " simulate --traces x --out y --profile-file " + tmp.file("p.json") + " 2>&1",
                         &out),
              1)
        << out;
    EXPECT_NE(out.find("link_gbps"), std::string::npos) << out;
}

TEST(SimulateCli, UsageAndInputErrors)
{
    TempDir tmp("simulate-errors");
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " simulate --out " + tmp.file("o") + " 2>&1", &out), 2) << out;
    EXPECT_EQ(runCommand(cliPath() + " simulate --traces x --out o --policy fifo 2>&1", &out), 2) << out;
    EXPECT_NE(out.find("lru, lfu, static, belady"), std::string::npos) << out;
    EXPECT_EQ(runCommand(cliPath() + " simulate --traces x --out o --dtype fp8 2>&1", &out), 2) << out;
    EXPECT_EQ(runCommand(cliPath() + " simulate --traces " + tmp.file("missing") + " --out " + tmp.file("o") + " 2>&1",
                         &out),
              1)
        << out;
    const std::string traces = synthTraces(tmp);
    EXPECT_EQ(runCommand(cliPath() + " simulate --traces " + traces + " --out " + tmp.file("o") +
                             " --model olmoe --quiet 2>&1",
                         &out),
              1)
        << out;
    EXPECT_NE(out.find("does not fit the traces"), std::string::npos) << out;
    ASSERT_EQ(runCommand(cliPath() + " simulate --help", &out), 0);
    for (const char* opt : {"--cache-gb", "--budget", "--horizon", "--link-gbps", "--predictors", "--batch"})
        EXPECT_NE(out.find(opt), std::string::npos) << opt;
}
