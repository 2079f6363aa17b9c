#pragma once
// SimulateParams as JSON (keys are the field names; the hardware profile under "hardware" with
// the keys of a profile file). The BlockSource is not part of it: jobs name trace folders.
#include "core/simulate/simulate.h"

#include <nlohmann/json.hpp>

#include <string>

namespace specmoe::simulate {

nlohmann::json toJson(const SimulateParams& params);
// Starts from SimulateParams' defaults; absent keys keep them. Throws specmoe::Error naming
// `where` and the field on a value of the wrong type or an unknown name (policy, dtype, split).
SimulateParams simulateParamsFromJson(const nlohmann::json& json, const std::string& where = "simulation parameters");

} // namespace specmoe::simulate
