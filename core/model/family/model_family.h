#pragma once
// A model family: what one architecture of MoE checkpoints differs in, as data and a few
// small functions (config.json fields and their defaults, weight names, presets). The
// runtime, make-model and the memory estimates are written once against ModelConfig's
// feature fields and these names; adding a family is a file in core/model/family/ plus a
// line in registry.cpp. Torch-free: config parsing links without libtorch (the fuzzer).
#include "core/model/config.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace specmoe {

class ConfigReader;

// Tensor names of a decoder layer, relative to "model.layers.N." (hub layout).
struct WeightNames {
    std::string qProj = "self_attn.q_proj.weight", kProj = "self_attn.k_proj.weight",
                vProj = "self_attn.v_proj.weight", oProj = "self_attn.o_proj.weight";
    std::string qBias = "self_attn.q_proj.bias", kBias = "self_attn.k_proj.bias",
                vBias = "self_attn.v_proj.bias";           // when attentionBias
    std::string qNorm = "self_attn.q_norm.weight", kNorm = "self_attn.k_norm.weight"; // when qkNorm
    // Multi-head latent attention (when ModelConfig::mla()): qProj above when qLoraRank is 0.
    std::string qAProj = "self_attn.q_a_proj.weight", qANorm = "self_attn.q_a_layernorm.weight",
                qBProj = "self_attn.q_b_proj.weight", kvAProj = "self_attn.kv_a_proj_with_mqa.weight",
                kvANorm = "self_attn.kv_a_layernorm.weight", kvBProj = "self_attn.kv_b_proj.weight";
    std::string inNorm = "input_layernorm.weight", postNorm = "post_attention_layernorm.weight";
    // Routed experts, one tensor each: expertPrefix + e + "." + expertGate/Up/Down. The
    // defaults are the names most families use (Qwen, OLMoE, DeepSeek); Mixtral has its own.
    std::string router = "mlp.gate.weight";
    std::string expertPrefix = "mlp.experts.";
    std::string expertGate = "gate_proj.weight", expertUp = "up_proj.weight", expertDown = "down_proj.weight";
    // transformers-5 fused layout: [E, 2I, H] = per expert cat(gate, up), [E, H, I].
    std::string fusedRouter = "mlp.gate.weight";
    std::string routerBias = "mlp.gate.e_score_correction_bias"; // [E], when ModelConfig::routerBias
    std::string fusedGateUp = "mlp.experts.gate_up_proj", fusedDown = "mlp.experts.down_proj";
    // gpt-oss's fused experts are input-major: gate_up [E, H, 2I] with gate and up
    // interleaved along the last axis (gate 0::2, up 1::2), down [E, I, H]; stored as MXFP4
    // NAME_blocks [E, rows, cols / 32, 16] and NAME_scales [E, rows, cols / 32] (rows x cols
    // = the output-major matrix) when ModelConfig::expertQuant is "mxfp4".
    bool fusedInputMajor = false;
    std::string fusedGateUpBias = "mlp.experts.gate_up_proj_bias", fusedDownBias = "mlp.experts.down_proj_bias";
    std::string routerLinearBias = "mlp.router.bias";        // when ModelConfig::routerLinearBias
    std::string oBias = "self_attn.o_proj.bias";             // when ModelConfig::oProjBias
    std::string sinks = "self_attn.sinks";                   // [heads], when ModelConfig::attentionSinks
    // Shared expert (when sharedExpertIntermediateSize > 0): sharedPrefix + gate_proj ... .
    std::string sharedPrefix = "mlp.shared_expert.";
    std::string sharedGate = "mlp.shared_expert_gate.weight"; // [1, H], when sharedExpertGate
    // Dense layers' MLP: densePrefix + gate_proj / up_proj / down_proj ".weight".
    std::string densePrefix = "mlp.";
};

struct ModelFamily {
    std::string name;                        // config.json model_type, e.g. "qwen2_moe"
    std::vector<std::string> architectures;  // accepted "architectures" entries
    WeightNames names;
    std::string expertsField = "num_local_experts"; // config.json's routed-expert count
    std::vector<std::string> presets;        // make-model presets, the first is the default
    // Reads the family's own fields into c (the common ones are already read).
    void (*readFields)(const ConfigReader& in, ModelConfig& c) = nullptr;
    // Optional: runs after the common fields (rope, max_position_embeddings) are read, for
    // what depends on them (DeepSeek-V3's softmax scale from YaRN's mscale).
    void (*finishFields)(const ConfigReader& in, ModelConfig& c) = nullptr;
    // Writes them back (configToJson), beside the common fields.
    void (*writeFields)(const ModelConfig& c, nlohmann::json& out) = nullptr;
    // A preset's config (its family fields and sizes); throws for unknown names.
    ModelConfig (*preset)(const std::string& name) = nullptr;
};

// Every registered family, in registry order.
const std::vector<const ModelFamily*>& modelFamilies();
// The family named `name`; throws specmoe::Error listing the known ones.
const ModelFamily& familyNamed(const std::string& name);
// The family a config.json names (architecture and/or model_type; either may be empty);
// nullptr when none matches.
const ModelFamily* familyFor(const std::string& architecture, const std::string& modelType);
// "MixtralForCausalLM (model_type "mixtral"), ..." for error messages.
std::string supportedFamiliesText();

} // namespace specmoe
