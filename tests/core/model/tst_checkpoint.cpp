// Checkpoint reading without a forward pass: config.json validation, safetensors format
// rules (each violation names the file and the tensor), the writer, memory estimates, the
// split placement plan, and the SentencePiece tokenizer.
#include "core/model/config.h"
#include "core/model/memory.h"
#include "core/model/model_summary.h"
#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/model/tokenizer.h"
#include "core/safetensors/weight_finite.h"
#include "core/util/error.h"
#include "core/util/piece_text.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <sys/resource.h>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = dataPath("hf-tiny-mixtral");

#define EXPECT_ERROR_HAS(expr, ...)                                                            \
    do {                                                                                       \
        const std::string msg_ = errorOf([&] { (void)(expr); });                               \
        for (const char* part_ : {__VA_ARGS__})                                                \
            EXPECT_NE(msg_.find(part_), std::string::npos) << "missing '" << part_ << "' in: " << msg_; \
    } while (0)

// A file: 8-byte length, header text, data bytes.
void writeRaw(const std::string& path, const std::string& header, size_t dataBytes, int64_t lengthField = -1)
{
    std::ofstream out(path, std::ios::binary);
    uint64_t n = lengthField >= 0 ? uint64_t(lengthField) : header.size();
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((n >> (8 * i)) & 0xff));
    out << header;
    out << std::string(dataBytes, '\0');
}

std::string fixtureConfig() { return readFile(kFixture + "/config.json"); }

std::string replaced(std::string s, const std::string& from, const std::string& to)
{
    const auto p = s.find(from);
    if (p == std::string::npos)
        throw std::runtime_error("no " + from);
    return s.replace(p, from.size(), to);
}

} // namespace

// ---- config -------------------------------------------------------------------------------
TEST(Config, ReadsFixture)
{
    const MixtralConfig c = loadConfig(kFixture);
    EXPECT_EQ(c.vocabSize, 320);
    EXPECT_EQ(c.hiddenSize, 64);
    EXPECT_EQ(c.headDim, 16);
    EXPECT_EQ(c.numKvHeads, 2);
    EXPECT_EQ(c.numExperts, 8);
    EXPECT_EQ(c.topk, 2);
    EXPECT_DOUBLE_EQ(c.ropeTheta, 1e6);
    EXPECT_EQ(c.slidingWindow, 0);
    EXPECT_EQ(c.torchDtype, "float32");
    EXPECT_EQ(configHash(c).size(), 16u);
    EXPECT_EQ(configHash(c), configHash(parseConfig(configToJson(c), "x")));
    MixtralConfig d = c;
    d.topk = 1;
    EXPECT_NE(configHash(c), configHash(d));
}

// What the workbench shows about a model folder, and how a damaged one is named.
TEST(Config, ModelSummaryOfAFolder)
{
    const ModelSummary s = summarizeModel(kFixture);
    EXPECT_EQ(s.architecture, "MixtralForCausalLM");
    EXPECT_EQ(s.layers, 3);
    EXPECT_EQ(s.experts, 8);
    EXPECT_EQ(s.topk, 2);
    EXPECT_EQ(s.hiddenSize, 64);
    EXPECT_EQ(s.vocabSize, 320);
    EXPECT_EQ(s.storedDtype, "float32");
    EXPECT_EQ(s.parameters, parameterCount(loadConfig(kFixture)));
    EXPECT_EQ(s.weightFiles, 2); // model.safetensors and golden.safetensors
    EXPECT_EQ(s.tokenizer, "");  // the fixture ships none
    EXPECT_TRUE(isModelFolder(kFixture));

    TempDir t("model_summary");
    EXPECT_FALSE(isModelFolder(t.path()));
    EXPECT_NE(errorOf([&] { summarizeModel(t.path()); }).find(t.file("config.json")), std::string::npos);
    writeFile(t.file("config.json"), "{\"model_type\": \"mixtral\"}");
    writeFile(t.file("tokenizer.model"), "x");
    const std::string e = errorOf([&] { summarizeModel(t.path()); });
    EXPECT_NE(e.find(t.file("config.json") + ": field"), std::string::npos) << e;
}

