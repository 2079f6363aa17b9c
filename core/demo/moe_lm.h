#pragma once
// Training the demo's small Mixtral-architecture language model on the CPU (libtorch),
// with the Switch/Mixtral load-balancing loss, and saving it in the exact Hugging Face hub
// layout (config.json + model.safetensors with hub tensor names). No torch types here;
// the module itself is in moe_lm_module.h.
#include "core/model/config.h"
#include "core/util/progress.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace specmoe::demo {

struct LmArchitecture {
    int hiddenSize = 128;
    int intermediateSize = 256;
    int layers = 4;
    int heads = 4;
    int kvHeads = 2;
    int experts = 8;
    int topk = 2;
    double ropeTheta = 1e6;
    double rmsNormEps = 1e-5;
    int maxPositions = 1024;
};

// Token streams of one domain: documents, each starting with BOS.
struct DomainTokens {
    std::string name;
    std::vector<std::vector<int32_t>> trainDocs;
    std::vector<std::vector<int32_t>> heldOutDocs;
};

struct LmTrainParams {
    LmArchitecture arch;
    int seqLen = 128;
    int batchSize = 16;          // sequences per step (domains in turn)
    double learningRate = 3e-3;  // AdamW peak, then cosine over the time budget
    double minLrFactor = 0.1;
    double weightDecay = 0.1;
    double betas1 = 0.9, betas2 = 0.95;
    int warmupSteps = 30;
    double auxLossCoef = 0.02;   // router_aux_loss_coef, as Mixtral's config
    double gradClip = 1.0;
    double seconds = 300;        // wall-clock training budget
    // Time-bounded training: called every few steps with the measured training throughput
    // (tokens/s, from the third step on); returns the training time in seconds from the
    // start of training, which replaces `seconds` (the cosine schedule follows it). Empty:
    // `seconds` stays.
    std::function<double(double tokensPerSecond)> planSeconds;
    int64_t maxSteps = 0;        // 0 = until the time budget is spent
    int64_t evalTokensPerDomain = 8192; // held-out tokens scored per domain at the end
    int evalBatch = 16;          // held-out windows per forward pass
    int threads = 0;             // intra-op threads; 0 = leave as is
    int blasThreads = 0;         // OpenBLAS threads while training (> 0: set, then restored);
                                 // 1 suits tiny models on a busy machine (no spinning)
    uint64_t seed = 7;
};

struct LossPoint {
    int64_t step = 0;
    double seconds = 0;
    double loss = 0;  // training cross-entropy (nats/token), smoothed
    double aux = 0;   // load-balancing loss (1.0 = perfectly balanced)
};

struct DomainLoss {
    std::string domain;
    int64_t tokens = 0;      // held-out targets scored
    double moeLoss = 0;      // nats/token
    double unigramLoss = 0;  // nats/token, add-one unigram fitted on the training tokens
};

struct LmTrainResult {
    std::string modelDir;
    std::string configFile;
    std::string weightsFile;
    MixtralConfig config;
    int64_t parameters = 0;
    int64_t steps = 0;
    int64_t trainTokensSeen = 0;
    int64_t trainTokensAvailable = 0;
    double seconds = 0;
    double finalTrainLoss = 0;
    double heldOutLoss = 0;      // over all domains' held-out targets
    double unigramLoss = 0;      // same targets
    std::vector<DomainLoss> domains;
    std::vector<LossPoint> curve;
};

// Trains from the token streams and writes <modelDir>/config.json and model.safetensors
// (float32). vocabSize is the tokenizer's. Progress: stage "train-lm", unit "steps"
// (total = maxSteps when set, else unknown; eta from the time budget).
LmTrainResult trainMoeLm(const std::vector<DomainTokens>& data, int64_t vocabSize,
                         const std::string& modelDir, const LmTrainParams& params,
                         const ProgressFn& progress = {});

// Unigram cross-entropy (nats/token) of `targets` under add-one smoothed counts of `train`.
double unigramCrossEntropy(const std::vector<int64_t>& trainCounts, int64_t vocabSize,
                           const std::vector<int32_t>& targets);

} // namespace specmoe::demo
