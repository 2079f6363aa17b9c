// `specmoe collect` of a text source on a Qwen2-MoE checkpoint that ships only a Hugging
// Face tokenizer.json (byte-level BPE): the trace holds the ids the tokenizer gives each
// document, and the run config and fingerprint name that file and its hash.
#include "core/model/tokenizer.h"
#include "core/trace/trace_set.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

TEST(CliTokenizerJson, CollectsTextOnAQwen2MoeCheckpointWithTokenizerJson)
{
    TempDir dir("cli-tokjson");
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " make-model --family qwen2_moe --preset tiny --out " + dir.file("m") + " --quiet", &out),
              0)
        << out;
    ASSERT_FALSE(fs::exists(dir.file("m/tokenizer.model")));
    fs::copy_file(std::string(SPECMOE_SOURCE_DIR) + "/tests/core/model/data/bpe/qwen2-tiny.tokenizer.json",
                  dir.file("m/tokenizer.json"));
    fs::create_directories(dir.file("docs"));
    const std::map<std::string, std::string> docs = {
        {"a.txt", "In the beginning God created the heaven and the earth."},
        {"b.txt", "And the Lord said unto Moses, that he shall go in.\n\nCaf\x65\xCC\x81 3333<|endoftext|>"},
        {"c.txt", "Thou shalt not   kill; and his word, 12 times: unto the end."}};
    for (const auto& [name, text] : docs)
        writeFile(dir.file("docs/" + name), text);

    const std::string trace = dir.file("t");
    ASSERT_EQ(runCommand(cliPath() + " collect --model " + dir.file("m") + " --source d=" + dir.file("docs") +
                             ":text --out " + trace + " --device cpu --dtype float32 --quiet",
                         &out),
              0)
        << out;

    const TraceSet ts = TraceSet::open(trace);
    EXPECT_EQ(ts.runConfig().tokenizer, dir.file("m/tokenizer.json"));
    ASSERT_EQ(ts.numSequences(), 3);
    const Tokenizer tok(dir.file("m"));
    for (const SequenceRecord& s : ts.sequences()) {
        const RoutingBlock b = ts.readSequence(s.seqId);
        const std::string name = fs::path(s.docId).filename().string();
        ASSERT_TRUE(docs.count(name)) << s.docId;
        const std::vector<int64_t> want = tok.encode(docs.at(name), true);
        EXPECT_EQ(std::vector<int64_t>(b.tokenIds.begin(), b.tokenIds.end()), want) << name;
    }
    // " the" (one merged token) and the added token appear as themselves.
    const std::vector<int64_t> b = tok.encode(docs.at("b.txt"), true);
    EXPECT_NE(std::find(b.begin(), b.end(), 288), b.end()); // <|endoftext|>
    EXPECT_LT(b.size(), docs.at("b.txt").size());

    const nlohmann::json manifest = nlohmann::json::parse(readFile(trace + "/manifest.json"));
    const std::string hash = manifest["fingerprint"]["tokenizer_hash"].get<std::string>();
    EXPECT_NE(hash, "none"); // "none" = no tokenizer used
    EXPECT_EQ(hash.size(), 16u) << hash;
}
