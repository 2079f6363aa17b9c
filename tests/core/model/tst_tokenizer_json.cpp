// The tokenizer.json reader (byte-level BPE): llama.cpp's vocab test strings give the ids
// Hugging Face `tokenizers` gives (tests/core/model/data/bpe: GPT-2, DeepSeek-LLM and
// DeepSeek-Coder vocabularies reduced by make_fixture.py; Qwen2's pattern on a tiny vocabulary,
// make_hf_cases.py); added tokens; ignore_merges; the
// Qwen2 pre-tokenizer pattern; NFC; the file a checkpoint folder resolves to; errors naming
// the file and the field.
#include "core/model/pre_tokenizer.h"
#include "core/model/tokenizer.h"
#include "core/util/error.h"
#include "core/util/piece_text.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;
using nlohmann::json;

#define EXPECT_ERROR_HAS(expr, ...)                                                            \
    do {                                                                                       \
        const std::string msg_ = specmoe::test::errorOf([&] { (void)(expr); });                \
        EXPECT_FALSE(msg_.empty()) << "no error";                                              \
        for (const std::string& part_ : std::vector<std::string>{__VA_ARGS__})                 \
            EXPECT_NE(msg_.find(part_), std::string::npos) << "missing '" << part_ << "' in: " << msg_; \
    } while (0)

