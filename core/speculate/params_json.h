#pragma once
// TrainParams and EvalParams as JSON: the workbench keeps a pending training's parameters
// in workspace.json with these (resume after a restart). Keys are the field names; the
// split and the predictor model are nested objects ("split": {"seed", "trainFraction",
// "validationFraction"}, "model": {"embedDim", ...}). The BlockSource and the test hooks
// (injectNanAtStep, injectNanWeightAfterSteps) are not part of it.
#include "core/speculate/train.h"

#include <nlohmann/json.hpp>

#include <string>

namespace specmoe::speculate {

nlohmann::json toJson(const TrainParams& params);
// Starts from TrainParams' defaults; absent keys keep them. Throws specmoe::Error naming
// `where` and the field on a value of the wrong type or an unknown name.
TrainParams trainParamsFromJson(const nlohmann::json& json, const std::string& where = "training parameters");

nlohmann::json toJson(const EvalParams& params);
EvalParams evalParamsFromJson(const nlohmann::json& json, const std::string& where = "evaluation parameters");

} // namespace specmoe::speculate