TEST(Config, RopeThetaInsideRopeParameters)
{
    std::string j = replaced(fixtureConfig(), "\"rope_theta\": 1000000.0,",
                             "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 500000.0},");
    EXPECT_DOUBLE_EQ(parseConfig(j, "c").ropeTheta, 5e5);
    j = replaced(fixtureConfig(), "\"rope_theta\": 1000000.0,", "");
    EXPECT_ERROR_HAS(parseConfig(j, "cfg.json"), "cfg.json", "rope_theta");
}

TEST(Config, RequiredFieldsAndConsistency)
{
    EXPECT_ERROR_HAS(parseConfig(replaced(fixtureConfig(), "\"hidden_size\": 64,", ""), "cfg.json"), "cfg.json",
                     "\"hidden_size\" is required");
    EXPECT_ERROR_HAS(parseConfig(replaced(fixtureConfig(), "\"num_local_experts\": 8", "\"num_local_experts\": \"8\""),
                                 "cfg.json"),
                     "num_local_experts", "integer");
    EXPECT_ERROR_HAS(parseConfig(replaced(fixtureConfig(), "\"num_experts_per_tok\": 2", "\"num_experts_per_tok\": 9"),
                                 "cfg.json"),
                     "num_experts_per_tok");
    EXPECT_ERROR_HAS(parseConfig(replaced(fixtureConfig(), "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"),
                                 "cfg.json"),
                     "num_key_value_heads");
    EXPECT_ERROR_HAS(parseConfig("{not json", "cfg.json"), "cfg.json", "JSON");
    EXPECT_ERROR_HAS(loadConfig("/nonexistent/dir"), "/nonexistent/dir/config.json");
    const auto sw = parseConfig(replaced(fixtureConfig(), "\"sliding_window\": null", "\"sliding_window\": 4096"), "c");
    EXPECT_EQ(sw.slidingWindow, 4096);
}

TEST(Config, UnknownArchitectureRefused)
{
    std::string j = replaced(fixtureConfig(), "MixtralForCausalLM", "LlamaForCausalLM");
    EXPECT_ERROR_HAS(parseConfig(j, "cfg.json"), "cfg.json", "LlamaForCausalLM", "supported: MixtralForCausalLM");
    j = replaced(fixtureConfig(), "\"model_type\": \"mixtral\"", "\"model_type\": \"qwen2_moe\"");
    EXPECT_ERROR_HAS(parseConfig(j, "cfg.json"), "qwen2_moe", "supported: MixtralForCausalLM");
}

TEST(Config, PresetsAndParameterCount)
{
    const MixtralConfig m = presetConfig("mixtral-8x7b");
    EXPECT_EQ(parameterCount(m), 46702792704); // Mixtral-8x7B-v0.1's published total
    const MixtralConfig s = presetConfig("small");
    EXPECT_EQ(s.hiddenSize, 256);
    EXPECT_EQ(s.numKvHeads, 2);
    EXPECT_EQ(s.vocabSize, 4000);
    EXPECT_ERROR_HAS(presetConfig("huge"), "huge");
}

// ---- safetensors --------------------------------------------------------------------------
TEST(Safetensors, ReadsFixtureAndGolden)
{
    SafetensorsFile f(kFixture + "/model.safetensors");
    const TensorEntry* e = f.find("model.embed_tokens.weight");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->shape, (std::vector<int64_t>{320, 64}));
    EXPECT_EQ(e->dtype, StDType::F32);
    SafetensorsFile g(kFixture + "/golden.safetensors");
    ASSERT_NE(g.find("topk_ids"), nullptr);
    EXPECT_EQ(g.find("topk_ids")->dtype, StDType::I64);
    CheckpointFiles c(kFixture);
    EXPECT_TRUE(c.has("lm_head.weight"));
    EXPECT_EQ(c.bytesOnDisk(), fs::file_size(kFixture + "/model.safetensors"));
}