namespace {

std::string bpeData(const std::string& name) { return std::string(SPECMOE_SOURCE_DIR) + "/tests/core/model/data/bpe/" + name; }

void checkCases(const std::string& family)
{
    Tokenizer t(bpeData(family + ".tokenizer.json"));
    const json cases = json::parse(readFile(bpeData(family + ".cases.json")));
    ASSERT_GE(cases.size(), 40u);
    for (const json& c : cases) {
        const std::string text = c["text"].get<std::string>();
        const std::vector<int64_t> want = c["ids"].get<std::vector<int64_t>>();
        EXPECT_EQ(t.encode(text, false), want) << family << ": \"" << text << "\"";
        EXPECT_EQ(t.decode(want), c.value("decoded", text)) << family << ": \"" << text << "\"";
    }
}

std::vector<std::string> split(const std::string& pattern, const std::string& text)
{
    std::vector<std::string> pieces{text};
    makeSplitStep(std::make_unique<SplitRegex>(pattern, false, "test"), SplitBehavior::Isolated, false)->apply(pieces);
    return pieces;
}

// The GPT-2 fixture with one edit, written to `dir`; returns the file.
std::string editedGpt2(const TempDir& dir, const std::function<void(json&)>& edit)
{
    json doc = json::parse(readFile(bpeData("gpt-2.tokenizer.json")));
    edit(doc);
    const std::string path = dir.file("tokenizer.json");
    writeFile(path, doc.dump());
    return path;
}

// qwen2-tiny (NFC normalizer) without its merges, so every byte of plain text is its own
// token and its id is the byte ('a' = 97, ' ' = 32), with `added` as its added_tokens.
std::string bytesWithAdded(const TempDir& dir, const std::vector<json>& added)
{
    json doc = json::parse(readFile(bpeData("qwen2-tiny.tokenizer.json")));
    doc["model"]["merges"] = json::array();
    doc["added_tokens"] = added;
    const std::string path = dir.file("tokenizer.json");
    writeFile(path, doc.dump());
    return path;
}

// An added_tokens entry as tokenizers writes it; `on` lists the flags that are true.
json addedToken(int64_t id, const std::string& content, const std::vector<std::string>& on = {})
{
    json t = {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
              {"rstrip", false}, {"normalized", false}, {"special", true}};
    for (const std::string& k : on)
        t[k] = true;
    return t;
}

std::vector<int64_t> bytesOf(const std::string& s)
{
    std::vector<int64_t> out;
    for (unsigned char c : s)
        out.push_back(c);
    return out;
}

std::vector<int64_t> cat(std::initializer_list<std::vector<int64_t>> parts)
{
    std::vector<int64_t> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

} // namespace

TEST(TokenizerJson, Gpt2MatchesHuggingFaceIds) { checkCases("gpt-2"); }

TEST(TokenizerJson, DeepseekLlmMatchesHuggingFaceIds) { checkCases("deepseek-llm"); }

TEST(TokenizerJson, DeepseekCoderMatchesHuggingFaceIds) { checkCases("deepseek-coder"); }

// Qwen2's pre-tokenizer (Split pattern, NFC, added tokens inside text) on the tiny vocabulary,
// against ids `tokenizers` 0.23.1 gave (data/bpe/make_hf_cases.py).
TEST(TokenizerJson, Qwen2TinyMatchesHuggingFaceIds) { checkCases("qwen2-tiny"); }

// An added token's id is the one tokenizers gives it, not the file's: the vocabulary's id of the
// same text, else the next after the vocabulary and the added tokens before it, in file order.
// tokenizers 0.23.1 and transformers 5.12.1's AutoTokenizer gave exactly these ids for these
// files (before, the file's 300 and 301 were used: other ids than transformers feeds the model).
TEST(TokenizerJson, AddedTokenIdsAreTheOnesTokenizersGives)
{
    TempDir d;
    const std::string text = "<|endoftext|>the end<|im_start|>";
    auto ids = [&](const std::vector<json>& added) { return Tokenizer(bytesWithAdded(d, added)).encode(text, false); };
    const auto inner = bytesOf("the end");
    auto with = [&](int64_t a, int64_t b) { return cat({{a}, inner, {b}}); };
    // A gap after the 288-token vocabulary.
    EXPECT_EQ(ids({addedToken(300, "<|endoftext|>"), addedToken(301, "<|im_start|>")}), with(288, 289));
    // Out of order: file order counts.
    EXPECT_EQ(ids({addedToken(301, "<|endoftext|>"), addedToken(300, "<|im_start|>")}), with(288, 289));
    // An id of a vocabulary token: not taken.
    EXPECT_EQ(ids({addedToken(5, "<|endoftext|>"), addedToken(289, "<|im_start|>")}), with(288, 289));
    // Text that is in the vocabulary keeps the vocabulary's id ("Ġthe" is 258 there).
    Tokenizer t(bytesWithAdded(d, {addedToken(288, "<|endoftext|>"), addedToken(310, "\xC4\xA0the")}));
    EXPECT_EQ(t.vocabSize(), 289);
    EXPECT_EQ(t.encode("<|endoftext|>", false), std::vector<int64_t>{288});
}

// ignore_merges (Llama-3, gpt-oss): a pre-token that is itself in the vocabulary is one
// token even when no merge builds it.
TEST(TokenizerJson, IgnoreMergesEmitsAWholeVocabularyWord)
{
    TempDir d;
    json doc = json::parse(readFile(bpeData("qwen2-tiny.tokenizer.json")));
    doc["model"]["vocab"]["\xC4\xA0zq"] = 299; // "Ġzq": no merge makes it
    const std::string path = d.file("tokenizer.json");
    writeFile(path, doc.dump());
    // Without it, the bytes (ids 0-255 are the bytes in this file; ' ' is 32).
    EXPECT_EQ(Tokenizer(path).encode(" zq", false), (std::vector<int64_t>{32, 'z', 'q'}));
    doc["model"]["ignore_merges"] = true;
    writeFile(path, doc.dump());
    EXPECT_EQ(Tokenizer(path).encode(" zq zqz", false), (std::vector<int64_t>{299, 32, 'z', 'q', 'z'}));
}

TEST(TokenizerJson, AddedTokensAreMatchedBeforePreTokenizationAndNeverSplit)
{
    Tokenizer g(bpeData("gpt-2.tokenizer.json"));
    // "Hello world" = 15496 995, " Hello world" = 18435 995 (the .out ids).
    EXPECT_EQ(g.encode("Hello world<|endoftext|> Hello world", false),
              (std::vector<int64_t>{15496, 995, 50256, 18435, 995}));
    EXPECT_EQ(g.encode("<|endoftext|><|endoftext|>", false), (std::vector<int64_t>{50256, 50256}));
    EXPECT_EQ(g.piece(50256), "<|endoftext|>");
    EXPECT_EQ(g.decode({15496, 50256}), "Hello<|endoftext|>");
    // GPT-2's post_processor (ByteLevel) adds nothing.
    EXPECT_EQ(g.bosId(), -1);
    EXPECT_EQ(g.encode("Hello world", true), (std::vector<int64_t>{15496, 995}));

    Tokenizer d(bpeData("deepseek-llm.tokenizer.json"));
    const std::string bos = "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
    EXPECT_EQ(d.bosId(), 100000);
    // 17464 1843 = "Hello world"; the TemplateProcessing BOS only when asked for.
    EXPECT_EQ(d.encode("Hello world", true), (std::vector<int64_t>{100000, 17464, 1843}));
    EXPECT_EQ(d.encode("Hello world", false), (std::vector<int64_t>{17464, 1843}));
    EXPECT_EQ(d.encode(bos + "Hello world", false), (std::vector<int64_t>{100000, 17464, 1843}));
}

TEST(TokenizerJson, PiecesAndVocabulary)
{
    Tokenizer g(bpeData("gpt-2.tokenizer.json"));
    EXPECT_EQ(g.piece(995), "\xC4\xA0world"); // "Ġworld"
    EXPECT_EQ(g.pieceText(995), " world");
    EXPECT_EQ(g.vocabSize(), 50257);
    EXPECT_NO_THROW(g.checkVocab(50257));
    EXPECT_NO_THROW(g.checkVocab(50304)); // a padded embedding
    EXPECT_ERROR_HAS(g.checkVocab(320), "gpt-2.tokenizer.json", "50256", "320");
    EXPECT_ERROR_HAS(g.piece(40000), "gpt-2.tokenizer.json", "token id 40000"); // reduced away
    EXPECT_ERROR_HAS(g.decode({-3}), "gpt-2.tokenizer.json", "-3");
}

// Traces record byte-level tokens in SentencePiece's notation, so views and queries treat every
// tokenizer alike: shown as text (pieceDisplayText) each gives back its own bytes.
TEST(TokenizerJson, RecordedPiecesUseSentencePieceNotation)
{
    Tokenizer g(bpeData("gpt-2.tokenizer.json"));
    EXPECT_EQ(g.recordedPiece(995), std::string(kSpaceMarker) + "world"); // "Ġworld"
    EXPECT_EQ(g.recordedPiece(198), "<0x0A>");                            // "Ċ", a newline
    EXPECT_EQ(recordedTokenText(std::make_shared<const Tokenizer>(bpeData("gpt-2.tokenizer.json")))(995),
              g.recordedPiece(995));
    int partial = 0;
    for (int64_t id = 0; id < 256; ++id) {
        const std::string recorded = g.recordedPiece(id);
        EXPECT_EQ(pieceDisplayText(recorded), g.decode({id})) << "id " << id << " recorded as " << recorded;
        partial += recorded.rfind("<0x", 0) == 0 && g.decode({id})[0] & 0x80 ? 1 : 0;
    }
    EXPECT_GT(partial, 0); // bytes that are only parts of a character are among them
}

// Qwen2's (and Qwen3's) Split pattern: case-insensitive contractions, single digits, a
// letter run with one leading non-letter, whitespace before the last space kept apart.
TEST(TokenizerJson, Qwen2SplitPattern)
{
    const std::string qwen2 = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
    using V = std::vector<std::string>;
    EXPECT_EQ(split(qwen2, "3333"), (V{"3", "3", "3", "3"}));
    EXPECT_EQ(split(qwen2, "   Hello"), (V{"  ", " Hello"}));
    EXPECT_EQ(split(qwen2, "I'VE been 'told"), (V{"I", "'VE", " been", " '", "told"}));
    EXPECT_EQ(split(qwen2, "\n ="), (V{"\n", " ="}));
    EXPECT_EQ(split(qwen2, "Hello, world!\n\n"), (V{"Hello", ",", " world", "!\n\n"}));
    EXPECT_EQ(split(qwen2, "\xD0\xBD\xD0\xB5\xD1\x89\xD0\xBE 12"), (V{"\xD0\xBD\xD0\xB5\xD1\x89\xD0\xBE", " ", "1", "2"}));
}

TEST(TokenizerJson, SplitBehaviors)
{
    auto run = [](SplitBehavior b, bool invert) {
        std::vector<std::string> p{"a-b--c"};
        makeSplitStep(std::make_unique<SplitRegex>("-", true, "test"), b, invert)->apply(p);
        return p;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(run(SplitBehavior::Removed, false), (V{"a", "b", "c"}));
    EXPECT_EQ(run(SplitBehavior::Isolated, false), (V{"a", "-", "b", "-", "-", "c"}));
    EXPECT_EQ(run(SplitBehavior::MergedWithPrevious, false), (V{"a-", "b-", "-", "c"}));
    EXPECT_EQ(run(SplitBehavior::MergedWithNext, false), (V{"a", "-b", "-", "-c"}));
    EXPECT_EQ(run(SplitBehavior::Contiguous, false), (V{"a", "-", "b", "--", "c"}));
    EXPECT_EQ(run(SplitBehavior::Removed, true), (V{"-", "-", "-"}));
}

TEST(TokenizerJson, QwenShapedTokenizerNormalizesToNfc)
{
    Tokenizer t(bpeData("qwen2-tiny.tokenizer.json"));
    // "e" + U+0301 is "é" (U+00E9, bytes C3 A9) after NFC; ids 0-255 are the bytes.
    EXPECT_EQ(t.encode("e\xCC\x81", false), (std::vector<int64_t>{0xC3, 0xA9}));
    EXPECT_EQ(t.encode("\xC3\xA9", false), (std::vector<int64_t>{0xC3, 0xA9}));
    EXPECT_EQ(t.pieceText(0xC3), "<0xC3>");
    // " the" is one token; "<|im_start|>" an added token.
    const std::vector<int64_t> ids = t.encode("<|im_start|> the", true);
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids[0], 289);
    EXPECT_EQ(t.pieceText(ids[1]), " the");
    EXPECT_EQ(t.vocabSize(), 290);
    EXPECT_NO_THROW(t.checkVocab(320));
}

// A pre-token of 900 KB (one letter run): merged through a heap, not by rescanning the
// word after each merge (which would take ~10^11 steps here).
TEST(TokenizerJson, LongWordsMergeInNLogN)
{
    Tokenizer t(bpeData("qwen2-tiny.tokenizer.json"));
    const std::vector<int64_t> ing = t.encode("ing", false);
    ASSERT_EQ(ing.size(), 1u);
    std::string text;
    for (int i = 0; i < 300000; ++i)
        text += "ing";
    const std::vector<int64_t> ids = t.encode(text, false);
    EXPECT_EQ(ids, std::vector<int64_t>(300000, ing[0]));
}

TEST(TokenizerJson, CheckpointFolderPrefersTokenizerModel)
{
    TempDir d;
    EXPECT_EQ(tokenizerFile({}, d.path()), d.file("tokenizer.model"));
    EXPECT_EQ(findTokenizer({}, d.path()), "");
    fs::copy_file(bpeData("gpt-2.tokenizer.json"), d.file("tokenizer.json"));
    EXPECT_EQ(tokenizerFile({}, d.path()), d.file("tokenizer.json"));
    EXPECT_EQ(findTokenizer({}, d.path()), d.file("tokenizer.json"));
    EXPECT_EQ(tokenizerFile(d.path(), "/elsewhere"), d.file("tokenizer.json"));
    Tokenizer fromFolder(d.path());
    EXPECT_EQ(fromFolder.path(), d.file("tokenizer.json"));
    EXPECT_EQ(fromFolder.encode("Hello world", false), (std::vector<int64_t>{15496, 995}));
    writeFile(d.file("tokenizer.model"), "x"); // Mixtral ships both: SentencePiece wins
    EXPECT_EQ(tokenizerFile({}, d.path()), d.file("tokenizer.model"));
}

TEST(TokenizerJson, BadFilesNameTheFileAndField)
{
    TempDir d;
    const std::string path = d.file("tokenizer.json");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j.erase("model"); })), path, "model", "missing");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["model"]["type"] = "Unigram"; })), path, "model.type",
                     "Unigram");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["model"]["merges"][3] = "zz\xC4\xA0 q"; })), path,
                     "model.merges[3]", "not in model.vocab");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["model"]["merges"][0] = "abc"; })), path,
                     "model.merges[0]", "two tokens");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["model"]["byte_fallback"] = true; })), path,
                     "model.byte_fallback");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["pre_tokenizer"] = {{"type", "Metaspace"}}; })), path,
                     "pre_tokenizer.type", "Metaspace");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["normalizer"] = {{"type", "Lowercase"}}; })), path,
                     "normalizer.type", "Lowercase");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d,
                                          [](json& j) {
                                              j["pre_tokenizer"] = {{"type", "Sequence"},
                                                                    {"pretokenizers",
                                                                     {{{"type", "Split"},
                                                                       {"pattern", {{"Regex", "(\\p{L}"}}},
                                                                       {"behavior", "Isolated"},
                                                                       {"invert", false}},
                                                                      {{"type", "ByteLevel"}, {"use_regex", false}}}}};
                                          })),
                     path, "pre_tokenizer.pretokenizers[0].pattern", "does not compile");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["post_processor"] = {{"type", "RobertaProcessing"}}; })),
                     path, "post_processor.type", "RobertaProcessing");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["added_tokens"][0]["lstrip"] = "yes"; })), path,
                     "added_tokens[0].lstrip", "not a boolean");
    EXPECT_ERROR_HAS(Tokenizer(editedGpt2(d, [](json& j) { j["added_tokens"][0]["normalized"] = 1; })), path,
                     "added_tokens[0].normalized", "not a boolean");
    writeFile(path, "{\"model\": ");
    EXPECT_ERROR_HAS(Tokenizer(path), path, "not a valid tokenizer.json");
}

