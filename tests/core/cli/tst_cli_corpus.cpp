// `specmoe collect` given bad corpora and checkpoints (issue 17): an all-rejected source
// names the files and reasons (defect 10), a line over --max-doc-bytes is skipped and named
// (defect 11), and misread sources and a folder in place of model.safetensors say what is
// wrong with which input (defect 12).
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe::test;

namespace {

class CliCorpus : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_tmp = new TempDir("cli-corpus");
        std::string out;
        ASSERT_EQ(runCommand(cliPath() + " make-model --preset tiny --out " + model() + " --quiet", &out), 0) << out;
    }
    static void TearDownTestSuite()
    {
        delete s_tmp;
        s_tmp = nullptr;
    }
    static std::string model() { return s_tmp->file("model"); }
    // collect with `sources` (the --source options) into a fresh folder; returns the exit code.
    static int collect(const std::string& sources, const std::string& extra, std::string* out)
    {
        static int n = 0;
        return runCommand(cliPath() + " collect --model " + model() + " " + sources + " --out " +
                              s_tmp->file("out" + std::to_string(n++)) +
                              " --device cpu --dtype float32 --threads 1 --min-length 1 --max-length 16 --quiet " +
                              extra,
                          out);
    }
    static TempDir* s_tmp;
};

TempDir* CliCorpus::s_tmp = nullptr;

// Token ids below the tiny model's vocabulary of 320.
std::string idsLine(int seed) { return "{\"input_ids\": [1, " + std::to_string(5 + seed) + ", 7, 9, 11]}\n"; }

} // namespace

TEST_F(CliCorpus, EveryInputRejectedNamesTheFilesAndReasons)
{
    TempDir tmp("cli-corpus");
    writeFile(tmp.file("bad.jsonl"), "{\"input_ids\": [1, 2,\n");
    std::string out;
    EXPECT_EQ(collect("--source ids=" + tmp.file("bad.jsonl") + ":jsonl-ids", "", &out), 1) << out;
    EXPECT_TRUE(has(out, "the sources gave no sequences (0 documents read, 1 input skipped as bad: ids: " +
                             tmp.file("bad.jsonl") + ":1: broken-json;"))
        << out;
}

TEST_F(CliCorpus, DocumentOverTheCapIsSkippedAndNamed)
{
    TempDir tmp("cli-corpus");
    std::string text;
    for (int i = 0; i < 20; ++i)
        text += idsLine(i);
    std::string longLine = "{\"input_ids\": [1";
    while (longLine.size() < 5000)
        longLine += ", 8";
    text += longLine + "]}\n";
    writeFile(tmp.file("ids.jsonl"), text);
    std::string out;
    ASSERT_EQ(collect("--source ids=" + tmp.file("ids.jsonl") + ":jsonl-ids", "--max-doc-bytes 4096", &out), 0) << out;
    EXPECT_TRUE(has(out, "warning: ids: " + tmp.file("ids.jsonl") +
                             ":21: document-too-long (the line is longer than 4096 bytes, the document cap)"))
        << out;
    EXPECT_TRUE(has(out, "20 sequences")) << out;

    // Every document too long: the error names the file and the reason.
    writeFile(tmp.file("long.jsonl"), longLine + "]}\n");
    EXPECT_EQ(collect("--source ids=" + tmp.file("long.jsonl") + ":jsonl-ids", "--max-doc-bytes 4096", &out), 1) << out;
    EXPECT_TRUE(has(out, tmp.file("long.jsonl") + ":1: document-too-long")) << out;
    EXPECT_EQ(collect("--source ids=" + tmp.file("long.jsonl") + ":jsonl-ids", "--max-doc-bytes 0", &out), 2) << out;
    EXPECT_TRUE(has(out, "option --max-doc-bytes: 0 is out of range")) << out;
}

TEST_F(CliCorpus, MisreadSourceSpecsSayWhatWasNotUnderstood)
{
    TempDir tmp("cli-corpus");
    writeFile(tmp.file("c.jsonl"), idsLine(0));
    std::string out;
    EXPECT_EQ(collect("--source a=" + tmp.file("c.jsonl") + ":yaml", "", &out), 1) << out;
    EXPECT_TRUE(has(out, tmp.file("c.jsonl") + " exists, but 'yaml' is not a corpus format; accepted: text, "
                                               "paragraphs, jsonl, jsonl-ids, csv, tsv or auto"))
        << out;
    EXPECT_EQ(collect("--source a=" + tmp.file("c.jsonl") + ":jsonl-ids@abc", "", &out), 1) << out;
    EXPECT_TRUE(has(out, "'abc' after '@' is not a weight; accepted: a positive number")) << out;
    EXPECT_EQ(collect("--source a=/dev/zero", "", &out), 1) << out;
    EXPECT_TRUE(has(out, "source 'a': /dev/zero is a character device, not a file or folder")) << out;
}

TEST_F(CliCorpus, AFolderInPlaceOfTheWeightsIsNamed)
{
    TempDir tmp("cli-corpus");
    const std::string broken = tmp.file("model");
    fs::copy(model(), broken, fs::copy_options::recursive);
    fs::remove(broken + "/model.safetensors");
    fs::create_directory(broken + "/model.safetensors");
    writeFile(tmp.file("c.jsonl"), idsLine(0));
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " collect --model " + broken + " --source a=" + tmp.file("c.jsonl") +
                             ":jsonl-ids --out " + tmp.file("out") + " --device cpu --min-length 1 --quiet",
                         &out),
              1)
        << out;
    EXPECT_TRUE(has(out, broken + "/model.safetensors: is a folder, not a safetensors file")) << out;
    EXPECT_FALSE(has(out, "No such device")) << out;
}
