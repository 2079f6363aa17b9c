// AnalysisResult: lookups, JSON round trip and the CSV tables of docs/analysis.md.
#include "core/analysis/analysis_result.h"
#include "core/util/json_error.h"

#include "core/util/c_number.h"
#include "core/util/error.h"
#include "core/util/path_json.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace specmoe {

// Like NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT, but defines the (non-inline)
// functions declared in analysis_result.h: missing fields keep their defaults.
#define SPECMOE_JSON_TYPE(Type, ...)                                                          \
    void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t)               \
    {                                                                                          \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))               \
    }                                                                                          \
    void from_json(const nlohmann::json& nlohmann_json_j, Type& nlohmann_json_t)             \
    {                                                                                          \
        const Type nlohmann_json_default_obj{};                                                \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_FROM_WITH_DEFAULT, __VA_ARGS__)) \
    }

const GroupStats* AnalysisResult::source(const std::string& name) const
{
    for (const auto& g : sources)
        if (g.source == name)
            return &g;
    return nullptr;
}

const LayerTransition* AnalysisResult::transition(int distance, int fromLayer) const
{
    for (const auto& t : transitions)
        if (t.distance == distance && t.fromLayer == fromLayer)
            return &t;
    return nullptr;
}

const std::vector<TokenSample>& TokenSamples::at(int layer, int expert, bool firstOnly) const
{
    static const std::vector<TokenSample> empty;
    const auto& v = firstOnly ? firstChoice : anyChoice;
    if (layer < 0 || expert < 0 || expert >= experts)
        return empty;
    const size_t i = size_t(layer) * size_t(experts) + size_t(expert);
    return i < v.size() ? v[i] : empty;
}

SPECMOE_JSON_TYPE(
    LayerLoad, tokens, firstCounts, anyCounts, weightSums, firstShare, anyShare, anyRate,
    weightShare, entropyFirstBits, entropyFirstNorm, entropyAnyBits, entropyAnyNorm, cvFirst,
    cvAny, maxOverUniformFirst, maxOverUniformAny, minOverUniformFirst, minOverUniformAny,
    tvFromUniformFirst, tvFromUniformAny, klFromUniformFirstBits, klFromUniformAnyBits,
    coactivation)
SPECMOE_JSON_TYPE(LayerRepetition, pairs, sameFirst, overlap,
                                                sameFirstRate, overlapRate,
                                                sameFirstExpectedFromLoad)
SPECMOE_JSON_TYPE(GroupStats, source, sequences, tokens, layers,
                                                repetition)
SPECMOE_JSON_TYPE(LayerTransition, distance, fromLayer,
                                                firstCounts, anyCounts, firstProb, anyProb,
                                                mutualInfoBits, normalizedMI)
SPECMOE_JSON_TYPE(PredictabilityCell, context, horizon,
                                                targetLayer, trainTokens, testTokens,
                                                heldOutAccuracy, inSampleAccuracy,
                                                baselineAccuracy, unseenContextShare)
SPECMOE_JSON_TYPE(PredictabilitySummary, context, horizon,
                                                meanHeldOutAccuracy, meanInSampleAccuracy,
                                                meanBaselineAccuracy)
SPECMOE_JSON_TYPE(Predictability, testFraction, trainSequences,
                                                testSequences, cells, summary, skippedContexts)
SPECMOE_JSON_TYPE(TokenJourney, seqId, source, position, tokenId,
                                                text, experts, weights)
SPECMOE_JSON_TYPE(SequenceJourney, seqId, source, docId, length,
                                                tokens)
SPECMOE_JSON_TYPE(TokenQueryResult, query, matches, journeys)
SPECMOE_JSON_TYPE(TokenSample, seqId, position, tokenId, rank,
                                                weight, text)
SPECMOE_JSON_TYPE(TokenSamples, perCell, experts, firstChoice,
                                                anyChoice, firstSeen, anySeen)

