// Corpus sources given bad input (issue 17): documents over the byte cap are skipped and
// named without ever being held whole (defect 11), a source path that names nothing says
// which part of the spec was not understood (defect 12), an empty corpus names what was
// dropped (defect 10) and a tokenizer failure names the document.
#include "core/data/corpus.h"
#include "core/data/document_reader.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <new>
#include <sstream>

using namespace specmoe;
using specmoe::test::has;
using specmoe::test::TempDir;
using specmoe::test::writeFile;

namespace {

// `head`, then `holeBytes` NUL bytes left as a hole (no disk used), then `tail`.
void writeSparse(const std::string& path, const std::string& head, off_t holeBytes, const std::string& tail)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, head.data(), head.size()), ssize_t(head.size()));
    ASSERT_GE(::lseek(fd, holeBytes, SEEK_CUR), 0);
    ASSERT_EQ(::write(fd, tail.data(), tail.size()), ssize_t(tail.size()));
    ::close(fd);
}

struct HugeDocCase {
    const char* name;
    SourceFormat format;
    std::string head;        // at least 8 KiB of good documents (the binary sniff reads 8 KiB)
    std::string hugeStart;   // then this, the hole, and
    std::string tail;        // this
    int64_t documents;       // documents accepted
    std::string skippedWhere; // "" (the file) or ":LINE"
};

void PrintTo(const HugeDocCase& c, std::ostream* os) { *os << c.name; }

std::string lines(const std::string& before, const std::string& after, int n)
{
    std::string out;
    for (int i = 0; i < n; ++i)
        out += before + "document number " + std::to_string(i) + " with some words" + after;
    return out;
}

class HugeDocument : public ::testing::TestWithParam<HugeDocCase> {};

constexpr off_t kHole = off_t(1) << 29;      // 512 MiB without a line end
constexpr int64_t kCap = int64_t(1) << 20;   // 1 MiB document cap
constexpr rlim_t kHeadroom = rlim_t(128) << 20;

} // namespace

