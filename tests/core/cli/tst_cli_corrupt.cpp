// The CLI on damaged trace folders (issue 17): every command that reads a trace fails with
// an error naming the manifest or the shard at fault (exit 1; `traces verify`: 4), never with
// a signal or a libtorch stack trace.
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using namespace specmoe::test;

namespace {

std::string copyGolden(const TempDir& tmp)
{
    const std::string dir = tmp.file("trace");
    fs::copy(dataPath("golden/trace"), dir, fs::copy_options::recursive);
    return dir;
}

// A crash, a libtorch stack trace or an uncaught exception in a command's output.
bool crashed(int rc, const std::string& out)
{
    return rc < 0 || rc >= 128 || has(out, "terminate called") || has(out, "Exception raised from") ||
           has(out, "stack trace") || has(out, "Segmentation fault");
}

} // namespace

TEST(CliCorruptTrace, StringSchemaVersionExitsFourFromVerifyAndNamesTheField)
{
    TempDir tmp("cli-corrupt");
    const std::string dir = copyGolden(tmp);
    nlohmann::json j = nlohmann::json::parse(readFile(dir + "/manifest.json"));
    j["schema_version"] = "1";
    writeFile(dir + "/manifest.json", j.dump(1));
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " traces verify " + dir + " --quiet", &out), 4) << out;
    EXPECT_TRUE(has(out, dir + "/manifest.json: field 'schema_version' is \"1\" (a string), accepted: an integer"))
        << out;
    EXPECT_EQ(runCommand(cliPath() + " traces info " + dir, &out), 1) << out;
    EXPECT_TRUE(has(out, "field 'schema_version'")) << out;
    EXPECT_FALSE(has(out, "json.exception")) << out;
}

// Random single-byte changes in a shard (fixed seed), each through one of the commands that
// read traces: each fails with an error naming the shard (tst_trace_corrupt runs 30 flips
// through every reader in-process; this checks the CLI's exits).
TEST(CliCorruptTrace, ByteFlipsInAShardFailEveryCommandNamingTheShard)
{
    TempDir tmp("cli-corrupt");
    const std::string golden = readFile(dataPath("golden/trace/shard-00000.h5"));
    const std::string cli = cliPath();
    std::mt19937 rng(23);
    const std::vector<std::pair<std::string, int>> commands{
        {"traces info DIR", 1},
        {"traces verify DIR --quiet", 4},
        {"analyze DIR --out " + tmp.file("analysis") + " --quiet", 1},
        {"train --traces DIR --out " + tmp.file("run") + " --epochs 1 --quiet", 1},
        {"traces reshard DIR " + tmp.file("resharded") + " --overwrite --quiet", 1},
        {"traces export-csv DIR --all --out " + tmp.file("x.csv") + " --quiet", 1},
    };
    for (const auto& [command, expectRc] : commands) {
        const std::string dir = copyGoldenTrace(tmp, "t");
        const size_t at = rng() % golden.size();
        std::string bytes = golden;
        bytes[at] = char(bytes[at] ^ char(1 + rng() % 255));
        writeFile(dir + "/shard-00000.h5", bytes);
        std::string line = command;
        line.replace(line.find("DIR"), 3, dir);
        std::string out;
        const int rc = runCommand(cli + " " + line, &out);
        EXPECT_FALSE(crashed(rc, out)) << line << " (byte " << at << "):\n" << out;
        EXPECT_EQ(rc, expectRc) << line << " (byte " << at << "):\n" << out;
        EXPECT_TRUE(has(out, dir + "/shard-00000.h5: CRC-32 is ")) << line << ":\n" << out;
        fs::remove_all(dir);
    }
    EXPECT_FALSE(fs::exists(tmp.file("resharded/manifest.json")));
}

// Expert ids beyond the expert count in a shard whose checksum matches (a trace made by other
// code): train and eval stop with exit 1 and an error naming shard and sequence, without a
// libtorch stack trace or a crash at exit.
TEST(CliCorruptTrace, ExpertIdsOutOfRangeFailTrainAndEvalNamingShardAndSequence)
{
    TempDir tmp("cli-corrupt");
    const std::string dir = copyGoldenTrace(tmp);
    for (const char* file : {"shard-00000.h5", "shard-00001.h5"})
        tamperDataset(dir, file, "tokens/topk_ids", H5T_NATIVE_UINT8, 1, [](std::vector<char>& v) {
            for (size_t i = 0; i < v.size(); i += 7)
                v[i] = char(200);
        });
    const std::string cli = cliPath();
    std::string out;
    int rc = runCommand(cli + " train --traces " + dir + " --out " + tmp.file("run") + " --epochs 1 --quiet", &out);
    EXPECT_FALSE(crashed(rc, out)) << out;
    EXPECT_EQ(rc, 1) << out;
    EXPECT_TRUE(has(out, "trace shard " + dir + "/shard-0000")) << out;
    EXPECT_TRUE(has(out, ": sequence ")) << out;
    EXPECT_TRUE(has(out, "top-k expert id 200 is not below the expert count 8")) << out;

    rc = runCommand(cli + " eval --predictor " + dataPath("golden/predictor") + " --traces " + dir +
                        " --split all --no-save",
                    &out);
    EXPECT_FALSE(crashed(rc, out)) << out;
    EXPECT_EQ(rc, 1) << out;
    EXPECT_TRUE(has(out, "top-k expert id 200 is not below the expert count 8")) << out;
    EXPECT_TRUE(has(out, ": sequence ")) << out;
}