void to_json(nlohmann::json& j, const AnalysisResult& r)
{
    j = nlohmann::json{{"formatVersion", r.formatVersion},
                       {"layers", r.layers},
                       {"experts", r.experts},
                       {"topk", r.topk},
                       {"hasWeights", r.hasWeights},
                       {"idsRanked", r.idsRanked},
                       {"moeLayers", r.moeLayers},
                       {"decoderLayers", r.decoderLayers},
                       {"sharedExperts", r.sharedExperts},
                       {"sequences", r.sequences},
                       {"tokens", r.tokens},
                       {"traceDir", pathToJson(r.traceDir)}, // the workbench reopens it
                       {"randomSameFirstRate", r.randomSameFirstRate},
                       {"randomOverlapRate", r.randomOverlapRate},
                       {"overall", r.overall},
                       {"sources", r.sources},
                       {"transitionDistances", r.transitionDistances},
                       {"transitions", r.transitions},
                       {"mutualInfoBits", r.mutualInfoBits},
                       {"normalizedMI", r.normalizedMI},
                       {"layerPairMISkipped", r.layerPairMISkipped},
                       {"predictability", r.predictability},
                       {"journeys", r.journeys},
                       {"queries", r.queries},
                       {"samples", r.samples}};
}

void from_json(const nlohmann::json& j, AnalysisResult& r)
{
    if (!j.is_object())
        throw Error("analysis result: JSON is not an object");
    const int version = j.value("formatVersion", 0);
    if (version != 1)
        throw Error("analysis result: unknown formatVersion " + std::to_string(version));
    AnalysisResult d;
    r.formatVersion = version;
    r.layers = j.value("layers", d.layers);
    r.experts = j.value("experts", d.experts);
    r.topk = j.value("topk", d.topk);
    r.hasWeights = j.value("hasWeights", d.hasWeights);
    r.idsRanked = j.value("idsRanked", d.idsRanked); // absent in results of ranked traces before the flag
    r.moeLayers = j.value("moeLayers", d.moeLayers);
    r.decoderLayers = j.value("decoderLayers", d.decoderLayers);
    r.sharedExperts = j.value("sharedExperts", d.sharedExperts);
    r.sequences = j.value("sequences", d.sequences);
    r.tokens = j.value("tokens", d.tokens);
    if (j.contains("traceDir") && !j["traceDir"].is_null())
        r.traceDir = pathFromJson(j["traceDir"], "analysis result: field 'traceDir'");
    r.randomSameFirstRate = j.value("randomSameFirstRate", d.randomSameFirstRate);
    r.randomOverlapRate = j.value("randomOverlapRate", d.randomOverlapRate);
    r.overall = j.value("overall", d.overall);
    r.sources = j.value("sources", d.sources);
    r.transitionDistances = j.value("transitionDistances", d.transitionDistances);
    r.transitions = j.value("transitions", d.transitions);
    r.mutualInfoBits = j.value("mutualInfoBits", d.mutualInfoBits);
    r.normalizedMI = j.value("normalizedMI", d.normalizedMI);
    r.layerPairMISkipped = j.value("layerPairMISkipped", d.layerPairMISkipped);
    r.predictability = j.value("predictability", d.predictability);
    r.journeys = j.value("journeys", d.journeys);
    r.queries = j.value("queries", d.queries);
    r.samples = j.value("samples", d.samples);
}

void saveAnalysisJson(const AnalysisResult& r, const std::string& path)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f)
            throw Error("analysis: cannot write " + tmp);
        // JSON holds UTF-8 only: labels that are not (document ids of a trace whose file
        // names are in another encoding) are written with U+FFFD at the bytes at fault rather
        // than failing with nlohmann's type_error 316; traceDir keeps its bytes (path_json.h).
        f << nlohmann::json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        f.flush();
        if (!f)
            throw Error("analysis: write failed for " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw Error("analysis: cannot rename " + tmp + " to " + path + ": " + ec.message());
}

