// Predictor persistence: weights as named arrays, config.json + predictor.safetensors.
#include "core/speculate/predictor.h"

#include "core/speculate/feature_basis_file.h"
#include "core/speculate/tensor_file.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace specmoe::speculate {

namespace fs = std::filesystem;
namespace nn = torch::nn;

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

static void collect(const std::string& prefix, const nn::Module& m, NamedTensors& out)
{
    for (const auto& p : m.named_parameters(true))
        out.emplace_back(prefix + "." + p.key(), p.value());
}

// The networks' parameters under their file names ("interlayer.…"), in the order saved.
static NamedTensors namedParameters(const Predictor& p)
{
    NamedTensors out;
    if (p.inter)
        collect(kInterLayer, *p.inter, out);
    if (p.stat)
        collect(kStatistics, *p.stat, out);
    if (p.hid)
        collect(kHiddenState, *p.hid, out);
    if (p.ens)
        collect(kEnsemble, *p.ens, out);
    return out;
}

std::vector<NamedArray> Predictor::weightArrays() const
{
    const NamedTensors ps = namedParameters(*this);
    std::vector<NamedArray> out;
    for (const auto& [name, t] : ps) {
        torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
        std::vector<float> v(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        out.push_back(makeF32(name, c.sizes().vec(), v));
    }
    return out;
}

std::string Predictor::firstNonFiniteParameter() const
{
    for (const auto& [name, t] : namedParameters(*this))
        if (!torch::isfinite(t.detach()).all().item<bool>())
            return name;
    return {};
}

void Predictor::setWeights(const std::vector<NamedArray>& arrays, const std::string& where)
{
    std::map<std::string, const NamedArray*> byName;
    for (const auto& a : arrays)
        byName[a.name] = &a;
    const NamedTensors ps = namedParameters(*this);
    torch::NoGradGuard ng;
    for (const auto& [name, t] : ps) {
        auto it = byName.find(name);
        if (it == byName.end())
            throw Error(where + ": tensor '" + name + "' is missing");
        std::vector<float> v = asF32(*it->second, where);
        if (int64_t(v.size()) != t.numel() || it->second->shape != t.sizes().vec())
            throw Error(where + ": tensor '" + name + "' has the wrong shape");
        t.copy_(torch::from_blob(v.data(), t.sizes(), torch::kFloat));
    }
}

void Predictor::save(const std::string& dir) const
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error("cannot create the predictor folder " + dir + ": " + ec.message());
    std::vector<NamedArray> arrays = weightArrays();
    for (auto& a : stats.toArrays())
        arrays.push_back(std::move(a));
    writeTensorFile(predictorWeightsFile(dir), arrays, {{"format", "specmoe-predictor"}});
    if (basis && !cfg.featureBasisFile.empty())
        writeFeatureBasisFile(dir + "/" + cfg.featureBasisFile, *basis);
    writeFileAtomic(predictorConfigFile(dir), cfg.toJson().dump(2) + "\n");
}

Predictor Predictor::load(const std::string& dir, const torch::Device& d)
{
    Predictor p;
    p.cfg = PredictorConfig::load(dir);
    const std::string wPath = predictorWeightsFile(dir);
    const std::vector<NamedArray> arrays = readTensorFile(wPath);
    p.build(0);
    p.setWeights(arrays, wPath);
    p.stats.fromArrays(p.cfg.dims, p.cfg.horizon, arrays, wPath);
    if (!p.cfg.featureBasisFile.empty()) {
        const std::string bPath = dir + "/" + p.cfg.featureBasisFile;
        auto basis = std::make_shared<FeatureBasis>(readFeatureBasisFile(bPath, p.cfg.featureKind));
        checkFeatureBasis(*basis, p.cfg.dims.layers, p.cfg.dims.featureDim, bPath);
        p.basis = std::move(basis);
    }
    p.to(d);
    p.train(false);
    return p;
}

} // namespace specmoe::speculate
