// Honest evaluation, export, and block predictions of trained speculation predictors.
#include "core/speculate/block_dims.h"
#include "core/speculate/feature_basis_file.h"
#include "core/util/json_error.h"
#include "core/speculate/predictor.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/split_scores.h"
#include "core/speculate/train.h"
#include "core/tensor/resolve_device.h"
#include "core/tensor/thread_limit.h"
#include "core/tensor/torch_compat.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/malloc_tuning.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>
#include <torch/nn.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace specmoe::speculate {

namespace fs = std::filesystem;

const PredictorMetrics* EvalReport::find(const std::string& name) const
{
    for (const auto& p : predictors)
        if (p.name == name)
            return &p;
    return nullptr;
}

const Metrics& EvalReport::overall(const std::string& name, int horizon) const
{
    const PredictorMetrics* p = find(name);
    if (!p)
        throw Error("report has no predictor '" + name + "'");
    if (horizon < 1 || horizon > int(p->horizons.size()))
        throw Error("report has no horizon " + std::to_string(horizon) + " for '" + name + "'");
    return p->horizons[size_t(horizon - 1)].overall;
}

std::string EvalReport::toJson(bool perLayer) const
{
    std::ostringstream s;
    s << "{\"split\":\"" << split << "\",\"tokens\":" << tokens << ",\"dims\":{\"layers\":" << dims.layers
      << ",\"experts\":" << dims.experts << ",\"topk\":" << dims.topk << "},\"predictors\":[";
    for (size_t i = 0; i < predictors.size(); ++i) {
        const auto& p = predictors[i];
        s << (i ? "," : "") << "{\"name\":\"" << p.name << "\",\"baseline\":" << (p.baseline ? "true" : "false")
          << ",\"horizons\":[";
        for (size_t h = 0; h < p.horizons.size(); ++h) {
            const auto& hm = p.horizons[h];
            s << (h ? "," : "") << "{\"horizon\":" << hm.horizon << ",\"overall\":" << hm.overall.toJson();
            if (perLayer) {
                s << ",\"per_layer\":[";
                for (size_t l = 0; l < hm.perLayer.size(); ++l)
                    s << (l ? "," : "") << hm.perLayer[l].toJson();
                s << "]";
            }
            s << "}";
        }
        s << "]}";
    }
    s << "]";
    if (!unavailable.empty()) {
        nlohmann::json u = nlohmann::json::array();
        for (const UnavailablePredictor& x : unavailable)
            u.push_back({{"name", x.name}, {"reason", x.reason}});
        s << ",\"unavailable\":" << u.dump();
    }
    s << "}";
    return s.str();
}

std::vector<UnavailablePredictor> unavailablePredictors(const TraceDims& dims)
{
    std::vector<UnavailablePredictor> out;
    if (dims.lookahead.empty())
        out.push_back({kLookahead, "the traces hold no lookahead probes (imported traces never do; collect with --lookahead)"});
    return out;
}

std::string hiddenStateUnavailable(const TraceDims& dims, const ModelParams& model)
{
    if (dims.featureDim <= 0)
        return "the traces hold no hidden-state features (collect them with features on)";
    if (!model.useFeatures)
        return "the features are switched off (model.useFeatures false)";
    return {};
}

std::vector<UnavailablePredictor> unavailablePredictors(const PredictorConfig& config)
{
    std::vector<UnavailablePredictor> out = unavailablePredictors(config.dims);
    if (!config.hiddenUnavailable.empty())
        out.push_back({kHiddenState, config.hiddenUnavailable});
    return out;
}

namespace {

Metrics metricsFromJson(const nlohmann::json& j)
{
    Metrics m;
    m.samples = j.at("n").get<int64_t>();
    m.top1 = j.at("top1").get<double>();
    m.exact = j.at("exact").get<double>();
    m.recall = j.at("recall").get<std::vector<double>>();
    m.logloss = j.at("logloss").get<double>();
    m.ece = j.at("ece").get<double>();
    return m;
}

} // namespace

