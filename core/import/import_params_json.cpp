#include "core/import/import_params_json.h"

#include "core/util/json_fields.h"
#include "core/util/path_json.h"

namespace specmoe::import {

nlohmann::json toJson(const ImportParams& p)
{
    return {{"format", importFormatName(p.format)},
            {"inputs", pathsToJson(p.inputs)},
            {"outDir", pathToJson(p.outDir)},
            {"modelConfig", pathToJson(p.modelConfig)},
            {"experts", p.layout.experts},
            {"moeLayers", p.layout.moeLayers},
            {"decoderLayers", p.layout.decoderLayers},
            {"sharedExperts", p.layout.sharedExperts},
            {"modelName", pathToJson(p.layout.name)}, // user bytes, kept as given
            {"family", p.layout.family},
            {"layerAxis", layerAxisName(p.layerAxis)},
            {"allowMissing", p.allowMissing},
            {"engineVersion", pathToJson(p.engineVersion)},
            {"megatronNumbering", layerNumberingName(p.megatronNumbering)},
            {"microBatch", p.microBatch},
            {"idOrder", idOrderName(p.idOrder)},
            {"pipelineLayers", p.pipelineLayers},
            {"shardSizeMB", p.shardSizeMB},
            {"overwrite", p.overwrite}};
}

ImportParams importParamsFromJson(const nlohmann::json& json, const std::string& where)
{
    ImportParams p;
    const JsonFields f(json, where);
    f.read<ImportFormat>("format", p.format, parseImportFormat);
    f.readPaths("inputs", p.inputs);
    f.readPath("outDir", p.outDir);
    f.readPath("modelConfig", p.modelConfig);
    f.read("experts", p.layout.experts);
    f.read("moeLayers", p.layout.moeLayers);
    f.read("decoderLayers", p.layout.decoderLayers);
    f.read("sharedExperts", p.layout.sharedExperts);
    f.readPath("modelName", p.layout.name);
    f.read("family", p.layout.family);
    f.read<LayerAxis>("layerAxis", p.layerAxis, parseLayerAxis);
    f.read("allowMissing", p.allowMissing);
    f.readPath("engineVersion", p.engineVersion);
    f.read<LayerNumbering>("megatronNumbering", p.megatronNumbering, parseLayerNumbering);
    f.read("microBatch", p.microBatch);
    f.read<IdOrder>("idOrder", p.idOrder, parseIdOrder);
    f.read("pipelineLayers", p.pipelineLayers);
    f.read("shardSizeMB", p.shardSizeMB);
    f.read("overwrite", p.overwrite);
    return p;
}

} // namespace specmoe::import