// The expected ids below were worked out by hand from tokenizers' AddedVocabulary (its
// find_matches and extract_and_normalize), then checked with tokenizers 0.23.1 itself
// (scripts/sid-python.sh): every case agrees. Text outside an added token is one id per byte
// here (bytesWithAdded); the 288-token vocabulary makes the first added token 288.
TEST(TokenizerJson, AddedTokenStripsTheWhitespaceBesideIt)
{
    TempDir d;
    const std::vector<int64_t> end{288}, mask{289};
    auto enc = [&](const std::vector<std::string>& endFlags, const std::vector<std::string>& maskFlags,
                   const std::string& text) {
        return Tokenizer(bytesWithAdded(d, {addedToken(288, "<|end|>", endFlags), addedToken(289, "<mask>", maskFlags)}))
            .encode(text, false);
    };
    const std::string hello = "hello <|end|>  world";
    // Off: the spaces on both sides stay text.
    EXPECT_EQ(enc({}, {}, hello), cat({bytesOf("hello "), end, bytesOf("  world")}));
    // rstrip (Phi-3's <|end|>): the token also takes the two spaces after it.
    EXPECT_EQ(enc({"rstrip"}, {}, hello), cat({bytesOf("hello "), end, bytesOf("world")}));
    // lstrip: the space before it.
    EXPECT_EQ(enc({"lstrip"}, {}, hello), cat({bytesOf("hello"), end, bytesOf("  world")}));
    EXPECT_EQ(enc({"lstrip", "rstrip"}, {}, hello), cat({bytesOf("hello"), end, bytesOf("world")}));
    EXPECT_EQ(enc({}, {}, " <mask> x"), cat({bytesOf(" "), mask, bytesOf(" x")}));
    EXPECT_EQ(enc({}, {"lstrip"}, " <mask> x"), cat({mask, bytesOf(" x")}));
    EXPECT_EQ(enc({}, {"rstrip"}, " <mask> x"), cat({bytesOf(" "), mask, bytesOf("x")}));
    // No whitespace beside it: nothing to take.
    EXPECT_EQ(enc({"lstrip", "rstrip"}, {}, "a<|end|>b"), cat({bytesOf("a"), end, bytesOf("b")}));
    // Whitespace is Unicode's: a newline, a tab and a no-break space (C2 A0) are taken too.
    EXPECT_EQ(enc({}, {"lstrip"}, "x\n\t<mask>"), cat({bytesOf("x"), mask}));
    EXPECT_EQ(enc({}, {"lstrip"}, "x\xC2\xA0<mask>"), cat({bytesOf("x"), mask}));
    // What the previous token took is not taken again: <|end|> takes " \n", <mask> nothing.
    EXPECT_EQ(enc({"rstrip"}, {"lstrip"}, "<|end|> \n<mask>y"), cat({end, mask, bytesOf("y")}));
    // The stripped whitespace is not part of any text: decode gives the tokens alone.
    EXPECT_EQ(Tokenizer(d.file("tokenizer.json")).decode(cat({end, mask})), "<|end|><mask>");
}