EvalReport EvalReport::fromJson(const std::string& text, const std::string& where)
{
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        EvalReport r;
        r.split = j.at("split").get<std::string>();
        r.tokens = j.at("tokens").get<int64_t>();
        const auto& d = j.at("dims");
        r.dims.layers = d.at("layers").get<int>();
        r.dims.experts = d.at("experts").get<int>();
        r.dims.topk = d.at("topk").get<int>();
        for (const auto& pj : j.at("predictors")) {
            PredictorMetrics p;
            p.name = pj.at("name").get<std::string>();
            p.baseline = pj.at("baseline").get<bool>();
            for (const auto& hj : pj.at("horizons")) {
                HorizonMetrics h;
                h.horizon = hj.at("horizon").get<int>();
                h.overall = metricsFromJson(hj.at("overall"));
                if (hj.contains("per_layer"))
                    for (const auto& lj : hj.at("per_layer"))
                        h.perLayer.push_back(metricsFromJson(lj));
                p.horizons.push_back(std::move(h));
            }
            r.predictors.push_back(std::move(p));
        }
        if (j.contains("unavailable"))
            for (const auto& uj : j.at("unavailable"))
                r.unavailable.push_back({uj.at("name").get<std::string>(), uj.at("reason").get<std::string>()});
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": not an evaluation report (" + jsonErrorText(e) + ")");
    }
}

EvalReport EvalReport::load(const std::string& path)
{
    return fromJson(readFile(path), path);
}

std::string saveEvaluation(const std::string& runDir, const EvalReport& report)
{
    const std::string path = evaluationFile(runDir, report.split);
    writeFileAtomic(path, report.toJson(true) + "\n");
    return path;
}

static std::string predictorFolder(const std::string& runDir, const std::string& predictorDir)
{
    // A run's best/, or best.old/ when a kill interrupted its swap (folder_swap.h).
    const std::string best = runDir.empty() ? std::string() : RunFolder::bestCopy(runDir);
    const std::string dir = !predictorDir.empty() ? predictorDir : !best.empty() ? best : runDir + "/best";
    if (runDir.empty() && predictorDir.empty())
        throw Error("no run folder or predictor folder given");
    if (!isPredictorFolder(dir))
        throw Error(dir + ": no trained predictor here (config.json and predictor.safetensors expected)");
    return dir;
}

EvalReport evaluate(const EvalParams& params, const ProgressFn& progress)
{
    const std::string dir = predictorFolder(params.runDir, params.predictorDir);
    applyThreadLimit(params.threads);
    tuneMallocForTensors(); // as in training: batch tensors reuse heap memory
    Predictor predictor = Predictor::load(dir, resolveDevice(params.device));
    std::vector<std::string> traceDirs = params.traceDirs;
    if (!params.source.valid() && traceDirs.empty()) {
        if (!params.runDir.empty())
            traceDirs = runTraceDirs(params.runDir);
        if (traceDirs.empty())
            throw Error("evaluate: no trace folders given" +
                        std::string(params.runDir.empty() ? "" : " and " + params.runDir + "/metrics.jsonl records none (a run " +
                                                                "of an older version)") +
                        ": name the trace folders to score");
    }
    BlockSource src = params.source.valid() ? params.source : openTraceSource(traceDirs);
    if (!sameRouting(predictor.cfg.dims, src.dims))
        throw Error("evaluate: the traces (" + src.description + ") have other dimensions than the predictor in " +
                    dir + " was trained on (traces of a different model)");
    if (!predictor.cfg.fingerprint.empty() && !src.fingerprint.empty() && predictor.cfg.fingerprint != src.fingerprint)
        throw Error("evaluate: the traces (" + src.description + ") come from another model than the predictor in " +
                    dir + " (fingerprint " + src.fingerprint + " vs " + predictor.cfg.fingerprint + ")");
    // Features computed with another basis (another PCA, another kind) mean something else.
    if (predictor.basis && src.featureBasis && !sameFeatureBasis(*predictor.basis, *src.featureBasis))
        throw Error("evaluate: the features of the traces (" + src.description + ") were computed with another basis (" +
                    src.featureBasis->kind + ") than the predictor in " + dir + " was trained on (" +
                    predictor.basis->kind + ")");
    SplitScores scores;
    try {
        scores = scoreSplit(predictor, src, params.split, params.maxTokens, 256, progress);
    } catch (const c10::Error& e) {
        // One line naming the input, not libtorch's C++ stack trace.
        throw Error("evaluate: libtorch failed scoring " + src.description + " with the predictor in " + dir + ": " +
                    compat::errorText(e));
    }
    if (scores.tokens == 0)
        throw Error("evaluate: the " + splitSelectionName(params.split) + " split of " + src.description + " is empty");
    return makeReport(predictor, scores, splitSelectionName(params.split));
}

