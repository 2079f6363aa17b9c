#include "core/import/import_params.h"

#include "core/util/error.h"

namespace specmoe::import {

ImportFormat parseImportFormat(const std::string& name)
{
    if (name == "npy")
        return ImportFormat::Npy;
    if (name == "vllm")
        return ImportFormat::Vllm;
    if (name == "sglang")
        return ImportFormat::Sglang;
    if (name == "megatron")
        return ImportFormat::Megatron;
    throw Error("import format '" + name + "' is not known (accepted: vllm, sglang, megatron, npy)");
}

const char* importFormatName(ImportFormat format)
{
    switch (format) {
    case ImportFormat::Vllm:
        return "vllm";
    case ImportFormat::Sglang:
        return "sglang";
    case ImportFormat::Megatron:
        return "megatron";
    case ImportFormat::Npy:
        break;
    }
    return "npy";
}

LayerNumbering parseLayerNumbering(const std::string& name)
{
    if (name == "auto" || name.empty())
        return LayerNumbering::Auto;
    if (name == "index0")
        return LayerNumbering::Index0;
    if (name == "number1")
        return LayerNumbering::Number1;
    throw Error("layer numbering '" + name + "' is not known (accepted: auto, index0, number1)");
}

const char* layerNumberingName(LayerNumbering n)
{
    return n == LayerNumbering::Index0 ? "index0" : n == LayerNumbering::Number1 ? "number1" : "auto";
}

IdOrder parseIdOrder(const std::string& name)
{
    if (name == "auto" || name.empty())
        return IdOrder::Auto;
    if (name == "ranked")
        return IdOrder::Ranked;
    if (name == "unordered")
        return IdOrder::Unordered;
    throw Error("id order '" + name + "' is not known (accepted: auto, ranked, unordered)");
}

const char* idOrderName(IdOrder order)
{
    return order == IdOrder::Ranked ? "ranked" : order == IdOrder::Unordered ? "unordered" : "auto";
}

} // namespace specmoe::import
