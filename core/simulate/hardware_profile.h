#pragma once
// The hardware an offloading engine runs on, as the simulation models it: the GPU's memory
// bandwidth and arithmetic rate (compute time per layer) and the link to the host memory
// behind the expert cache (bandwidth, latency per transfer). Built-in profiles carry public
// figures; users edit them as JSON (`specmoe simulate --profile-file`).
#include "core/util/json_fields.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace specmoe::simulate {

struct HardwareProfile {
    std::string name = "h100-sxm";
    std::string description = "NVIDIA H100 SXM 80GB, PCIe 5.0 x16 host link";
    double memoryGBps = 3350.0;   // GPU memory bandwidth, GB/s (1e9 bytes)
    double tflops = 989.0;        // dense bf16 tensor rate, 1e12 FLOP/s
    // Shares of the peaks a decode step reaches (assumptions, not public figures).
    double memoryEfficiency = 0.8;
    double computeEfficiency = 0.5;
    double layerOverheadUs = 0.0; // fixed cost per layer (kernel launches, sync), microseconds
    double linkGBps = 50.0;       // pinned host-to-device copies
    double linkLatencyUs = 10.0;  // per transfer, before its bytes arrive
};

// The built-in profiles (h100-sxm, h100-pcie, h200, a100-80gb, l4, rtx-4090, rtx-3090).
const std::vector<HardwareProfile>& hardwareProfiles();
// Throws specmoe::Error naming the known profiles.
const HardwareProfile& hardwareProfile(const std::string& name);

// JSON with every field (the keys: name, description, memory_gbps, tflops,
// memory_efficiency, compute_efficiency, layer_overhead_us, link_gbps, link_latency_us).
std::string profileToJson(const HardwareProfile& p);
// Fields absent keep the values of `base`; a wrong type or a value out of range throws
// Error naming `where` and the field.
HardwareProfile profileFromJson(const std::string& text, const std::string& where,
                                const HardwareProfile& base = HardwareProfile{});
// The same from an object already parsed (the profile inside simulation parameters).
void readProfile(const JsonFields& fields, HardwareProfile& out);
nlohmann::json profileJson(const HardwareProfile& p);
// Reads a profile file (Error naming the file).
HardwareProfile loadProfile(const std::string& path, const HardwareProfile& base = HardwareProfile{});

} // namespace specmoe::simulate
