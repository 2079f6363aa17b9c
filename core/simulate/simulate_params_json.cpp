#include "core/simulate/simulate_params_json.h"

#include "core/speculate/source.h"
#include "core/trace/split_json.h"
#include "core/util/error.h"
#include "core/util/json_fields.h"
#include "core/util/path_json.h"

namespace specmoe::simulate {

nlohmann::json toJson(const SimulateParams& p)
{
    std::vector<std::string> policies;
    for (Policy x : p.policies)
        policies.push_back(policyName(x));
    return {{"traceDirs", pathsToJson(p.traceDirs)},
            {"split", speculate::splitSelectionName(p.split)},
            {"splitSpec", splitSpecToJson(p.splitSpec)},
            {"maxTokens", p.maxTokens},
            {"decodeOnly", p.decodeOnly},
            {"batch", p.batch},
            {"warmupSteps", p.warmupSteps},
            {"model", pathToJson(p.model)}, // a preset name or a checkpoint folder
            {"storage", storageDTypeName(p.storage)},
            {"hardware", profileJson(p.hardware)},
            {"computeMsPerLayer", p.computeMsPerLayer},
            {"measureComputeModel", p.measureComputeModel},
            {"cacheExperts", p.cacheExperts},
            {"cacheGB", p.cacheGB},
            {"policies", policies},
            {"protectPrefetched", p.protectPrefetched},
            {"predictors", pathsToJson(p.predictors)}, // names, or DIR[:MODEL]
            {"horizons", p.horizons},
            {"budgets", p.budgets},
            {"linkGBps", p.linkGBps},
            {"device", deviceName(p.device)},
            {"threads", p.threads}};
}

SimulateParams simulateParamsFromJson(const nlohmann::json& json, const std::string& where)
{
    SimulateParams p;
    const JsonFields f(json, where);
    f.readPaths("traceDirs", p.traceDirs);
    f.read<std::optional<Split>>("split", p.split, speculate::parseSplitSelection);
    readSplitSpec(f, "splitSpec", p.splitSpec);
    f.read("maxTokens", p.maxTokens);
    f.read("decodeOnly", p.decodeOnly);
    f.read("batch", p.batch);
    f.read("warmupSteps", p.warmupSteps);
    f.readPath("model", p.model);
    f.read<StorageDType>("storage", p.storage, parseStorageDType);
    f.object("hardware", [&](const JsonFields& h) { readProfile(h, p.hardware); });
    f.read("computeMsPerLayer", p.computeMsPerLayer);
    f.read("measureComputeModel", p.measureComputeModel);
    f.read("cacheExperts", p.cacheExperts);
    f.read("cacheGB", p.cacheGB);
    if (f.has("policies")) {
        std::vector<std::string> names;
        f.read("policies", names);
        p.policies.clear();
        for (const std::string& n : names) {
            try {
                p.policies.push_back(parsePolicy(n));
            } catch (const Error& e) {
                throw Error(f.field("policies") + ": " + e.what());
            }
        }
    }
    f.read("protectPrefetched", p.protectPrefetched);
    f.readPaths("predictors", p.predictors);
    f.read("horizons", p.horizons);
    f.read("budgets", p.budgets);
    f.read("linkGBps", p.linkGBps);
    f.read<DeviceSpec>("device", p.device, parseDevice);
    f.read("threads", p.threads);
    return p;
}

} // namespace specmoe::simulate
