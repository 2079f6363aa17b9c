#include "core/trace/trace_manifest.h"
#include "core/util/json_error.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/path_json.h"
#include "core/util/read_file.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

namespace specmoe {

nlohmann::json TraceFingerprint::toJson() const
{
    return {{"model_config_hash", modelConfigHash},
            {"dtype", dtype},
            {"tokenizer_hash", tokenizerHash},
            {"run_config_hash", runConfigHash}};
}

TraceFingerprint TraceFingerprint::fromJson(const nlohmann::json& j)
{
    TraceFingerprint f;
    f.modelConfigHash = j.value("model_config_hash", "");
    f.dtype = j.value("dtype", "");
    f.tokenizerHash = j.value("tokenizer_hash", "");
    f.runConfigHash = j.value("run_config_hash", "");
    return f;
}

size_t payloadBytesPerToken(const TraceDims& d)
{
    const size_t lk = size_t(d.layers) * size_t(d.topk);
    const size_t id = size_t(expertIdBytes(d)); // uint8 or uint16
    size_t b = 4 /*token id*/ + lk * id;
    if (d.hasWeights)
        b += 2 * lk; // float16
    if (d.hasLogits)
        b += 2 * size_t(d.layers) * size_t(d.experts);
    b += lk * d.lookahead.size() * id;
    b += 2 * size_t(d.layers) * size_t(std::max(0, d.featureDim)); // float16 features
    return b;
}

namespace manifest {

int64_t Manifest::tokens() const
{
    int64_t n = 0;
    for (const auto& s : shards)
        n += s.tokens;
    return n;
}

int64_t Manifest::sequences() const
{
    int64_t n = 0;
    for (const auto& s : shards)
        n += s.sequences;
    return n;
}

TraceTotals Manifest::totals() const
{
    TraceTotals t;
    t.shards = shards.size();
    for (const auto& s : shards) {
        t.tokens += s.tokens;
        t.sequences += s.sequences;
        t.fileBytes += s.bytes;
        t.payloadBytes += s.payloadBytes;
    }
    return t;
}

nlohmann::json dimsToJson(const TraceDims& d)
{
    // The layer map always in full, the identity included (readers outside C++ need not
    // know the "empty = identity" convention).
    std::vector<int> map(size_t(std::max(0, d.layers)));
    for (int l = 0; l < d.layers; ++l)
        map[size_t(l)] = decoderLayerOf(d, l);
    nlohmann::json j = {{"layers", d.layers},
                        {"experts", d.experts},
                        {"topk", d.topk},
                        {"lookahead", d.lookahead},
                        {"has_logits", d.hasLogits},
                        {"has_weights", d.hasWeights},
                        {"moe_layers", map},
                        {"decoder_layers", d.decoderLayers}, // 0 = layers
                        {"shared_experts", d.sharedExperts}};
    if (d.featureDim > 0) // absent = 0: manifests without features stay as they were
        j["feature_dim"] = d.featureDim;
    return j;
}

TraceDims dimsFromJson(const nlohmann::json& j, const std::string& where)
{
    TraceDims d;
    // Integers only: nlohmann casts a float (1e63) to int without a check (undefined).
    auto integer = [&](const char* key, bool required, int def) {
        if (!j.contains(key)) {
            if (required)
                throw Error(where + ": field 'dims." + key + "' is missing");
            return def;
        }
        const auto& v = j.at(key);
        if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
            throw Error(where + ": field 'dims." + key + "' must be an integer");
        return int(v.get<int64_t>());
    };
    auto integers = [&](const char* key) {
        std::vector<int> out;
        if (!j.contains(key) || j.at(key).is_null())
            return out;
        if (!j.at(key).is_array())
            throw Error(where + ": field 'dims." + key + "' must be an array of integers");
        for (const auto& v : j.at(key)) {
            if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
                throw Error(where + ": field 'dims." + key + "' must be an array of integers");
            out.push_back(int(v.get<int64_t>()));
        }
        return out;
    };
    try {
        d.layers = integer("layers", true, 0);
        d.experts = integer("experts", true, 0);
        d.topk = integer("topk", true, 0);
        d.lookahead = integers("lookahead");
        d.hasLogits = j.value("has_logits", false);
        // Schema 1 has none of these: weights, every decoder layer stored, no shared experts.
        d.hasWeights = j.value("has_weights", true);
        d.moeLayers = integers("moe_layers");
        d.decoderLayers = integer("decoder_layers", false, 0);
        d.sharedExperts = integer("shared_experts", false, 0);
        d.featureDim = integer("feature_dim", false, 0);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": field 'dims' is invalid: " + jsonErrorText(e));
    }
    if (const std::string bad = dimsProblem(d); !bad.empty())
        throw Error(where + ": field 'dims' is invalid: " + bad);
    if (identityLayerMap(d))
        d.moeLayers.clear();
    return d;
}

nlohmann::json modelToJson(const TraceModelInfo& m)
{
    return {{"family", m.family}, {"name", m.name}, {"routing", m.routing}};
}

bool isKnownOriginKind(const std::string& kind)
{
    return kind == "collected" || kind == "imported" || kind == "synthetic";
}

nlohmann::json originToJson(const TraceOrigin& o)
{
    return {{"kind", o.kind},
            {"engine", o.engine},
            {"engine_version", o.engineVersion},
            {"inputs", pathsToJson(o.inputs)},
            {"ids_ranked", o.idsRanked}};
}


nlohmann::json Manifest::toJson() const
{
    nlohmann::json sh = nlohmann::json::array();
    for (const auto& s : shards) {
        nlohmann::json ranges = nlohmann::json::array();
        for (const auto& r : s.seqRanges)
            ranges.push_back({r.first, r.second});
        sh.push_back({{"file", s.file},
                      {"tokens", s.tokens},
                      {"sequences", s.sequences},
                      {"bytes", s.bytes},
                      {"payload_bytes", s.payloadBytes},
                      {"crc32", s.crc32},
                      {"seq_ranges", ranges}});
    }
    nlohmann::json j = {{"format", kFormatName},
            {"schema_version", schemaVersion},
            {"created", created},
            {"updated", updated},
            {"complete", complete},
            {"dims", dimsToJson(dims)},
            {"fingerprint", fingerprint.toJson()},
            {"storage",
             {{"shard_size_mb", storage.shardSizeMB},
              {"deflate_level", storage.deflateLevel},
              {"shuffle", storage.deflateLevel > 0},
              {"chunk_tokens", storage.chunkTokens},
              {"payload_bytes_per_token", payloadBytesPerToken(dims)}}},
            {"totals",
             {{"shards", shards.size()}, {"tokens", tokens()}, {"sequences", sequences()}}},
            {"run_config", runConfig.toJson()},
            {"skipped", sourceStatsToJson(skipped)},
            {"shards", sh}};
    if (schemaVersion >= 2) {
        j["model"] = modelToJson(model);
        j["origin"] = originToJson(origin);
    }
    if (!features.empty())
        j["features"] = {{"kind", features.kind},
                         {"dim", features.dim},
                         {"file", features.file},
                         {"sha256", features.sha256}};
    return j;
}

namespace {

// A shard listed twice, or a sequence id in two shards, would be read (and counted) twice.
void checkUnique(const Manifest& m, const std::string& path)
{
    std::set<std::string> files;
    struct Run {
        int64_t first, last;
        size_t shard;
    };
    std::vector<Run> runs;
    for (size_t i = 0; i < m.shards.size(); ++i) {
        const ShardInfo& s = m.shards[i];
        if (!files.insert(s.file).second)
            throw Error(path + ": shard " + s.file + " is listed more than once in field 'shards'");
        for (const auto& r : s.seqRanges) {
            if (r.first > r.second)
                throw Error(path + ": shard " + s.file + " has a reversed seq_ranges entry [" +
                            std::to_string(r.first) + ", " + std::to_string(r.second) + "]");
            runs.push_back({r.first, r.second, i});
        }
    }
    std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.first < b.first; });
    for (size_t k = 1; k < runs.size(); ++k)
        if (runs[k].first <= runs[k - 1].last)
            throw Error(path + ": sequence id " + std::to_string(runs[k].first) + " is in shard " +
                        m.shards[runs[k - 1].shard].file +
                        (runs[k].shard == runs[k - 1].shard ? " twice" : " and in shard " + m.shards[runs[k].shard].file) +
                        " (field 'seq_ranges': sequence ids must be unique)");
}

