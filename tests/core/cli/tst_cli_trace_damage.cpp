// Trace commands as a user meets them with damaged or odd inputs: an export that fails keeps
// the file it was to replace, a folder whose writer stopped half-way does not verify as
// whole, and an import without a routed token or with absurd lengths fails naming the input
// and writes nothing.
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
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

// An .npy file (format 1.0) of little-endian values, as numpy.save writes it.
template <typename T>
void writeNpy(const std::string& path, const std::string& descr, const std::vector<int64_t>& shape,
              const std::vector<T>& values)
{
    std::string dims;
    for (int64_t d : shape)
        dims += std::to_string(d) + ", ";
    if (shape.size() > 1)
        dims.resize(dims.size() - 2);
    else if (shape.size() == 1)
        dims.resize(dims.size() - 1);
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::ofstream f(path, std::ios::binary);
    f.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = uint16_t(header.size());
    f.write(reinterpret_cast<const char*>(&len), 2);
    f << header;
    f.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(T)));
}

// A folder of .npy files for `--format npy`: rows of [layers 2, top-2] ids, one token id per
// row, the given sequence lengths.
std::string npyInput(const TempDir& tmp, const std::string& name, int64_t rows, const std::vector<int64_t>& lengths)
{
    const std::string dir = tmp.file(name);
    fs::create_directories(dir);
    std::vector<int32_t> ids;
    for (int64_t r = 0; r < rows; ++r)
        for (int l = 0; l < 2; ++l) {
            ids.push_back(int32_t((r + l) % 8));
            ids.push_back(int32_t((r + l + 1) % 8));
        }
    writeNpy(dir + "/expert_ids.npy", "<i4", {rows, 2, 2}, ids);
    writeNpy(dir + "/token_ids.npy", "<i4", {rows}, std::vector<int32_t>(size_t(rows), 7));
    writeNpy(dir + "/seq_lens.npy", "<i8", {int64_t(lengths.size())}, lengths);
    return dir;
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
// incomplete (exit 4) rather than OK, analyze refuses its zero tokens; the rerun completes it
// and it verifies.
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
    // Nor does it analyze as a trace of zero layers and experts.
    EXPECT_EQ(runCommand(cliPath() + " analyze " + dest + " --out " + tmp.file("an") + kQuiet, &out), 1) << out;
    EXPECT_NE(out.find("trace " + dest + " holds no token (it is incomplete"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(tmp.file("an")));

    ASSERT_EQ(runCommand(reshard, &out), 0) << out;
    EXPECT_EQ(runCommand(cliPath() + " traces verify " + dest + kQuiet, &out), 0) << out;
    EXPECT_NE(out.find("OK: 1 shards, 60 sequences, 6000 tokens"), std::string::npos) << out;
}

// An import whose inputs hold no routed token (no rows, or every row marked missing and
// dropped, or Megatron calls of 0 tokens) fails naming the input and makes no folder.
TEST(CliTraceDamage, AnImportWithoutARoutedTokenWritesNothing)
{
    TempDir tmp("cli-trace-damage");
    const std::string empty = npyInput(tmp, "empty", 0, {});
    const std::string missing = tmp.file("missing");
    fs::create_directories(missing);
    writeNpy(missing + "/expert_ids.npy", "<i4", {3, 2, 2}, std::vector<int32_t>(12, -1));
    writeNpy(missing + "/token_ids.npy", "<i4", {3}, std::vector<int32_t>{1, 2, 3});
    writeNpy(missing + "/seq_lens.npy", "<i8", {1}, std::vector<int64_t>{3});
    const std::string megatron = tmp.file("megatron");
    fs::create_directories(megatron);
    writeFile(megatron + "/router_trace_rank0.jsonl",
              "{\"step\": 0, \"stage\": \"pre_dispatch\", \"block\": \"decoder\", \"layer\": 0, \"rank\": 0, "
              "\"num_tokens\": 0, \"topk\": 2, \"top_indices\": []}\n"
              "{\"step\": 0, \"stage\": \"pre_dispatch\", \"block\": \"decoder\", \"layer\": 1, \"rank\": 0, "
              "\"num_tokens\": 0, \"topk\": 2, \"top_indices\": []}\n");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--format npy --experts 8 " + empty, empty},
        {"--format npy --experts 8 --allow-missing " + missing, missing},
        {"--format megatron --experts 8 --moe-layers 0-1 " + megatron, megatron},
    };
    for (const auto& [args, input] : cases) {
        const std::string outDir = tmp.file("out");
        std::string out;
        EXPECT_EQ(runCommand(cliPath() + " traces import --out " + outDir + " " + args + kQuiet, &out), 1) << out;
        EXPECT_NE(out.find(input + ": no routed token to import"), std::string::npos) << out;
        EXPECT_FALSE(fs::exists(outDir)) << args;
    }
}

