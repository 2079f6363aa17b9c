#include "core/trace/trace_run_config.h"

#include "core/util/error.h"
#include "core/util/path_json.h"

#include <sstream>

namespace specmoe {

namespace {

// Reads j[key] into `out` when present; a value of the wrong type names the field.
template <class T>
void take(const nlohmann::json& j, const char* key, T& out, const std::string& where)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return;
    try {
        out = it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw Error(where + ": field '" + key + "' has the wrong type (" + it->type_name() + ")");
    }
}

// A path field (core/util/path_json.h: a string, or the bytes of a path that is not UTF-8).
void takePath(const nlohmann::json& j, const char* key, std::string& out, const std::string& where)
{
    const auto it = j.find(key);
    if (it != j.end() && !it->is_null())
        out = pathFromJson(*it, where + ": field '" + key + "'");
}

void requireObject(const nlohmann::json& j, const std::string& where)
{
    if (!j.is_object())
        throw Error(where + ": not a JSON object");
}

} // namespace

nlohmann::json TraceRunConfig::toJson() const
{
    nlohmann::json src = nlohmann::json::array();
    for (const auto& s : sources)
        src.push_back({{"name", s.name},
                       {"path", pathToJson(s.path)},
                       {"format", s.format},
                       {"field", pathToJson(s.field)}, // user bytes, kept as a path is
                       {"weight", s.weight},
                       {"max_tokens", s.maxTokens},
                       {"max_sequences", s.maxSequences}});
    nlohmann::json j = {{"tool", tool},
                        {"model_dir", pathToJson(modelDir)},
                        {"tokenizer", pathToJson(tokenizer)},
                        {"sources", src},
                        {"target_tokens", targetTokens},
                        {"target_sequences", targetSequences},
                        {"max_length", maxLength},
                        {"min_length", minLength},
                        {"long_documents", longDocuments},
                        {"dedup", dedup},
                        {"shuffle_buffer", shuffleBuffer},
                        {"seed", seed},
                        {"device", device},
                        {"dtype", dtype},
                        {"residency", residency},
                        {"lookahead", lookahead},
                        {"with_logits", withLogits},
                        {"batch_size", batchSize},
                        {"bucket_batches", bucketBatches},
                        {"corpus_digest", corpusDigest},
                        {"corpus_sequences", corpusSequences},
                        {"corpus_tokens", corpusTokens}};
    // Only with features: manifests without them stay as they were.
    if (!features.empty())
        j["features"] = features;
    if (!featureBasis.empty())
        j["feature_basis"] = pathToJson(featureBasis);
    // Only for a rank of a distributed collection.
    if (worldSize > 0) {
        j["rank"] = rank;
        j["world_size"] = worldSize;
    }
    return j;
}

TraceRunConfig TraceRunConfig::fromJson(const nlohmann::json& j, const std::string& where)
{
    TraceRunConfig c;
    if (j.is_null())
        return c;
    requireObject(j, where);
    take(j, "tool", c.tool, where);
    takePath(j, "model_dir", c.modelDir, where);
    takePath(j, "tokenizer", c.tokenizer, where);
    if (const auto it = j.find("sources"); it != j.end() && !it->is_null()) {
        if (!it->is_array())
            throw Error(where + ": field 'sources' is not a list");
        for (size_t i = 0; i < it->size(); ++i) {
            const std::string w = where + ".sources[" + std::to_string(i) + "]";
            const nlohmann::json& s = (*it)[i];
            requireObject(s, w);
            TraceSourceRecord r;
            take(s, "name", r.name, w);
            takePath(s, "path", r.path, w);
            take(s, "format", r.format, w);
            takePath(s, "field", r.field, w);
            take(s, "weight", r.weight, w);
            take(s, "max_tokens", r.maxTokens, w);
            take(s, "max_sequences", r.maxSequences, w);
            c.sources.push_back(std::move(r));
        }
    }
    take(j, "target_tokens", c.targetTokens, where);
    take(j, "target_sequences", c.targetSequences, where);
    take(j, "max_length", c.maxLength, where);
    take(j, "min_length", c.minLength, where);
    take(j, "long_documents", c.longDocuments, where);
    take(j, "dedup", c.dedup, where);
    take(j, "shuffle_buffer", c.shuffleBuffer, where);
    take(j, "seed", c.seed, where);
    take(j, "device", c.device, where);
    take(j, "dtype", c.dtype, where);
    take(j, "residency", c.residency, where);
    take(j, "lookahead", c.lookahead, where);
    take(j, "with_logits", c.withLogits, where);
    take(j, "features", c.features, where);
    takePath(j, "feature_basis", c.featureBasis, where);
    take(j, "batch_size", c.batchSize, where);
    take(j, "bucket_batches", c.bucketBatches, where);
    take(j, "corpus_digest", c.corpusDigest, where);
    take(j, "corpus_sequences", c.corpusSequences, where);
    take(j, "corpus_tokens", c.corpusTokens, where);
    take(j, "rank", c.rank, where);
    take(j, "world_size", c.worldSize, where);
    if (c.worldSize < 0 || c.rank < 0 || (c.worldSize > 0 && c.rank >= c.worldSize))
        throw Error(where + ": rank " + std::to_string(c.rank) + " of world_size " + std::to_string(c.worldSize) +
                    " is out of range");
    return c;
}

std::string TraceSourceStats::summary() const
{
    std::ostringstream o;
    o << name << ": " << sequences << " sequences, " << tokens << " tokens";
    if (duplicates)
        o << ", " << duplicates << " duplicates";
    if (tooShort)
        o << ", " << tooShort << " too short";
    if (skippedTotal) {
        o << "; skipped " << skippedTotal << " (";
        const char* sep = "";
        for (const auto& [reason, n] : skipped) {
            o << sep << reason << ' ' << n;
            sep = ", ";
        }
        o << ')';
    }
    return o.str();
}

nlohmann::json sourceStatsToJson(const std::vector<TraceSourceStats>& stats)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& s : stats)
        j[s.name] = {{"files", s.files},
                     {"documents", s.documents},
                     {"sequences", s.sequences},
                     {"tokens", s.tokens},
                     {"duplicates", s.duplicates},
                     {"too_short", s.tooShort},
                     {"truncated_tokens", s.truncatedTokens},
                     {"skipped", s.skipped},
                     {"skipped_total", s.skippedTotal},
                     {"warnings", s.warnings},
                     {"warnings_not_listed", s.warningsNotListed}};
    return j;
}

std::vector<TraceSourceStats> sourceStatsFromJson(const nlohmann::json& j, const std::string& where)
{
    std::vector<TraceSourceStats> out;
    if (j.is_null())
        return out;
    requireObject(j, where);
    for (const auto& [name, s] : j.items()) {
        const std::string w = where + "." + name;
        requireObject(s, w);
        TraceSourceStats t;
        t.name = name;
        take(s, "files", t.files, w);
        take(s, "documents", t.documents, w);
        take(s, "sequences", t.sequences, w);
        take(s, "tokens", t.tokens, w);
        take(s, "duplicates", t.duplicates, w);
        take(s, "too_short", t.tooShort, w);
        take(s, "truncated_tokens", t.truncatedTokens, w);
        take(s, "skipped", t.skipped, w);
        take(s, "skipped_total", t.skippedTotal, w);
        take(s, "warnings", t.warnings, w);
        take(s, "warnings_not_listed", t.warningsNotListed, w);
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace specmoe