AnalysisResult loadAnalysisJson(const std::string& path)
{
    const std::string text = readFile(path, "the analysis");
    try {
        nlohmann::json j = nlohmann::json::parse(text);
        return j.get<AnalysisResult>();
    } catch (const nlohmann::json::exception& e) {
        throw Error("analysis: " + path + ": " + jsonErrorText(e));
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

namespace {

std::string csvText(const std::string& s)
{
    bool quote = false;
    for (char c : s)
        if (c == ',' || c == '"' || c == '\n' || c == '\r')
            quote = true;
    if (!quote)
        return s;
    std::string o = "\"";
    for (char c : s) {
        if (c == '"')
            o += '"';
        o += c;
    }
    return o + "\"";
}

std::string num(double v) { return cNumber(v); }

class CsvFile {
public:
    CsvFile(const std::string& dir, const std::string& name, const std::string& header,
            std::vector<std::string>& written)
        : m_path(dir + "/" + name), m_f(m_path, std::ios::binary | std::ios::trunc)
    {
        if (!m_f)
            throw Error("analysis: cannot write " + m_path);
        m_f << header << '\n';
        written.push_back(name);
    }
    std::ostream& out() { return m_f; }
    ~CsvFile() = default;
    void close()
    {
        m_f.flush();
        if (!m_f)
            throw Error("analysis: write failed for " + m_path);
    }

private:
    std::string m_path;
    std::ofstream m_f;
};

// A weight cell: empty where the traces hold no router weights.
template <class T>
std::string weightText(const std::vector<T>& w, size_t i)
{
    return i < w.size() ? num(double(w[i])) : std::string();
}

// Tables of more experts list only the cells with a count (the full E x E grid of 256
// experts would be 65536 rows per layer, nearly all zero).
constexpr int kDenseCsvExperts = 32;

void journeyRows(std::ostream& o, const std::string& prefix, const TokenJourney& t, const AnalysisResult& r)
{
    for (int l = 0; l < r.layers; ++l)
        for (int j = 0; j < r.topk; ++j) {
            const size_t i = size_t(l) * size_t(r.topk) + size_t(j);
            if (i >= t.experts.size())
                return;
            o << prefix << t.seqId << ',' << csvText(t.source) << ',' << t.position << ','
              << t.tokenId << ',' << csvText(t.text) << ',' << r.decoderLayer(l) << ',' << j << ','
              << int(t.experts[i]) << ',' << weightText(t.weights, i) << '\n';
        }
}

std::string groupLabel(const GroupStats* g) { return g->source.empty() ? std::string("*") : g->source; }

// load.csv, balance.csv, coactivation.csv, repetition.csv: per group (overall first) and layer.
void writeLoadCsvs(const AnalysisResult& r, const std::string& dir, std::vector<std::string>& written)
{
    const int E = r.experts;
    std::vector<const GroupStats*> groups{&r.overall};
    for (const auto& g : r.sources)
        groups.push_back(&g);
    {
        CsvFile f(dir, "load.csv",
                  "source,layer,expert,first_count,first_share,any_count,any_share,any_rate,"
                  "weight_sum,weight_share",
                  written);
        for (const GroupStats* g : groups)
            for (size_t l = 0; l < g->layers.size(); ++l) {
                const LayerLoad& ll = g->layers[l];
                for (int e = 0; e < E && size_t(e) < ll.firstCounts.size(); ++e)
                    f.out() << csvText(groupLabel(g)) << ',' << r.decoderLayer(int(l)) << ',' << e << ','
                            << ll.firstCounts[e] << ',' << num(ll.firstShare[e]) << ','
                            << ll.anyCounts[e] << ',' << num(ll.anyShare[e]) << ','
                            << num(ll.anyRate[e]) << ',' << weightText(ll.weightSums, size_t(e)) << ','
                            << weightText(ll.weightShare, size_t(e)) << '\n';
            }
        f.close();
    }
    {
        CsvFile f(dir, "balance.csv",
                  "source,layer,tokens,entropy_first_bits,entropy_first_norm,entropy_any_bits,"
                  "entropy_any_norm,cv_first,cv_any,max_over_uniform_first,max_over_uniform_any,"
                  "min_over_uniform_first,min_over_uniform_any,tv_from_uniform_first,"
                  "tv_from_uniform_any,kl_from_uniform_first_bits,kl_from_uniform_any_bits",
                  written);
        for (const GroupStats* g : groups)
            for (size_t l = 0; l < g->layers.size(); ++l) {
                const LayerLoad& x = g->layers[l];
                f.out() << csvText(groupLabel(g)) << ',' << r.decoderLayer(int(l)) << ',' << x.tokens << ','
                        << num(x.entropyFirstBits) << ',' << num(x.entropyFirstNorm) << ','
                        << num(x.entropyAnyBits) << ',' << num(x.entropyAnyNorm) << ','
                        << num(x.cvFirst) << ',' << num(x.cvAny) << ','
                        << num(x.maxOverUniformFirst) << ',' << num(x.maxOverUniformAny) << ','
                        << num(x.minOverUniformFirst) << ',' << num(x.minOverUniformAny) << ','
                        << num(x.tvFromUniformFirst) << ',' << num(x.tvFromUniformAny) << ','
                        << num(x.klFromUniformFirstBits) << ',' << num(x.klFromUniformAnyBits)
                        << '\n';
            }
        f.close();
    }
    {
        CsvFile f(dir, "coactivation.csv", "source,layer,expert_a,expert_b,count", written);
        for (const GroupStats* g : groups)
            for (size_t l = 0; l < g->layers.size(); ++l) {
                const auto& c = g->layers[l].coactivation;
                for (int a = 0; a < E; ++a)
                    for (int b = 0; b < E; ++b)
                        if (size_t(a * E + b) < c.size() && (E <= kDenseCsvExperts || c[a * E + b] != 0))
                            f.out() << csvText(groupLabel(g)) << ',' << r.decoderLayer(int(l)) << ',' << a << ','
                                    << b << ',' << c[a * E + b] << '\n';
            }
        f.close();
    }
    {
        CsvFile f(dir, "repetition.csv",
                  "source,layer,pairs,same_first,same_first_rate,overlap,overlap_rate,"
                  "random_same_first_rate,random_overlap_rate,same_first_expected_from_load",
                  written);
        for (const GroupStats* g : groups)
            for (size_t l = 0; l < g->repetition.size(); ++l) {
                const LayerRepetition& x = g->repetition[l];
                f.out() << csvText(groupLabel(g)) << ',' << r.decoderLayer(int(l)) << ',' << x.pairs << ',' << x.sameFirst
                        << ',' << num(x.sameFirstRate) << ',' << x.overlap << ','
                        << num(x.overlapRate) << ',' << num(r.randomSameFirstRate) << ','
                        << num(r.randomOverlapRate) << ',' << num(x.sameFirstExpectedFromLoad)
                        << '\n';
            }
        f.close();
    }
}

// transitions.csv, transition_mi.csv, layer_mi.csv.
void writeTransitionCsvs(const AnalysisResult& r, const std::string& dir, std::vector<std::string>& written)
{
    const int E = r.experts, L = r.layers;
    {
        CsvFile f(dir, "transitions.csv",
                  "distance,from_layer,to_layer,expert_from,expert_to,first_count,first_prob,"
                  "any_count,any_prob",
                  written);
        for (const auto& t : r.transitions)
            for (int a = 0; a < E; ++a)
                for (int b = 0; b < E; ++b) {
                    const size_t i = size_t(a) * E + b;
                    if (i >= t.firstCounts.size() || (E > kDenseCsvExperts && t.firstCounts[i] == 0 && t.anyCounts[i] == 0))
                        continue;
                    f.out() << t.distance << ',' << r.decoderLayer(t.fromLayer) << ','
                            << r.decoderLayer(t.fromLayer + t.distance) << ',' << a << ',' << b << ',' << t.firstCounts[i] << ','
                            << num(t.firstProb[i]) << ',' << t.anyCounts[i] << ','
                            << num(t.anyProb[i]) << '\n';
                }
        f.close();
    }
    {
        CsvFile f(dir, "transition_mi.csv", "distance,from_layer,to_layer,mi_bits,normalized_mi",
                  written);
        for (const auto& t : r.transitions)
            f.out() << t.distance << ',' << r.decoderLayer(t.fromLayer) << ','
                    << r.decoderLayer(t.fromLayer + t.distance) << ',' << num(t.mutualInfoBits) << ',' << num(t.normalizedMI) << '\n';
        f.close();
    }
    if (!r.mutualInfoBits.empty()) {
        CsvFile f(dir, "layer_mi.csv", "layer_i,layer_j,mi_bits,normalized_mi", written);
        for (int i = 0; i < L; ++i)
            for (int j = 0; j < L; ++j)
                f.out() << r.decoderLayer(i) << ',' << r.decoderLayer(j) << ',' << num(r.mutualInfoBits[size_t(i) * L + j]) << ','
                        << num(r.normalizedMI[size_t(i) * L + j]) << '\n';
        f.close();
    }
}

// predictability.csv, predictability_summary.csv.
void writePredictabilityCsvs(const AnalysisResult& r, const std::string& dir, std::vector<std::string>& written)
{
    {
        CsvFile f(dir, "predictability.csv",
                  "context,horizon,target_layer,train_tokens,test_tokens,held_out_accuracy,"
                  "in_sample_accuracy,baseline_accuracy,unseen_context_share",
                  written);
        for (const auto& c : r.predictability.cells)
            f.out() << c.context << ',' << c.horizon << ',' << r.decoderLayer(c.targetLayer) << ','
                    << c.trainTokens << ',' << c.testTokens << ',' << num(c.heldOutAccuracy)
                    << ',' << num(c.inSampleAccuracy) << ',' << num(c.baselineAccuracy) << ','
                    << num(c.unseenContextShare) << '\n';
        f.close();
    }
    {
        CsvFile f(dir, "predictability_summary.csv",
                  "context,horizon,mean_held_out_accuracy,mean_in_sample_accuracy,"
                  "mean_baseline_accuracy",
                  written);
        for (const auto& s : r.predictability.summary)
            f.out() << s.context << ',' << s.horizon << ',' << num(s.meanHeldOutAccuracy) << ','
                    << num(s.meanInSampleAccuracy) << ',' << num(s.meanBaselineAccuracy) << '\n';
        f.close();
    }
}

// journeys.csv, queries.csv, samples.csv (each only when the result holds such tokens).
void writeTokenCsvs(const AnalysisResult& r, const std::string& dir, std::vector<std::string>& written)
{
    const int E = r.experts, L = r.layers;
    if (!r.journeys.empty()) {
        CsvFile f(dir, "journeys.csv",
                  "seq_id,source,position,token_id,text,layer,rank,expert,weight", written);
        for (const auto& s : r.journeys)
            for (const auto& t : s.tokens)
                journeyRows(f.out(), "", t, r);
        f.close();
    }
    if (!r.queries.empty()) {
        CsvFile f(dir, "queries.csv",
                  "query,seq_id,source,position,token_id,text,layer,rank,expert,weight", written);
        for (const auto& q : r.queries)
            for (const auto& t : q.journeys)
                journeyRows(f.out(), csvText(q.query) + ",", t, r);
        f.close();
    }
    if (r.samples.perCell > 0 && !r.samples.anyChoice.empty()) {
        CsvFile f(dir, "samples.csv",
                  "layer,expert,choice,seq_id,position,token_id,rank,weight,text", written);
        for (int l = 0; l < L; ++l)
            for (int e = 0; e < E; ++e)
                for (int first = 1; first >= 0; --first)
                    for (const auto& s : r.samples.at(l, e, first != 0))
                        f.out() << r.decoderLayer(l) << ',' << e << ',' << (first ? "first" : "any") << ','
                                << s.seqId << ',' << s.position << ',' << s.tokenId << ','
                                << int(s.rank) << ',' << (r.hasWeights ? num(s.weight) : std::string()) << ','
                                << csvText(s.text)
                                << '\n';
        f.close();
    }
}

} // namespace

std::vector<std::string> writeAnalysisCsv(const AnalysisResult& r, const std::string& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw Error("analysis: cannot create folder " + dir + ": " + ec.message());
    std::vector<std::string> written;
    writeLoadCsvs(r, dir, written);
    writeTransitionCsvs(r, dir, written);
    writePredictabilityCsvs(r, dir, written);
    writeTokenCsvs(r, dir, written);
    return written;
}

} // namespace specmoe
