#pragma once
// What DeepSeek-V2 and DeepSeek-V3 configs share (family/deepseek_v2.cpp, deepseek_v3.cpp):
// multi-head latent attention's sizes, routed and shared experts, the first dense layers,
// and the fields transformers ignores but the released configs carry (checked, so that a
// config meaning something else is refused rather than run differently).
#include "core/model/config.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace specmoe {

class ConfigReader;

// transformers' config defaults that differ between the two.
struct DeepseekDefaults {
    int64_t experts, topk, moeIntermediate, intermediate, sharedExperts, firstDense, qLoraRank;
    int64_t groups, topkGroups;
    double routedScalingFactor;
    bool normTopkProb;
};

void readDeepseekCommon(const ConfigReader& in, ModelConfig& c, const DeepseekDefaults& d);
void writeDeepseekCommon(const ModelConfig& c, nlohmann::json& j);
// Group-limited routing's sizes: n_group divides the experts, topk_group <= n_group, and the
// chosen groups hold at least k experts (min experts per group: 2 for top-2 group sums).
void checkDeepseekGroups(const ConfigReader& in, const ModelConfig& c, int64_t minPerGroup);
// A preset's MLA and expert sizes (tiny / small), common to both families.
void deepseekTinyDims(ModelConfig& c, bool small);

} // namespace specmoe
