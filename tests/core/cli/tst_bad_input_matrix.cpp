// The bad-input matrix (issue 17): the CLI on damaged checkpoints, corpora, trace folders,
// run folders and options. Every case asserts the exit code, that the output names the input
// at fault and the cause, that nothing crashed (no signal, no libtorch stack trace), and that
// the files a case marks as already written are byte for byte what they were.
#include "tests/core/trace/shard_tamper.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>

namespace fs = std::filesystem;
using namespace specmoe::test;

namespace {

// A crash, a libtorch stack trace or an uncaught exception in a command's output.
bool crashed(int rc, const std::string& out)
{
    return rc < 0 || rc >= 128 || has(out, "terminate called") || has(out, "Exception raised from") ||
           has(out, "stack trace") || has(out, "Segmentation fault") || has(out, "json.exception");
}

// The inputs of one case, made on demand in a fresh folder.
class World {
public:
    World() : m_tmp("bad-input") {}
    std::string path(const std::string& rel) const { return m_tmp.file(rel); }

    // The tiny hub checkpoint (3 layers, 8 experts, top-2, vocab 320).
    std::string model()
    {
        const std::string dir = path("model");
        if (!fs::exists(dir)) {
            fs::create_directories(dir);
            for (const char* f : {"config.json", "model.safetensors"})
                fs::copy_file(dataPath(std::string("hf-tiny-mixtral/") + f), dir + "/" + f);
        }
        return dir;
    }
    nlohmann::json config() { return nlohmann::json::parse(readFile(model() + "/config.json")); }
    void setConfig(const nlohmann::json& j) { writeFile(model() + "/config.json", j.dump(1)); }
    // Overwrites `count` float32 values of tensor `name` in model.safetensors.
    void poke(const std::string& name, float value, size_t count = 1)
    {
        pokeFile(model() + "/model.safetensors", name, value, count);
    }
    // The same in any safetensors file (a predictor's, a checkpoint's).
    static void pokeFile(const std::string& file, const std::string& name, float value, size_t count = 1)
    {
        std::string bytes = readFile(file);
        uint64_t n = 0;
        std::memcpy(&n, bytes.data(), 8);
        const auto header = nlohmann::json::parse(bytes.substr(8, size_t(n)));
        const size_t at = 8 + size_t(n) + header.at(name).at("data_offsets")[0].get<size_t>();
        for (size_t i = 0; i < count; ++i)
            std::memcpy(&bytes[at + 4 * i], &value, 4);
        writeFile(file, bytes);
    }
    // The golden trace's token ids (jsonl-ids, 30 documents).
    std::string corpus()
    {
        const std::string f = path("ids.jsonl");
        if (!fs::exists(f))
            fs::copy_file(dataPath("golden/corpus.jsonl"), f);
        return f;
    }
    std::string trace() { return copyOnce("golden/trace", "trace"); }
    std::string predictor() { return copyOnce("golden/predictor", "predictor"); }
    // A finished training run on the golden trace (made once per test binary, copied).
    std::string run()
    {
        const std::string dir = path("run");
        if (!fs::exists(dir))
            fs::copy(sharedRun(), dir, fs::copy_options::recursive);
        return dir;
    }
    std::string collect(const std::string& model, const std::string& source, const std::string& extra = "")
    {
        return "collect --model " + model + " --source " + source + " --out " + path("out") +
               " --device cpu --dtype float32 --quiet " + extra;
    }

private:
    std::string copyOnce(const std::string& rel, const std::string& name)
    {
        const std::string dir = path(name);
        if (!fs::exists(dir))
            fs::copy(dataPath(rel), dir, fs::copy_options::recursive);
        return dir;
    }
    static std::string sharedRun()
    {
        static TempDir tmp("bad-input-run");
        static const std::string dir = [] {
            const std::string d = tmp.file("run");
            std::string out;
            const int rc = runCommand(cliPath() + " train --traces " + dataPath("golden/trace") + " --out " + d +
                                          " --models interlayer --epochs 1 --device cpu --quiet",
                                      &out);
            if (rc != 0)
                ADD_FAILURE() << "training the shared run failed:\n" << out;
            return d;
        }();
        return dir;
    }
    TempDir m_tmp;
};

struct Case {
    const char* name;
    // Makes the inputs; returns the command line after `specmoe`.
    std::function<std::string(World&)> setup;
    int rc;
    // Each must appear in the output; "@X" stands for w.path("X").
    std::vector<std::string> mention;
    // Files or folders (relative to the world) that must be unchanged by the command.
    std::vector<std::string> keep;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// path -> bytes of every file under `root` (a file or a folder).
std::map<std::string, std::string> snapshot(const std::string& root)
{
    std::map<std::string, std::string> files;
    if (fs::is_regular_file(root))
        files[root] = readFile(root);
    else if (fs::is_directory(root))
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file())
                files[e.path().string()] = readFile(e.path().string());
    return files;
}

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, ExitCodeNamesInputAndCauseKeepsWhatWasWritten)
{
    const Case& c = GetParam();
    World w;
    const std::string line = c.setup(w);
    std::vector<std::map<std::string, std::string>> before;
    for (const std::string& k : c.keep)
        before.push_back(snapshot(w.path(k)));
    std::string out;
    const int rc = runCommand(cliPath() + " " + line + " 2>&1", &out);
    EXPECT_FALSE(crashed(rc, out)) << line << "\n" << out;
    EXPECT_EQ(rc, c.rc) << line << "\n" << out;
    for (std::string m : c.mention) {
        if (m.rfind("@", 0) == 0)
            m = w.path(m.substr(1));
        EXPECT_TRUE(has(out, m)) << "expected '" << m << "' in the output of\n" << line << "\n" << out;
    }
    for (size_t i = 0; i < c.keep.size(); ++i) {
        const auto after = snapshot(w.path(c.keep[i]));
        EXPECT_FALSE(before[i].empty()) << c.keep[i] << " held nothing to keep";
        EXPECT_TRUE(after == before[i]) << c.keep[i] << " changed: " << line << "\n" << out;
    }
}

