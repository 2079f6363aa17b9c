// The layer map from model configurations (issue 18): which decoder layers are MoE layers,
// for the model families the importers meet, and how an engine's layer axis resolves.
#include "core/import/import_params_json.h"
#include "core/import/model_layout.h"
#include "core/util/error.h"
#include "tests/support/message_checks.h"

#include <gtest/gtest.h>

using namespace specmoe;
using specmoe::test::errorOf;
using namespace specmoe::import;
using nlohmann::json;

namespace {

std::vector<int> range(int a, int b)
{
    std::vector<int> v;
    for (int i = a; i < b; ++i)
        v.push_back(i);
    return v;
}

} // namespace

TEST(ModelLayout, DeepSeekV3HasThreeDenseLayersAndASharedExpert)
{
    const json cfg = {{"model_type", "deepseek_v3"}, {"num_hidden_layers", 61}, {"first_k_dense_replace", 3},
                      {"moe_layer_freq", 1}, {"n_routed_experts", 256}, {"n_shared_experts", 1},
                      {"num_experts_per_tok", 8}, {"scoring_func", "sigmoid"}, {"topk_method", "noaux_tc"},
                      {"n_group", 8}, {"_name_or_path", "deepseek-ai/DeepSeek-V3"}};
    const ModelLayout l = layoutFromConfig(cfg, "config.json");
    EXPECT_EQ(l.experts, 256);
    EXPECT_EQ(l.topk, 8);
    EXPECT_EQ(l.decoderLayers, 61);
    EXPECT_EQ(l.moeLayers, range(3, 61));
    EXPECT_EQ(l.sharedExperts, 1);
    EXPECT_EQ(l.family, "deepseek_v3");
    EXPECT_EQ(l.routing, "sigmoid_group_topk");
    EXPECT_EQ(l.name, "deepseek-ai/DeepSeek-V3");
}

TEST(ModelLayout, QwenMixtralOlmoeGptOss)
{
    const ModelLayout qwen3 = layoutFromConfig(
        {{"model_type", "qwen3_moe"}, {"num_hidden_layers", 48}, {"num_experts", 128}, {"num_experts_per_tok", 8},
         {"decoder_sparse_step", 1}, {"mlp_only_layers", json::array()}},
        "qwen3");
    EXPECT_EQ(qwen3.moeLayers, range(0, 48));
    EXPECT_EQ(qwen3.experts, 128);
    EXPECT_EQ(qwen3.sharedExperts, 0);
    EXPECT_EQ(qwen3.routing, "softmax_topk");

    const ModelLayout sparse = layoutFromConfig({{"model_type", "qwen2_moe"}, {"num_hidden_layers", 6},
                                                 {"num_experts", 60}, {"num_experts_per_tok", 4},
                                                 {"decoder_sparse_step", 2}, {"mlp_only_layers", {5}},
                                                 {"shared_expert_intermediate_size", 5632}},
                                                "qwen2");
    EXPECT_EQ(sparse.moeLayers, (std::vector<int>{1, 3}));
    EXPECT_EQ(sparse.sharedExperts, 1);

    const ModelLayout mixtral = layoutFromConfig(
        {{"model_type", "mixtral"}, {"num_hidden_layers", 32}, {"num_local_experts", 8}, {"num_experts_per_tok", 2}},
        "mixtral");
    EXPECT_EQ(mixtral.moeLayers, range(0, 32));
    EXPECT_EQ(mixtral.experts, 8);

    const ModelLayout oss = layoutFromConfig({{"model_type", "gpt_oss"}, {"num_hidden_layers", 24},
                                              {"num_local_experts", 32}, {"experts_per_token", 4}},
                                             "gpt-oss");
    EXPECT_EQ(oss.topk, 4);
    EXPECT_EQ(oss.routing, "topk_softmax");

    // A multimodal wrapper keeps the language model in text_config.
    const ModelLayout vl = layoutFromConfig(
        {{"model_type", "qwen3_vl_moe"},
         {"text_config", {{"model_type", "qwen3_vl_moe_text"}, {"num_hidden_layers", 4}, {"num_experts", 16},
                          {"num_experts_per_tok", 2}}}},
        "vl");
    EXPECT_EQ(vl.decoderLayers, 4);
    EXPECT_EQ(vl.experts, 16);
}

