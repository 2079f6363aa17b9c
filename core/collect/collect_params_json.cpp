#include "core/collect/collect_params_json.h"

#include "core/util/json_fields.h"
#include "core/util/path_json.h"

namespace specmoe {
namespace {

// A field kept as a name in JSON (an enum, a device): written with `name`, read with `parse`.
template <typename T, typename Name, typename Parse>
struct NamedField {
    T& value;
    Name name;
    Parse parse;
};

template <typename T, typename Name, typename Parse>
NamedField<T, Name, Parse> named(T& value, Name name, Parse parse)
{
    return {value, name, parse};
}

// A file system path (or other user bytes that must come back as given): written with pathToJson, read with readPath (core/util/path_json.h).
template <typename S>
struct PathField {
    S& value;
};

template <typename S>
PathField<S> path(S& value)
{
    return {value};
}

// The key lists below are walked by both directions, so a field cannot be written under
// one key and read under another, or written and never read.
struct FieldWriter {
    nlohmann::json& out;
    template <typename T>
    void operator()(const char* key, const T& value) const
    {
        out[key] = value;
    }
    template <typename T, typename Name, typename Parse>
    void operator()(const char* key, const NamedField<T, Name, Parse>& f) const
    {
        out[key] = f.name(f.value);
    }
    template <typename S>
    void operator()(const char* key, const PathField<S>& f) const
    {
        out[key] = pathToJson(f.value);
    }
};

struct FieldReader {
    const JsonFields& in;
    template <typename T>
    void operator()(const char* key, T& value) const
    {
        in.read(key, value);
    }
    template <typename T, typename Name, typename Parse>
    void operator()(const char* key, const NamedField<T, Name, Parse>& f) const
    {
        in.read<T>(key, f.value, f.parse);
    }
    void operator()(const char* key, const PathField<std::string>& f) const { in.readPath(key, f.value); }
};

// Spec is SourceSpec (reading) or const SourceSpec (writing).
template <typename Spec, typename Visit>
void sourceFields(Spec& s, const Visit& field)
{
    field("name", s.name);
    field("path", path(s.path));
    field("format", named(s.format, formatName, parseFormat));
    field("field", path(s.field)); // user bytes (a CSV header may be in any encoding)
    field("weight", s.weight);
    field("maxTokens", s.maxTokens);
    field("maxSequences", s.maxSequences);
}

// Every field but "sources" (a list of sourceFields objects).
template <typename Params, typename Visit>
void paramFields(Params& p, const Visit& field)
{
    field("targetTokens", p.targetTokens);
    field("targetSequences", p.targetSequences);
    field("maxLength", p.maxLength);
    field("minLength", p.minLength);
    field("longDocuments", named(p.longDocuments, longDocumentsName, parseLongDocuments));
    field("dedup", p.dedup);
    field("shuffleBuffer", p.shuffleBuffer);
    field("seed", p.seed);
    field("maxDocumentBytes", p.maxDocumentBytes);
    field("modelDir", path(p.modelDir));
    field("tokenizerPath", path(p.tokenizerPath));
    field("device", named(p.device, deviceName, parseDevice));
    field("dtype", named(p.dtype, dtypeName, parseDType));
    field("residency", named(p.residency, residencyName, parseResidency));
    field("lookahead", p.lookahead);
    field("withLogits", p.withLogits);
    field("features", p.features);
    field("featureBasis", path(p.featureBasis));
    field("threads", p.threads);
    field("batchSize", p.batchSize);
    field("bucketBatches", p.bucketBatches);
    field("memoryFraction", p.memoryFraction);
    field("outDir", path(p.outDir));
    field("shardMB", p.shardMB);
    field("startOver", p.startOver);
}

} // namespace

nlohmann::json toJson(const CollectParams& p)
{
    nlohmann::json json = nlohmann::json::object();
    nlohmann::json& sources = json["sources"] = nlohmann::json::array();
    for (const SourceSpec& s : p.sources) {
        nlohmann::json source = nlohmann::json::object();
        sourceFields(s, FieldWriter{source});
        sources.push_back(std::move(source));
    }
    paramFields(p, FieldWriter{json});
    return json;
}

CollectParams collectParamsFromJson(const nlohmann::json& json, const std::string& where)
{
    CollectParams p;
    const JsonFields f(json, where);
    f.objects("sources", [&](size_t, const JsonFields& s) {
        SourceSpec spec;
        sourceFields(spec, FieldReader{s});
        p.sources.push_back(spec);
    });
    paramFields(p, FieldReader{f});
    return p;
}

} // namespace specmoe