std::string ids(World& w) { return "ids=" + w.corpus() + ":jsonl-ids"; }

const Case kCheckpointCases[] = {
    {"ModelFolderMissing", [](World& w) { return w.collect(w.path("nothing"), ids(w)); }, 1, {"@nothing"}, {}},
    {"ConfigMissing",
     [](World& w) {
         fs::remove(w.model() + "/config.json");
         return w.collect(w.model(), ids(w));
     },
     1, {"@model", "config.json"}, {}},
    {"ConfigNotJson",
     [](World& w) {
         writeFile(w.model() + "/config.json", "{\"hidden_size\": 64,");
         return w.collect(w.model(), ids(w));
     },
     1, {"@model/config.json"}, {}},
    {"ConfigFieldMissing",
     [](World& w) {
         auto j = w.config();
         j.erase("num_local_experts");
         w.setConfig(j);
         return w.collect(w.model(), ids(w));
     },
     1, {"config.json", "num_local_experts"}, {}},
    {"ConfigFieldWrongType",
     [](World& w) {
         auto j = w.config();
         j["hidden_size"] = "64";
         w.setConfig(j);
         return w.collect(w.model(), ids(w));
     },
     1, {"config.json", "hidden_size"}, {}},
    {"ConfigMoreLayersThanWeights",
     [](World& w) {
         auto j = w.config();
         j["num_hidden_layers"] = 4;
         w.setConfig(j);
         return w.collect(w.model(), ids(w));
     },
     1, {"model.layers.3"}, {}},
    {"WeightsTruncated",
     [](World& w) {
         const std::string f = w.model() + "/model.safetensors";
         fs::resize_file(f, fs::file_size(f) / 2);
         return w.collect(w.model(), ids(w));
     },
     1, {"@model/model.safetensors"}, {}},
    {"WeightsHeaderLengthHuge",
     [](World& w) {
         const std::string f = w.model() + "/model.safetensors";
         std::string b = readFile(f);
         std::memset(&b[0], 0x7f, 8);
         writeFile(f, b);
         return w.collect(w.model(), ids(w));
     },
     1, {"@model/model.safetensors", "header"}, {}},
    {"WeightsHeaderNotJson",
     [](World& w) {
         const std::string f = w.model() + "/model.safetensors";
         std::string b = readFile(f);
         b[8] = '[';
         b[9] = '[';
         writeFile(f, b);
         return w.collect(w.model(), ids(w));
     },
     1, {"@model/model.safetensors"}, {}},
    {"WeightsShapeDisagreesWithConfig",
     [](World& w) {
         auto j = w.config();
         j["num_local_experts"] = 4;
         w.setConfig(j);
         return w.collect(w.model(), ids(w));
     },
     1, {"model.safetensors", "block_sparse_moe"}, {}},
    {"RouterWeightNaN",
     [](World& w) {
         w.poke("model.layers.1.block_sparse_moe.gate.weight", std::numeric_limits<float>::quiet_NaN(), 3);
         return w.collect(w.model(), ids(w));
     },
     1, {"@model", "model.layers.1.block_sparse_moe.gate.weight"}, {}},
    {"ConfigFewerLayersThanWeights",
     [](World& w) {
         auto j = w.config();
         j["num_hidden_layers"] = 2;
         w.setConfig(j);
         return w.collect(w.model(), ids(w), "--lookahead 1"); // the default 1,2 needs 3 layers
     },
     1, {"model.layers.2", "num_hidden_layers"}, {}},
    {"WeightsIsAFolder",
     [](World& w) {
         const std::string f = w.model() + "/model.safetensors";
         fs::remove(f);
         fs::create_directory(f);
         return w.collect(w.model(), ids(w));
     },
     1, {"@model/model.safetensors"}, {}},
};

