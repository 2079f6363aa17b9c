#include "app/cli/import_options.h"

#include "app/cli/id_list.h"

#include <climits>

namespace specmoe::cli {
namespace {

// "3-60" or "0,2,4-7" -> decoder indices, ascending and distinct.
std::vector<int> parseLayerList(const std::string& text, const std::string& option)
{
    std::vector<int> out;
    for (int64_t x : parseIdList({text}, option, {"a layer index", 0, 65535}))
        out.push_back(int(x));
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i] <= out[i - 1])
            throw UsageError("option --" + option + ": layers must be ascending and distinct ('" + text + "')");
    return out;
}

} // namespace

void declareImportOptions(ArgParser& p, const import::ImportParams& d)
{
    p.positionalList("input", "bundle .npz files (vllm, sglang), .npz files or folders of .npy files (npy), "
                              "router_trace_rank*.jsonl files or their folder (megatron)");
    p.option("format", "FORMAT", "vllm | sglang | megatron | npy (docs/trace-import.md)");
    p.option("out", "DIR", "the trace folder to write (a rerun resumes an interrupted import)");
    p.option("model-config", "FILE", "the model's config.json: experts, top-k, MoE layers, shared experts");
    p.option("experts", "E", "routed experts (overrides the configuration)");
    p.option("moe-layers", "LIST", "decoder indices of the MoE layers, e.g. 3-60 (overrides the configuration)");
    p.option("decoder-layers", "N", "decoder layers of the model, dense ones included");
    p.option("shared-experts", "N", "always-on shared experts (not in the routing rows)");
    p.option("model-name", "NAME", "model name kept in the manifest (default: the configuration's)");
    p.option("family", "NAME", "model family kept in the manifest, e.g. qwen3_moe (default: model_type)");
    p.option("layer-axis", "AXIS", "auto | moe | all: what the rows' layer slots are", import::layerAxisName(d.layerAxis));
    p.flag("allow-missing", "drop tokens whose routing row is marked missing (-1) instead of failing");
    p.option("engine-version", "V", "engine version kept in the manifest (default: the input's)");
    p.option("megatron-layer-numbering", "N", "megatron: auto | index0 | number1 (how `layer` counts)",
             import::layerNumberingName(d.megatronNumbering));
    p.option("micro-batch", "B", "megatron: split each router call into B sequences (rows interleaved)",
             numberText(d.microBatch));
    p.option("pipeline-layers", "N0,N1,...",
             "megatron: decoder layers per pipeline stage, when the records number layers within their stage "
             "(training hook path with pipeline parallelism; ranks map to stages in Megatron's default order)");
    p.option("id-order", "ORDER",
             "auto | ranked | unordered: whether each token's ids are listed by router weight (auto: ranked "
             "with weights, which the import sorts by; else unordered unless the input says)",
             import::idOrderName(d.idOrder));
    p.option("shard-size-mb", "MB", "target uncompressed payload per shard (MiB)", numberText(d.shardSizeMB));
    p.flag("overwrite", "clear a folder that holds another trace");
    p.flag("quiet", "no progress lines");
}

import::ImportParams readImportOptions(const ArgParser& a, const import::ImportParams& d)
{
    import::ImportParams o = d;
    if (!a.has("format"))
        throw UsageError("--format is required (vllm, sglang, megatron, npy)");
    o.format = parseOption<import::ImportFormat>(a, "format", import::parseImportFormat);
    o.outDir = a.get("out");
    if (o.outDir.empty())
        throw UsageError("--out DIR is required (the trace folder to write)");
    o.inputs = a.positionalValues("input");
    o.modelConfig = a.get("model-config");
    if (a.has("experts"))
        o.layout.experts = int(a.getInt("experts", 1, 65535));
    if (a.has("moe-layers"))
        o.layout.moeLayers = parseLayerList(a.get("moe-layers"), "moe-layers");
    if (a.has("decoder-layers"))
        o.layout.decoderLayers = int(a.getInt("decoder-layers", 1, 65536));
    if (a.has("shared-experts"))
        o.layout.sharedExperts = int(a.getInt("shared-experts", 0, 65535));
    o.layout.name = a.get("model-name");
    o.layout.family = a.get("family");
    o.layerAxis = parseOption<import::LayerAxis>(a, "layer-axis", import::parseLayerAxis);
    o.allowMissing = a.flagSet("allow-missing");
    o.engineVersion = a.get("engine-version");
    o.megatronNumbering =
        parseOption<import::LayerNumbering>(a, "megatron-layer-numbering", import::parseLayerNumbering);
    o.microBatch = int(a.getInt("micro-batch", 0, 1 << 20));
    if (a.has("pipeline-layers")) {
        o.pipelineLayers.clear();
        for (int64_t x : parseIdList({a.get("pipeline-layers")}, "pipeline-layers", {"a layer count", 0, 65535}))
            o.pipelineLayers.push_back(int(x));
        if (o.pipelineLayers.size() < 2)
            throw UsageError("option --pipeline-layers: give the decoder layers of every stage (at least two), e.g. "
                             "12,12,12,12");
    }
    o.idOrder = parseOption<import::IdOrder>(a, "id-order", import::parseIdOrder);
    o.shardSizeMB = a.getDouble("shard-size-mb", 0, 1 << 20, true);
    o.overwrite = a.flagSet("overwrite");
    return o;
}

} // namespace specmoe::cli
