// Corpus sources: formats, bad input, dedup, sampling, windows.
#include "core/data/corpus.h"
#include "core/data/csv_reader.h"
#include "core/data/document_reader.h"
#include "core/data/source_spec.h"
#include "core/util/utf8.h"
#include "core/util/error.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <sstream>

using namespace specmoe;
using specmoe::test::TempDir;
using specmoe::test::writeFile;
namespace fs = std::filesystem;

namespace {

// One token per whitespace-separated word; the id is the word's length (1..).
std::vector<int32_t> wordTokens(const std::string& text)
{
    std::vector<int32_t> out;
    std::istringstream in(text);
    std::string w;
    while (in >> w)
        out.push_back(int32_t(w.size()));
    return out;
}

std::vector<Document> readAll(const SourceSpec& spec, SourceStats& stats)
{
    DocumentReader r(spec, stats);
    std::vector<Document> docs;
    Document d;
    while (r.next(d))
        docs.push_back(d);
    return docs;
}

std::string words(int n, const std::string& tag = "w")
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s += (i ? " " : "") + tag + std::to_string(i);
    return s;
}

} // namespace

namespace {

struct SpecCase {
    const char* text;
    const char* name;
    const char* path;
    SourceFormat format;
    const char* field; // "" = the format's default
    double weight;
};

void PrintTo(const SpecCase& c, std::ostream* os) { *os << c.text; }

class SourceSpecParse : public ::testing::TestWithParam<SpecCase> {};
class SourceSpecRefused : public ::testing::TestWithParam<const char*> {};

} // namespace

TEST_P(SourceSpecParse, NamePathFormatFieldWeight)
{
    const SpecCase& c = GetParam();
    const SourceSpec s = parseSourceSpec(c.text);
    EXPECT_EQ(s.name, c.name);
    EXPECT_EQ(s.path, c.path);
    EXPECT_EQ(s.format, c.format);
    if (*c.field) {
        EXPECT_EQ(s.field, c.field);
    }
    EXPECT_DOUBLE_EQ(s.weight, c.weight);
    // toString writes what parses back to the same source.
    const SourceSpec back = parseSourceSpec(toString(s));
    EXPECT_EQ(back.path, s.path);
    EXPECT_EQ(back.format, s.format);
    EXPECT_EQ(back.field, s.field);
    EXPECT_DOUBLE_EQ(back.weight, s.weight);
}

// Colons and '@' inside the path stay in the path.
INSTANTIATE_TEST_SUITE_P(SourceSpec, SourceSpecParse,
                         ::testing::Values(SpecCase{"news=/data/news", "news", "/data/news", SourceFormat::Auto, "", 1.0},
                                           SpecCase{"code=/x/y.jsonl:jsonl:content@2.5", "code", "/x/y.jsonl",
                                                    SourceFormat::Jsonl, "content", 2.5},
                                           SpecCase{"ids=/a:b/c.jsonl:jsonl-ids:tokens", "ids", "/a:b/c.jsonl",
                                                    SourceFormat::JsonlIds, "tokens", 1.0},
                                           SpecCase{"w=/tmp/a@b/file.txt:paragraphs", "w", "/tmp/a@b/file.txt",
                                                    SourceFormat::Paragraphs, "", 1.0},
                                           SpecCase{"c=/d.csv:csv:body@3", "c", "/d.csv", SourceFormat::Csv, "body",
                                                    3.0}));

TEST_P(SourceSpecRefused, Throws)
{
    EXPECT_THROW(parseSourceSpec(GetParam()), Error);
}

// No path, no name, an empty path, a field for a format without fields, a zero weight.
INSTANTIATE_TEST_SUITE_P(SourceSpec, SourceSpecRefused,
                         ::testing::Values("nopath", "=x", "a=", "a=/p:text:field", "a=/p@0"));

TEST(SourceSpec, Caps)
{
    std::vector<SourceSpec> v{parseSourceSpec("a=/p"), parseSourceSpec("b=/q")};
    applySourceCap(v, "a=100");
    applySourceCap(v, "b=7seq");
    EXPECT_EQ(v[0].maxTokens, 100);
    EXPECT_EQ(v[1].maxSequences, 7);
    EXPECT_THROW(applySourceCap(v, "c=5"), Error);
    EXPECT_THROW(applySourceCap(v, "a=x"), Error);
}