const Case kCorpusCases[] = {
    {"SourceMissing", [](World& w) { return w.collect(w.model(), "ids=" + w.path("none.jsonl") + ":jsonl-ids"); }, 1,
     {"@none.jsonl"}, {}},
    {"SourceEmpty",
     [](World& w) {
         writeFile(w.path("empty.jsonl"), "");
         return w.collect(w.model(), "ids=" + w.path("empty.jsonl") + ":jsonl-ids");
     },
     1, {"@empty.jsonl"}, {}},
    {"EveryLineBroken",
     [](World& w) {
         writeFile(w.path("bad.jsonl"), "{\"input_ids\": [1, 2,\nnot json\n");
         return w.collect(w.model(), "ids=" + w.path("bad.jsonl") + ":jsonl-ids");
     },
     1, {"@bad.jsonl"}, {}},
    {"BinaryGarbage",
     [](World& w) {
         std::string b(4096, '\0');
         for (size_t i = 0; i < b.size(); ++i)
             b[i] = char((i * 7919u) >> 3);
         writeFile(w.path("garbage.jsonl"), b);
         return w.collect(w.model(), "ids=" + w.path("garbage.jsonl") + ":jsonl-ids");
     },
     1, {"@garbage.jsonl"}, {}},
    {"TokenIdBeyondVocabulary",
     [](World& w) {
         writeFile(w.path("big.jsonl"), "{\"input_ids\": [1, 5, 900, 7, 8, 9, 10, 11, 12]}\n");
         return w.collect(w.model(), "ids=" + w.path("big.jsonl") + ":jsonl-ids");
     },
     1, {"big.jsonl:1", "id 900 >= vocabulary 320"}, {}},
    {"DocumentOverTheByteCap",
     [](World& w) {
         // One 17 MiB line without a newline (the default cap is 16 MiB): skipped and named.
         writeFile(w.path("huge.jsonl"), "{\"input_ids\": [" + std::string(17u << 20, ' ') + "1, 2]}");
         return w.collect(w.model(), "ids=" + w.path("huge.jsonl") + ":jsonl-ids");
     },
     1, {"@huge.jsonl"}, {}},
    {"DevZeroAsSource", [](World& w) { return w.collect(w.model(), "ids=/dev/zero:jsonl-ids"); }, 1, {"/dev/zero"}, {}},
    // Exit 1, not 2: telling a format from part of a file name needs the file system.
    {"UnknownFormat", [](World& w) { return w.collect(w.model(), "ids=" + w.corpus() + ":yaml"); }, 1,
     {"@ids.jsonl", "'yaml' is not a corpus format; accepted: text"}, {}},
    {"WeightNotANumber", [](World& w) { return w.collect(w.model(), ids(w) + "@abc"); }, 1,
     {"@ids.jsonl", "'abc' after '@' is not a weight"}, {}},
    {"TextWithoutTokenizer",
     [](World& w) {
         writeFile(w.path("doc.txt"), "Some text that needs a tokenizer to become token ids.\n");
         return w.collect(w.model(), "txt=" + w.path("doc.txt") + ":text");
     },
     1, {"tokenizer"}, {}},
    {"OutputFolderHoldsAnotherTrace",
     [](World& w) {
         fs::copy(w.trace(), w.path("out"), fs::copy_options::recursive);
         return w.collect(w.model(), ids(w));
     },
     1, {"@out"}, {"out"}},
};

