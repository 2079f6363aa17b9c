// The two kinds of PredictionStream: a saved predictor (its models and the baselines from its
// stored statistics) and the statistics baselines counted on a training split.
#include "core/speculate/prediction_stream.h"

#include "core/speculate/block_dims.h"
#include "core/speculate/predictor.h"
#include "core/speculate/run_folder.h"
#include "core/speculate/stats.h"
#include "core/speculate/train.h"
#include "core/tensor/resolve_device.h"
#include "core/util/error.h"

#include <torch/nn.h>

#include <algorithm>
#include <cstring>

namespace specmoe::speculate {

PredictionStream::~PredictionStream() = default;

bool PredictionStream::nextTokenScores(int layer, std::vector<float>& out) const
{
    if (m_nextToken.empty())
        return false;
    const size_t E = m_nextToken.size() / size_t(std::max(1, m_layers));
    if (layer < 0 || layer >= m_layers)
        throw Error("next-token scores of layer " + std::to_string(layer) + " (accepted: 0.." +
                    std::to_string(m_layers - 1) + ")");
    out.assign(m_nextToken.begin() + std::ptrdiff_t(size_t(layer) * E),
               m_nextToken.begin() + std::ptrdiff_t(size_t(layer + 1) * E));
    return true;
}

namespace {

// Tokens per inference batch: the batch tensors stay small, the model runs a few times per block.
constexpr size_t kBatchTokens = 256;

std::vector<std::string> predictorModels(const Predictor& p)
{
    std::vector<std::string> names;
    if (p.inter)
        names.push_back(kInterLayer);
    if (p.stat)
        names.push_back(kStatistics);
    if (p.hid)
        names.push_back(kHiddenState);
    if (p.ens)
        names.push_back(kEnsemble);
    names.insert(names.end(), {kFrequency, kMarkov});
    if (!p.cfg.dims.lookahead.empty())
        names.push_back(kLookahead);
    names.push_back(kUniform);
    return names;
}

// Every layer's training-split frequency [L, E]: what kFrequency scores the next token with.
std::vector<float> layerFrequencies(const LayerStats& stats, int& layers)
{
    layers = stats.layers();
    std::vector<float> out;
    for (int l = 0; l < stats.layers(); ++l)
        out.insert(out.end(), stats.frequency(l), stats.frequency(l) + stats.experts());
    return out;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

class SavedPredictorStream final : public PredictionStream {
public:
    SavedPredictorStream(const std::string& dir, const std::string& model, const DeviceSpec& device)
        : m_dir(dir), m_p(Predictor::load(dir, resolveDevice(device)))
    {
        const std::vector<std::string> names = predictorModels(m_p);
        std::string chosen = model;
        if (chosen.empty()) // the predictor's best guess: its ensemble, else its first model
            chosen = m_p.ens ? kEnsemble : names.front();
        if (std::find(names.begin(), names.end(), chosen) == names.end())
            throw Error(dir + ": the predictor has no model '" + chosen + "' (it has: " + joined(names) + ")");
        m_p.train(false);
        m_name = chosen;
        m_horizon = m_p.cfg.horizon;
        m_split = m_p.cfg.split;
        m_table.init(m_p.cfg.dims, m_p.cfg.model.useWeights, m_p.cfg.featureInput() > 0, m_p.cfg.previousInput(),
                     m_p.cfg.previousFeatureInput());
        if (m_name == kFrequency)
            m_nextToken = layerFrequencies(m_p.stats, m_layers);
    }

    void predict(const RoutingBlock& block, std::vector<float>& out) override
    {
        const PredictorConfig& c = m_p.cfg;
        checkBlockDims(c.dims, block, "predictions of " + m_dir, c.model.useWeights, c.featureInput());
        const size_t row = size_t(c.dims.layers) * size_t(m_horizon) * size_t(c.dims.experts);
        out.assign(block.numTokens() * row, 0.0f);
        for (size_t first = 0; first < block.numTokens(); first += kBatchTokens) {
            const size_t n = std::min(kBatchTokens, block.numTokens() - first);
            m_table.clear();
            for (size_t t = first; t < first + n; ++t)
                m_table.append(block, t);
            const Batch b = buildBatch(m_table, m_p.stats, c).to(m_p.device);
            for (const auto& [name, probs] : m_p.predictAll(b))
                if (name == m_name) {
                    const torch::Tensor f = probs.to(torch::kFloat).contiguous();
                    std::memcpy(out.data() + first * row, f.data_ptr<float>(), n * row * sizeof(float));
                }
        }
    }

private:
    std::string m_dir;
    Predictor m_p;
    TokenTable m_table;
};

class TrainingSplitStream final : public PredictionStream {
public:
    TrainingSplitStream(const BlockSource& source, const SplitSpec& split, int horizon, const std::string& baseline,
                        const ProgressFn& progress)
        : m_dims(source.dims)
    {
        const auto known = trainingSplitBaselines();
        if (std::find(known.begin(), known.end(), baseline) == known.end())
            throw Error("no baseline '" + baseline + "' (known: " + joined(known) + ")");
        if (baseline == kLookahead && m_dims.lookahead.empty())
            throw Error("the lookahead baseline needs lookahead probes, and " + source.description + " holds none");
        if (horizon < 1 || horizon >= m_dims.layers)
            throw Error("horizon " + std::to_string(horizon) + " is out of range for " + std::to_string(m_dims.layers) +
                        " layers (accepted: 1.." + std::to_string(m_dims.layers - 1) + ")");
        m_name = baseline;
        m_horizon = horizon;
        m_split = split;
        m_stats.init(m_dims, horizon);
        countTrainingSplit(source, progress);
        if (m_name == kFrequency)
            m_nextToken = layerFrequencies(m_stats, m_layers);
    }

    void predict(const RoutingBlock& block, std::vector<float>& out) override
    {
        checkBlockDims(m_dims, block, "baseline " + m_name);
        const int L = m_dims.layers, E = m_dims.experts, k = m_dims.topk, H = m_horizon;
        const size_t D = m_dims.lookahead.size();
        out.assign(block.numTokens() * size_t(L) * size_t(H) * size_t(E), 0.0f);
        for (size_t t = 0; t < block.numTokens(); ++t) {
            const ExpertId* ids = block.topkIds.data() + t * size_t(L) * size_t(k);
            const ExpertId* look = D ? block.lookaheadIds.data() + t * size_t(L) * D * size_t(k) : nullptr;
            for (int l = 0; l < L; ++l)
                for (int h = 1; h <= H && l + h < L; ++h) {
                    float* o = out.data() + ((t * size_t(L) + size_t(l)) * size_t(H) + size_t(h - 1)) * size_t(E);
                    if (m_name == kFrequency)
                        std::memcpy(o, m_stats.frequency(l + h), size_t(E) * sizeof(float));
                    else if (m_name == kMarkov)
                        m_stats.markov(ids + l * k, l, h, o);
                    else
                        m_stats.lookahead(look, l, h, o);
                }
        }
    }

private:
    void countTrainingSplit(const BlockSource& source, const ProgressFn& progress)
    {
        const size_t L = size_t(m_dims.layers), k = size_t(m_dims.topk), D = m_dims.lookahead.size();
        int64_t seen = 0;
        ProgressMeter meter;
        source.forEachBlock(
            [&](const RoutingBlock& b) {
                checkBlockDims(m_dims, b, source.description);
                for (size_t t = 0; t < b.numTokens(); ++t)
                    if (splitOf(b.seqIds[t], m_split) == Split::Train)
                        m_stats.count(b.topkIds.data() + t * L * k, D ? b.lookaheadIds.data() + t * L * D * k : nullptr);
                seen += int64_t(b.numTokens());
                Progress p;
                p.stage = "statistics";
                p.unit = "tokens";
                p.done = seen;
                p.message = "baseline " + m_name + " (training split)";
                meter.measure(p);
                reportProgress(progress, p);
                return true;
            },
            0);
        if (m_stats.tokens() == 0)
            throw Error("the training split of " + source.description + " is empty: the " + m_name +
                        " baseline has no statistics to count");
        m_stats.finalize();
    }

    TraceDims m_dims;
    LayerStats m_stats;
};

} // namespace

std::vector<std::string> PredictionStream::trainingSplitBaselines() { return {kFrequency, kMarkov, kLookahead}; }

std::unique_ptr<PredictionStream> PredictionStream::fromPredictor(const std::string& dir, const std::string& model,
                                                                  const DeviceSpec& device)
{
    // A run folder means its best checkpoint, as `specmoe eval --run` does.
    std::string folder = dir;
    if (!isPredictorFolder(folder) && RunFolder::hasBestCheckpoint(dir))
        folder = RunFolder::bestCopy(dir);
    if (!isPredictorFolder(folder))
        throw Error(dir + ": neither a training run with a best checkpoint nor an exported predictor " +
                    "(config.json and predictor.safetensors expected)");
    return std::make_unique<SavedPredictorStream>(folder, model, device);
}

std::unique_ptr<PredictionStream> PredictionStream::fromTrainingSplit(const BlockSource& source, const SplitSpec& split,
                                                                      int horizon, const std::string& baseline,
                                                                      const ProgressFn& progress)
{
    return std::make_unique<TrainingSplitStream>(source, split, horizon, baseline, progress);
}

} // namespace specmoe::speculate
