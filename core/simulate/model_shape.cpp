#include "core/simulate/model_shape.h"

#include "core/import/model_layout.h"
#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

namespace specmoe::simulate {

const char* storageDTypeName(StorageDType d)
{
    switch (d) {
    case StorageDType::BF16: return "bf16";
    case StorageDType::Int8: return "int8";
    case StorageDType::Int4: return "int4";
    }
    return "bf16";
}

StorageDType parseStorageDType(const std::string& name)
{
    if (name == "bf16" || name == "bfloat16")
        return StorageDType::BF16;
    if (name == "int8")
        return StorageDType::Int8;
    if (name == "int4" || name == "4bit" || name == "4-bit")
        return StorageDType::Int4;
    throw Error("unknown storage dtype '" + name + "' (accepted: bf16, int8, int4)");
}

double bytesPerWeight(StorageDType d)
{
    switch (d) {
    case StorageDType::BF16: return 2.0;
    case StorageDType::Int8: return 1.0;
    case StorageDType::Int4: return 0.5 + 2.0 / 128.0;
    }
    return 2.0;
}

namespace {

// q, k, v, o projections of grouped-query attention plus the router.
int64_t gqaParams(int64_t hidden, int64_t heads, int64_t kvHeads, int64_t headDim, int64_t experts)
{
    return hidden * heads * headDim + 2 * hidden * kvHeads * headDim + heads * headDim * hidden + hidden * experts;
}

ModelShape shape(const char* name, int64_t hidden, int64_t inter, int64_t attention, int layers, int experts, int topk,
                 int shared = 0)
{
    ModelShape s;
    s.name = name;
    s.hidden = hidden;
    s.expertIntermediate = inter;
    s.attentionParams = attention;
    s.layers = layers;
    s.experts = experts;
    s.topk = topk;
    s.sharedExperts = shared;
    return s;
}

// DeepSeek-V3's multi-head latent attention, from its published config.json values.
int64_t mlaParams(int64_t hidden, int64_t heads, int64_t qLora, int64_t kvLora, int64_t nope, int64_t rope, int64_t v,
                  int64_t experts)
{
    const int64_t q = qLora > 0 ? hidden * qLora + qLora * heads * (nope + rope) : hidden * heads * (nope + rope);
    return q + hidden * (kvLora + rope) + kvLora * heads * (nope + v) + heads * v * hidden + hidden * experts;
}

} // namespace

const std::vector<ModelShape>& modelShapes()
{
    static const std::vector<ModelShape> shapes{
        shape("mixtral-8x7b", 4096, 14336, gqaParams(4096, 32, 8, 128, 8), 32, 8, 2),
        shape("mixtral-8x22b", 6144, 16384, gqaParams(6144, 48, 8, 128, 8), 56, 8, 2),
        shape("qwen3-30b-a3b", 2048, 768, gqaParams(2048, 32, 4, 128, 128), 48, 128, 8),
        shape("deepseek-v3", 7168, 2048, mlaParams(7168, 128, 1536, 512, 128, 64, 128, 256), 58, 256, 8, 1),
        shape("olmoe", 2048, 1024, gqaParams(2048, 16, 16, 128, 64), 16, 64, 8),
        shape("gpt-oss-120b", 2880, 2880, gqaParams(2880, 64, 8, 64, 128), 36, 128, 4),
    };
    return shapes;
}

const ModelShape* findModelShape(const std::string& name)
{
    static const std::vector<std::pair<std::string, std::string>> hubNames{
        {"mistralai/Mixtral-8x7B-v0.1", "mixtral-8x7b"}, {"mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b"},
        {"mistralai/Mixtral-8x22B-v0.1", "mixtral-8x22b"}, {"Qwen/Qwen3-30B-A3B", "qwen3-30b-a3b"},
        {"deepseek-ai/DeepSeek-V3", "deepseek-v3"},          {"allenai/OLMoE-1B-7B-0924", "olmoe"},
        {"openai/gpt-oss-120b", "gpt-oss-120b"}};
    std::string key = name;
    for (const auto& [hub, preset] : hubNames)
        if (hub == name)
            key = preset;
    for (const auto& s : modelShapes())
        if (s.name == key)
            return &s;
    return nullptr;
}

const ModelShape* presetOfTraces(const std::string& modelName, int layers, int experts, int topk)
{
    if (const ModelShape* s = findModelShape(modelName))
        return s;
    for (const ModelShape& s : modelShapes())
        if (s.layers == layers && s.experts == experts && s.topk == topk)
            return &s;
    return nullptr;
}

const ModelShape& modelShape(const std::string& name)
{
    if (const ModelShape* s = findModelShape(name))
        return *s;
    std::string known;
    for (const auto& s : modelShapes())
        known += (known.empty() ? "" : ", ") + s.name;
    throw Error("unknown model '" + name + "' (presets: " + known + "; or a checkpoint folder with config.json)");
}

ModelShape parseModelShape(const std::string& configJson, const std::string& where)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(configJson);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": not JSON (" + jsonErrorText(e) + ")");
    }
    if (!j.is_object())
        throw Error(where + ": not a JSON object");
    // The first of `keys` present, as a positive integer; `fallback` when none is (< 0: required).
    auto integer = [&](std::initializer_list<const char*> keys, int64_t fallback) -> int64_t {
        for (const char* k : keys)
            if (j.contains(k) && !j.at(k).is_null()) {
                const auto& v = j.at(k);
                if (!v.is_number_integer() || v.get<int64_t>() < 0)
                    throw Error(where + ": field '" + k + "' must be a non-negative integer");
                return v.get<int64_t>();
            }
        if (fallback < 0)
            throw Error(where + ": field '" + *keys.begin() + "' is missing");
        return fallback;
    };
    ModelShape s;
    s.name = where;
    s.hidden = integer({"hidden_size"}, -1);
    s.expertIntermediate = integer({"moe_intermediate_size", "intermediate_size"}, -1);
    const int64_t heads = integer({"num_attention_heads"}, -1);
    const int64_t kvHeads = integer({"num_key_value_heads"}, heads);
    s.experts = int(integer({"num_local_experts", "num_experts", "n_routed_experts"}, -1));
    s.topk = int(integer({"num_experts_per_tok"}, -1));
    s.layers = int(integer({"num_hidden_layers"}, -1));
    // A trace's layer axis runs over the MoE layers only: leave out the dense ones
    // (first_k_dense_replace, mlp_only_layers, decoder_sparse_step), as the importer reads them.
    if (const std::vector<int> moe = import::layoutFromConfig(j, where).moeLayers; !moe.empty())
        s.layers = int(moe.size());
    s.sharedExperts = int(integer({"n_shared_experts"}, 0));
    s.sharedIntermediate = integer({"shared_expert_intermediate_size"}, 0);
    if (s.sharedIntermediate > 0 && s.sharedExperts == 0)
        s.sharedExperts = 1; // Qwen-MoE: one shared expert of its own width
    if (s.hidden <= 0 || heads <= 0 || s.expertIntermediate <= 0 || s.experts <= 0 || s.topk <= 0 || s.layers <= 0)
        throw Error(where + ": hidden_size, the expert width, num_attention_heads, the expert count, " +
                    "num_experts_per_tok and num_hidden_layers must all be > 0");
    if (j.contains("kv_lora_rank") && j.at("kv_lora_rank").is_number_integer())
        s.attentionParams = mlaParams(s.hidden, heads, integer({"q_lora_rank"}, 0), integer({"kv_lora_rank"}, -1),
                                      integer({"qk_nope_head_dim"}, -1), integer({"qk_rope_head_dim"}, -1),
                                      integer({"v_head_dim"}, -1), s.experts);
    else
        s.attentionParams = gqaParams(s.hidden, heads, kvHeads, integer({"head_dim"}, s.hidden / heads), s.experts);
    return s;
}

ModelShape modelShapeFromConfig(const std::string& dir)
{
    const std::string path = dir + "/config.json";
    ModelShape s = parseModelShape(readFile(path), path);
    s.name = dir;
    return s;
}

} // namespace specmoe::simulate
