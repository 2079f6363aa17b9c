// Trace commands as a user meets them with damaged or odd inputs: an export that fails keeps
// the file it was to replace, and a folder whose writer stopped half-way does not verify as
// whole.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace specmoe::test;

namespace {

const std::string kQuiet = " --quiet";

// A synthetic Mixtral-dims trace of `tokens` tokens in several shards (~0.4 MB each).
std::string synthTrace(const TempDir& tmp, const std::string& name, int tokens)
{
    const std::string dir = tmp.file(name);
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " traces synth --preset mixtral-8x7b --tokens " + std::to_string(tokens) +
                             " --seq-len 100 --size-mb 0.4 --out " + dir + kQuiet,
                         &out),
              0)
        << out;
    return dir;
}

void flipByte(const std::string& path, std::streamoff offset)
{
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset);
    char c = 0;
    f.read(&c, 1);
    c = char(c ^ 0x5a);
    f.seekp(offset);
    f.write(&c, 1);
}

} // namespace

// export-csv into an existing file: a bad sequence id, a corrupt shard met half-way and the
// file size limit all fail naming the file and leave it as it was, with no temporary beside it.
TEST(CliTraceDamage, AFailedCsvExportLeavesTheOutputAsItWas)
{
    TempDir tmp("cli-trace-damage");
    const std::string dir = synthTrace(tmp, "t", 6000);
    const std::string csv = tmp.file("x.csv");
    const std::string cli = cliPath() + " traces export-csv " + dir;
    writeFile(csv, "old contents\n");
    std::string out;
    EXPECT_EQ(runCommand(cli + " --seq 99999 --out " + csv + kQuiet, &out), 1) << out;
    EXPECT_NE(out.find("no sequence with id 99999"), std::string::npos) << out;
    EXPECT_EQ(readFile(csv), "old contents\n");
    EXPECT_FALSE(fs::exists(csv + ".tmp"));

    // The last shard is read after the first ones' rows are written.
    std::vector<std::string> shards;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".h5")
            shards.push_back(e.path().string());
    std::sort(shards.begin(), shards.end());
    ASSERT_GE(shards.size(), 3u);
    const std::string saved = readFile(shards.back());
    flipByte(shards.back(), std::streamoff(fs::file_size(shards.back()) / 2));
    EXPECT_EQ(runCommand(cli + " --all --out " + csv + kQuiet, &out), 1) << out;
    EXPECT_NE(out.find(fs::path(shards.back()).filename().string()), std::string::npos) << out;
    EXPECT_NE(out.find("(nothing was written to " + csv + ")"), std::string::npos) << out;
    EXPECT_EQ(readFile(csv), "old contents\n");
    EXPECT_FALSE(fs::exists(csv + ".tmp"));
    writeFile(shards.back(), saved);

    // Past `ulimit -f` (blocks of 512 bytes in sh, 1024 in bash: some 100-200 KB; the CSV is MBs).
    const std::string limited = tmp.file("limited.csv");
    EXPECT_EQ(runCommand("ulimit -f 200; " + cli + " --all --out " + limited + kQuiet, &out), 1) << out;
    EXPECT_NE(out.find("over the file size limit?"), std::string::npos) << out;
    EXPECT_NE(out.find(limited), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(limited));
    EXPECT_FALSE(fs::exists(limited + ".tmp"));

    ASSERT_EQ(runCommand(cli + " --all --out " + csv + kQuiet, &out), 0) << out;
    EXPECT_EQ(readFile(csv).rfind("seq_id,", 0), 0u);
    EXPECT_FALSE(fs::exists(csv + ".tmp"));
}

// A reshard stopped by the file size limit leaves a resumable folder: verify reports it as
// incomplete (exit 4) rather than OK; the rerun completes it and it verifies.
TEST(CliTraceDamage, VerifyReportsAnIncompleteTrace)
{
    TempDir tmp("cli-trace-damage");
    const std::string dir = synthTrace(tmp, "t", 6000);
    const std::string dest = tmp.file("r");
    const std::string reshard = cliPath() + " traces reshard " + dir + " " + dest + " --size-mb 64" + kQuiet;
    std::string out;
    EXPECT_EQ(runCommand("ulimit -f 200; " + reshard, &out), 1) << out;
    EXPECT_NE(out.find("File too large"), std::string::npos) << out;
    ASSERT_TRUE(fs::exists(dest + "/manifest.json")) << out;
    EXPECT_EQ(runCommand(cliPath() + " traces verify " + dest + kQuiet, &out), 4) << out;
    EXPECT_NE(out.find("PROBLEM: " + dest + ": the trace is incomplete"), std::string::npos) << out;
    EXPECT_EQ(out.find("OK:"), std::string::npos) << out;

    ASSERT_EQ(runCommand(reshard, &out), 0) << out;
    EXPECT_EQ(runCommand(cliPath() + " traces verify " + dest + kQuiet, &out), 0) << out;
    EXPECT_NE(out.find("OK: 1 shards, 60 sequences, 6000 tokens"), std::string::npos) << out;
}
