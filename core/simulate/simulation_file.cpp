// simulation.json read back into a SimulationResult (the writer is SimulationResult::toJson).
#include "core/simulate/simulation_file.h"

#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace specmoe::simulate {
namespace {

using nlohmann::json;

// Required fields of one object: a missing key or a value of the wrong type throws an
// Error naming the object ("FILE: rows[3]") and the field.
class Required {
public:
    Required(const json& object, std::string where) : m_object(object), m_where(std::move(where))
    {
        if (!m_object.is_object())
            throw Error(m_where + " must be a JSON object");
    }

    const json& at(const char* key) const
    {
        const auto it = m_object.find(key);
        if (it == m_object.end())
            throw Error(field(key) + " is missing");
        return *it;
    }
    double number(const char* key) const
    {
        const json& v = at(key);
        if (!v.is_number())
            wrong(key, "a number");
        return v.get<double>();
    }
    int64_t integer(const char* key) const
    {
        const json& v = at(key);
        if (!v.is_number_integer())
            wrong(key, "an integer");
        return v.get<int64_t>();
    }
    int int32(const char* key) const
    {
        const int64_t v = integer(key);
        if (v < INT32_MIN || v > INT32_MAX)
            wrong(key, "an integer in the 32-bit range");
        return int(v);
    }
    std::string text(const char* key) const
    {
        const json& v = at(key);
        if (!v.is_string())
            wrong(key, "a string");
        return v.get<std::string>();
    }
    std::vector<double> numbers(const char* key) const
    {
        const json& v = at(key);
        if (!v.is_array())
            wrong(key, "an array of numbers");
        std::vector<double> out;
        out.reserve(v.size());
        for (const json& x : v) {
            if (!x.is_number())
                wrong(key, "an array of numbers");
            out.push_back(x.get<double>());
        }
        return out;
    }
    // A nested object or array element checked by its own Required.
    Required object(const char* key) const { return Required(at(key), field(key)); }
    const json& array(const char* key) const
    {
        const json& v = at(key);
        if (!v.is_array())
            wrong(key, "an array");
        return v;
    }
    template <typename T, typename Parse>
    T parsed(const char* key, Parse parse) const
    {
        const std::string s = text(key);
        try {
            return parse(s);
        } catch (const std::exception& e) {
            throw Error(field(key) + ": " + e.what());
        }
    }
    std::string field(const char* key) const { return m_where + ": field '" + key + "'"; }
    const std::string& where() const { return m_where; }

private:
    [[noreturn]] void wrong(const char* key, const char* expected) const
    {
        throw Error(field(key) + " must be " + expected + ", got " + at(key).dump());
    }

