// Paths that are not UTF-8 (Linux paths are bytes) in a trace's manifest.json: the model
// folder, tokenizer, sources, feature basis and imported inputs keep their bytes
// (core/util/path_json.h), labels get U+FFFD, and a writer resumes its own folder. Before,
// collect failed writing the manifest with nlohmann's "[json.exception.type_error.316]".
#include "core/trace/trace_run_config.h"
#include "core/trace/trace_set.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/utf8.h"
#include "tests/core/trace/synthetic_trace.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace specmoe;
using namespace specmoe::test;

namespace {

TraceRunConfig runConfigWithBytes(const std::string& root)
{
    TraceRunConfig c;
    c.tool = "specmoe-collect-1";
    c.modelDir = root + "/m\xff";
    c.tokenizer = root + "/m\xff/tokenizer.json";
    c.sources.push_back({"wiki", root + "/corpus\xe9.jsonl", "jsonl", "t\xe8xt", 1.0, 0, 0});
    c.featureBasis = root + "/basis\xc0.safetensors";
    c.maxLength = 16;
    return c;
}

TraceWriterOptions optionsWithBytes(const std::string& root)
{
    TraceWriterOptions o;
    o.runConfig = runConfigWithBytes(root);
    o.model = {"mixtral", "m\xff", "softmax_topk"}; // a model folder's name: a label
    o.origin = {"imported", "vllm", "0.9\xff", {root + "/a\xfe.npz", root + "/b.npz"}};
    return o;
}

} // namespace

TEST(TracePaths, ManifestKeepsTheBytesOfPathsThatAreNotUtf8)
{
    TempDir tmp("trace_paths");
    const std::string dir = tmp.file("t\xff"); // the trace folder itself, too
    const TraceDims d = tinyDims();
    const TraceFingerprint fp{"cfg", "bfloat16", "tok", "run"};
    {
        TraceWriter w(dir, d, fp, optionsWithBytes(tmp.path()));
        w.append(makeBlock(d, 0, 4));
        w.finish();
    }
    // manifest.json is UTF-8 JSON (what every JSON reader, python's included, takes).
    const std::string text = readFile(dir + "/manifest.json");
    EXPECT_TRUE(isValidUtf8(text));
    const nlohmann::json j = nlohmann::json::parse(text);
    EXPECT_EQ(j["run_config"]["model_dir"]["text"], tmp.path() + "/m\xef\xbf\xbd");
    EXPECT_EQ(j["model"]["name"], "m\xef\xbf\xbd");

    const TraceSet set = TraceSet::open(dir);
    const TraceRunConfig& rc = set.runConfig();
    EXPECT_EQ(rc.modelDir, tmp.path() + "/m\xff");
    EXPECT_EQ(rc.tokenizer, tmp.path() + "/m\xff/tokenizer.json");
    ASSERT_EQ(rc.sources.size(), 1u);
    EXPECT_EQ(rc.sources[0].path, tmp.path() + "/corpus\xe9.jsonl");
    EXPECT_EQ(rc.sources[0].field, "t\xe8xt");
    EXPECT_EQ(rc.featureBasis, tmp.path() + "/basis\xc0.safetensors");
    EXPECT_EQ(set.origin().inputs, (std::vector<std::string>{tmp.path() + "/a\xfe.npz", tmp.path() + "/b.npz"}));
    EXPECT_EQ(set.model().name, "m\xef\xbf\xbd");
    EXPECT_EQ(set.origin().engineVersion, "0.9\xef\xbf\xbd");
    EXPECT_TRUE(isValidUtf8(set.manifestText()));

    // The same run again: the writer recognises its own folder (labels compare as written).
    TraceWriter again(dir, d, fp, optionsWithBytes(tmp.path()));
    EXPECT_TRUE(again.resumed());
    EXPECT_EQ(again.completedSequences().size(), 4u);
}

// Manifests written before the encoding hold plain strings; they read as they did.
TEST(TracePaths, PlainStringPathsOfEarlierManifestsStillRead)
{
    const nlohmann::json j = {{"model_dir", "/models/mixtral"},
                              {"tokenizer", "/models/mixtral/tokenizer.model"},
                              {"sources", {{{"name", "wiki"}, {"path", "/data/wiki.jsonl"}, {"field", "text"}}}},
                              {"feature_basis", "/data/basis.safetensors"}};
    const TraceRunConfig c = TraceRunConfig::fromJson(j, "manifest.json: run_config");
    EXPECT_EQ(c.modelDir, "/models/mixtral");
    EXPECT_EQ(c.tokenizer, "/models/mixtral/tokenizer.model");
    ASSERT_EQ(c.sources.size(), 1u);
    EXPECT_EQ(c.sources[0].path, "/data/wiki.jsonl");
    EXPECT_EQ(c.sources[0].field, "text");
    EXPECT_EQ(c.featureBasis, "/data/basis.safetensors");
    // UTF-8 paths are still written as plain strings, so other readers see no change.
    EXPECT_EQ(c.toJson()["model_dir"], "/models/mixtral");
}

TEST(TracePaths, ABrokenPathFieldIsNamed)
{
    const nlohmann::json j = {{"model_dir", {{"bytes_hex", "2f6d7"}}}};
    try {
        TraceRunConfig::fromJson(j, "t/manifest.json: run_config");
        FAIL() << "an odd number of hex digits was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("t/manifest.json: run_config: field 'model_dir'"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(TraceRunConfig::fromJson({{"tokenizer", 7}}, "run_config"), Error);
}