TEST(TokenizerJson, SingleWordAddedTokenOnlyOutsideWords)
{
    TempDir d;
    const std::vector<int64_t> end{288};
    auto enc = [&](const std::vector<std::string>& flags, const std::string& text) {
        return Tokenizer(bytesWithAdded(d, {addedToken(288, "<|end|>", flags)})).encode(text, false);
    };
    // Off: found inside a word.
    EXPECT_EQ(enc({}, "a<|end|>b"), cat({bytesOf("a"), end, bytesOf("b")}));
    // On: a letter touches it, so it is not a match and its bytes are text.
    EXPECT_EQ(enc({"single_word"}, "a<|end|>b"), bytesOf("a<|end|>b"));
    EXPECT_EQ(enc({"single_word"}, "a <|end|>b"), bytesOf("a <|end|>b"));
    EXPECT_EQ(enc({"single_word"}, "_<|end|>"), bytesOf("_<|end|>"));        // _ is a word character
    EXPECT_EQ(enc({"single_word"}, "\xC3\xA9<|end|>"), bytesOf("\xC3\xA9<|end|>")); // so is é
    EXPECT_EQ(enc({"single_word"}, "7<|end|>"), bytesOf("7<|end|>"));        // and a digit
    // Spaces, punctuation or the ends of the text around it: a match.
    EXPECT_EQ(enc({"single_word"}, "hello <|end|>  world"), cat({bytesOf("hello "), end, bytesOf("  world")}));
    EXPECT_EQ(enc({"single_word"}, "-<|end|>."), cat({bytesOf("-"), end, bytesOf(".")}));
    EXPECT_EQ(enc({"single_word"}, "<|end|>"), end);
    // Decided before stripping: " x" after it is not a word touching it.
    EXPECT_EQ(enc({"single_word", "rstrip"}, "a <|end|> x"), cat({bytesOf("a "), end, bytesOf("x")}));
}