    const json& m_object;
    std::string m_where;
};

EngineCounters readCounters(const Required& c)
{
    EngineCounters k;
    k.steps = c.integer("steps");
    k.tokens = c.integer("tokens");
    k.requests = c.integer("requests");
    k.hits = c.integer("hits");
    k.lateHits = c.integer("late_hits");
    k.misses = c.integer("misses");
    k.bypassed = c.integer("bypassed");
    k.prefetches = c.integer("prefetches");
    k.prefetchesUsed = c.integer("prefetches_used");
    k.prefetchesDropped = c.integer("prefetches_dropped");
    k.demandBytes = c.number("demand_bytes");
    k.prefetchBytes = c.number("prefetch_bytes");
    k.seconds = c.number("seconds");
    // stallPerLayer, stallSeconds, computeSeconds and linkBusySeconds are not in the file: the
    // row keeps what they gave (stall_ms_per_layer, stall and compute per token, utilisation).
    return k;
}

SimulationRow readRow(const Required& r)
{
    SimulationRow row;
    row.predictor = r.text("predictor");
    row.policy = r.parsed<Policy>("policy", parsePolicy);
    row.cacheExperts = r.int32("cache_experts");
    row.cacheGB = r.number("cache_gb");
    row.linkGBps = r.number("link_gbps");
    row.budget = r.int32("budget");
    row.horizon = r.int32("horizon");
    row.hitRate = r.number("hit_rate");
    row.prefetchPrecision = r.number("prefetch_precision");
    row.prefetchRecall = r.number("prefetch_recall");
    row.bytesPerToken = r.number("bytes_per_token");
    row.stallMsPerToken = r.number("stall_ms_per_token");
    row.computeMsPerToken = r.number("compute_ms_per_token");
    row.tokensPerSecond = r.number("tokens_per_s");
    row.linkUtilisation = r.number("link_utilisation");
    row.stallMsPerLayer = r.numbers("stall_ms_per_layer");
    row.counters = readCounters(r.object("counts"));
    if (row.predictor.empty())
        throw Error(r.field("predictor") + " is empty");
    if (row.cacheExperts < 0 || row.budget < 0 || row.horizon < 0)
        throw Error(r.where() + ": cache_experts, budget and horizon must be >= 0");
    return row;
}

void readModel(const Required& m, SimulationResult& result)
{
    result.model.name = m.text("name");
    result.model.hidden = m.integer("hidden");
    result.model.expertIntermediate = m.integer("expert_intermediate");
    result.model.attentionParams = m.integer("attention_params");
    result.model.sharedExperts = m.int32("shared_experts");
}

} // namespace

SimulationResult simulationFromJson(const std::string& text, const std::string& where)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(where + ": not JSON (" + jsonErrorText(e) + ")");
    }
    const Required top(j, where);
    if (top.text("format") != "specmoe-simulation")
        throw Error(top.field("format") + " must be \"specmoe-simulation\", got \"" + top.text("format") + "\"");
    if (top.integer("version") != 1)
        throw Error(top.field("version") + " is " + std::to_string(top.integer("version")) +
                    "; this build reads version 1");
    SimulationResult result;
    result.split = top.text("split");
    const Required dims = top.object("dims");
    result.dims.layers = dims.int32("layers");
    result.dims.experts = dims.int32("experts");
    result.dims.topk = dims.int32("topk");
    readModel(top.object("model"), result);
    result.storage = top.parsed<StorageDType>("storage", parseStorageDType);
    result.hardware = profileFromJson(top.at("hardware").dump(), top.field("hardware"));
    result.expertBytes = top.number("expert_bytes");
    result.computeMsPerLayer = top.number("compute_ms_per_layer");
    // Files written before the measurement existed have no such field (null: not measured).
    if (j.contains("compute_measurement") && !j.at("compute_measurement").is_null())
        result.computeMeasurement = measurementFromJson(j.at("compute_measurement"), top.field("compute_measurement"));
    result.batch = top.int32("batch");
    result.tokens = top.integer("tokens");
    result.sequences = top.integer("sequences");
    result.steps = top.integer("steps");
    result.warmupSteps = top.integer("warmup_steps");
    const json& preds = top.array("predictor_inference");
    for (size_t i = 0; i < preds.size(); ++i) {
        const Required p(preds[i], top.field("predictor_inference") + "[" + std::to_string(i) + "]");
        result.predictors.push_back({p.text("name"), p.number("inference_seconds"), p.integer("tokens")});
    }
    result.replaySeconds = top.number("replay_seconds");
    result.tokenLayers = top.integer("token_layers");
    const json& rows = top.array("rows");
    result.rows.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
        result.rows.push_back(readRow(Required(rows[i], where + ": rows[" + std::to_string(i) + "]")));
    return result;
}

bool isSimulationFolder(const std::string& dir)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(std::filesystem::path(dir) / kSimulationFile, ec);
}

SimulationResult readSimulation(const std::string& path)
{
    std::error_code ec;
    const std::string file = std::filesystem::is_directory(path, ec)
                                 ? (std::filesystem::path(path) / kSimulationFile).string()
                                 : path;
    return simulationFromJson(readFile(file, "the simulation result"), file);
}

} // namespace specmoe::simulate
