// The CLI's contract: --version, --help per command, usage errors exit 2, info works.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

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