TEST(Safetensors, WriterRoundTrip)
{
    TempDir d("st-rt");
    std::vector<float> a = {1.f, 2.f, 3.f, 4.f, 5.f, 6.f};
    std::vector<uint16_t> b = {0x3f80, 0x4000};
    writeSafetensors(d.file("x.safetensors"),
                     {{"a", "F32", {2, 3}, a.data(), a.size() * 4}, {"b", "BF16", {2}, b.data(), 4}},
                     {{"format", "pt"}});
    SafetensorsFile f(d.file("x.safetensors"));
    EXPECT_EQ((f.dataStart() - 8) % 8, 0u);
    ASSERT_NE(f.find("a"), nullptr);
    EXPECT_EQ(std::memcmp(f.bytes(*f.find("a")), a.data(), 24), 0);
    EXPECT_EQ(f.find("b")->dtype, StDType::BF16);
    EXPECT_EQ(f.metadata().at("format"), "pt");
    EXPECT_ERROR_HAS(writeSafetensors(d.file("y.safetensors"), {{"a", "F32", {2, 3}, a.data(), 20}}), "y.safetensors",
                     "\"a\"");
    EXPECT_ERROR_HAS(writeSafetensors(d.file("y.safetensors"),
                                      {{"a", "F32", {1}, a.data(), 4}, {"a", "F32", {1}, a.data(), 4}}),
                     "duplicate");
}

// The NaN / infinity scan of raw weight bytes, for every float dtype, at any alignment and
// on both sides of its block boundary (4096 elements).
// A write that fails (here the file-size limit of `ulimit -f`, EFBIG) said "disk full?" and
// left PATH.tmp behind; it names the cause and removes the partial file.
TEST(Safetensors, AFailedWriteNamesItsCauseAndLeavesNoPartialFile)
{
    TempDir dir;
    const std::vector<float> data(64 * 1024, 1.0f);
    const TensorToWrite t{"w", "F32", {int64_t(data.size())}, data.data(), data.size() * sizeof(float)};
    const std::string path = dir.path() + "/p.safetensors";
    // The process-wide limit is lowered for this write only; SIGXFSZ would kill the test.
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
    void (*savedHandler)(int) = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 16 * 1024;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string msg = "no error";
    try {
        writeSafetensors(path, {t});
    } catch (const Error& e) {
        msg = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, savedHandler);
    EXPECT_NE(msg.find(path + ".tmp: write failed: " + std::strerror(EFBIG)), std::string::npos) << msg;
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Safetensors, NonFiniteScan)
{
    struct Bits {
        StDType type;
        size_t size;
        uint64_t one, nan, inf, negInf, max;
    };
    const Bits kinds[] = {
        {StDType::F32, 4, 0x3f800000u, 0x7fc00000u, 0x7f800000u, 0xff800000u, 0x7f7fffffu},
        {StDType::F16, 2, 0x3c00u, 0x7e00u, 0x7c00u, 0xfc00u, 0x7bffu},
        {StDType::BF16, 2, 0x3f80u, 0x7fc0u, 0x7f80u, 0xff80u, 0x7f7fu},
        {StDType::F64, 8, 0x3ff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000000ull,
         0xfff0000000000000ull, 0x7fefffffffffffffull},
    };
    for (const Bits& k : kinds) {
        const int64_t n = 10000;
        std::vector<unsigned char> buf(size_t(n) * k.size + 1);
        unsigned char* data = buf.data() + 1; // unaligned on purpose
        auto set = [&](int64_t i, uint64_t v) { std::memcpy(data + size_t(i) * k.size, &v, k.size); };
        for (int64_t i = 0; i < n; ++i)
            set(i, i % 7 ? k.one : k.max); // the largest finite value is finite
        EXPECT_EQ(findNonFinite(data, n, k.type).index, -1) << stDTypeName(k.type);
        for (int64_t at : {int64_t(0), int64_t(4095), int64_t(4096), n - 1}) {
            for (uint64_t bad : {k.nan, k.inf, k.negInf}) {
                set(at, bad);
                const NonFinite hit = findNonFinite(data, n, k.type);
                EXPECT_EQ(hit.index, at) << stDTypeName(k.type);
                EXPECT_EQ(hit.nan, bad == k.nan) << stDTypeName(k.type);
            }
            set(at, k.one);
        }
        set(9000, k.inf);
        set(5000, k.nan);
        EXPECT_EQ(findNonFinite(data, n, k.type).index, 5000); // the first one
    }
    const int64_t ids[4] = {-1, 0x7ff0000000000000ll, 3, 4};
    EXPECT_EQ(findNonFinite(ids, 4, StDType::I64).index, -1); // integers are not scanned
}

