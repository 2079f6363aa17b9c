#include "core/speculate/metrics_log.h"
#include "core/util/json_error.h"

#include "core/util/error.h"
#include "core/util/path_json.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace specmoe::speculate {

namespace {

using nlohmann::json;

// Field access that names the field at fault; absent (or null) fields keep `out`.
class Fields {
public:
    Fields(const json& j, std::string where) : m_j(j), m_where(std::move(where)) {}

    template <class T>
    bool take(const char* key, T& out) const
    {
        const auto it = m_j.find(key);
        if (it == m_j.end() || it->is_null())
            return false;
        try {
            out = it->get<T>();
        } catch (const json::exception&) {
            fail(key, std::string("has the wrong type (") + it->type_name() + ")");
        }
        return true;
    }
    // A number that may be null (a non-finite value): NaN then.
    double number(const char* key, double fallback) const
    {
        const auto it = m_j.find(key);
        if (it == m_j.end() || it->is_null())
            return it == m_j.end() ? fallback : MetricsRecord::kNaN;
        if (!it->is_number())
            fail(key, std::string("is not a number (") + it->type_name() + ")");
        return it->get<double>();
    }
    const json* object(const char* key) const
    {
        const auto it = m_j.find(key);
        if (it == m_j.end() || it->is_null())
            return nullptr;
        if (!it->is_object())
            fail(key, "is not an object");
        return &*it;
    }
    // A path, or a list of them (core/util/path_json.h: either form).
    void path(const char* key, std::string& out) const
    {
        const auto it = m_j.find(key);
        if (it != m_j.end() && !it->is_null())
            out = pathFromJson(*it, m_where + ": field '" + m_prefix + key + "'");
    }
    void paths(const char* key, std::vector<std::string>& out) const
    {
        const auto it = m_j.find(key);
        if (it != m_j.end() && !it->is_null())
            out = pathsFromJson(*it, m_where + ": field '" + m_prefix + key + "'");
    }
    const json* array(const char* key) const
    {
        const auto it = m_j.find(key);
        if (it == m_j.end() || it->is_null())
            return nullptr;
        if (!it->is_array())
            fail(key, "is not a list");
        return &*it;
    }
    Fields sub(const json& j, const std::string& key) const
    {
        if (!j.is_object())
            fail(key, "is not an object");
        return Fields(j, m_where, m_prefix + key + ".");
    }
    [[noreturn]] void fail(const std::string& key, const std::string& why) const
    {
        throw Error(m_where + ": field '" + m_prefix + key + "' " + why);
    }

private:
    Fields(const json& j, std::string where, std::string prefix)
        : m_j(j), m_where(std::move(where)), m_prefix(std::move(prefix))
    {
    }
    const json& m_j;
    std::string m_where;
    std::string m_prefix;
};

// A metrics object M: {"n", "top1", "exact", "recall": [...], "logloss", "ece"}.
Metrics loggedMetrics(const Fields& f)
{
    Metrics m;
    m.samples = -1; // not said
    f.take("n", m.samples);
    m.top1 = f.number("top1", MetricsRecord::kNaN);
    m.exact = f.number("exact", MetricsRecord::kNaN);
    m.logloss = f.number("logloss", MetricsRecord::kNaN);
    m.ece = f.number("ece", MetricsRecord::kNaN);
    std::vector<json> recall;
    f.take("recall", recall);
    for (const json& r : recall)
        m.recall.push_back(r.is_number() ? r.get<double>() : MetricsRecord::kNaN);
    return m;
}

std::vector<Metrics> perLayerOf(const Fields& f, const json* perLayer, const std::string& key)
{
    std::vector<Metrics> out;
    if (!perLayer)
        return out;
    for (size_t l = 0; l < perLayer->size(); ++l)
        out.push_back(loggedMetrics(f.sub((*perLayer)[l], key + "[" + std::to_string(l) + "]")));
    return out;
}

// The trainer's form: {predictor: {"h1": M, "h2": M, ...}}.
void trainerScores(const Fields& f, const json& metrics, const std::string& key, std::vector<LoggedScores>& out)
{
    for (const auto& [name, perHorizon] : metrics.items()) {
        if (!perHorizon.is_object())
            f.fail(key + "." + name, "is not an object");
        for (const auto& [hk, m] : perHorizon.items()) {
            int horizon = 0;
            char rest = 0;
            if (std::sscanf(hk.c_str(), "h%d%c", &horizon, &rest) != 1 || horizon < 1)
                continue; // not a horizon
            LoggedScores s;
            s.predictor = name;
            s.horizon = horizon;
            const std::string mk = key + "." + name + "." + hk;
            const Fields mf = f.sub(m, mk);
            s.overall = loggedMetrics(mf);
            s.perLayer = perLayerOf(f, mf.array("per_layer"), mk + ".per_layer");
            out.push_back(std::move(s));
        }
    }
}

// The EvalReport form: [{"name", "baseline", "horizons": [{"horizon", "overall": M, "per_layer": [M]}]}].
void reportScores(const Fields& f, const json& predictors, std::vector<LoggedScores>& out)
{
    for (size_t i = 0; i < predictors.size(); ++i) {
        const std::string pk = "predictors[" + std::to_string(i) + "]";
        const Fields p = f.sub(predictors[i], pk);
        std::string name;
        p.take("name", name);
        if (name.empty())
            f.fail(pk + ".name", "is missing");
        bool baseline = false;
        const bool saysBaseline = p.take("baseline", baseline);
        const json* horizons = p.array("horizons");
        if (!horizons)
            continue;
        for (size_t h = 0; h < horizons->size(); ++h) {
            const std::string hk = pk + ".horizons[" + std::to_string(h) + "]";
            const Fields hf = f.sub((*horizons)[h], hk);
            LoggedScores s;
            s.predictor = name;
            if (saysBaseline)
                s.baseline = baseline;
            s.horizon = int(h) + 1;
            hf.take("horizon", s.horizon);
            if (const json* overall = hf.object("overall"))
                s.overall = loggedMetrics(f.sub(*overall, hk + ".overall"));
            else
                continue;
            const json* perLayer = hf.array("per_layer");
            s.perLayer = perLayerOf(f, perLayer ? perLayer : hf.array("perLayer"), hk + ".per_layer");
            out.push_back(std::move(s));
        }
    }
}

MetricsLineType typeOf(const std::string& name)
{
    if (name == "start") return MetricsLineType::Start;
    if (name == "step") return MetricsLineType::Step;
    if (name == "validation") return MetricsLineType::Validation;
    if (name == "checkpoint") return MetricsLineType::Checkpoint;
    if (name == "error") return MetricsLineType::Error;
    if (name == "end") return MetricsLineType::End;
    return MetricsLineType::Other;
}

void readStart(const Fields& f, MetricsRecord& r)
{
    f.take("resumed", r.resumed);
    if (const json* d = f.object("dims")) {
        const Fields df = f.sub(*d, "dims");
        df.take("layers", r.dims.layers);
        df.take("experts", r.dims.experts);
        df.take("topk", r.dims.topk);
        df.take("lookahead", r.dims.lookahead);
    }
    f.take("horizon", r.horizon);
    f.take("models", r.models);
    f.take("baselines", r.baselines);
    if (const json* t = f.object("tokens")) {
        const Fields tf = f.sub(*t, "tokens");
        tf.take("train", r.trainTokens);
        tf.take("validation", r.validationTokens);
        tf.take("test", r.testTokens);
    }
    f.take("epochs", r.epochs);
    f.take("steps_per_epoch", r.stepsPerEpoch);
    f.take("batch_size", r.batchSize);
    f.take("accumulate", r.accumulate);
    f.take("learning_rate", r.learningRate);
    f.take("device", r.device);
    f.take("seed", r.seed);
    f.paths("traces", r.traces);
}

} // namespace

