// Option values the CLI refuses (issue 17, defects 12 and 13): each is a usage error (exit 2)
// whose message names the option, the value and what is accepted, before any file is read.
#include "app/cli/args.h"
#include "app/cli/id_list.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

using namespace specmoe::test;

namespace {

struct BadOption {
    const char* args;                 // after the program name
    std::vector<const char*> message; // each must appear in the output
};

void PrintTo(const BadOption& c, std::ostream* os) { *os << c.args; }

class CliBadOption : public ::testing::TestWithParam<BadOption> {};

} // namespace

TEST_P(CliBadOption, ExitsTwoNamingOptionValueAndRange)
{
    TempDir tmp("cli-options");
    const auto inTmp = [&](std::string text) {
        for (size_t at; (at = text.find("TMP")) != std::string::npos;)
            text.replace(at, 3, tmp.path());
        return text;
    };
    const std::string line = inTmp(GetParam().args);
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " " + line, &out), 2) << line << "\n" << out;
    for (const char* part : GetParam().message)
        EXPECT_TRUE(has(out, inTmp(part))) << "missing '" << inTmp(part) << "' for " << line << ":\n" << out;
    // Refused before anything was written.
    EXPECT_TRUE(std::filesystem::is_empty(tmp.path())) << line;
}

// Cases beyond the table in docs/cli.md, which DocumentedMessagesArePrinted runs (a stray
// argument, --threads -4, eval --max-tokens -5, bad training values, --models foo,
// make-model's --dtype and --preset, ...).
INSTANTIATE_TEST_SUITE_P(
    Cli, CliBadOption,
    ::testing::Values(
        BadOption{"train --traces TMP/a TMP/b --out TMP/run", {"unexpected argument 'TMP/b'", "takes options only"}},
        BadOption{"collect --model TMP/m --out TMP/o --source a=TMP/x --threads -4", {"option --threads: -4"}},
        BadOption{"demo --out TMP/d --threads -2", {"option --threads: -2"}},
        BadOption{"train --traces TMP/a --out TMP/run --threads 5000", {"option --threads: 5000", "from 0 to 1024"}},
        BadOption{"train --traces TMP/a --out TMP/run --lr nan", {"option --lr: nan"}},
        BadOption{"train --traces TMP/a --out TMP/run --horizon 0", {"option --horizon: 0"}},
        BadOption{"train --traces TMP/a --out TMP/run --batch-size -3", {"option --batch-size: -3"}},
        BadOption{"train --traces TMP/a --out TMP/run --hidden 0", {"option --hidden: 0"}},
        BadOption{"train --traces TMP/a --out TMP/run --models interlayer,ensmble", {"'ensmble' is not a predictor"}},
        BadOption{"make-model --out TMP/m --layers -1", {"option --layers: -1"}},
        BadOption{"analyze TMP/t --out TMP/a --seq 3,x", {"option --seq: 'x' is not a sequence id or a range a-b"}},
        BadOption{"analyze TMP/t --out TMP/a --seq 5-2", {"option --seq: '5-2' is not a sequence id"}},
        BadOption{"traces export-csv TMP/t --layers -1", {"option --layers: '-1' is not a layer or a range a-b (0..2147483647)"}}));

// One parser serves every id list (analyze --seq, traces export-csv --seq/--layers, import
// --moe-layers): items and ranges in the order given, several values joined.
TEST(CliOptions, IdListsTakeItemsAndRanges)
{
    using specmoe::cli::parseIdList;
    EXPECT_EQ(parseIdList({"3,5-7", "9,,1"}, "seq"), (std::vector<int64_t>{3, 5, 6, 7, 9, 1}));
    EXPECT_EQ(parseIdList({"-2--1"}, "x", {"an offset", -5, 5}), (std::vector<int64_t>{-2, -1}));
    EXPECT_THROW(parseIdList({"1-200000000"}, "seq"), specmoe::cli::UsageError);
    EXPECT_THROW(parseIdList({"7"}, "layers", {"a layer index", 0, 5}), specmoe::cli::UsageError);
    EXPECT_THROW(parseIdList({"1x"}, "seq"), specmoe::cli::UsageError);
}

// --lookahead beyond the model's layers used to be accepted (and stored nothing but empty
// probe slots); the range comes from the model's config.json.
TEST(CliOptions, LookaheadBeyondTheLayersIsAUsageError)
{
    TempDir tmp("cli-options");
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " make-model --preset tiny --out " + tmp.file("m") + " --quiet", &out), 0) << out;
    writeFile(tmp.file("c.txt"), "some text\n");
    const std::string base = cliPath() + " collect --model " + tmp.file("m") + " --out " + tmp.file("o") +
                             " --source a=" + tmp.file("c.txt") + " --device cpu --quiet --lookahead ";
    EXPECT_EQ(runCommand(base + "5", &out), 2) << out;
    EXPECT_TRUE(has(out, "option --lookahead: lookahead distance 5 reaches beyond the 3 layers of " + tmp.file("m") +
                             "/config.json (accepted: distances from 1 to 2, or none)"))
        << out;
    EXPECT_FALSE(std::filesystem::exists(tmp.file("o")));
}

// docs/cli.md lists what each bad command line gets; its first table is run here, so the
// page stays what the CLI prints.
TEST(CliOptions, DocumentedMessagesArePrinted)
{
    const std::string doc = readFile(dataPath("../../docs/cli.md"));
    const size_t section = doc.find("### What each bad input gets");
    ASSERT_NE(section, std::string::npos);
    const size_t table = doc.find("| command line | exit | stderr |", section);
    ASSERT_NE(table, std::string::npos);
    std::istringstream rows(doc.substr(table));
    std::string row;
    std::getline(rows, row); // header
    std::getline(rows, row); // rule
    int checked = 0;
    while (std::getline(rows, row) && row.rfind("| `specmoe ", 0) == 0) {
        // | `specmoe ARGS` | CODE | `MESSAGE` |
        const size_t argsEnd = row.find("` | ");
        const size_t codeEnd = row.find(" | `", argsEnd + 4);
        ASSERT_NE(codeEnd, std::string::npos) << row;
        const std::string args = row.substr(10, argsEnd - 10);
        const int code = std::stoi(row.substr(argsEnd + 4, codeEnd - argsEnd - 4));
        const std::string message = row.substr(codeEnd + 4, row.rfind("` |") - codeEnd - 4);
        TempDir tmp("cli-doc");
        std::string out;
        EXPECT_EQ(runCommand("cd " + tmp.path() + " && " + cliPath() + " " + args, &out), code) << args << "\n" << out;
        EXPECT_TRUE(has(out, message)) << "docs/cli.md says '" << message << "' for " << args << ", the CLI printed:\n"
                                       << out;
        EXPECT_TRUE(std::filesystem::is_empty(tmp.path())) << args;
        ++checked;
    }
    EXPECT_GE(checked, 15);
}
