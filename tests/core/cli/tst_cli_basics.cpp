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

TEST(Cli, UnknownCommandIsUsageError)
{
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " no-such-command", &out), 2);
    EXPECT_NE(out.find("unknown command"), std::string::npos) << out;
}

TEST(Cli, UnknownOptionIsUsageError)
{
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " info --bogus", &out), 2);
    EXPECT_NE(out.find("unknown option --bogus"), std::string::npos) << out;
}

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
