#pragma once
// Compute time per layer measured from our own runtime on this machine: a checkpoint's
// forward pass (core/model) timed for one decode step of the replay's batch, divided by its
// layers. The simulation uses it in place of the hardware profile's arithmetic (the same
// time for every layer). Torch-free header.
#include "core/tensor/device.h"
#include "core/util/progress.h"

#include <nlohmann/json.hpp>

#include <string>

namespace specmoe::simulate {

struct ComputeMeasurement {
    std::string modelDir;    // the checkpoint timed
    std::string device;      // where it ran ("cpu", "cuda:0")
    std::string dtype;       // the compute dtype
    int batch = 1;           // tokens per forward: one per sequence of the batch (a decode step)
    int layers = 0;          // decoder layers the forward ran
    int warmup = 0;          // forwards run before timing
    int repeats = 0;         // forwards timed
    double medianMs = 0;     // median time of one forward
    double msPerLayer = 0;   // medianMs / layers: what the simulation uses
    // How it was measured, in words (for the JSON and the reports).
    std::string method() const;
};

struct MeasureParams {
    std::string modelDir;
    int batch = 1;
    DeviceSpec device = DeviceSpec::cpu();
    int warmup = 3;
    int repeats = 20;
};

// Loads the checkpoint (resident, float32 on the CPU, bfloat16 on a GPU) and times `repeats`
// forwards of [batch, 1] random token ids after `warmup` untimed ones. Attention sees one
// position (no KV cache: the simulation does not model one either). Throws specmoe::Error
// for a folder that is not a checkpoint (naming it) and Cancelled when progress asks to stop.
ComputeMeasurement measureCompute(const MeasureParams& params, const ProgressFn& progress = {});

nlohmann::json measurementJson(const ComputeMeasurement& m);
// Reads what measurementJson writes; `where` names the object in messages.
ComputeMeasurement measurementFromJson(const nlohmann::json& j, const std::string& where);

} // namespace specmoe::simulate