TEST(Safetensors, TruncatedFile)
{
    TempDir d("st-bad");
    writeRaw(d.file("t.safetensors"), "", 0, -1);
    {
        std::ofstream out(d.file("t.safetensors"), std::ios::binary);
        out << "abc";
    }
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("t.safetensors")), "t.safetensors", "truncated");
    // Data shorter than the header says.
    writeRaw(d.file("u.safetensors"), R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("u.safetensors")), "u.safetensors", "\"w\"", "truncated");
}

TEST(Safetensors, HeaderLengthBeyondFile)
{
    TempDir d("st-bad");
    writeRaw(d.file("h.safetensors"), R"({})", 0, 5000);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("h.safetensors")), "h.safetensors", "header length 5000", "beyond");
    writeRaw(d.file("g.safetensors"), R"({})", 0, 200000000);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("g.safetensors")), "g.safetensors", "100,000,000");
}

TEST(Safetensors, OverlappingAndOutOfRangeOffsets)
{
    TempDir d("st-bad");
    writeRaw(d.file("o.safetensors"),
             R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
             12);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("o.safetensors")), "o.safetensors", "\"b\"", "overlap");
    writeRaw(d.file("r.safetensors"), R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", 8);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("r.safetensors")), "r.safetensors", "\"a\"", "past the data buffer");
    writeRaw(d.file("gap.safetensors"), R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("gap.safetensors")), "gap.safetensors", "\"a\"", "gap");
    writeRaw(d.file("tail.safetensors"), R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 12);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("tail.safetensors")), "tail.safetensors", "trailing");
}

TEST(Safetensors, SizeDtypeAndDuplicates)
{
    TempDir d("st-bad");
    writeRaw(d.file("s.safetensors"), R"({"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}})", 8);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("s.safetensors")), "s.safetensors", "\"a\"", "numel 3");
    writeRaw(d.file("q.safetensors"), R"({"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("q.safetensors")), "q.safetensors", "\"a\"", "Q4");
    writeRaw(d.file("dup.safetensors"),
             R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
             16);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("dup.safetensors")), "dup.safetensors", "\"a\"", "twice");
    // 2^61 F64 elements: numel x 8 would wrap to 0 and match the empty offsets.
    writeRaw(d.file("wrap.safetensors"), R"({"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}})", 0);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("wrap.safetensors")), "wrap.safetensors", "\"a\"", "too large");
    writeRaw(d.file("j.safetensors"), R"({"a":)", 0);
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("j.safetensors")), "j.safetensors", "JSON");
    EXPECT_ERROR_HAS(SafetensorsFile(d.file("absent.safetensors")), "absent.safetensors");
}