const Case kTraceCases[] = {
    {"ManifestMissing",
     [](World& w) {
         fs::remove(w.trace() + "/manifest.json");
         return "traces info " + w.trace();
     },
     1, {"@trace"}, {"trace"}},
    {"ManifestNotJson",
     [](World& w) {
         writeFile(w.trace() + "/manifest.json", "{\"format\": ");
         return "analyze " + w.trace() + " --out " + w.path("an") + " --quiet";
     },
     1, {"@trace/manifest.json"}, {"trace"}},
    {"SchemaVersionString",
     [](World& w) {
         auto j = nlohmann::json::parse(readFile(w.trace() + "/manifest.json"));
         j["schema_version"] = "1";
         writeFile(w.trace() + "/manifest.json", j.dump(1));
         return "traces info " + w.trace();
     },
     1, {"@trace/manifest.json", "schema_version"}, {"trace"}},
    {"ShardListedTwice",
     [](World& w) {
         auto j = nlohmann::json::parse(readFile(w.trace() + "/manifest.json"));
         j["shards"].push_back(j["shards"][0]);
         writeFile(w.trace() + "/manifest.json", j.dump(1));
         return "traces info " + w.trace();
     },
     1, {"@trace/manifest.json", "shard-00000.h5"}, {"trace"}},
    {"ShardMissing",
     [](World& w) {
         fs::remove(w.trace() + "/shard-00001.h5");
         return "analyze " + w.trace() + " --out " + w.path("an") + " --quiet";
     },
     1, {"shard-00001.h5"}, {"trace"}},
    {"ShardTruncated",
     [](World& w) {
         const std::string f = w.trace() + "/shard-00000.h5";
         fs::resize_file(f, fs::file_size(f) - 100);
         return "train --traces " + w.trace() + " --out " + w.path("r") + " --epochs 1 --device cpu --quiet";
     },
     1, {"shard-00000.h5", "size is"}, {"trace"}},
    {"ShardByteFlipped",
     [](World& w) {
         const std::string f = w.trace() + "/shard-00000.h5";
         std::string b = readFile(f);
         b[b.size() / 3] = char(b[b.size() / 3] ^ 0x10);
         writeFile(f, b);
         return "traces export-csv " + w.trace() + " --all --out " + w.path("x.csv") + " --quiet";
     },
     1, {"shard-00000.h5", "CRC-32 is"}, {"trace"}},
    {"VerifyReportsFlippedByte",
     [](World& w) {
         const std::string f = w.trace() + "/shard-00001.h5";
         std::string b = readFile(f);
         b[100] = char(b[100] ^ 0x01);
         writeFile(f, b);
         return "traces verify " + w.trace() + " --quiet";
     },
     4, {"shard-00001.h5", "CRC-32 is"}, {"trace"}},
    {"ExpertIdOutOfRange",
     [](World& w) {
         tamperDataset(w.trace(), "shard-00000.h5", "tokens/topk_ids", H5T_NATIVE_UINT8, 1,
                       [](std::vector<char>& v) { v[5] = char(200); });
         return "train --traces " + w.trace() + " --out " + w.path("r") + " --epochs 1 --device cpu --quiet";
     },
     1, {"shard-00000.h5", "expert id 200"}, {"trace"}},
    {"NanRouterWeightInTrace",
     [](World& w) {
         const hid_t f16 = fileTypeOf(w.trace() + "/shard-00001.h5", "tokens/topk_weights");
         tamperDataset(w.trace(), "shard-00001.h5", "tokens/topk_weights", f16, 2, [](std::vector<char>& v) {
             const uint16_t nan = 0x7e00; // binary16 quiet NaN
             std::memcpy(v.data() + 6, &nan, 2);
         });
         H5Tclose(f16);
         return "analyze " + w.trace() + " --out " + w.path("an") + " --quiet";
     },
     1, {"shard-00001.h5", "weight"}, {"trace"}},
    {"TraceIsAFile",
     [](World& w) {
         writeFile(w.path("trace.txt"), "not a trace");
         return "traces info " + w.path("trace.txt");
     },
     1, {"@trace.txt"}, {}},
    {"ReshardOntoItself",
     [](World& w) { return "traces reshard " + w.trace() + " " + w.trace() + " --quiet"; }, 1, {"@trace", "same folder"},
     {"trace"}},
};

