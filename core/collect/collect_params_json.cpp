#include "core/collect/collect_params_json.h"

#include "core/util/json_fields.h"

namespace specmoe {

nlohmann::json toJson(const CollectParams& p)
{
    nlohmann::json sources = nlohmann::json::array();
    for (const SourceSpec& s : p.sources)
        sources.push_back({{"name", s.name},
                           {"path", s.path},
                           {"format", formatName(s.format)},
                           {"field", s.field},
                           {"weight", s.weight},
                           {"maxTokens", s.maxTokens},
                           {"maxSequences", s.maxSequences}});
    return {{"sources", sources},
            {"targetTokens", p.targetTokens},
            {"targetSequences", p.targetSequences},
            {"maxLength", p.maxLength},
            {"minLength", p.minLength},
            {"longDocuments", longDocumentsName(p.longDocuments)},
            {"dedup", p.dedup},
            {"shuffleBuffer", p.shuffleBuffer},
            {"seed", p.seed},
            {"maxDocumentBytes", p.maxDocumentBytes},
            {"modelDir", p.modelDir},
            {"tokenizerPath", p.tokenizerPath},
            {"device", deviceName(p.device)},
            {"dtype", dtypeName(p.dtype)},
            {"residency", residencyName(p.residency)},
            {"lookahead", p.lookahead},
            {"withLogits", p.withLogits},
            {"threads", p.threads},
            {"batchSize", p.batchSize},
            {"bucketBatches", p.bucketBatches},
            {"memoryFraction", p.memoryFraction},
            {"outDir", p.outDir},
            {"shardMB", p.shardMB},
            {"startOver", p.startOver}};
}

CollectParams collectParamsFromJson(const nlohmann::json& json, const std::string& where)
{
    CollectParams p;
    const JsonFields f(json, where);
    f.objects("sources", [&](size_t, const JsonFields& s) {
        SourceSpec spec;
        s.read("name", spec.name);
        s.read("path", spec.path);
        s.read<SourceFormat>("format", spec.format, parseFormat);
        s.read("field", spec.field);
        s.read("weight", spec.weight);
        s.read("maxTokens", spec.maxTokens);
        s.read("maxSequences", spec.maxSequences);
        p.sources.push_back(spec);
    });
    f.read("targetTokens", p.targetTokens);
    f.read("targetSequences", p.targetSequences);
    f.read("maxLength", p.maxLength);
    f.read("minLength", p.minLength);
    f.read<LongDocuments>("longDocuments", p.longDocuments, parseLongDocuments);
    f.read("dedup", p.dedup);
    f.read("shuffleBuffer", p.shuffleBuffer);
    f.read("seed", p.seed);
    f.read("maxDocumentBytes", p.maxDocumentBytes);
    f.read("modelDir", p.modelDir);
    f.read("tokenizerPath", p.tokenizerPath);
    f.read<DeviceSpec>("device", p.device, parseDevice);
    f.read<ComputeDType>("dtype", p.dtype, parseDType);
    f.read<Residency>("residency", p.residency, parseResidency);
    f.read("lookahead", p.lookahead);
    f.read("withLogits", p.withLogits);
    f.read("threads", p.threads);
    f.read("batchSize", p.batchSize);
    f.read("bucketBatches", p.bucketBatches);
    f.read("memoryFraction", p.memoryFraction);
    f.read("outDir", p.outDir);
    f.read("shardMB", p.shardMB);
    f.read("startOver", p.startOver);
    return p;
}

} // namespace specmoe
