// The registered model families. A new family is a file beside this one defining its
// ModelFamily, plus one line below.
#include "core/model/family/model_family.h"

#include "core/util/error.h"

namespace specmoe {

const ModelFamily& mixtralFamily();
const ModelFamily& qwen2MoeFamily();
const ModelFamily& qwen3MoeFamily();
const ModelFamily& deepseekV3Family();
const ModelFamily& deepseekV2Family();
const ModelFamily& olmoeFamily();
const ModelFamily& gptOssFamily();

const std::vector<const ModelFamily*>& modelFamilies()
{
    static const std::vector<const ModelFamily*> all = {
        &mixtralFamily(),
        &qwen2MoeFamily(),
        &qwen3MoeFamily(),
        &deepseekV3Family(),
        &deepseekV2Family(),
        &olmoeFamily(),
        &gptOssFamily(),
    };
    return all;
}

const ModelFamily& familyNamed(const std::string& name)
{
    std::string known;
    for (const ModelFamily* f : modelFamilies()) {
        if (f->name == name)
            return *f;
        known += (known.empty() ? "" : ", ") + f->name;
    }
    throw Error("unknown model family \"" + name + "\" (" + known + ")");
}

const ModelFamily* familyFor(const std::string& architecture, const std::string& modelType)
{
    for (const ModelFamily* f : modelFamilies()) {
        if (!modelType.empty() && modelType != f->name)
            continue;
        if (architecture.empty())
            return f;
        for (const auto& a : f->architectures)
            if (a == architecture)
                return f;
    }
    return nullptr;
}

std::string supportedFamiliesText()
{
    std::string s;
    for (const ModelFamily* f : modelFamilies())
        s += (s.empty() ? "" : ", ") + f->architectures.front() + " (model_type \"" + f->name + "\")";
    return s;
}

} // namespace specmoe
