#pragma once
// What the workbench shows about a model folder: its architecture and sizes from config.json,
// its weight files and its tokenizer. Reads only config.json and the folder listing (cheap
// enough for every workspace refresh); no torch types.
#include <cstdint>
#include <string>

namespace specmoe {

struct ModelSummary {
    std::string dir;
    std::string architecture;  // config.json "architectures"[0]
    std::string modelType;     // "model_type"
    int64_t layers = 0;
    int64_t experts = 0;
    int64_t topk = 0;
    int64_t hiddenSize = 0;
    int64_t vocabSize = 0;
    int64_t parameters = 0;    // with lm_head
    std::string storedDtype;   // "torch_dtype": the dtype the weights were saved in
    int weightFiles = 0;       // *.safetensors in the folder
    std::string tokenizer;     // DIR/tokenizer.model, else DIR/tokenizer.json, when present; else ""
};

// Whether DIR holds a config.json (a model folder, not yet validated).
bool isModelFolder(const std::string& dir);

// Throws specmoe::Error naming DIR/config.json and the field at fault (as loadConfig).
ModelSummary summarizeModel(const std::string& dir);

} // namespace specmoe
