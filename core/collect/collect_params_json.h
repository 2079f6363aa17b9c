#pragma once
// CollectParams as JSON: the workbench keeps a pending collection's parameters in
// workspace.json with these. Keys are the field names ("maxLength", "device": "cuda:1",
// "sources": [{"name", "path", "format", ...}]).
#include "core/collect/collector.h"

#include <nlohmann/json.hpp>

#include <string>

namespace specmoe {

nlohmann::json toJson(const CollectParams& params);
// Starts from CollectParams' defaults; absent keys keep them. Throws specmoe::Error naming
// `where` and the field on a value of the wrong type or an unknown name (device, dtype, ...).
CollectParams collectParamsFromJson(const nlohmann::json& json,
                                    const std::string& where = "collect parameters");

} // namespace specmoe
