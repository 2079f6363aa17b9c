#pragma once
// AnalysisOptions as JSON (keys are the field names). The token-text function is not part
// of it: whoever runs the analysis supplies the tokenizer.
#include "core/analysis/analysis.h"

#include <nlohmann/json.hpp>

#include <string>

namespace specmoe {

nlohmann::json toJson(const AnalysisOptions& options);
// Starts from AnalysisOptions' defaults; absent keys keep them. Throws specmoe::Error
// naming `where` and the field on a value of the wrong type.
AnalysisOptions analysisOptionsFromJson(const nlohmann::json& json,
                                        const std::string& where = "analysis options");

} // namespace specmoe