TEST(Utf8, Validation)
{
    EXPECT_TRUE(isValidUtf8("plain ascii"));
    EXPECT_TRUE(isValidUtf8("gr\xC3\xBC\xC3\x9F dich \xF0\x9F\x98\x80"));
    size_t off = 0;
    EXPECT_FALSE(isValidUtf8("ab\xC3", &off));
    EXPECT_EQ(off, 2u);
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));         // overlong
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));     // surrogate
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80")); // above U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xFF"));
}

// One decoder serves validation and the demo corpus' sanitizing: both agree on what is
// ill-formed, and sanitizing keeps well-formed text as is.
TEST(Utf8, SanitizeReplacesExactlyTheIllFormedBytes)
{
    const std::string good = "gr\xC3\xBC\xC3\x9F dich \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
    EXPECT_TRUE(isValidUtf8(good));
    EXPECT_EQ(sanitizeUtf8(good), good);
    EXPECT_EQ(sanitizeUtf8(""), "");
    EXPECT_EQ(utf8SequenceLength("a", 0), 1u);
    EXPECT_EQ(utf8SequenceLength("\xC3\xBC", 0), 2u);
    EXPECT_EQ(utf8SequenceLength("\xE2\x82\xAC", 0), 3u);
    EXPECT_EQ(utf8SequenceLength("\xF0\x9F\x98\x80", 0), 4u);
    EXPECT_EQ(utf8SequenceLength("\x80", 0), 0u);

    EXPECT_EQ(sanitizeUtf8("bad\xFF byte"), "bad? byte");
    EXPECT_EQ(sanitizeUtf8("\xE2\x82"), "??");             // truncated: each byte replaced
    EXPECT_EQ(sanitizeUtf8("\xE2\x82x"), "??x");           // cut short by an ASCII byte
    EXPECT_EQ(sanitizeUtf8("\xC0\xAF"), "??");             // overlong
    EXPECT_EQ(sanitizeUtf8("\xED\xA0\x80"), "???");        // surrogate
    EXPECT_EQ(sanitizeUtf8("\xF4\x90\x80\x80"), "????");   // above U+10FFFF
    EXPECT_EQ(sanitizeUtf8("\x80\xC3\xBC"), "?\xC3\xBC");  // stray continuation, then valid
    EXPECT_EQ(sanitizeUtf8("a\xFF" "b", "\xEF\xBF\xBD"), "a\xEF\xBF\xBD" "b"); // U+FFFD

    // Whatever the input, the result validates, and validation rejects exactly the inputs
    // that sanitizing changes.
    std::mt19937 rng(7);
    for (int round = 0; round < 2000; ++round) {
        std::string s;
        const int n = int(rng() % 12);
        for (int i = 0; i < n; ++i) {
            const uint32_t r = rng() % 8;
            s.push_back(char(r < 3 ? 0x20 + rng() % 0x5f : 0x80 + rng() % 0x80));
        }
        const std::string t = sanitizeUtf8(s);
        EXPECT_TRUE(isValidUtf8(t)) << round;
        EXPECT_EQ(isValidUtf8(s), t == s) << round;
    }
}

