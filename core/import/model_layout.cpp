#include "core/import/model_layout.h"

#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/read_file.h"
#include "core/util/utf8.h"

#include <algorithm>
#include <climits>

namespace specmoe::import {
namespace {

using nlohmann::json;

// The first of `keys` that is present, as an integer >= lo; -1 when none is present.
int intField(const json& cfg, std::initializer_list<const char*> keys, const std::string& label, int lo = 0)
{
    for (const char* k : keys) {
        auto it = cfg.find(k);
        if (it == cfg.end() || it->is_null())
            continue;
        if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > INT_MAX)
            throw Error(label + ": field '" + k + "' must be an integer >= " + std::to_string(lo) + " (it is " +
                        it->dump() + ")");
        return int(it->get<int64_t>());
    }
    return -1;
}

std::vector<int> intList(const json& v, const std::string& label, const char* key)
{
    if (!v.is_array())
        throw Error(label + ": field '" + std::string(key) + "' must be a list of integers");
    std::vector<int> out;
    for (const json& x : v) {
        if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() > INT_MAX)
            throw Error(label + ": field '" + std::string(key) + "' must be a list of non-negative integers (it holds " +
                        x.dump() + ")");
        out.push_back(int(x.get<int64_t>()));
    }
    return out;
}

std::string routingOf(const json& cfg, const std::string& family)
{
    const std::string scoring = cfg.value("scoring_func", std::string());
    const bool grouped = cfg.value("n_group", 1) > 1 || cfg.value("topk_method", std::string()) == "noaux_tc" ||
                         cfg.value("topk_method", std::string()) == "group_limited_greedy";
    if (scoring == "sigmoid")
        return grouped ? "sigmoid_group_topk" : "sigmoid_topk";
    if (scoring == "softmax" || family.rfind("deepseek", 0) == 0)
        return grouped ? "softmax_group_topk" : "softmax_topk";
    if (family == "gpt_oss")
        return "topk_softmax"; // softmax over the k selected logits
    if (family == "mixtral" || family == "qwen2_moe" || family == "qwen3_moe" || family == "olmoe")
        return "softmax_topk";
    return "";
}

// The MoE layer set of a text config with L decoder layers.
std::vector<int> moeLayersOf(const json& cfg, int layers, const std::string& label)
{
    std::vector<int> moe;
    if (cfg.contains("moe_layer_numbers")) { // Megatron-style description, 1-based numbers
        for (int n : intList(cfg["moe_layer_numbers"], label, "moe_layer_numbers")) {
            if (n < 1 || (layers > 0 && n > layers))
                throw Error(label + ": 'moe_layer_numbers' holds " + std::to_string(n) + ", outside 1.." +
                            std::to_string(layers));
            moe.push_back(n - 1);
        }
        std::sort(moe.begin(), moe.end());
        moe.erase(std::unique(moe.begin(), moe.end()), moe.end());
        return moe;
    }
    if (layers <= 0)
        return moe;
    auto freqIt = cfg.find("moe_layer_freq");
    if (freqIt != cfg.end() && freqIt->is_array()) { // Megatron pattern: 1 = MoE, 0 = dense
        const std::vector<int> pattern = intList(*freqIt, label, "moe_layer_freq");
        if (int(pattern.size()) != layers)
            throw Error(label + ": 'moe_layer_freq' lists " + std::to_string(pattern.size()) + " layers, the model has " +
                        std::to_string(layers));
        for (int i = 0; i < layers; ++i)
            if (pattern[size_t(i)])
                moe.push_back(i);
        return moe;
    }
    const int firstDense = intField(cfg, {"first_k_dense_replace"}, label);
    const int freq = intField(cfg, {"moe_layer_freq"}, label, 1);
    const int sparseStep = intField(cfg, {"decoder_sparse_step"}, label, 1);
    std::vector<int> mlpOnly;
    if (cfg.contains("mlp_only_layers") && !cfg["mlp_only_layers"].is_null())
        mlpOnly = intList(cfg["mlp_only_layers"], label, "mlp_only_layers");
    for (int i = 0; i < layers; ++i) {
        bool isMoe = i >= std::max(0, firstDense) && i % std::max(1, freq) == 0;
        if (sparseStep > 0)
            isMoe = isMoe && (i + 1) % sparseStep == 0;
        if (std::find(mlpOnly.begin(), mlpOnly.end(), i) != mlpOnly.end())
            isMoe = false;
        if (isMoe)
            moe.push_back(i);
    }
    return moe;
}

} // namespace

void ModelLayout::overrideWith(const ModelLayout& over)
{
    if (over.experts > 0)
        experts = over.experts;
    if (over.topk > 0)
        topk = over.topk;
    if (over.decoderLayers > 0)
        decoderLayers = over.decoderLayers;
    if (!over.moeLayers.empty())
        moeLayers = over.moeLayers;
    if (over.sharedExperts > 0)
        sharedExperts = over.sharedExperts;
    for (auto [mine, theirs] : {std::pair{&family, &over.family}, {&name, &over.name}, {&routing, &over.routing}})
        if (!theirs->empty())
            *mine = *theirs;
}