TEST(Safetensors, IndexNamesMissingShard)
{
    TempDir d("st-idx");
    std::vector<float> a(16, 1.f);
    const auto files = writeSafetensorsCheckpoint(
        d.path(), {{"x", "F32", {16}, a.data(), 64}, {"y", "F32", {16}, a.data(), 64}, {"z", "F32", {16}, a.data(), 64}},
        100);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0], "model-00001-of-00003.safetensors");
    CheckpointFiles ok(d.path());
    EXPECT_TRUE(ok.has("z"));
    fs::remove(d.file(files[2]));
    EXPECT_ERROR_HAS(CheckpointFiles(d.path()), "model.safetensors.index.json", files[2].c_str(), "\"z\"", "missing");
    EXPECT_ERROR_HAS(CheckpointFiles("/nonexistent"), "/nonexistent");
}

TEST(Safetensors, ReadIntoAFileThatShrankAfterOpening)
{
    // Weights are copied with pread(): a file cut after it was opened and validated gives an
    // error naming it (reading through the mapping would have killed the process with SIGBUS).
    TempDir d("st-shrunk");
    writeRaw(d.file("s.safetensors"), R"({"a":{"dtype":"F32","shape":[1024],"data_offsets":[0,4096]}})", 4096);
    const SafetensorsFile f(d.file("s.safetensors"));
    const auto& e = *f.find("a");
    std::vector<float> out(1024, 1.0f);
    f.file().readInto(out.data(), f.dataStart() + e.begin, e.bytes());
    EXPECT_EQ(out[1023], 0.0f);
    fs::resize_file(d.file("s.safetensors"), f.dataStart() + 100);
    EXPECT_ERROR_HAS(f.file().readInto(out.data(), f.dataStart() + e.begin, e.bytes()), "s.safetensors",
                     "the file is shorter");
}

// ---- memory and placement -----------------------------------------------------------------
TEST(Memory, EstimatesPerMode)
{
    const MixtralConfig m = presetConfig("mixtral-8x7b");
    const int64_t resident = weightBytesForMode(m, ComputeDType::BFloat16, Residency::Resident, true);
    EXPECT_EQ(resident, parameterCount(m) * 2);
    const int64_t streaming = weightBytesForMode(m, ComputeDType::BFloat16, Residency::Streaming);
    EXPECT_LT(streaming, resident / 10);
    EXPECT_EQ(weightBytesForMode(m, ComputeDType::Float32, Residency::Split), 2 * weightBytesForMode(m, ComputeDType::BFloat16, Residency::Split));
    EXPECT_GT(stagingBytesForMode(m, ComputeDType::BFloat16, Residency::Streaming), 0);
    const int64_t act = activationBytes(m, ComputeDType::BFloat16, 8, 512, 2);
    EXPECT_GT(activationBytes(m, ComputeDType::BFloat16, 16, 512, 2), act);
    const int64_t b = maxBatchForMemory(m, ComputeDType::BFloat16, 512, 8 * act / 8 * 3);
    EXPECT_GE(b, 16);
    EXPECT_LE(activationBytes(m, ComputeDType::BFloat16, b, 512), 3 * act);
    EXPECT_EQ(maxBatchForMemory(m, ComputeDType::BFloat16, 512, 1000), 0);
    for (ComputeDType d : {ComputeDType::Float32, ComputeDType::BFloat16, ComputeDType::Float16})
        EXPECT_EQ(parseDType(dtypeName(d)), d);
    EXPECT_EQ(dtypeBytes(ComputeDType::Float32), 4);
    EXPECT_EQ(dtypeBytes(ComputeDType::BFloat16), 2);
    try {
        parseDType("fp8");
        ADD_FAILURE() << "fp8 accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "unknown compute dtype 'fp8' (auto, float32, bfloat16, float16)");
    }
    try {
        parseResidency("cloud");
        ADD_FAILURE() << "cloud accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "unknown residency mode 'cloud' (resident, split, streaming)");
    }
    EXPECT_EQ(parseResidency("streaming"), Residency::Streaming);
    EXPECT_ERROR_HAS(parseResidency("paged"), "paged");
}

