// The CLI's contract: --version, --help per command, usage errors exit 2, info works.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace specmoe::test;

TEST(Cli, VersionPrintsVersion)
{
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " --version", &out), 0);
    EXPECT_NE(out.find("specmoe 0."), std::string::npos) << out;
}

namespace {

struct UsageCase {
    const char* args;    // after the program name
    const char* message; // what the usage error names
};

void PrintTo(const UsageCase& c, std::ostream* os) { *os << c.args; }

class CliUsageError : public ::testing::TestWithParam<UsageCase> {};

} // namespace

// A usage error exits with 2 and names what is wrong (app/cli/command.h).
TEST_P(CliUsageError, ExitsTwoAndNamesIt)
{
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " " + GetParam().args, &out), 2) << out;
    EXPECT_NE(out.find(GetParam().message), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Cli, CliUsageError,
                         ::testing::Values(UsageCase{"no-such-command", "unknown command"},
                                           UsageCase{"info --bogus", "unknown option --bogus"},
                                           UsageCase{"make-model", "--out is required"},
                                           UsageCase{"collect --out /nonexistent", "--model DIR is required"},
                                           UsageCase{"train --out /nonexistent", "--traces DIR is required"},
                                           UsageCase{"eval", "--run DIR or --predictor DIR is required"},
                                           UsageCase{"export --run /nonexistent", "--run DIR and --out DIR are required"}));

TEST(Cli, InfoReportsRuntimeFacts)
{
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " info --threads 2", &out), 0) << out;
    EXPECT_NE(out.find("libtorch         1."), std::string::npos) << out;
    EXPECT_NE(out.find("threads          2"), std::string::npos) << out;
    EXPECT_NE(out.find("HDF5             1."), std::string::npos) << out;
    EXPECT_EQ(out.find("BLAS             none found"), std::string::npos) << out;
}

// config.json alone (downloaded to plan, before the weights) is described: its parameters and
// memory figures come from the config. Before, info failed: no model.safetensors found.
TEST(Cli, InfoDescribesAFolderWithConfigOnly)
{
    TempDir dir("cli-info-config");
    std::string made, out;
    ASSERT_EQ(runCommand(cliPath() + " make-model --family qwen3_moe --preset tiny --out " + dir.file("m") + " --quiet", &made),
              0)
        << made;
    ASSERT_EQ(runCommand(cliPath() + " info --model " + dir.file("m"), &out), 0) << out;
    const std::string withWeights = out;
    for (const auto& e : std::filesystem::directory_iterator(dir.file("m")))
        if (e.path().extension() == ".safetensors")
            std::filesystem::remove(e.path());
    ASSERT_EQ(runCommand(cliPath() + " info --model " + dir.file("m"), &out), 0) << out;
    EXPECT_NE(out.find("none: config.json only"), std::string::npos) << out;
    auto line = [](const std::string& text, const std::string& key) {
        const size_t at = text.find(key);
        return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
    };
    EXPECT_FALSE(line(out, "parameters ").empty()) << out;
    EXPECT_EQ(line(out, "parameters "), line(withWeights, "parameters "));
    EXPECT_EQ(line(out, "  bfloat16"), line(withWeights, "  bfloat16"));
    // A damaged weight file is still an error naming it.
    writeFile(dir.file("m/model.safetensors"), "not a safetensors file");
    EXPECT_NE(runCommand(cliPath() + " info --model " + dir.file("m"), &out), 0) << out;
    EXPECT_NE(out.find("model.safetensors"), std::string::npos) << out;
}

TEST(Cli, EveryCommandHasHelp)
{
    std::string usage;
    ASSERT_EQ(runCommand(cliPath() + " --help", &usage), 0);
    const auto start = usage.find("commands:\n");
    ASSERT_NE(start, std::string::npos);
    std::istringstream lines(usage.substr(start + 10));
    std::string line;
    int checked = 0;
    while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
        std::istringstream words(line);
        std::string name;
        words >> name;
        std::string help;
        EXPECT_EQ(runCommand(cliPath() + " " + name + " --help", &help), 0) << name;
        EXPECT_NE(help.find("usage: specmoe " + name), std::string::npos) << help;
        ++checked;
    }
    EXPECT_GE(checked, 1);
}
