#pragma once
// A predictor's configuration: what its config.json holds (docs/speculation.md, "Exported
// predictor"). The one reader of a predictor folder's config.json, for the trainer, the
// evaluation, the run folder and the workbench's dialogs alike. Torch-free.
#include "core/trace/routing.h"
#include "core/trace/split.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace specmoe::speculate {

// The networks' sizes and inputs (config.json's "model"; TrainParams::model).
struct ModelParams {
    int embedDim = 48;       // (layer, expert) and token embeddings
    int hiddenDim = 96;      // GRU state
    int tokenBuckets = 4096; // token ids are hashed into this many embeddings (0 = unused)
    int statsDim = 32;       // projection of the layer statistics (Statistics-Aware)
    bool useWeights = true;  // weight the expert embeddings by the router weights
    bool useTokenIds = true;
    bool useLookahead = true; // feed the lookahead probes when the traces have them
    bool useFeatures = true;  // feed the hidden-state features when the traces have them
    int mlpDim = 512;         // width of the hidden-state model's MLP (512: +0.2 / +0.3 points over 256 measured)
    // Decode context: the hidden-state model also reads the previous token's routing (every
    // layer). Valid only in decode, where token t-1 has finished all layers before token t
    // starts; a prefill engine that routes a whole prompt layer by layer has no such input
    // (train with it off for that). On by default: +0.7 / +1.3 points of recall@2 at h = 1 / 2
    // on the demo's held-out documents (docs/speculation.md).
    bool decodeContext = true;
    // With decode context, also the previous token's hidden-state features of every layer
    // (the same features, through a map of their own; valid only in decode, as above). On by
    // default: +1.8 / +3.1 points of recall@2 at h = 1 / 2 on the demo's held-out documents.
    bool decodeFeatures = true;
};

struct PredictorConfig {
    TraceDims dims;
    int horizon = 2;
    ModelParams model;
    bool inter = true, stat = true, ens = true;
    bool hidden = false; // the hidden-state model (reads dims.featureDim features per layer)
    // Why the hidden-state model was asked for but not trained (no features in the traces,
    // or model.useFeatures off); empty when it was trained or not asked for.
    std::string hiddenUnavailable;
    // The feature basis the features were computed with (core/trace/feature_basis.h): its
    // kind ("gate_logits:2+pca:16") and the file in the predictor folder that holds it
    // (empty: none travels with the predictor).
    std::string featureKind, featureBasisFile;
    std::vector<std::string> components; // ensemble inputs, in order
    std::vector<int> fallback;           // [H, L] by predicted layer: -1 gate, else component
    SplitSpec split;
    std::string fingerprint;
    int64_t trainTokens = 0;
    int bestEpoch = 0;

    bool lookInput() const { return model.useLookahead && !dims.lookahead.empty(); }
    int lookaheadCount() const { return int(dims.lookahead.size()); } // D: lookahead probes per layer
    // F when the predictor reads the hidden-state features, else 0.
    int featureInput() const { return hidden && model.useFeatures ? dims.featureDim : 0; }
    // Whether the hidden-state model reads the previous token's routing (decode context).
    bool previousInput() const { return hidden && model.decodeContext; }
    // Whether it also reads the previous token's features (decode context with features).
    bool previousFeatureInput() const { return previousInput() && model.decodeFeatures && featureInput() > 0; }
    // The trained models it holds, in file order: interlayer, statistics, hidden-state, ensemble.
    std::vector<std::string> models() const;

    nlohmann::json toJson() const;
    // Throws specmoe::Error naming `where` and the field at fault.
    static PredictorConfig fromJson(const nlohmann::json& j, const std::string& where);
    // Reads DIR/config.json; throws specmoe::Error naming the file (unreadable, not JSON,
    // not a predictor's config) and the field at fault.
    static PredictorConfig load(const std::string& predictorDir);
    // As load(), or nothing when DIR holds no config.json.
    static std::optional<PredictorConfig> find(const std::string& predictorDir);
};

// The two files of a predictor folder: DIR/config.json and DIR/predictor.safetensors.
std::string predictorConfigFile(const std::string& dir);
std::string predictorWeightsFile(const std::string& dir);
// Whether DIR holds both, without reading them.
bool isPredictorFolder(const std::string& dir);

} // namespace specmoe::speculate