TEST(Csv, QuotingLineBreaksAndErrors)
{
    std::istringstream in("\xEF\xBB\xBFid,text\r\n1,\"a, \"\"quoted\"\"\nline\"\r\n\n2,plain 5\" x\n3,\"bad\"x,\n4,last");
    CsvReader r(in, ',');
    std::vector<std::string> f;
    std::string err;
    ASSERT_EQ(r.next(f, &err), CsvReader::Status::Record);
    EXPECT_EQ(f, (std::vector<std::string>{"id", "text"}));
    ASSERT_EQ(r.next(f, &err), CsvReader::Status::Record);
    EXPECT_EQ(f[1], "a, \"quoted\"\nline");
    EXPECT_EQ(r.recordLine(), 2);
    ASSERT_EQ(r.next(f, &err), CsvReader::Status::Record);
    EXPECT_EQ(f[1], "plain 5\" x");
    EXPECT_EQ(r.recordLine(), 5);
    ASSERT_EQ(r.next(f, &err), CsvReader::Status::Error);
    EXPECT_EQ(r.recordLine(), 6);
    ASSERT_EQ(r.next(f, &err), CsvReader::Status::Record);
    EXPECT_EQ(f, (std::vector<std::string>{"4", "last"}));
    EXPECT_EQ(r.next(f, &err), CsvReader::Status::End);

    std::istringstream open("a\n\"never closed\n");
    CsvReader r2(open, ',');
    ASSERT_EQ(r2.next(f), CsvReader::Status::Record);
    EXPECT_EQ(r2.next(f, &err), CsvReader::Status::Error);
    EXPECT_EQ(err, "unterminated quoted field");
}

TEST(Formats, TextFolderOneDocumentPerFile)
{
    TempDir t;
    fs::create_directories(t.file("sub"));
    fs::create_directories(t.file(".git"));
    writeFile(t.file("b.txt"), "second file");
    writeFile(t.file("a.txt"), "first file\n\nstill first");
    writeFile(t.file("sub/c.md"), "third");
    writeFile(t.file(".hidden"), "hidden");
    writeFile(t.file(".git/x"), "hidden too");
    SourceStats st;
    auto docs = readAll(parseSourceSpec("s=" + t.path()), st);
    ASSERT_EQ(docs.size(), 3u);
    EXPECT_EQ(docs[0].docId, "a.txt");
    EXPECT_EQ(docs[0].text, "first file\n\nstill first");
    EXPECT_EQ(docs[1].docId, "b.txt");
    EXPECT_EQ(docs[2].docId, "sub/c.md");
    EXPECT_EQ(st.files, 3);
    EXPECT_EQ(st.skippedTotal(), 0);
}

TEST(Formats, Paragraphs)
{
    TempDir t;
    writeFile(t.file("p.txt"), "\n\nfirst para\nline two\n\n  \nsecond\r\n\nthird\n");
    SourceStats st;
    auto docs = readAll(parseSourceSpec("s=" + t.file("p.txt") + ":paragraphs"), st);
    ASSERT_EQ(docs.size(), 3u);
    EXPECT_EQ(docs[0].text, "first para\nline two");
    EXPECT_EQ(docs[0].docId, "p.txt:3");
    EXPECT_EQ(docs[1].text, "second");
    EXPECT_EQ(docs[1].docId, "p.txt:7");
    EXPECT_EQ(docs[2].text, "third");
}

TEST(Formats, JsonlTextAndTokenIds)
{
    TempDir t;
    writeFile(t.file("a.jsonl"), "{\"text\":\"hello\",\"body\":\"alt\"}\n\n{\"meta\":{\"t\":\"nested\"},\"body\":\"b2\"}\n");
    SourceStats st;
    auto docs = readAll(parseSourceSpec("s=" + t.file("a.jsonl") + ":jsonl:body"), st);
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[0].text, "alt");
    EXPECT_EQ(docs[1].docId, "a.jsonl:3");
    SourceStats st2;
    docs = readAll(parseSourceSpec("s=" + t.file("a.jsonl") + ":jsonl:meta.t"), st2);
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].text, "nested");
    EXPECT_EQ(st2.skipped[skip::kMissingField], 1);

    writeFile(t.file("ids.jsonl"), "{\"input_ids\":[1,5,7]}\n{\"input_ids\":[1,2]}\n");
    SourceStats st3;
    docs = readAll(parseSourceSpec("s=" + t.file("ids.jsonl") + ":jsonl-ids"), st3);
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_TRUE(docs[0].isTokens);
    EXPECT_EQ(docs[0].ids, (std::vector<int32_t>{1, 5, 7}));
}

