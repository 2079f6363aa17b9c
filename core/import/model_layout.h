#pragma once
// Which decoder layers of a model are MoE layers, how many routed and shared experts it has
// and its top-k: what an importer needs to map an engine's layer axis onto schema 2's layer
// map (docs/trace-import.md, "Layer axis"). Read from a Hugging Face config.json, a
// Megatron-style description, or given explicitly.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace specmoe::import {

struct ModelLayout {
    int experts = 0;              // routed experts E; 0 = unknown
    int topk = 0;                 // experts per token; 0 = unknown
    int decoderLayers = 0;        // L_all; 0 = unknown
    std::vector<int> moeLayers;   // decoder index of each MoE layer, ascending; empty = unknown
    int sharedExperts = 0;
    std::string family;           // model_type, e.g. "qwen3_moe"
    std::string name;             // e.g. "Qwen/Qwen3-30B-A3B"
    std::string routing;          // e.g. "softmax_topk"

    // Fields set in `over` replace this layout's (explicit flags over a config file).
    void overrideWith(const ModelLayout& over);
    nlohmann::json toJson() const;
};

// From a parsed config.json (a text model's, or a multimodal one's text_config) or a
// Megatron-style object (num_layers, num_experts, moe_router_topk, moe_layer_numbers
// 1-based). `label` names the source in errors.
ModelLayout layoutFromConfig(const nlohmann::json& cfg, const std::string& label);
// The same from a file.
ModelLayout layoutFromConfigFile(const std::string& path);

// How the layer slots of an engine's routing rows map to stored layers.
enum class LayerAxis { Auto, Moe, All };
LayerAxis parseLayerAxis(const std::string& name); // "auto", "moe", "all"
const char* layerAxisName(LayerAxis axis);

struct LayerPlan {
    std::vector<int> keepSlots;  // slot of each stored layer, in stored order
    std::vector<int> denseSlots; // slots of dense layers (never written by the engine: zeros)
    std::vector<int> moeLayers;  // decoder index of each stored layer
    int decoderLayers = 0;
};

// Resolves `slots` layer slots against the layout: L_moe slots are the MoE layers in order,
// L_all slots are every decoder layer (the dense ones are dropped). A layout without a layer
// map takes every slot as an MoE layer. Throws an Error naming `label` when the count
// matches neither (or not the one `axis` asks for).
LayerPlan resolveLayerAxis(int slots, const ModelLayout& layout, LayerAxis axis, const std::string& label);

// "0-2,5,7-9" for messages and the CLI's help.
std::string layerListText(const std::vector<int>& layers);

} // namespace specmoe::import
