// Times our runtime's forward pass for one decode step (core/model's public MixtralRuntime).
#include "core/simulate/compute_measurement.h"

#include "core/model/runtime.h"
#include "core/util/error.h"
#include "core/util/json_fields.h"
#include "core/util/path_json.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace specmoe::simulate {

std::string ComputeMeasurement::method() const
{
    char buf[256];
    std::snprintf(buf, sizeof buf, "median of %d forwards of [%d, 1] tokens (after %d untimed) on %s in %s, / %d layers",
                  repeats, batch, warmup, device.c_str(), dtype.c_str(), layers);
    return buf;
}

ComputeMeasurement measureCompute(const MeasureParams& params, const ProgressFn& progress)
{
    if (params.batch < 1 || params.repeats < 1 || params.warmup < 0)
        throw Error("measure compute: batch and repeats must be >= 1, warm-up >= 0");
    if (!std::filesystem::exists(std::filesystem::path(params.modelDir) / "config.json"))
        throw Error("measure compute: " + params.modelDir + " is not a checkpoint folder (config.json expected)");
    RuntimeOptions opts;
    opts.device = params.device;
    const c10::Device device = resolveDevice(params.device);
    // What an engine decodes in on each: float32 on the CPU (no fast bfloat16 GEMMs there).
    opts.dtype = device.is_cuda() ? ComputeDType::BFloat16 : ComputeDType::Float32;
    opts.lookahead.clear();
    MixtralRuntime runtime(params.modelDir, opts);

    ComputeMeasurement m;
    m.modelDir = params.modelDir;
    m.device = device.str();
    m.dtype = runtime.dtype();
    m.batch = params.batch;
    m.layers = int(runtime.config().numLayers);
    m.warmup = params.warmup;
    m.repeats = params.repeats;
    at::manual_seed(7);
    const at::Tensor ids = at::randint(runtime.config().vocabSize, {params.batch, 1}, at::kLong);
    const at::Tensor mask = at::ones({params.batch, 1}, at::kBool);
    RouteOptions ro;
    ro.lookahead = false;
    ro.features = false;
    std::vector<double> ms;
    Progress p;
    p.stage = "measure compute";
    p.unit = "forwards";
    p.total = params.warmup + params.repeats;
    for (int i = 0; i < params.warmup + params.repeats; ++i) {
        // route() returns its results on the host: the device has finished when it returns.
        const auto t0 = std::chrono::steady_clock::now();
        runtime.route(ids, mask, ro);
        const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (i >= params.warmup)
            ms.push_back(t);
        p.done = i + 1;
        reportProgress(progress, p);
    }
    std::sort(ms.begin(), ms.end());
    m.medianMs = ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
    m.msPerLayer = m.medianMs / double(m.layers);
    return m;
}

nlohmann::json measurementJson(const ComputeMeasurement& m)
{
    return {{"model_dir", pathToJson(m.modelDir)}, {"device", m.device},   {"dtype", m.dtype},
            {"batch", m.batch},        {"layers", m.layers},   {"warmup", m.warmup},
            {"repeats", m.repeats},    {"median_ms", m.medianMs}, {"ms_per_layer", m.msPerLayer},
            {"method", m.method()}};
}

ComputeMeasurement measurementFromJson(const nlohmann::json& j, const std::string& where)
{
    const JsonFields f(j, where);
    for (const char* key : {"model_dir", "batch", "layers", "repeats", "median_ms", "ms_per_layer"})
        if (!f.has(key))
            throw Error(f.field(key) + " is missing");
    ComputeMeasurement m;
    f.readPath("model_dir", m.modelDir);
    f.read("device", m.device);
    f.read("dtype", m.dtype);
    f.read("batch", m.batch);
    f.read("layers", m.layers);
    f.read("warmup", m.warmup);
    f.read("repeats", m.repeats);
    f.read("median_ms", m.medianMs);
    f.read("ms_per_layer", m.msPerLayer);
    if (!(m.msPerLayer > 0) || m.layers < 1 || m.batch < 1)
        throw Error(where + ": ms_per_layer must be > 0, layers and batch >= 1");
    return m;
}

} // namespace specmoe::simulate