TEST(ModelLayout, MegatronStyleDescriptions)
{
    const ModelLayout numbers = layoutFromConfig(
        {{"num_layers", 9}, {"num_experts", 64}, {"moe_router_topk", 6}, {"moe_layer_numbers", {2, 3, 4, 5, 6, 7, 8, 9}}},
        "meta");
    EXPECT_EQ(numbers.moeLayers, range(1, 9));
    EXPECT_EQ(numbers.topk, 6);
    const ModelLayout pattern = layoutFromConfig(
        {{"num_layers", 4}, {"num_experts", 8}, {"moe_layer_freq", {0, 1, 0, 1}}}, "meta");
    EXPECT_EQ(pattern.moeLayers, (std::vector<int>{1, 3}));
    EXPECT_TRUE(errorOf([] { layoutFromConfig({{"num_layers", 4}, {"moe_layer_freq", {1, 1}}}, "meta"); })
                    .find("'moe_layer_freq' lists 2 layers, the model has 4") != std::string::npos);
    EXPECT_TRUE(errorOf([] { layoutFromConfig({{"num_hidden_layers", "four"}}, "cfg.json"); })
                    .find("cfg.json: field 'num_hidden_layers' must be an integer") != std::string::npos);
}

TEST(ModelLayout, LayerAxisResolvesMoeOrDecoderSlots)
{
    ModelLayout l;
    l.decoderLayers = 5;
    l.moeLayers = {1, 2, 4};
    const LayerPlan moe = resolveLayerAxis(3, l, LayerAxis::Auto, "f");
    EXPECT_EQ(moe.keepSlots, (std::vector<int>{0, 1, 2}));
    EXPECT_TRUE(moe.denseSlots.empty());
    const LayerPlan all = resolveLayerAxis(5, l, LayerAxis::Auto, "f");
    EXPECT_EQ(all.keepSlots, (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(all.denseSlots, (std::vector<int>{0, 3}));
    EXPECT_EQ(all.moeLayers, (std::vector<int>{1, 2, 4}));
    const std::string e = errorOf([&] { resolveLayerAxis(4, l, LayerAxis::Auto, "f.npz"); });
    EXPECT_EQ(e, "f.npz: the routing rows have 4 layer slots; the model has 5 decoder layers of which 3 are MoE "
                 "layers (1-2,4); accepted: one slot per MoE layer or one per decoder layer (check the model "
                 "configuration, --moe-layers and --decoder-layers)");
    EXPECT_NE(errorOf([&] { resolveLayerAxis(5, l, LayerAxis::Moe, "f"); }).find("--layer-axis moe asks for 3"),
              std::string::npos);
    ModelLayout none; // no layer map: every slot is an MoE layer
    const LayerPlan id = resolveLayerAxis(7, none, LayerAxis::Auto, "f");
    EXPECT_EQ(id.moeLayers, range(0, 7));
    EXPECT_EQ(id.decoderLayers, 7);
}

TEST(ImportParamsJson, RoundTripsAndNamesBadFields)
{
    ImportParams p;
    p.format = ImportFormat::Megatron;
    p.inputs = {"a", "b"};
    p.outDir = "out";
    p.modelConfig = "config.json";
    p.layout.experts = 256;
    p.layout.moeLayers = {3, 4, 5};
    p.layout.decoderLayers = 6;
    p.layout.sharedExperts = 1;
    p.layout.name = "m";
    p.layout.family = "deepseek_v3";
    p.layerAxis = LayerAxis::All;
    p.allowMissing = true;
    p.engineVersion = "0.1";
    p.megatronNumbering = LayerNumbering::Number1;
    p.microBatch = 4;
    p.idOrder = IdOrder::Unordered;
    p.pipelineLayers = {3, 3};
    p.shardSizeMB = 64;
    p.overwrite = true;
    const ImportParams q = importParamsFromJson(toJson(p));
    EXPECT_EQ(toJson(q), toJson(p));
    EXPECT_EQ(q.layout.moeLayers, p.layout.moeLayers);
    EXPECT_EQ(q.format, ImportFormat::Megatron);
    EXPECT_EQ(q.idOrder, IdOrder::Unordered);
    EXPECT_EQ(q.pipelineLayers, p.pipelineLayers);
    EXPECT_NE(errorOf([] { importParamsFromJson({{"idOrder", "sorted"}}, "job"); })
                  .find("id order 'sorted' is not known (accepted: auto, ranked, unordered)"),
              std::string::npos);
    EXPECT_NE(errorOf([] { importParamsFromJson({{"format", "tensorrt"}}, "job"); }).find("job: field 'format'"),
              std::string::npos);
}
