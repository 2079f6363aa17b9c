// The model-family registry (core/model/family/): lookups by name, architecture and
// model_type, errors that list what is supported, and Mixtral described by it exactly as
// the runtime read Mixtral before families existed (config hash, parameter counts).
#include "core/model/config.h"
#include "core/model/family/model_family.h"
#include "core/model/memory.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

using namespace specmoe;
using namespace specmoe::test;

// The message of the specmoe::Error `expr` throws holds every part (empty: none thrown).
#define EXPECT_ERROR_HAS(expr, ...)                                                            \
    do {                                                                                       \
        const std::string msg_ = errorOf([&] { (void)(expr); });                               \
        for (const std::string& part_ : std::vector<std::string>{__VA_ARGS__})                 \
            EXPECT_NE(msg_.find(part_), std::string::npos) << "missing '" << part_ << "' in: " << msg_; \
    } while (0)

TEST(ModelFamily, RegistryLookups)
{
    ASSERT_FALSE(modelFamilies().empty());
    EXPECT_EQ(modelFamilies().front()->name, "mixtral");
    EXPECT_EQ(familyNamed("mixtral").names.router, "block_sparse_moe.gate.weight");
    EXPECT_EQ(familyFor("MixtralForCausalLM", ""), &familyNamed("mixtral"));
    EXPECT_EQ(familyFor("", "mixtral"), &familyNamed("mixtral"));
    EXPECT_EQ(familyFor("MixtralForCausalLM", "mixtral"), &familyNamed("mixtral"));
    EXPECT_EQ(familyFor("LlamaForCausalLM", ""), nullptr);
    EXPECT_ERROR_HAS(familyNamed("llama"), "llama", "mixtral");
    EXPECT_NE(supportedFamiliesText().find("MixtralForCausalLM (model_type \"mixtral\")"), std::string::npos);
    for (const ModelFamily* f : modelFamilies()) {
        ASSERT_FALSE(f->presets.empty()) << f->name;
        for (const auto& p : f->presets) {
            const ModelConfig c = presetConfig(p, f->name);
            EXPECT_EQ(c.family, f->name);
            // Every preset's config.json reads back as the same model.
            EXPECT_EQ(configHash(parseConfig(configToJson(c), p)), configHash(c)) << f->name << " " << p;
        }
        EXPECT_ERROR_HAS(presetConfig("no-such-preset", f->name), "no-such-preset", f->presets.front());
    }
}

// The hash collected traces recorded for this config before the family layer existed
// (manifest fingerprint.model_config_hash): trace fingerprints must not change.
TEST(ModelFamily, MixtralHashUnchanged)
{
    const ModelConfig c = loadConfig(dataPath("hf-tiny-mixtral"));
    EXPECT_EQ(c.family, "mixtral");
    EXPECT_EQ(configHash(c), "53771d44afd5e848");
    EXPECT_EQ(c.routing(), "softmax_topk");
    EXPECT_EQ(c.moeLayers(), (std::vector<int>{0, 1, 2}));
}

TEST(ModelFamily, MixtralPresetsOfRealDims)
{
    // Mixtral-8x22B-v0.1: 140.6 B parameters in total (141 B as published).
    const ModelConfig big = presetConfig("mixtral-8x22b");
    EXPECT_NEAR(double(parameterCount(big)) / 1e9, 140.6, 0.1);
    EXPECT_EQ(big.moeLayerCount(), 56);
    // Every layer is MoE: each holds the same bytes, and streaming keeps two of them.
    const WeightBytes wb = weightBytes(big, ComputeDType::BFloat16);
    EXPECT_EQ(wb.layers.front(), wb.layers.back());
    EXPECT_EQ(stagingBytesForMode(big, ComputeDType::BFloat16, Residency::Streaming), 2 * wb.layers.front());
}
