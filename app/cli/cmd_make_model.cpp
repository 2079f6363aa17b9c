// specmoe make-model: a random Mixtral checkpoint in the exact Hugging Face hub layout.
#include "app/cli/command.h"
#include "core/model/compute_dtype.h"
#include "core/model/config.h"
#include "core/model/make_model.h"
#include "core/model/memory.h"

#include <iostream>

namespace specmoe::cli {
namespace {

int runMakeModel(const ArgParser& a)
{
    MakeModelOptions o;
    o.preset = a.get("preset");
    parseOption<MixtralConfig>(a, "preset", presetConfig); // a name core does not know is a usage error
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
    const MixtralConfig c = makeRandomModel(o);
    if (!a.flagSet("quiet"))
        std::cerr << "\n";
    std::cout << "wrote " << o.outDir << ": preset " << o.preset << ", " << c.numLayers << " layers, "
              << parameterCount(c) << " parameters, " << o.dtype << "\n";
    return kOk;
}

} // namespace

SPECMOE_COMMAND("make-model", "write a random Mixtral checkpoint in hub layout",
                [](ArgParser& p) {
                    p.option("preset", "NAME", "tiny, small or mixtral-8x7b", "tiny");
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