MetricsRecord parseMetricsLine(const std::string& line, const std::string& where)
{
    json j;
    try {
        j = json::parse(line);
    } catch (const json::exception& e) {
        throw Error(where + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!j.is_object())
        throw Error(where + ": not a JSON object");
    const Fields f(j, where);
    MetricsRecord r;
    f.take("type", r.typeName);
    r.type = typeOf(r.typeName);
    r.time = f.number("time", MetricsRecord::kNaN);
    f.take("step", r.step);
    double epoch = 0;
    if (f.take("epoch", epoch))
        r.epoch = epoch;

    switch (r.type) {
    case MetricsLineType::Start: readStart(f, r); break;
    case MetricsLineType::Step:
        f.take("lr", r.lr);
        f.take("samples_per_s", r.samplesPerSecond);
        f.take("tokens_per_s", r.tokensPerSecond);
        break;
    case MetricsLineType::Validation:
        f.take("final", r.endOfEpoch);
        f.take("best", r.best);
        r.score = f.number("score", MetricsRecord::kNaN);
        f.take("tokens", r.tokens);
        if (const json* m = f.object("metrics"))
            trainerScores(f, *m, "metrics", r.scores);
        break;
    case MetricsLineType::Checkpoint: f.path("path", r.path); break;
    case MetricsLineType::Error: f.take("message", r.message); break;
    case MetricsLineType::End: {
        f.take("status", r.status);
        f.take("epochs", r.epochs);
        f.take("best_epoch", r.bestEpoch);
        const double best = f.number("best_score", MetricsRecord::kNaN);
        if (best == best)
            r.bestScore = best;
        f.take("samples_per_s", r.samplesPerSecond);
        f.take("tokens_per_s", r.tokensPerSecond);
        if (const json* v = f.object("validation"))
            trainerScores(f, *v, "validation", r.scores);
        break;
    }
    case MetricsLineType::Other: break;
    }
    // Losses {model: value} (step lines; any line may carry them).
    if (const json* loss = f.object("loss")) {
        const Fields lf = f.sub(*loss, "loss");
        for (const auto& [model, v] : loss->items())
            r.loss[model] = lf.number(model.c_str(), MetricsRecord::kNaN);
    }
    if (const json* predictors = f.array("predictors"))
        reportScores(f, *predictors, r.scores);
    return r;
}

std::vector<MetricsRecord> readMetricsLog(const std::string& path, std::vector<std::string>* problems)
{
    std::vector<MetricsRecord> out;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return out;
    std::ostringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    size_t begin = 0;
    for (int lineNo = 1;; ++lineNo) {
        const size_t nl = s.find('\n', begin);
        if (nl == std::string::npos)
            break; // an unfinished last line
        const std::string line = s.substr(begin, nl - begin);
        begin = nl + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        try {
            out.push_back(parseMetricsLine(line, path + ":" + std::to_string(lineNo)));
        } catch (const Error& e) {
            if (!problems)
                throw;
            problems->push_back(e.what());
        }
    }
    return out;
}

std::string describeMetricsRecord(const MetricsRecord& r)
{
    std::ostringstream o;
    o.precision(4);
    const std::string at = "step " + std::to_string(r.step) +
                           (r.epoch ? " (epoch " + std::to_string(int(*r.epoch)) + ")" : std::string());
    switch (r.type) {
    case MetricsLineType::Start:
        o << (r.resumed ? "resumed at " : "started: ") << at << ", " << r.epochs << " epochs of " << r.stepsPerEpoch
          << " steps, " << r.trainTokens << " training tokens, horizon " << r.horizon << ", device " << r.device;
        break;
    case MetricsLineType::Step: {
        o << at << ": lr " << r.lr << ", loss";
        for (const auto& [model, v] : r.loss)
            o << ' ' << model << ' ' << v;
        o << ", " << int64_t(r.samplesPerSecond) << " samples/s";
        break;
    }
    case MetricsLineType::Validation:
        o << at << ": validation score " << r.score << " on " << r.tokens << " tokens"
          << (r.best ? " (best so far)" : "");
        break;
    case MetricsLineType::Checkpoint: o << at << ": checkpoint " << r.path; break;
    case MetricsLineType::Error: o << at << ": " << r.message; break;
    case MetricsLineType::End:
        o << "ended (" << r.status << ") after " << r.epochs << " epochs, " << r.step << " steps; best epoch "
          << r.bestEpoch;
        break;
    case MetricsLineType::Other:
        o << (r.typeName.empty() ? std::string("line") : r.typeName) << " at " << at;
        break;
    }
    return o.str();
}

size_t metricsHistoryEnd(const std::string& text, int epoch, bool* checkpointLine)
{
    size_t checkpointEnd = std::string::npos, validationEnd = std::string::npos, lineEnd = 0;
    for (size_t begin = 0; begin < text.size();) {
        const size_t nl = text.find('\n', begin);
        if (nl == std::string::npos)
            break; // an unfinished last line: never history
        const json j = json::parse(text.begin() + long(begin), text.begin() + long(nl), nullptr, false);
        begin = lineEnd = nl + 1;
        if (!j.is_object() || !j.contains("epoch") || !j["epoch"].is_number_integer() || j["epoch"].get<int>() != epoch)
            continue;
        const json& type = j.contains("type") ? j["type"] : json();
        const bool final = j.contains("final") && j["final"].is_boolean() && j["final"].get<bool>();
        if (type == "checkpoint")
            checkpointEnd = lineEnd;
        else if (type == "validation" && final)
            validationEnd = lineEnd;
    }
    if (checkpointLine)
        *checkpointLine = checkpointEnd != std::string::npos;
    if (checkpointEnd != std::string::npos)
        return checkpointEnd;
    return validationEnd != std::string::npos ? validationEnd : lineEnd;
}

} // namespace specmoe::speculate
