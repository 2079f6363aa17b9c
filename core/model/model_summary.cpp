#include "core/model/model_summary.h"

#include "core/model/config.h"
#include "core/model/tokenizer.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe {

bool isModelFolder(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "config.json", ec);
}

ModelSummary summarizeModel(const std::string& dir)
{
    const ModelConfig c = loadConfig(dir);
    ModelSummary s;
    s.dir = dir;
    s.architecture = c.architecture;
    s.modelType = c.modelType;
    s.layers = c.numLayers;
    s.experts = c.numExperts;
    s.topk = c.topk;
    s.hiddenSize = c.hiddenSize;
    s.vocabSize = c.vocabSize;
    s.parameters = parameterCount(c);
    s.storedDtype = c.torchDtype;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".safetensors" && e.is_regular_file(ec))
            ++s.weightFiles;
    s.tokenizer = findTokenizer({}, dir);
    return s;
}

} // namespace specmoe