const Case kRunCases[] = {
    {"EvalOnAFolderThatIsNotARun",
     [](World& w) {
         fs::create_directories(w.path("empty-run"));
         return "eval --run " + w.path("empty-run") + " --traces " + w.trace() + " --device cpu --quiet";
     },
     1, {"@empty-run"}, {}},
    {"EvalWithBrokenPredictorConfig",
     [](World& w) {
         writeFile(w.predictor() + "/config.json", "{\"models\": [");
         return "eval --predictor " + w.predictor() + " --traces " + w.trace() + " --device cpu --quiet";
     },
     1, {"@predictor/config.json"}, {"predictor"}},
    {"EvalWithTruncatedPredictorWeights",
     [](World& w) {
         const std::string f = w.predictor() + "/predictor.safetensors";
         fs::resize_file(f, fs::file_size(f) / 2);
         return "eval --predictor " + w.predictor() + " --traces " + w.trace() + " --device cpu --quiet";
     },
     1, {"@predictor/predictor.safetensors"}, {"predictor"}},
    {"EvalWithNanPredictorWeight",
     [](World& w) {
         World::pokeFile(w.predictor() + "/predictor.safetensors", "interlayer.head.weight",
                         std::numeric_limits<float>::quiet_NaN());
         return "eval --predictor " + w.predictor() + " --traces " + w.trace() + " --device cpu --quiet";
     },
     1, {"@predictor/predictor.safetensors", "interlayer.head.weight", "NaN"}, {"predictor"}},
    {"ExportWithInfinitePredictorStatistic",
     [](World& w) {
         World::pokeFile(w.run() + "/best/predictor.safetensors", "stats.frequency",
                         std::numeric_limits<float>::infinity());
         return "export --run " + w.run() + " --out " + w.path("exported");
     },
     1, {"@run/best/predictor.safetensors", "stats.frequency", "infinite"}, {"run"}},
    {"ResumeFromANanCheckpoint",
     [](World& w) {
         World::pokeFile(w.run() + "/checkpoint/predictor.safetensors", "interlayer.head.bias",
                         std::numeric_limits<float>::quiet_NaN());
         return "train --traces " + w.trace() + " --out " + w.run() +
                " --models interlayer --resume --epochs 2 --device cpu --quiet";
     },
     1, {"@run/checkpoint/predictor.safetensors", "interlayer.head.bias"}, {"run"}},
    {"TrainOverAFinishedRun",
     [](World& w) {
         return "train --traces " + w.trace() + " --out " + w.run() + " --epochs 1 --device cpu --quiet";
     },
     2, {"@run", "--resume", "--overwrite"}, {"run"}},
    {"ExportFromAFolderThatIsNotARun",
     [](World& w) {
         fs::create_directories(w.path("empty-run"));
         return "export --run " + w.path("empty-run") + " --out " + w.path("exported");
     },
     1, {"@empty-run"}, {}},
    {"AnalyzeOutputIsAFile",
     [](World& w) {
         writeFile(w.path("an"), "keep me");
         return "analyze " + w.trace() + " --out " + w.path("an") + " --quiet";
     },
     1, {"@an"}, {"an", "trace"}},
};