TEST(Placement, ProportionalContiguousPlan)
{
    PlacementInput in;
    in.layerBytes.assign(32, 100);
    in.freeBytes = {1600, 1600};
    EXPECT_EQ(planPlacement(in), [] {
        std::vector<int> v(32, 0);
        std::fill(v.begin() + 16, v.end(), 1);
        return v;
    }());
    in.freeBytes = {3000, 1000};
    auto p = planPlacement(in);
    const auto on0 = std::count(p.begin(), p.end(), 0);
    EXPECT_GE(on0, 23);
    EXPECT_LE(on0, 25);
    EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
    // A device without room is skipped; the reserve counts.
    in.freeBytes = {50, 4000};
    p = planPlacement(in);
    EXPECT_EQ(std::count(p.begin(), p.end(), 1), 32);
    in.freeBytes = {2500, 2500};
    in.reservePerDevice = 500;
    in.firstBytes = 200;
    p = planPlacement(in);
    EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
    EXPECT_LE(std::count(p.begin(), p.end(), 0) * 100 + 200, 2000);
    EXPECT_LE(std::count(p.begin(), p.end(), 1) * 100, 2000);
    in.freeBytes = {1000, 1000};
    EXPECT_ERROR_HAS(planPlacement(in), "split placement");
}

// ---- tokenizer ----------------------------------------------------------------------------
TEST(Tokenizer, EncodesWithBosAndChecksVocab)
{
    // tests/core/model/data/tokenizer.model: SentencePiece BPE with byte fallback, vocab 320
    // (the fixture model's), unk 0 / bos 1 / eos 2 like Mixtral's.
    TempDir d("tok");
    fs::copy_file(std::string(SPECMOE_SOURCE_DIR) + "/tests/core/model/data/tokenizer.model", d.file("tokenizer.model"));
    Tokenizer t(d.path()); // a folder holding tokenizer.model
    EXPECT_EQ(t.vocabSize(), 320);
    EXPECT_EQ(t.bosId(), 1);
    t.checkVocab(loadConfig(kFixture).vocabSize);
    const auto ids = t.encode("the lazy fox\n");
    ASSERT_GE(ids.size(), 3u);
    EXPECT_EQ(ids[0], 1);
    EXPECT_NE(t.encode("the", false).front(), 1);
    EXPECT_EQ(t.decode(ids), "the lazy fox\n");
    std::string joined;
    for (size_t i = 1; i < ids.size(); ++i)
        joined += t.pieceText(ids[i]);
    EXPECT_EQ(joined, " the lazy fox\n"); // "\n" comes back from its byte piece <0x0A>
    EXPECT_EQ(t.pieceText(1), "<s>");
    // Analyses record the raw pieces (CLI and workbench alike); views show pieceDisplayText.
    const auto shared = std::make_shared<Tokenizer>(d.path());
    const auto recorded = recordedTokenText(shared);
    const std::string first = recorded(int32_t(ids[1]));
    EXPECT_EQ(first.rfind(kSpaceMarker, 0), 0u) << first; // "▁the" or "▁" + more pieces
    EXPECT_EQ(recorded(int32_t(ids.back())), "<0x0A>");
    for (size_t i = 1; i < ids.size(); ++i)
        EXPECT_EQ(pieceDisplayText(recorded(int32_t(ids[i]))), t.pieceText(ids[i]));
    EXPECT_ERROR_HAS(t.checkVocab(32000), "tokenizer.model", "320", "32000");
    EXPECT_ERROR_HAS(t.pieceText(500), "500");
    EXPECT_ERROR_HAS(Tokenizer(kFixture), "tokenizer.model", "missing");
    writeFile(d.file("bad.model"), "not a model");
    EXPECT_ERROR_HAS(Tokenizer(d.file("bad.model")), "bad.model");
}
