// specmoe make-model: a random checkpoint of a model family in the exact Hugging Face hub layout.
#include "app/cli/command.h"
#include "core/model/compute_dtype.h"
#include "core/model/config.h"
#include "core/model/family/model_family.h"
#include "core/model/make_model.h"
#include "core/model/memory.h"

#include <iostream>

namespace specmoe::cli {
namespace {

std::string familyListText()
{
    std::string s = "model family:";
    for (const ModelFamily* f : modelFamilies()) {
        s += " " + f->name + " (";
        for (size_t i = 0; i < f->presets.size(); ++i)
            s += (i ? ", " : "") + f->presets[i];
        s += ")";
    }
    return s;
}

int runMakeModel(const ArgParser& a)
{
    MakeModelOptions o;
    o.family = a.get("family");
    o.preset = a.get("preset");
    // A family or preset core does not know is a usage error.
    parseOption<const ModelFamily*>(a, "family", [](const std::string& n) { return &familyNamed(n); });
    parseOption<ModelConfig>(a, "preset", [&](const std::string& n) { return presetConfig(n, o.family); });
    o.layers = a.getInt("layers", 0, 4096);
    o.dtype = dtypeName(parseOption<ComputeDType>(a, "dtype", parseDType));
    o.seed = static_cast<uint64_t>(a.getInt("seed"));
    o.outDir = a.get("out");
    if (o.outDir.empty())
        throw UsageError("--out is required");
    const int64_t shardMb = a.getInt("shard-mb", 0, int64_t(1) << 40);
    o.shardBytes = static_cast<uint64_t>(shardMb) << 20;
    o.fusedExperts = a.flagSet("fused-experts");
    o.progress = consoleProgress(a.flagSet("quiet"));
    const ModelConfig c = makeRandomModel(o);
    if (!a.flagSet("quiet"))
        std::cerr << "\n";
    std::cout << "wrote " << o.outDir << ": " << o.family << " preset " << o.preset << ", " << c.numLayers << " layers, "
              << parameterCount(c) << " parameters, " << o.dtype << "\n";
    return kOk;
}

} // namespace

SPECMOE_COMMAND("make-model", "write a random checkpoint of a model family in hub layout",
                [](ArgParser& p) {
                    p.option("family", "NAME", familyListText(), "mixtral");
                    p.option("preset", "NAME", "the family's preset: tiny, small or real dims (e.g. mixtral-8x7b)", "tiny");
                    p.option("layers", "N", "decoder layers (0 = the preset's)", "0");
                    p.option("dtype", "TYPE", "float32, bfloat16 or float16", "float32");
                    p.option("seed", "S", "random seed", "0");
                    p.option("out", "DIR", "output folder");
                    p.option("shard-mb", "MB", "shard above this size (0 = one file)", "2000");
                    p.flag("fused-experts", "transformers-5 fused expert tensors");
                    p.flag("quiet", "no progress line");
                },
                runMakeModel);

} // namespace specmoe::cli