const Case kOptionCases[] = {
    {"UnknownOption", [](World& w) { return "traces info " + w.trace() + " --frobnicate"; }, 2, {"--frobnicate"}, {}},
    {"StrayPositional",
     [](World& w) { return "analyze " + w.trace() + " extra-arg --out " + w.path("an") + " --quiet"; }, 2,
     {"extra-arg"}, {}},
    {"NegativeThreads", [](World& w) { return w.collect(w.model(), ids(w), "--threads -4"); }, 2, {"--threads", "-4"}, {}},
    {"NegativeMaxTokens",
     [](World& w) {
         return "eval --predictor " + w.predictor() + " --traces " + w.trace() + " --max-tokens -5 --quiet";
     },
     2, {"--max-tokens", "-5"}, {}},
    {"LookaheadBeyondLayers", [](World& w) { return w.collect(w.model(), ids(w), "--lookahead 5"); }, 2,
     {"--lookahead", "5"}, {}},
    {"BadDtype", [](World& w) { return w.collect(w.model(), ids(w), "--dtype float8"); }, 2,
     {"--dtype", "float8", "bfloat16"}, {}},
    {"UnknownModelName",
     [](World& w) { return "train --traces " + w.trace() + " --out " + w.path("r") + " --models foo --quiet"; }, 2,
     {"foo", "interlayer"}, {}},
    {"LearningRateNotANumber",
     [](World& w) { return "train --traces " + w.trace() + " --out " + w.path("r") + " --lr fast --quiet"; }, 2,
     {"--lr", "fast"}, {}},
    {"LearningRateMakesLossNan",
     [](World& w) {
         return "train --traces " + w.trace() + " --out " + w.path("r") + " --lr 1e30 --epochs 2 --device cpu --quiet";
     },
     1, {"NaN"}, {}},
    {"LearningRateBeyondFloat32",
     [](World& w) {
         return "train --traces " + w.trace() + " --out " + w.path("r") + " --lr 1e300 --epochs 1 --device cpu --quiet";
     },
     2, {"learning rate 1e+300", "at most 1e+37"}, {}},
    {"HorizonBeyondLayers",
     [](World& w) {
         return "train --traces " + w.trace() + " --out " + w.path("r") + " --horizon 5 --device cpu --quiet";
     },
     2, {"horizon 5", "at most"}, {}},
    {"OptionWithoutValue", [](World& w) { return "train --traces " + w.trace() + " --epochs"; }, 2, {"--epochs"}, {}},
    {"UnknownCommand", [](World&) { return std::string("frobnicate"); }, 2, {"frobnicate"}, {}},
};

} // namespace

INSTANTIATE_TEST_SUITE_P(Checkpoints, BadInput, ::testing::ValuesIn(kCheckpointCases),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(Corpora, BadInput, ::testing::ValuesIn(kCorpusCases),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(TraceFolders, BadInput, ::testing::ValuesIn(kTraceCases),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(RunFolders, BadInput, ::testing::ValuesIn(kRunCases),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(Options, BadInput, ::testing::ValuesIn(kOptionCases),
                         [](const auto& info) { return std::string(info.param.name); });