// Written in full into a folder of its own inside DIR, then moved in: a failed write (disk
// full, ulimit -f) leaves an earlier predictor in DIR as it was; config.json goes first and
// comes back last, so a kill while moving leaves no config.json rather than weights and a
// config of two predictors.
static void savePredictorInto(const Predictor& predictor, const std::string& outDir)
{
    const fs::path stage = fs::path(outDir) / ".specmoe-export.tmp";
    std::error_code ec;
    fs::remove_all(stage, ec);
    try {
        predictor.save(stage.string());
    } catch (const std::exception& e) {
        fs::remove_all(stage, ec);
        throw Error(std::string("export: cannot write the predictor into ") + outDir + ": " + e.what() +
                    (isPredictorFolder(outDir) ? "; the predictor there is kept as it was" : ""));
    }
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(stage))
        if (e.path().filename() != "config.json")
            names.push_back(e.path().filename().string());
    names.push_back("config.json");
    fs::remove(predictorConfigFile(outDir), ec);
    for (const std::string& name : names)
        renameDurable((stage / name).string(), (fs::path(outDir) / name).string());
    fs::remove_all(stage, ec);
}

ExportResult exportPredictor(const ExportParams& params)
{
    if (params.outDir.empty())
        throw Error("export: no output folder given");
    const std::string dir = predictorFolder(params.runDir, {});
    try {
        // An earlier predictor is replaced; another config.json (a model folder's) is not.
        PredictorConfig::find(params.outDir);
    } catch (const Error& e) {
        throw Error("export: " + params.outDir + " holds a config.json that is not a predictor's, which the " +
                    "export would overwrite: choose another folder (" + e.what() + ")");
    }
    Predictor predictor = Predictor::load(dir, torch::kCPU);
    savePredictorInto(predictor, params.outDir);
    ExportResult result;
    result.weightsFile = predictorWeightsFile(params.outDir);
    result.configFile = predictorConfigFile(params.outDir);
    for (const auto& t : predictor.parameters())
        result.parameters += t.numel();
    return result;
}

BlockPredictions predictBlock(const std::string& predictorDir, const RoutingBlock& block, const DeviceSpec& device)
{
    const std::string dir = predictorFolder({}, predictorDir);
    Predictor p = Predictor::load(dir, resolveDevice(device));
    block.validate();
    checkBlockDims(p.cfg.dims, block, "predict", p.cfg.model.useWeights, p.cfg.featureInput());
    TokenTable tt;
    tt.init(p.cfg.dims, p.cfg.model.useWeights, p.cfg.featureInput() > 0, p.cfg.previousInput(),
            p.cfg.previousFeatureInput());
    for (size_t t = 0; t < block.numTokens(); ++t)
        tt.append(block, t);
    Batch b = buildBatch(tt, p.stats, p.cfg).to(p.device);
    BlockPredictions out;
    for (auto& [name, t] : p.predictAll(b)) {
        out.models.push_back(name);
        out.probs.emplace_back(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    }
    return out;
}

} // namespace specmoe::speculate