nlohmann::json ModelLayout::toJson() const
{
    return json{{"experts", experts}, {"topk", topk}, {"decoder_layers", decoderLayers}, {"moe_layers", moeLayers},
                {"shared_experts", sharedExperts}, {"family", sanitizeUtf8(family, kReplacementChar)},
                {"name", sanitizeUtf8(name, kReplacementChar)}, {"routing", sanitizeUtf8(routing, kReplacementChar)}};
}

ModelLayout layoutFromConfig(const nlohmann::json& config, const std::string& label)
{
    if (!config.is_object())
        throw Error(label + ": the model configuration must be a JSON object");
    const json* cfg = &config;
    // Multimodal configs keep the language model's fields in text_config.
    if (!config.contains("num_hidden_layers") && !config.contains("num_layers") && config.contains("text_config") &&
        config["text_config"].is_object())
        cfg = &config["text_config"];
    ModelLayout out;
    out.decoderLayers = std::max(0, intField(*cfg, {"num_hidden_layers", "num_layers"}, label, 1));
    out.experts = std::max(0, intField(*cfg, {"n_routed_experts", "num_experts", "num_local_experts", "moe_num_experts"},
                                       label, 1));
    out.topk = std::max(0, intField(*cfg, {"num_experts_per_tok", "moe_router_topk", "experts_per_token", "moe_topk"},
                                    label, 1));
    out.sharedExperts = std::max(0, intField(*cfg, {"n_shared_experts", "num_shared_experts"}, label));
    if (out.sharedExperts == 0 && cfg->value("shared_expert_intermediate_size", 0) > 0)
        out.sharedExperts = 1; // Qwen2-MoE: one gated shared expert
    out.moeLayers = moeLayersOf(*cfg, out.decoderLayers, label);
    out.family = cfg->value("model_type", config.value("model_type", std::string()));
    out.name = config.value("_name_or_path", std::string());
    out.routing = routingOf(*cfg, out.family);
    return out;
}

ModelLayout layoutFromConfigFile(const std::string& path)
{
    json cfg;
    try {
        cfg = json::parse(readFile(path));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(path + ": not a JSON model configuration (" + jsonErrorText(e) + ")");
    }
    return layoutFromConfig(cfg, path);
}

LayerAxis parseLayerAxis(const std::string& name)
{
    if (name == "auto" || name.empty())
        return LayerAxis::Auto;
    if (name == "moe")
        return LayerAxis::Moe;
    if (name == "all")
        return LayerAxis::All;
    throw Error("layer axis '" + name + "' is not known (accepted: auto, moe, all)");
}

const char* layerAxisName(LayerAxis axis)
{
    return axis == LayerAxis::Moe ? "moe" : axis == LayerAxis::All ? "all" : "auto";
}

LayerPlan resolveLayerAxis(int slots, const ModelLayout& layout, LayerAxis axis, const std::string& label)
{
    LayerPlan plan;
    const int all = layout.decoderLayers > 0 ? layout.decoderLayers
                    : layout.moeLayers.empty() ? slots
                                               : layout.moeLayers.back() + 1;
    std::vector<int> moe = layout.moeLayers;
    if (moe.empty())
        for (int i = 0; i < all; ++i)
            moe.push_back(i);
    if (moe.back() >= all)
        throw Error(label + ": MoE layer " + std::to_string(moe.back()) + " is beyond the model's " +
                    std::to_string(all) + " decoder layers");
    const int nMoe = int(moe.size());
    const bool asMoe = slots == nMoe && axis != LayerAxis::All;
    const bool asAll = slots == all && axis != LayerAxis::Moe;
    plan.moeLayers = moe;
    plan.decoderLayers = all;
    if (asMoe) { // one slot per MoE layer (also the case when every layer is an MoE layer)
        for (int i = 0; i < slots; ++i)
            plan.keepSlots.push_back(i);
        return plan;
    }
    if (asAll) {
        plan.keepSlots = moe;
        for (int i = 0, m = 0; i < all; ++i) {
            if (m < nMoe && moe[size_t(m)] == i)
                ++m;
            else
                plan.denseSlots.push_back(i);
        }
        return plan;
    }
    std::string why = "the routing rows have " + std::to_string(slots) + " layer slots; the model has " +
                      std::to_string(all) + " decoder layers of which " + std::to_string(nMoe) + " are MoE layers (" +
                      layerListText(moe) + ")";
    if (axis != LayerAxis::Auto)
        why += ", and --layer-axis " + std::string(layerAxisName(axis)) + " asks for " +
               std::to_string(axis == LayerAxis::Moe ? nMoe : all) + " slots";
    throw Error(label + ": " + why + "; accepted: one slot per MoE layer or one per decoder layer (check the model "
                                     "configuration, --moe-layers and --decoder-layers)");
}

std::string layerListText(const std::vector<int>& layers)
{
    std::string out;
    for (size_t i = 0; i < layers.size();) {
        size_t j = i;
        while (j + 1 < layers.size() && layers[j + 1] == layers[j] + 1)
            ++j;
        out += (out.empty() ? "" : ",") + std::to_string(layers[i]);
        if (j > i)
            out += "-" + std::to_string(layers[j]);
        i = j + 1;
    }
    return out.empty() ? "none" : out;
}

} // namespace specmoe::import