TEST(Formats, CsvAndTsvColumns)
{
    TempDir t;
    writeFile(t.file("d.csv"), "id,body\n1,\"x, y\"\n2,\"multi\nline\"\n");
    writeFile(t.file("d.tsv"), "text\tlabel\nfirst row\t0\n\"quoted\ttab\"\t1\n");
    SourceStats st;
    auto docs = readAll(parseSourceSpec("s=" + t.file("d.csv") + ":csv:body"), st);
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[0].text, "x, y");
    EXPECT_EQ(docs[1].text, "multi\nline");
    EXPECT_EQ(docs[1].docId, "d.csv:3");
    SourceStats st2;
    docs = readAll(parseSourceSpec("s=" + t.file("d.tsv")), st2); // auto: .tsv, column "text"
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[1].text, "quoted\ttab");
}

TEST(BadInput, EachKindSkippedCountedAndNamed)
{
    TempDir t;
    fs::create_directories(t.file("j"));
    writeFile(t.file("j/a.jsonl"),
              "{\"text\":\"good one\"}\n"
              "{\"text\":\"bad \xC3\x28 utf8\"}\n"
              "{\"text\": broken\n"
              "{\"other\":\"x\"}\n"
              "{\"text\":42}\n"
              "[1,2]\n"
              "{\"text\":\"  \"}\n"
              "{\"text\":\"good two\"}\n");
    writeFile(t.file("j/empty.jsonl"), "");
    writeFile(t.file("j/blob.jsonl"), std::string("\x7f" "ELF\0\0\x01\x02", 8));
    SourceStats st;
    auto docs = readAll(parseSourceSpec("s=" + t.file("j") + ":jsonl"), st);
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[1].docId, "a.jsonl:8");
    EXPECT_EQ(st.skipped[skip::kInvalidUtf8], 1);
    EXPECT_EQ(st.skipped[skip::kBrokenJson], 2);
    EXPECT_EQ(st.skipped[skip::kMissingField], 1);
    EXPECT_EQ(st.skipped[skip::kWrongType], 1);
    EXPECT_EQ(st.skipped[skip::kEmptyDocument], 1);
    EXPECT_EQ(st.skipped[skip::kEmptyFile], 1);
    EXPECT_EQ(st.skipped[skip::kBinaryFile], 1);
    EXPECT_EQ(st.skippedTotal(), 8);
    ASSERT_EQ(st.warnings.size(), 8u);
    EXPECT_NE(st.warnings[0].find("a.jsonl:2: invalid-utf8"), std::string::npos) << st.warnings[0];
    EXPECT_NE(st.warnings[1].find("a.jsonl:3: broken-json"), std::string::npos) << st.warnings[1];
    EXPECT_NE(st.summary().find("skipped 8"), std::string::npos);

    // Token ids of the wrong type.
    writeFile(t.file("ids.jsonl"), "{\"input_ids\":[1,\"x\"]}\n{\"input_ids\":[-1]}\n{\"input_ids\":[]}\n{\"input_ids\":[3]}\n");
    SourceStats si;
    docs = readAll(parseSourceSpec("s=" + t.file("ids.jsonl") + ":jsonl-ids"), si);
    EXPECT_EQ(docs.size(), 1u);
    EXPECT_EQ(si.skipped[skip::kWrongType], 2);
    EXPECT_EQ(si.skipped[skip::kEmptyDocument], 1);

    // Text files: invalid UTF-8 (line named), empty, binary.
    fs::create_directories(t.file("txt"));
    writeFile(t.file("txt/ok.txt"), "fine");
    writeFile(t.file("txt/bad.txt"), "line one\nline \xFF two\n");
    writeFile(t.file("txt/empty.txt"), "\n  \n");
    writeFile(t.file("txt/bin.txt"), std::string("ab\0cd", 5));
    SourceStats sx;
    docs = readAll(parseSourceSpec("s=" + t.file("txt")), sx);
    EXPECT_EQ(docs.size(), 1u);
    EXPECT_EQ(sx.skipped[skip::kInvalidUtf8], 1);
    EXPECT_EQ(sx.skipped[skip::kEmptyFile], 1);
    EXPECT_EQ(sx.skipped[skip::kBinaryFile], 1);
    bool named = false;
    for (const auto& w : sx.warnings)
        named |= w.find("bad.txt:2: invalid-utf8") != std::string::npos;
    EXPECT_TRUE(named);

    // CSV: a short row, broken quoting, a missing column.
    writeFile(t.file("c.csv"), "id,text\n1,ok\n2\n3,\"x\"y\n4,\"ok \xC3\xA9\"\n");
    writeFile(t.file("nocol.csv"), "id,body\n1,x\n");
    SourceStats sc;
    docs = readAll(parseSourceSpec("s=" + t.file("c.csv")), sc);
    EXPECT_EQ(docs.size(), 2u);
    EXPECT_EQ(sc.skipped[skip::kBadCsvRow], 2);
    SourceStats sn;
    docs = readAll(parseSourceSpec("s=" + t.file("nocol.csv")), sn);
    EXPECT_EQ(docs.size(), 0u);
    EXPECT_EQ(sn.skipped[skip::kMissingColumn], 1);

    // Missing path: a clear error, not a crash.
    SourceStats sm;
    EXPECT_THROW(readAll(parseSourceSpec("s=" + t.file("nope")), sm), Error);
}

