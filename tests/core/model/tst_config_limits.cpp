// config.json values the parser must refuse with an error instead of overflowing, and
// configs that configToJson must write so that they read back (found by fuzz_model_config,
// tests/fuzz; the inputs are in its seed corpus).
#include "core/model/config.h"
#include "core/util/error.h"
#include "core/util/read_file.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

using namespace specmoe;
using namespace specmoe::test;

namespace {

std::string fixtureConfig() { return readFile(dataPath("hf-tiny-mixtral") + "/config.json"); }

std::string replaced(std::string s, const std::string& from, const std::string& to)
{
    const auto p = s.find(from);
    if (p == std::string::npos)
        throw std::runtime_error("no " + from);
    return s.replace(p, from.size(), to);
}

std::string errorOf(const std::string& text)
{
    try {
        parseConfig(text, "cfg.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

struct Refused {
    const char* name;
    std::vector<std::pair<std::string, std::string>> edits;
    std::vector<std::string> messageHas;
};

class ConfigRefuses : public ::testing::TestWithParam<Refused> {};

} // namespace

TEST_P(ConfigRefuses, NamesTheFieldAndTheLimit)
{
    std::string text = fixtureConfig();
    for (const auto& [from, to] : GetParam().edits)
        text = replaced(text, from, to);
    const std::string msg = errorOf(text);
    for (const auto& part : GetParam().messageHas)
        EXPECT_NE(msg.find(part), std::string::npos) << "missing '" << part << "' in: " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigRefuses,
    ::testing::Values(
        // A float beyond int64 went through an undefined cast (UBSan: "1e+30 is outside the
        // range of representable values of type 'long'").
        Refused{"FloatBeyondInt64", {{"\"hidden_size\": 64", "\"hidden_size\": 1e30"}},
                {"cfg.json", "hidden_size", "at most 2147483648"}},
        // Accepted, then parameterCount() overflowed int64.
        Refused{"HugeVocabulary", {{"\"vocab_size\": 320", "\"vocab_size\": 1152921504606846976"}},
                {"cfg.json", "vocab_size", "at most"}},
        Refused{"UnsignedBeyondInt64", {{"\"vocab_size\": 320", "\"vocab_size\": 18446744073709551615"}},
                {"cfg.json", "vocab_size", "at most"}},
        Refused{"ParameterCountOverflow",
                {{"\"hidden_size\": 64", "\"hidden_size\": 2147483648"},
                 {"\"intermediate_size\": 128", "\"intermediate_size\": 2147483648"}},
                {"cfg.json", "parameters", "2^56"}},
        // Trace expert ids are 16-bit with 0xFFFF as "no expert" (schema 2).
        Refused{"ExpertsBeyondTraceIds", {{"\"num_local_experts\": 8", "\"num_local_experts\": 65535"}},
                {"cfg.json", "num_local_experts", "at most 65534"}}),
    [](const auto& info) { return std::string(info.param.name); });

// Family fields a damaged config.json gets wrong: the error names the field at fault.
struct FamilyRefused {
    const char* name;
    const char* fixture; // tests/fixtures/<fixture>/config.json
    std::pair<std::string, std::string> edit;
    std::vector<std::string> messageHas;
};

class FamilyConfigRefuses : public ::testing::TestWithParam<FamilyRefused> {};

TEST_P(FamilyConfigRefuses, NamesTheField)
{
    const FamilyRefused& c = GetParam();
    const std::string path = std::string(SPECMOE_SOURCE_DIR) + "/tests/fixtures/" + c.fixture + "/config.json";
    const std::string msg = errorOf(replaced(readFile(path), c.edit.first, c.edit.second));
    for (const auto& part : c.messageHas)
        EXPECT_NE(msg.find(part), std::string::npos) << "missing '" << part << "' in: " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Config, FamilyConfigRefuses,
    ::testing::Values(
        // Was accepted as "no shared expert": the shared expert's weights were then ignored
        // as unused tensors and the model ran without them.
        FamilyRefused{"DeepseekV3NegativeSharedExperts", "deepseek-v3-tiny",
                      {"\"n_shared_experts\": 1", "\"n_shared_experts\": -1"},
                      {"cfg.json", "\"n_shared_experts\"", "must not be negative"}},
        FamilyRefused{"DeepseekV2NegativeSharedExperts", "deepseek-v2-tiny",
                      {"\"n_shared_experts\": 2", "\"n_shared_experts\": -2"},
                      {"cfg.json", "\"n_shared_experts\"", "must not be negative"}},
        // Named "mlp_only_layers", a field DeepSeek's configs do not have.
        FamilyRefused{"DeepseekAllLayersDense", "deepseek-v3-tiny",
                      {"\"first_k_dense_replace\": 1", "\"first_k_dense_replace\": 10"},
                      {"cfg.json", "\"first_k_dense_replace\" is 10", "num_hidden_layers = 3"}},
        FamilyRefused{"QwenSparseStepBeyondLayers", "qwen3-moe-tiny",
                      {"\"decoder_sparse_step\": 1", "\"decoder_sparse_step\": 5"},
                      {"cfg.json", "\"decoder_sparse_step\" is 5", "num_hidden_layers = 3"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigRoundTrip, WithoutMaxPositionEmbeddings)
{
    // configToJson wrote "max_position_embeddings": 0, which parseConfig refuses.
    const std::string text = replaced(fixtureConfig(), "\"max_position_embeddings\": 512", "\"max_position_embeddings\": null");
    const MixtralConfig c = parseConfig(text, "cfg.json");
    ASSERT_EQ(c.maxPositions, 0);
    const MixtralConfig again = parseConfig(configToJson(c), "written");
    EXPECT_EQ(again.maxPositions, 0);
    EXPECT_EQ(configHash(again), configHash(c));
}

TEST(ConfigRoundTrip, HeadDimWhenHeadsDoNotDivideHidden)
{
    // hidden 66 / 4 heads = 16 (rounded down) = head_dim: configToJson left head_dim out,
    // and without it parseConfig needs the heads to divide hidden_size.
    MixtralConfig c = parseConfig(fixtureConfig(), "cfg.json");
    c.hiddenSize = 66;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 16;
    const MixtralConfig again = parseConfig(configToJson(c), "written");
    EXPECT_EQ(again.headDim, 16);
    EXPECT_EQ(configHash(again), configHash(c));
}
