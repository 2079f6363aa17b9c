// CollectParams <-> JSON: every field survives a round trip, absent keys keep core's
// defaults, and a wrong type or an unknown name is an Error naming the field.
#include "core/collect/collect_params_json.h"
#include "core/util/error.h"

#include <gtest/gtest.h>

using namespace specmoe;

namespace {

CollectParams allChanged()
{
    CollectParams p;
    SourceSpec s;
    s.name = "wiki";
    s.path = "/data/wiki.jsonl";
    s.format = SourceFormat::Jsonl;
    s.field = "body";
    s.weight = 2.5;
    s.maxTokens = 1000;
    s.maxSequences = 7;
    p.sources = {s, parseSourceSpec("code=/data/code")};
    p.targetTokens = 123456;
    p.targetSequences = 99;
    p.maxLength = 256;
    p.minLength = 4;
    p.longDocuments = LongDocuments::Split;
    p.dedup = false;
    p.shuffleBuffer = 7;
    p.seed = 0xfedcba9876543210ULL; // beyond int64: written as an unsigned number
    p.maxDocumentBytes = 4096;
    p.modelDir = "/models/m";
    p.tokenizerPath = "/models/t.model";
    p.device = DeviceSpec::cuda(1);
    p.dtype = ComputeDType::Float16;
    p.residency = Residency::Streaming;
    p.lookahead = {3};
    p.withLogits = true;
    p.features = "gate_logits:1+pca:4";
    p.featureBasis = "/traces/train";
    p.threads = 3;
    p.batchSize = 17;
    p.bucketBatches = 5;
    p.memoryFraction = 0.5;
    p.outDir = "/out/t";
    p.shardMB = 12.5;
    p.startOver = true;
    return p;
}

std::string errorOf(const nlohmann::json& j)
{
    try {
        collectParamsFromJson(j, "job.json");
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST(CollectParamsJson, RoundTripKeepsEveryField)
{
    const CollectParams p = allChanged();
    const nlohmann::json j = toJson(p);
    const CollectParams back = collectParamsFromJson(nlohmann::json::parse(j.dump()));
    EXPECT_EQ(toJson(back), j);
    EXPECT_EQ(back.seed, p.seed);
    EXPECT_EQ(back.device, DeviceSpec::cuda(1));
    EXPECT_EQ(back.dtype, ComputeDType::Float16);
    EXPECT_EQ(back.residency, Residency::Streaming);
    ASSERT_EQ(back.sources.size(), 2u);
    EXPECT_EQ(back.sources[0].format, SourceFormat::Jsonl);
    EXPECT_EQ(back.sources[0].maxSequences, 7);
    EXPECT_EQ(j.at("device"), "cuda:1");
    EXPECT_EQ(j.at("dtype"), "float16");
    EXPECT_EQ(back.features, "gate_logits:1+pca:4");
    EXPECT_EQ(back.featureBasis, "/traces/train");
    // Every field differs from the default, so a field the writer or reader forgot shows.
    const nlohmann::json defaults = toJson(CollectParams{});
    for (const auto& [key, value] : j.items())
        EXPECT_NE(value, defaults.at(key)) << key;
    EXPECT_EQ(j.size(), defaults.size());
}

TEST(CollectParamsJson, AbsentKeysKeepTheDefaults)
{
    const CollectParams back = collectParamsFromJson(nlohmann::json{{"maxLength", 64}});
    const CollectParams d;
    EXPECT_EQ(back.maxLength, 64);
    nlohmann::json expected = toJson(d);
    expected["maxLength"] = 64;
    EXPECT_EQ(toJson(back), expected);
    EXPECT_EQ(toJson(collectParamsFromJson(nlohmann::json::object())), toJson(d));
}

TEST(CollectParamsJson, WrongTypesNameTheField)
{
    EXPECT_NE(errorOf({{"maxLength", "512"}}).find("job.json: field 'maxLength' must be an integer"),
              std::string::npos);
    EXPECT_NE(errorOf({{"dedup", 1}}).find("field 'dedup'"), std::string::npos);
    EXPECT_NE(errorOf({{"lookahead", {1, "2"}}}).find("field 'lookahead' must be an array of integers"),
              std::string::npos);
    EXPECT_NE(errorOf({{"seed", -1}}).find("field 'seed'"), std::string::npos);
    EXPECT_NE(errorOf({{"device", "tpu"}}).find("field 'device': unknown device 'tpu' (cpu, cuda, cuda:N or auto)"),
              std::string::npos);
    EXPECT_NE(errorOf({{"dtype", "int8"}}).find("field 'dtype': unknown compute dtype 'int8'"), std::string::npos);
    EXPECT_NE(errorOf({{"residency", "cloud"}}).find("field 'residency': unknown residency mode 'cloud'"),
              std::string::npos);
    EXPECT_NE(errorOf({{"sources", {{{"name", "a"}, {"weight", "heavy"}}}}}).find("field 'sources'[0]: field 'weight'"),
              std::string::npos);
    EXPECT_NE(errorOf({{"sources", {{{"format", "docx"}}}}}).find("field 'format'"), std::string::npos);
    EXPECT_NE(errorOf(nlohmann::json::array()).find("job.json: expected a JSON object"), std::string::npos);
}

// Paths that are not UTF-8 (Linux paths are bytes) come back byte for byte: a job's
// parameters in workspace.json reopen the same folders (core/util/path_json.h). Before,
// dump() failed with nlohmann's "[json.exception.type_error.316]".
TEST(CollectParamsJson, PathsThatAreNotUtf8RoundTrip)
{
    CollectParams p;
    p.modelDir = "/models/m\xff";
    p.tokenizerPath = "/models/m\xff/tokenizer.model";
    p.featureBasis = "/traces/b\xfe";
    p.outDir = "/traces/t\xfd";
    p.sources.push_back({});
    p.sources[0].name = "wiki";
    p.sources[0].path = "/corpus/w\xe9.jsonl";
    p.sources[0].field = "t\xe8xt";
    const std::string text = toJson(p).dump();
    const CollectParams back = collectParamsFromJson(nlohmann::json::parse(text));
    EXPECT_EQ(back.modelDir, p.modelDir);
    EXPECT_EQ(back.tokenizerPath, p.tokenizerPath);
    EXPECT_EQ(back.featureBasis, p.featureBasis);
    EXPECT_EQ(back.outDir, p.outDir);
    ASSERT_EQ(back.sources.size(), 1u);
    EXPECT_EQ(back.sources[0].path, p.sources[0].path);
    EXPECT_EQ(back.sources[0].field, p.sources[0].field);
    EXPECT_EQ(toJson(back).at("modelDir").at("bytes_hex"), "2f6d6f64656c732f6dff");
}