TEST(Corpus, DedupAcrossFilesAndSources)
{
    TempDir t;
    writeFile(t.file("a.jsonl"), "{\"text\":\"" + words(10) + "\"}\n{\"text\":\"" + words(10) +
                                     "\"}\n{\"text\":\"" + words(12) + "\"}\n");
    writeFile(t.file("b.jsonl"), "{\"text\":\"" + words(12) + "\"}\n{\"text\":\"" + words(9) + "\"}\n");
    CorpusParams p;
    p.sources = {parseSourceSpec("a=" + t.file("a.jsonl")), parseSourceSpec("b=" + t.file("b.jsonl"))};
    p.tokenize = wordTokens;
    p.minLength = 1;
    Corpus c = buildCorpus(p);
    EXPECT_EQ(c.sequences.size(), 3u);
    EXPECT_EQ(c.stats[0].duplicates + c.stats[1].duplicates, 2);
    p.dedup = false;
    EXPECT_EQ(buildCorpus(p).sequences.size(), 5u);
}

TEST(Corpus, WindowsTruncationAndMinimumLength)
{
    TempDir t;
    writeFile(t.file("a.jsonl"), "{\"text\":\"" + words(25) + "\"}\n{\"text\":\"" + words(4, "s") + "\"}\n");
    CorpusParams p;
    p.sources = {parseSourceSpec("a=" + t.file("a.jsonl"))};
    p.tokenize = wordTokens;
    p.shuffleBuffer = 0;
    p.maxLength = 10;
    p.minLength = 5;
    p.longDocuments = LongDocuments::Split;
    Corpus c = buildCorpus(p);
    ASSERT_EQ(c.sequences.size(), 3u);
    EXPECT_EQ(c.sequences[0].tokens.size(), 10u);
    EXPECT_EQ(c.sequences[1].tokens.size(), 10u);
    EXPECT_EQ(c.sequences[2].tokens.size(), 5u);
    EXPECT_EQ(c.sequences[0].docId, "a.jsonl:1#w0");
    EXPECT_EQ(c.sequences[2].docId, "a.jsonl:1#w2");
    const std::vector<int32_t> all = wordTokens(words(25));
    EXPECT_EQ(c.sequences[1].tokens, std::vector<int32_t>(all.begin() + 10, all.begin() + 20));
    EXPECT_EQ(c.stats[0].tooShort, 1); // the 4-word document
    for (size_t i = 0; i < c.sequences.size(); ++i)
        EXPECT_EQ(c.sequences[i].seqId, int64_t(i));

    p.minLength = 6; // the 5-token last window goes too
    c = buildCorpus(p);
    EXPECT_EQ(c.sequences.size(), 2u);
    EXPECT_EQ(c.stats[0].tooShort, 2);

    p.longDocuments = LongDocuments::Truncate;
    c = buildCorpus(p);
    ASSERT_EQ(c.sequences.size(), 1u);
    EXPECT_EQ(c.sequences[0].tokens.size(), 10u);
    EXPECT_EQ(c.stats[0].truncatedTokens, 15);
}

