#pragma once
// A simulation small enough for a test (core and GUI alike): synthetic routing whose next
// layer follows from this one (Markov can predict it, frequency cannot) at 6 layers x 8
// experts, top-2, and a Mixtral-like config.json for the expert size; three cache sizes,
// two link bandwidths, LRU, frequency and Markov between the bounds. No GoogleTest, no Qt.
#include "core/simulate/simulate.h"
#include "core/speculate/source.h"
#include "core/trace/synthetic_trace.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace specmoe::test {

inline TraceDims tinySimulationDims()
{
    TraceDims d;
    d.layers = 6;
    d.experts = 8;
    d.topk = 2;
    return d;
}

// Writes DIR/config.json (hidden 1024, expert width 3584: 22 MB per bf16 expert).
inline void writeTinySimulationModel(const std::string& dir)
{
    std::ofstream(dir + "/config.json")
        << R"({"architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 1024,
              "intermediate_size": 3584, "num_attention_heads": 8, "num_key_value_heads": 2,
              "num_hidden_layers": 6, "num_local_experts": 8, "num_experts_per_tok": 2})";
}

inline speculate::BlockSource tinySimulationSource()
{
    SyntheticRouting spec;
    spec.dims = tinySimulationDims();
    spec.sequences = 16;
    spec.minLength = spec.maxLength = 32;
    spec.chain = 0.85;
    spec.stick = 0.05;
    spec.seed = 3;
    return speculate::memorySource(syntheticBlocks(spec, 6));
}

// modelDir: a folder written by writeTinySimulationModel.
inline simulate::SimulateParams tinySimulationParams(const std::string& modelDir)
{
    simulate::SimulateParams p;
    p.source = tinySimulationSource();
    p.model = modelDir;
    p.cacheExperts = {2, 4, 6};
    p.policies = {simulate::Policy::Lru};
    p.predictors = {"frequency", "markov"};
    p.horizons = {1};
    p.budgets = {2};
    p.linkGBps = {8.0, 25.0};
    p.threads = 1;
    return p;
}

// The simulation of tinySimulationParams, run once per test program (a model folder in the
// temporary directory, removed again).
inline const simulate::SimulationResult& tinySimulationResult()
{
    static const simulate::SimulationResult r = [] {
        const std::filesystem::path dir =
            std::filesystem::temp_directory_path() / ("specmoe_tiny_simulation_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        writeTinySimulationModel(dir.string());
        simulate::SimulationResult result = simulate::runSimulation(tinySimulationParams(dir.string()));
        std::filesystem::remove_all(dir);
        return result;
    }();
    return r;
}

} // namespace specmoe::test