// Sequence lengths whose sum overflows int64 (each beyond any trace's int32 length) are an
// error naming the array, not a failed allocation.
TEST(CliTraceDamage, ImportRefusesLengthsBeyondATracesRange)
{
    TempDir tmp("cli-trace-damage");
    const int64_t big = int64_t(1) << 62;
    const std::string in = npyInput(tmp, "overflow", 4, {big, big, big, big + 4});
    const std::string outDir = tmp.file("out");
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " traces import --format npy --experts 8 --out " + outDir + " " + in + kQuiet, &out),
              1)
        << out;
    EXPECT_NE(out.find("seq_lens.npy: element 0 is " + std::to_string(big) + "; values <= 2147483647"),
              std::string::npos)
        << out;
    EXPECT_FALSE(fs::exists(outDir));
}

// An input that is there but cannot be read (a symlink loop) says why, not "no such file".
TEST(CliTraceDamage, AnUnreadableImportInputSaysWhy)
{
    TempDir tmp("cli-trace-damage");
    for (const auto& [format, name] : std::vector<std::pair<std::string, std::string>>{
             {"npy --experts 8", "loop.npz"}, {"megatron --experts 8 --moe-layers 0-1", "loop.jsonl"}}) {
        const std::string loop = tmp.file(name);
        fs::create_symlink(loop, loop);
        std::string out;
        EXPECT_EQ(runCommand(cliPath() + " traces import --format " + format + " --out " + tmp.file("out") + " " + loop +
                                 kQuiet,
                             &out),
                  1)
            << out;
        EXPECT_NE(out.find(loop + ": cannot"), std::string::npos) << out;
        EXPECT_NE(out.find("symbolic links"), std::string::npos) << out;
        EXPECT_FALSE(fs::exists(tmp.file("out")));
    }
}

// An input written again with other routing but the same shapes has the same size: a rerun
// took it for the one already imported, kept the old routing and said OK. It is refused as
// another input unless --overwrite, which then stores the new routing.
TEST(CliTraceDamage, AReimportOfAnInputWrittenAgainIsNotTakenAsDone)
{
    TempDir tmp("cli-trace-damage");
    const std::string in = npyInput(tmp, "in", 6, {6});
    const std::string outDir = tmp.file("out");
    const std::string import = cliPath() + " traces import --format npy --experts 8 --out " + outDir + " " + in + kQuiet;
    std::string out;
    ASSERT_EQ(runCommand(import, &out), 0) << out;
    std::vector<int32_t> other;
    for (int r = 0; r < 6; ++r)
        for (int l = 0; l < 2; ++l) {
            other.push_back(int32_t((r + l + 4) % 8));
            other.push_back(int32_t((r + l + 5) % 8));
        }
    const std::string ids = in + "/expert_ids.npy";
    const auto before = fs::last_write_time(ids);
    writeNpy(ids, "<i4", {6, 2, 2}, other);
    fs::last_write_time(ids, before + std::chrono::seconds(5)); // whatever the clock's resolution
    EXPECT_EQ(runCommand(import, &out), 1) << out;
    EXPECT_NE(out.find("another fingerprint"), std::string::npos) << out;
    ASSERT_EQ(runCommand(import + " --overwrite", &out), 0) << out;
    ASSERT_EQ(runCommand(cliPath() + " traces export-csv " + outDir + " --seq 0 --layers 0", &out), 0) << out;
    EXPECT_NE(out.find(",0,4,5\n"), std::string::npos) << out; // row 0, layer 0: experts 4 and 5
}

// traces synth --generated beyond --seq-len marked every token generated without a word; it is
// a usage error naming the option and the accepted range.
TEST(CliTraceDamage, SynthRefusesMoreGeneratedTokensThanASequenceHolds)
{
    TempDir tmp("cli-trace-damage");
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " traces synth --preset olmoe --tokens 1000 --seq-len 100 --generated 600 --out " +
                             tmp.file("s") + kQuiet,
                         &out),
              2)
        << out;
    EXPECT_NE(out.find("option --generated: 600 is out of range (accepted: an integer from 0 to 100)"),
              std::string::npos)
        << out;
    EXPECT_FALSE(fs::exists(tmp.file("s")));
}
