#pragma once
// ImportParams as JSON: the workbench keeps a pending import's parameters in workspace.json
// with these. Keys are the field names ("format": "vllm", "inputs", "outDir", "experts",
// "moeLayers", "layerAxis": "auto", ...).
#include "core/import/import_params.h"

#include <nlohmann/json.hpp>

#include <string>

namespace specmoe::import {

nlohmann::json toJson(const ImportParams& params);
// Starts from ImportParams' defaults; absent keys keep them. Throws specmoe::Error naming
// `where` and the field on a value of the wrong type or an unknown name.
ImportParams importParamsFromJson(const nlohmann::json& json, const std::string& where = "import parameters");

} // namespace specmoe::import