// The recorded totals are written with the shard list: a list that lost or gained an entry
// since (edited by hand, or damaged into other valid JSON) would read as a smaller or larger
// trace that verifies, since every shard still listed is intact.
void checkTotals(const nlohmann::json& j, const Manifest& m, const std::string& path)
{
    if (!j.contains("totals") || !j["totals"].is_object())
        return;
    const nlohmann::json& t = j["totals"];
    const TraceTotals have = m.totals();
    const std::pair<const char*, int64_t> fields[] = {
        {"shards", int64_t(have.shards)}, {"sequences", have.sequences}, {"tokens", have.tokens}};
    for (const auto& [key, value] : fields)
        if (t.contains(key) && t[key].is_number_integer() && t[key].get<int64_t>() != value)
            throw Error(path + ": field 'totals." + key + "' is " + t[key].dump() + ", but the shard list holds " +
                        std::to_string(value) + " (a shard entry lost or added since the manifest was written)");
}

// "features": kind, dim (= dims.feature_dim), a plain file name, a SHA-256 in hex.
TraceFeatureInfo featuresFromJson(const nlohmann::json& j, const TraceDims& dims, const std::string& path)
{
    TraceFeatureInfo f;
    if (!j.contains("features"))
        return f;
    const nlohmann::json& o = j["features"];
    auto text = [&](const char* key) {
        if (!o.is_object() || !o.contains(key) || !o[key].is_string())
            throw Error(path + ": field 'features." + key + "' is missing or not a string");
        return o[key].get<std::string>();
    };
    f.kind = text("kind");
    f.file = text("file");
    f.sha256 = text("sha256");
    if (!o.contains("dim") || !o["dim"].is_number_integer() || o["dim"].get<int64_t>() != dims.featureDim)
        throw Error(path + ": field 'features.dim' is " + (o.contains("dim") ? o["dim"].dump() : "missing") +
                    ", expected dims.feature_dim (" + std::to_string(dims.featureDim) + ")");
    f.dim = dims.featureDim;
    if (f.file.empty() || f.file.find('/') != std::string::npos || f.file == "." || f.file == "..")
        throw Error(path + ": field 'features.file' ('" + f.file + "') is not a file name inside the trace folder");
    const bool hex = f.sha256.size() == 64 &&
                     std::all_of(f.sha256.begin(), f.sha256.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex)
        throw Error(path + ": field 'features.sha256' is not 64 lower-case hex digits");
    return f;
}

} // namespace

