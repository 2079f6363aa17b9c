#include "core/simulate/hardware_profile.h"

#include "core/util/error.h"
#include "core/util/json_error.h"
#include "core/util/json_fields.h"
#include "core/util/read_file.h"

#include <nlohmann/json.hpp>

namespace specmoe::simulate {

namespace {

HardwareProfile make(const char* name, const char* description, double memoryGBps, double tflops, double linkGBps)
{
    HardwareProfile p;
    p.name = name;
    p.description = description;
    p.memoryGBps = memoryGBps;
    p.tflops = tflops;
    p.linkGBps = linkGBps;
    return p;
}

} // namespace

const std::vector<HardwareProfile>& hardwareProfiles()
{
    // Vendor data sheets: memory bandwidth and dense bf16 tensor TFLOPS (no sparsity); the
    // link is the pinned-copy rate of PCIe 4.0 x16 (~25 GB/s) or 5.0 x16 (~50 GB/s).
    static const std::vector<HardwareProfile> profiles{
        make("h100-sxm", "NVIDIA H100 SXM 80GB, PCIe 5.0 x16 host link", 3350, 989, 50),
        make("h100-pcie", "NVIDIA H100 PCIe 80GB, PCIe 5.0 x16 host link", 2000, 756, 50),
        make("h200", "NVIDIA H200 141GB, PCIe 5.0 x16 host link", 4800, 989, 50),
        make("a100-80gb", "NVIDIA A100 SXM 80GB, PCIe 4.0 x16 host link", 2039, 312, 25),
        make("l4", "NVIDIA L4 24GB, PCIe 4.0 x16 host link", 300, 121, 25),
        make("rtx-4090", "NVIDIA GeForce RTX 4090 24GB, PCIe 4.0 x16 host link", 1008, 165, 25),
        make("rtx-3090", "NVIDIA GeForce RTX 3090 24GB, PCIe 4.0 x16 host link", 936, 71, 25),
    };
    return profiles;
}

const HardwareProfile& hardwareProfile(const std::string& name)
{
    std::string known;
    for (const auto& p : hardwareProfiles()) {
        if (p.name == name)
            return p;
        known += (known.empty() ? "" : ", ") + p.name;
    }
    throw Error("unknown hardware profile '" + name + "' (known: " + known + "; or a JSON file)");
}

nlohmann::json profileJson(const HardwareProfile& p)
{
    return {{"name", p.name},
            {"description", p.description},
            {"memory_gbps", p.memoryGBps},
            {"tflops", p.tflops},
            {"memory_efficiency", p.memoryEfficiency},
            {"compute_efficiency", p.computeEfficiency},
            {"layer_overhead_us", p.layerOverheadUs},
            {"link_gbps", p.linkGBps},
            {"link_latency_us", p.linkLatencyUs}};
}

std::string profileToJson(const HardwareProfile& p)
{
    return profileJson(p).dump(2);
}

void readProfile(const JsonFields& f, HardwareProfile& p)
{
    f.read("name", p.name);
    f.read("description", p.description);
    f.read("memory_gbps", p.memoryGBps);
    f.read("tflops", p.tflops);
    f.read("memory_efficiency", p.memoryEfficiency);
    f.read("compute_efficiency", p.computeEfficiency);
    f.read("layer_overhead_us", p.layerOverheadUs);
    f.read("link_gbps", p.linkGBps);
    f.read("link_latency_us", p.linkLatencyUs);
    auto positive = [&](const char* key, double v) {
        if (!(v > 0.0))
            throw Error(f.field(key) + " must be > 0 (it is " + std::to_string(v) + ")");
    };
    positive("memory_gbps", p.memoryGBps);
    positive("tflops", p.tflops);
    positive("link_gbps", p.linkGBps);
    if (!(p.memoryEfficiency > 0.0 && p.memoryEfficiency <= 1.0))
        throw Error(f.field("memory_efficiency") + " must be in (0, 1]");
    if (!(p.computeEfficiency > 0.0 && p.computeEfficiency <= 1.0))
        throw Error(f.field("compute_efficiency") + " must be in (0, 1]");
    if (!(p.layerOverheadUs >= 0.0))
        throw Error(f.field("layer_overhead_us") + " must be >= 0");
    if (!(p.linkLatencyUs >= 0.0))
        throw Error(f.field("link_latency_us") + " must be >= 0");
}

HardwareProfile profileFromJson(const std::string& text, const std::string& where, const HardwareProfile& base)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": not JSON (" + jsonErrorText(e) + ")");
    }
    HardwareProfile p = base;
    readProfile(JsonFields(j, where), p);
    return p;
}

HardwareProfile loadProfile(const std::string& path, const HardwareProfile& base)
{
    return profileFromJson(readFile(path), path, base);
}

} // namespace specmoe::simulate