// tokenizers searches on after a match it discards, so a shorter token inside a discarded
// single_word match is not found there.
TEST(TokenizerJson, DiscardedSingleWordMatchIsNotSearchedAgain)
{
    TempDir d;
    Tokenizer t(bytesWithAdded(d, {addedToken(288, "<|end|>", {"single_word"}), addedToken(289, "|end|")}));
    EXPECT_EQ(t.encode("a<|end|>", false), bytesOf("a<|end|>"));
    EXPECT_EQ(t.encode("a|end|", false), cat({bytesOf("a"), {289}}));
}

// normalized false: matched in the raw text; true: its NFC form in the NFC text (this file's
// normalizer). "caf\xC3\xA9" is "café" composed, "cafe\xCC\x81" the same decomposed.
TEST(TokenizerJson, NormalizedAddedTokensMatchTheNormalizedText)
{
    TempDir d;
    const std::string composed = "caf\xC3\xA9", decomposed = "cafe\xCC\x81";
    auto enc = [&](const json& token, const std::string& text) {
        return Tokenizer(bytesWithAdded(d, {token})).encode(" " + text + " ", false);
    };
    const std::vector<int64_t> sp{32}, tok{288};
    EXPECT_EQ(enc(addedToken(288, composed, {"normalized"}), decomposed), cat({sp, tok, sp}));
    EXPECT_EQ(enc(addedToken(288, composed, {"normalized"}), composed), cat({sp, tok, sp}));
    EXPECT_EQ(enc(addedToken(288, decomposed, {"normalized"}), composed), cat({sp, tok, sp}));
    // Raw: only the very bytes; other text is still normalized (é is C3 A9).
    EXPECT_EQ(enc(addedToken(288, decomposed), decomposed), cat({sp, tok, sp}));
    EXPECT_EQ(enc(addedToken(288, composed), decomposed), bytesOf(" " + composed + " "));
    // Without the field: as tokenizers' AddedToken(content, special), normalized = !special.
    json t = addedToken(288, composed);
    t.erase("normalized");
    EXPECT_EQ(enc(t, decomposed), bytesOf(" " + composed + " "));
    t["special"] = false;
    EXPECT_EQ(enc(t, decomposed), cat({sp, tok, sp}));
    // lstrip and rstrip work on the normalized text too.
    EXPECT_EQ(enc(addedToken(288, composed, {"normalized", "lstrip", "rstrip"}), decomposed), tok);
}