namespace {
void writeSource(const std::string& path, const std::string& tag, int docs)
{
    std::string s;
    for (int i = 0; i < docs; ++i)
        s += "{\"input_ids\":[" + tag + "," + std::to_string(i) + ",1,1,1,1,1,1,1," + std::to_string(i % 7) + "]}\n";
    writeFile(path, s);
}
} // namespace

TEST(Corpus, BalancedDeterministicSampling)
{
    TempDir t;
    writeSource(t.file("a.jsonl"), "100", 200);
    writeSource(t.file("b.jsonl"), "200", 200);
    CorpusParams p;
    p.sources = {parseSourceSpec("a=" + t.file("a.jsonl") + ":jsonl-ids@1"),
                 parseSourceSpec("b=" + t.file("b.jsonl") + ":jsonl-ids@3")};
    p.targetTokens = 1000;
    p.seed = 7;
    p.shuffleBuffer = 16;
    p.minLength = 1;
    const Corpus c1 = buildCorpus(p);
    const Corpus c2 = buildCorpus(p);
    EXPECT_EQ(c1.digest(), c2.digest());
    EXPECT_EQ(c1.totalTokens, 1000);
    EXPECT_EQ(c1.stats[0].tokens, 250);
    EXPECT_EQ(c1.stats[1].tokens, 750);
    for (const auto& s : c1.sequences)
        EXPECT_EQ(s.tokens[0], s.source == 0 ? 100 : 200);
    // A different seed: same balance, another document order.
    p.seed = 8;
    const Corpus c3 = buildCorpus(p);
    EXPECT_NE(c1.digest(), c3.digest());
    EXPECT_EQ(c3.stats[1].tokens, 750);
    // File order without a shuffle buffer.
    p.shuffleBuffer = 0;
    const Corpus c4 = buildCorpus(p);
    EXPECT_EQ(c4.sequences[0].docId, "a.jsonl:1");
    EXPECT_EQ(c4.sequences[0].tokens[1], 0);

    // A dry source leaves the rest to the others; caps stop a source early.
    p.sources[1].maxSequences = 5;
    p.targetTokens = 0;
    p.targetSequences = 100;
    const Corpus c5 = buildCorpus(p);
    EXPECT_EQ(c5.sequences.size(), 100u);
    EXPECT_EQ(c5.stats[1].sequences, 5);
    EXPECT_EQ(c5.stats[0].sequences, 95);
    p.sources[1].maxSequences = 0;
    p.sources[0].maxTokens = 30;
    p.targetSequences = 0;
    const Corpus c6 = buildCorpus(p);
    EXPECT_EQ(c6.stats[0].tokens, 30);
    EXPECT_EQ(c6.stats[1].sequences, 200);
}

TEST(Corpus, VocabularyAndTokenizerChecks)
{
    TempDir t;
    writeFile(t.file("ids.jsonl"), "{\"input_ids\":[1,2,3]}\n{\"input_ids\":[1,400,3]}\n");
    CorpusParams p;
    p.sources = {parseSourceSpec("a=" + t.file("ids.jsonl") + ":jsonl-ids")};
    p.minLength = 1;
    p.vocabSize = 320;
    Corpus c = buildCorpus(p);
    EXPECT_EQ(c.sequences.size(), 1u);
    EXPECT_EQ(c.stats[0].skipped[skip::kTokenOutOfRange], 1);
    ASSERT_EQ(c.warnings().size(), 1u);
    EXPECT_NE(c.warnings()[0].find("ids.jsonl:2"), std::string::npos);

    writeFile(t.file("t.txt"), "some text");
    p.sources = {parseSourceSpec("t=" + t.file("t.txt"))};
    EXPECT_THROW(buildCorpus(p), Error); // text without a tokenizer
    p.sources = {parseSourceSpec("t=" + t.file("t.txt")), parseSourceSpec("t=" + t.file("t.txt"))};
    p.tokenize = wordTokens;
    EXPECT_THROW(buildCorpus(p), Error); // duplicate names
    p.sources = {};
    EXPECT_THROW(buildCorpus(p), Error);
}
