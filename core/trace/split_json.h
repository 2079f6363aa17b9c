#pragma once
// SplitSpec as JSON ({"seed", "trainFraction", "validationFraction"}), for every parameter
// struct that carries one (training, evaluation, analysis).
#include "core/trace/split.h"
#include "core/util/json_fields.h"

#include <nlohmann/json.hpp>

namespace specmoe {

nlohmann::json splitSpecToJson(const SplitSpec& spec);
// Reads the object under `key` when present (missing keys keep their values in `out`).
void readSplitSpec(const JsonFields& fields, const char* key, SplitSpec& out);

} // namespace specmoe
