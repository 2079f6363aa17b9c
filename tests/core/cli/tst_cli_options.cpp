// Option values the CLI refuses (issue 17, defects 12 and 13): each is a usage error (exit 2)
// whose message names the option, the value and what is accepted, before any file is read.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace specmoe::test;

namespace {

struct BadOption {
    const char* args;                 // after the program name
    std::vector<const char*> message; // each must appear in the output
};

void PrintTo(const BadOption& c, std::ostream* os) { *os << c.args; }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

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

INSTANTIATE_TEST_SUITE_P(
    Cli, CliBadOption,
    ::testing::Values(
        // A stray positional argument used to be ignored.
        BadOption{"train --traces TMP/a TMP/b --out TMP/run", {"unexpected argument 'TMP/b'", "takes options only"}},
        BadOption{"info extra", {"unexpected argument 'extra'"}},
        BadOption{"analyze TMP/t TMP/u", {"unexpected argument 'TMP/u'", "takes <tracedir>"}},
        // Negative or out-of-range numbers used to be accepted.
        BadOption{"train --traces TMP/a --out TMP/run --threads -4",
                  {"option --threads: -4 is out of range", "accepted: an integer from 0 to 1024"}},
        BadOption{"eval --run TMP/run --max-tokens -5", {"option --max-tokens: -5 is out of range", "accepted: an integer >= 0"}},
        BadOption{"info --threads -1", {"option --threads: -1"}},
        BadOption{"collect --model TMP/m --out TMP/o --source a=TMP/x --threads -4", {"option --threads: -4"}},
        BadOption{"demo --out TMP/d --threads -2", {"option --threads: -2"}},
        // Bad training values used to exit 1 from core.
        BadOption{"train --traces TMP/a --out TMP/run --epochs 0", {"option --epochs: 0 is out of range", "from 1"}},
        BadOption{"train --traces TMP/a --out TMP/run --lr -1", {"option --lr: -1 is out of range", "a number > 0"}},
        BadOption{"train --traces TMP/a --out TMP/run --lr nan", {"option --lr: nan"}},
        BadOption{"train --traces TMP/a --out TMP/run --horizon 0", {"option --horizon: 0"}},
        BadOption{"train --traces TMP/a --out TMP/run --batch-size -3", {"option --batch-size: -3"}},
        BadOption{"train --traces TMP/a --out TMP/run --warmup 2", {"option --warmup: 2", ">= 0 and <= 1"}},
        BadOption{"train --traces TMP/a --out TMP/run --train-fraction 0.9 --val-fraction 0.2",
                  {"--train-fraction 0.9 and --val-fraction 0.2 sum to more than 1"}},
        BadOption{"train --traces TMP/a --out TMP/run --hidden 0", {"option --hidden: 0"}},
        // --models foo used to say "no model selected".
        BadOption{"train --traces TMP/a --out TMP/run --models foo",
                  {"option --models: 'foo' is not a predictor", "interlayer, statistics and ensemble"}},
        BadOption{"train --traces TMP/a --out TMP/run --models interlayer,ensmble", {"'ensmble' is not a predictor"}},
        BadOption{"train --traces TMP/a --out TMP/run --resume --overwrite", {"--resume or --overwrite, not both"}},
        // make-model's --dtype and --preset used to fail as jobs (exit 1).
        BadOption{"make-model --out TMP/m --dtype float64", {"--dtype", "float64", "float32, bfloat16, float16"}},
        BadOption{"make-model --out TMP/m --preset huge", {"--preset", "huge", "tiny, small, mixtral-8x7b"}},
        BadOption{"make-model --out TMP/m --layers -1", {"option --layers: -1"}},
        BadOption{"collect --model TMP/m --out TMP/o --source a=TMP/x --lookahead 1,1", {"distance 1 is given twice"}},
        BadOption{"collect --model TMP/m --out TMP/o --source a=TMP/x --max-length 4 --min-length 8",
                  {"option --min-length: 8 is out of range", "from 0 to 4"}},
        BadOption{"traces reshard TMP/t TMP/u --deflate 12", {"option --deflate: 12", "from 0 to 9"}}));

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
