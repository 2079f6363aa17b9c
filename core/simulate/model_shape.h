#pragma once
// What the simulation needs to know of a model's weights: parameters of one routed expert,
// of a layer's attention (and router), and the shared experts, from a checkpoint's
// config.json or a preset of a known model; and the bytes they take in a storage dtype.
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe::simulate {

// How the experts are stored in host and GPU memory (the cache holds them as stored).
enum class StorageDType { BF16, Int8, Int4 };
const char* storageDTypeName(StorageDType d);     // "bf16", "int8", "int4"
StorageDType parseStorageDType(const std::string& name); // also "4bit", "bfloat16"
// Bytes per weight: bf16 2; int8 1 + a bf16 scale per output row (counted as 1 + 2/hidden,
// about 1); int4 0.5 + a bf16 scale per group of 128 weights (0.5 + 2/128).
double bytesPerWeight(StorageDType d);

struct ModelShape {
    std::string name;             // "mixtral-8x7b", or the folder a config.json came from
    int64_t hidden = 0;
    int64_t expertIntermediate = 0; // one routed expert's FFN width
    int64_t attentionParams = 0;  // per layer: projections + router (kept resident)
    int sharedExperts = 0;        // always-on experts per layer
    int64_t sharedIntermediate = 0; // each shared expert's FFN width (0 = expertIntermediate)
    int layers = 0, experts = 0, topk = 0; // MoE layers (dense ones left out), as the model declares them (checked against the traces)

    // Gate, up and down projections: 3 * hidden * intermediate.
    int64_t expertParams() const { return 3 * hidden * expertIntermediate; }
    int64_t sharedExpertParams() const
    {
        return 3 * hidden * (sharedIntermediate > 0 ? sharedIntermediate : expertIntermediate);
    }
    double expertBytes(StorageDType d) const { return double(expertParams()) * bytesPerWeight(d); }
};

// Presets at the dims of syntheticPresets() (mixtral-8x7b, mixtral-8x22b, qwen3-30b-a3b,
// deepseek-v3, olmoe, gpt-oss-120b).
const std::vector<ModelShape>& modelShapes();
// A preset by its name or its hub name ("mistralai/Mixtral-8x7B-v0.1"); nullptr when unknown.
const ModelShape* findModelShape(const std::string& name);
// Throws Error naming the presets.
const ModelShape& modelShape(const std::string& name);
// The preset of traces that name no checkpoint folder: by the model name their manifest
// records, else the first preset of their dims (synthetic traces name none); nullptr when
// neither is known. What `simulate` uses without --model, and the dialog checks beforehand.
const ModelShape* presetOfTraces(const std::string& modelName, int layers, int experts, int topk);

// DIR/config.json of a Mixtral, Qwen-MoE, OLMoE or DeepSeek-style checkpoint: hidden_size,
// moe_intermediate_size (else intermediate_size), num_attention_heads, num_key_value_heads,
// head_dim, num_local_experts / num_experts / n_routed_experts, num_experts_per_tok,
// n_shared_experts, the dense layers (first_k_dense_replace, mlp_only_layers,
// decoder_sparse_step) and the MLA ranks of DeepSeek (q_lora_rank, kv_lora_rank, ...).
// Throws Error naming the file and the field.
ModelShape modelShapeFromConfig(const std::string& dir);
ModelShape parseModelShape(const std::string& configJson, const std::string& where);

} // namespace specmoe::simulate
