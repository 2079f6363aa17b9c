#include "core/trace/split_json.h"

namespace specmoe {

nlohmann::json splitSpecToJson(const SplitSpec& spec)
{
    return {{"seed", spec.seed}, {"trainFraction", spec.trainFraction}, {"validationFraction", spec.validationFraction}};
}

void readSplitSpec(const JsonFields& fields, const char* key, SplitSpec& out)
{
    fields.object(key, [&](const JsonFields& s) {
        s.read("seed", out.seed);
        s.read("trainFraction", out.trainFraction);
        s.read("validationFraction", out.validationFraction);
    });
}

} // namespace specmoe