Manifest parse(const std::string& text, const std::string& path)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": not valid JSON: " + jsonErrorText(e));
    }
    if (!j.is_object() || !j.contains("format") || !j["format"].is_string() || j["format"] != kFormatName)
        throw Error(path + ": not a specmoe trace manifest (field 'format' is not '" +
                    std::string(kFormatName) + "')");
    const std::string accepted = "an integer from 1 to " + std::to_string(kManifestVersion);
    if (!j.contains("schema_version"))
        throw Error(path + ": field 'schema_version' is missing (accepted: " + accepted + ")");
    const nlohmann::json& sv = j["schema_version"];
    if (!sv.is_number_integer())
        throw Error(path + ": field 'schema_version' is " + sv.dump() + " (a " + sv.type_name() +
                    "), accepted: " + accepted);
    const int64_t version = sv.get<int64_t>();
    if (version < 1 || version > kManifestVersion)
        throw Error(path + ": schema_version " + std::to_string(version) +
                    " is not supported (this build reads up to " + std::to_string(kManifestVersion) + ")");
    Manifest m;
    m.schemaVersion = int(version);
    try {
        m.dims = dimsFromJson(j.at("dims"), path);
        m.fingerprint = TraceFingerprint::fromJson(j.at("fingerprint"));
        if (version >= 2) {
            const nlohmann::json& mo = j.value("model", nlohmann::json::object());
            m.model.family = mo.value("family", "");
            m.model.name = mo.value("name", "");
            m.model.routing = mo.value("routing", "");
            const nlohmann::json& og = j.value("origin", nlohmann::json::object());
            m.origin.kind = og.value("kind", "collected");
            // Readers branch on it (ranked ids, what `traces info` says): an unknown kind is
            // a manifest of another tool or version, not a trace to guess about.
            if (!isKnownOriginKind(m.origin.kind))
                throw Error(path + ": origin.kind '" + m.origin.kind +
                            "' is not one of collected, imported, synthetic");
            m.origin.engine = og.value("engine", "");
            m.origin.engineVersion = og.value("engine_version", "");
            if (og.contains("inputs") && !og["inputs"].is_null())
                m.origin.inputs = pathsFromJson(og["inputs"], path + ": field 'origin.inputs'");
            // Written since the id-order flag exists; traces before it were collected (ranked).
            if (og.contains("ids_ranked")) {
                if (!og["ids_ranked"].is_boolean())
                    throw Error(path + ": origin.ids_ranked must be true or false (it is " + og["ids_ranked"].dump() +
                                ")");
                m.origin.idsRanked = og["ids_ranked"].get<bool>();
            }
        }
        m.runConfig = TraceRunConfig::fromJson(j.value("run_config", nlohmann::json::object()), path + ": run_config");
        m.skipped = sourceStatsFromJson(j.value("skipped", nlohmann::json::object()), path + ": skipped");
        m.complete = j.value("complete", false);
        m.created = j.value("created", "");
        m.updated = j.value("updated", "");
        const auto& st = j.value("storage", nlohmann::json::object());
        m.storage.deflateLevel = st.value("deflate_level", kDefaultDeflateLevel);
        m.storage.chunkTokens = st.value("chunk_tokens", kDefaultChunkTokens);
        m.storage.shardSizeMB = st.value("shard_size_mb", 256.0);
        if (!j.at("shards").is_array())
            throw Error(path + ": field 'shards' is " + std::string(j["shards"].type_name()) + ", not a list");
        for (const auto& s : j.at("shards")) {
            ShardInfo info;
            info.file = s.at("file").get<std::string>();
            info.tokens = s.at("tokens").get<int64_t>();
            info.sequences = s.at("sequences").get<int64_t>();
            info.bytes = s.at("bytes").get<int64_t>();
            info.payloadBytes = s.value("payload_bytes", int64_t(0));
            info.crc32 = s.at("crc32").get<std::string>();
            for (const auto& r : s.at("seq_ranges"))
                info.seqRanges.emplace_back(r.at(0).get<int64_t>(), r.at(1).get<int64_t>());
            if (info.file.empty() || info.file.find('/') != std::string::npos)
                throw Error(path + ": shard file name '" + info.file + "' is invalid");
            m.shards.push_back(std::move(info));
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": malformed field: " + jsonErrorText(e));
    }
    checkUnique(m, path);
    checkTotals(j, m, path);
    m.features = featuresFromJson(j, m.dims, path);
    return m;
}

Manifest load(const std::string& path)
{
    return parse(readFile(path, "the trace manifest"), path);
}

void save(const Manifest& m, const std::string& path)
{
    writeFileAtomic(path, m.toJson().dump(1) + "\n");
}

std::vector<std::pair<int64_t, int64_t>> toRanges(std::vector<int64_t> ids)
{
    std::sort(ids.begin(), ids.end());
    std::vector<std::pair<int64_t, int64_t>> r;
    for (int64_t id : ids) {
        if (!r.empty() && (id == r.back().second + 1 || id == r.back().second))
            r.back().second = id;
        else
            r.emplace_back(id, id);
    }
    return r;
}

std::string utcNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string shardFileName(size_t index)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "shard-%05zu.h5", index);
    return buf;
}

} // namespace manifest
} // namespace specmoe