// Reading a 512 MiB line under an address-space limit of 128 MiB above what the process
// maps: the reader keeps at most the cap of it (std::getline and a whole-file read held it
// all, which this limit turns into bad_alloc), skips it as document-too-long naming the file
// and line, and reads on after it.
TEST_P(HugeDocument, IsSkippedWithoutBeingHeldWhole)
{
    const HugeDocCase& c = GetParam();
    TempDir tmp("corpus-huge");
    const std::string file = tmp.file(std::string("big.") + c.name);
    writeSparse(file, c.head + c.hugeStart, kHole, c.tail);
    const std::string result = tmp.file("result.txt");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        std::string text;
        try {
            long pages = 0;
            std::ifstream("/proc/self/statm") >> pages;
            const rlimit limit{rlim_t(pages) * rlim_t(::sysconf(_SC_PAGESIZE)) + kHeadroom,
                               rlim_t(pages) * rlim_t(::sysconf(_SC_PAGESIZE)) + kHeadroom};
            ::setrlimit(RLIMIT_AS, &limit);
            SourceSpec spec;
            spec.name = "big";
            spec.path = file;
            spec.format = c.format;
            SourceStats stats;
            DocumentReader reader(spec, stats, kCap);
            Document d;
            int64_t docs = 0;
            std::string last;
            while (reader.next(d)) {
                ++docs;
                last = d.text;
            }
            text = std::to_string(docs) + "\n" + std::to_string(stats.skipped[skip::kDocumentTooLong]) + "\n" +
                   (stats.warnings.empty() ? "" : stats.warnings.front()) + "\n" + last + "\n";
        } catch (const std::bad_alloc&) {
            text = "bad_alloc\n";
        } catch (const std::exception& e) {
            text = std::string("error: ") + e.what() + "\n";
        }
        std::ofstream(result) << text;
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "the child died with signal " << WTERMSIG(status);
    std::istringstream out(test::readFile(result));
    std::string docs, skipped, warning, last;
    std::getline(out, docs);
    std::getline(out, skipped);
    std::getline(out, warning);
    std::getline(out, last);
    EXPECT_EQ(docs, std::to_string(c.documents)) << test::readFile(result);
    EXPECT_EQ(skipped, "1") << test::readFile(result);
    EXPECT_EQ(warning, file + c.skippedWhere + ": document-too-long (" +
                           (c.format == SourceFormat::Text ? "the file is"
                            : c.format == SourceFormat::Paragraphs ? "the paragraph is"
                            : c.format == SourceFormat::Csv ? "the row is"
                                                            : "the line is") +
                           " longer than 1048576 bytes, the document cap)");
    if (c.documents > 0) {
        EXPECT_EQ(last.substr(0, 5), "after") << "reading went on after the long document";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, HugeDocument,
    ::testing::Values(
        HugeDocCase{"jsonl", SourceFormat::Jsonl, lines("{\"text\": \"", "\"}\n", 300), "{\"text\": \"",
                    "\"}\n{\"text\": \"after it\"}\n", 301, ":301"},
        HugeDocCase{"paragraphs", SourceFormat::Paragraphs, lines("", "\n\n", 300), "start ",
                    "\n\nafter it\n", 301, ":601"},
        HugeDocCase{"csv", SourceFormat::Csv, "text\n" + lines("", "\n", 300), "\"", "\"\nafter it\n", 301, ":302"},
        HugeDocCase{"text", SourceFormat::Text, "", "a text file ", "the end\n", 0, ""}));

TEST(CorpusBadInput, CappedReadingKeepsDocumentsUnderTheCap)
{
    TempDir tmp("corpus-cap");
    writeFile(tmp.file("a.jsonl"), "{\"text\": \"short\"}\n{\"text\": \"" + std::string(100, 'x') +
                                       "\"}\r\n{\"text\": \"end\"}");
    SourceSpec spec = parseSourceSpec("a=" + tmp.file("a.jsonl"));
    SourceStats stats;
    DocumentReader reader(spec, stats, 50);
    std::vector<std::string> texts;
    Document d;
    while (reader.next(d))
        texts.push_back(d.text);
    EXPECT_EQ(texts, (std::vector<std::string>{"short", "end"}));
    ASSERT_EQ(stats.warnings.size(), 1u);
    EXPECT_EQ(stats.warnings[0], tmp.file("a.jsonl") + ":2: document-too-long (the line is longer than 50 bytes, "
                                                         "the document cap)");
}

// Defect 12: ':yaml' and '@abc' were taken as part of the path ("no such file"), and
// /dev/zero said "no such file" too.
TEST(CorpusBadInput, SourcePathMessagesNameWhatWasNotUnderstood)
{
    TempDir tmp("corpus-path");
    writeFile(tmp.file("c.txt"), "text\n");
    const auto errorOf = [](const std::string& spec) {
        try {
            CorpusParams p;
            p.sources = {parseSourceSpec(spec)};
            p.tokenize = [](const std::string&) { return std::vector<int32_t>{1, 2, 3}; };
            buildCorpus(p);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string yaml = errorOf("a=" + tmp.file("c.txt") + ":yaml");
    EXPECT_TRUE(has(yaml, "source 'a': no such file or folder: " + tmp.file("c.txt") + ":yaml (" + tmp.file("c.txt") +
                              " exists, but 'yaml' is not a corpus format; accepted: text, paragraphs, jsonl"))
        << yaml;
    const std::string weight = errorOf("a=" + tmp.file("c.txt") + "@abc");
    EXPECT_TRUE(has(weight, tmp.file("c.txt") + " exists, but 'abc' after '@' is not a weight; accepted: a positive "
                                                "number, e.g. @2"))
        << weight;
    const std::string both = errorOf("a=" + tmp.file("c.txt") + ":jsonl@abc");
    EXPECT_TRUE(has(both, "'abc' after '@' is not a weight")) << both;
    const std::string device = errorOf("a=/dev/zero");
    EXPECT_EQ(device, "source 'a': /dev/zero is a character device, not a file or folder (accepted: a regular file, "
                      "or a folder of them)");
    const std::string missing = errorOf("a=" + tmp.file("none.txt"));
    EXPECT_EQ(missing, "source 'a': no such file or folder: " + tmp.file("none.txt"));
}

// Defect 10: the report of an empty corpus names the files and the reasons.
TEST(CorpusBadInput, DropReportNamesFilesAndReasons)
{
    TempDir tmp("corpus-drop");
    writeFile(tmp.file("bad.jsonl"), "{broken\n{\"body\": 1}\n{\"text\": 5}\n{\"text\": \"\"}\nnot json\n");
    CorpusParams p;
    p.sources = {parseSourceSpec("web=" + tmp.file("bad.jsonl"))};
    p.tokenize = [](const std::string&) { return std::vector<int32_t>{1, 2, 3}; };
    const Corpus c = buildCorpus(p);
    ASSERT_TRUE(c.sequences.empty());
    EXPECT_EQ(c.dropReport(), "0 documents read, 5 inputs skipped as bad: web: " + tmp.file("bad.jsonl") +
                                  ":1: broken-json; web: " + tmp.file("bad.jsonl") +
                                  ":2: missing-field (no field 'text'); web: " + tmp.file("bad.jsonl") +
                                  ":3: wrong-type (field 'text' is not a string); ... 2 more; 0 duplicates dropped; "
                                  "0 sequences shorter than the minimum length dropped");
}

// Defect 11: running out of memory while tokenizing blamed tokenizer.model.
TEST(CorpusBadInput, TokenizerFailureNamesTheDocument)
{
    TempDir tmp("corpus-tok");
    writeFile(tmp.file("a.jsonl"), "{\"text\": \"fine\"}\n{\"text\": \"this one\"}\n");
    CorpusParams p;
    p.sources = {parseSourceSpec("web=" + tmp.file("a.jsonl"))};
    p.shuffleBuffer = 0;
    p.minLength = 1;
    p.tokenize = [](const std::string& text) -> std::vector<int32_t> {
        if (text == "this one")
            throw std::bad_alloc();
        return {1, 2};
    };
    try {
        buildCorpus(p);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "corpus source 'web' (" + tmp.file("a.jsonl") +
                                             "): document a.jsonl:2: out of memory while tokenizing it (8 bytes; lower "
                                             "the document cap, --max-doc-bytes)");
    }
    p.maxDocumentBytes = 0;
    try {
        buildCorpus(p);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_TRUE(has(e.what(), "the document cap must be positive")) << e.what();
    }
}

// A file name that is not UTF-8 (Linux allows any bytes) went into document ids and skip
// warnings as is; writing them to JSON then failed with nlohmann's raw
// "[json.exception.type_error.316] invalid UTF-8 byte" (collect's manifest, analyze's
// journeys). The bytes at fault become '?'.
TEST(CorpusBadInput, FileNamesThatAreNotUtf8GiveUtf8IdsAndWarnings)
{
    TempDir tmp("corpus-names");
    writeFile(tmp.file("ok\xff.txt"), "first paragraph of words\n\nsecond paragraph of words\n");
    writeFile(tmp.file("x\xfe.txt"), "bad \xff text\n");
    CorpusParams p;
    p.sources = {parseSourceSpec("a=" + tmp.path() + ":paragraphs")};
    p.minLength = 1;
    p.tokenize = [](const std::string&) { return std::vector<int32_t>{1, 2, 3}; };
    const Corpus c = buildCorpus(p);
    ASSERT_EQ(c.sequences.size(), 2u);
    nlohmann::json j;
    for (const auto& s : c.sequences) {
        EXPECT_EQ(s.docId.rfind("ok?.txt:", 0), 0u) << s.docId;
        j["ids"].push_back(s.docId);
    }
    ASSERT_EQ(c.stats.size(), 1u);
    ASSERT_EQ(c.stats[0].warnings.size(), 1u);
    EXPECT_NE(c.stats[0].warnings[0].find("x?.txt:1: invalid-utf8"), std::string::npos) << c.stats[0].warnings[0];
    j["warnings"] = c.stats[0].warnings;
    EXPECT_NO_THROW(j.dump());
}

// A source NAME that is not UTF-8 failed later, writing the manifest, with nlohmann's raw
// type_error 316; it is refused where the --source value is read.
TEST(CorpusBadInput, SourceNameThatIsNotUtf8IsRefused)
{
    try {
        parseSourceSpec("n\xff=/tmp/x");
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("the name is not UTF-8 text"), std::string::npos) << e.what();
    }
}
