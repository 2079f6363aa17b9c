#include "core/trace/feature_basis.h"

#include "core/safetensors/safetensors.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/util/error.h"

#include <cmath>
#include <cstring>
#include <set>

namespace specmoe {
namespace {

constexpr const char* kFormat = "specmoe-feature-basis";
constexpr const char* kAccepted = "accepted: gate_logits:D, pca:R (D, R positive integers), routers and full, "
                                  "joined with '+', each kind at most once, e.g. \"gate_logits:2+pca:16\"";

// A positive integer of at most 6 digits, or -1.
int parseCount(const std::string& s)
{
    if (s.empty() || s.size() > 6)
        return -1;
    for (char c : s)
        if (c < '0' || c > '9')
            return -1;
    const int v = std::stoi(s);
    return v > 0 ? v : -1;
}

int metaInt(const SafetensorsFile& f, const char* key)
{
    const auto it = f.metadata().find(key);
    if (it == f.metadata().end())
        throw Error("feature basis " + f.path() + ": metadata field '" + key + "' is missing");
    const int v = parseCount(it->second);
    if (v <= 0)
        throw Error("feature basis " + f.path() + ": metadata field '" + key + "' is '" + it->second +
                    "', expected a positive integer");
    return v;
}

// The F32 tensor `name` of `shape`, copied out (the mapping is not aligned in general).
std::vector<float> tensorOf(const SafetensorsFile& f, const char* name, const std::vector<int64_t>& shape)
{
    const TensorEntry* e = f.find(name);
    if (!e)
        throw Error("feature basis " + f.path() + ": tensor '" + name + "' is missing");
    auto dims = [](const std::vector<int64_t>& s) {
        std::string t;
        for (int64_t x : s)
            t += (t.empty() ? "" : ", ") + std::to_string(x);
        return "[" + t + "]";
    };
    if (e->dtype != StDType::F32 || e->shape != shape)
        throw Error("feature basis " + f.path() + ": tensor '" + name + "' is " + stDTypeName(e->dtype) + " " +
                    dims(e->shape) + ", expected F32 " + dims(shape));
    std::vector<float> v(size_t(e->numel()));
    std::memcpy(v.data(), f.bytes(*e), v.size() * sizeof(float));
    return v;
}

} // namespace

int64_t FeatureComponent::dim(int layers, int experts, int hidden) const
{
    switch (kind) {
    case Kind::GateLogits:
        return int64_t(param) * experts;
    case Kind::Pca:
        return param;
    case Kind::Routers:
        return int64_t(layers) * experts;
    case Kind::Full:
        return hidden;
    }
    return 0;
}

std::string FeatureComponent::text() const
{
    switch (kind) {
    case Kind::GateLogits:
        return "gate_logits:" + std::to_string(param);
    case Kind::Pca:
        return "pca:" + std::to_string(param);
    case Kind::Routers:
        return "routers";
    case Kind::Full:
        return "full";
    }
    return "";
}

std::vector<FeatureComponent> parseFeatureSpec(const std::string& spec)
{
    if (spec.empty())
        throw Error(std::string("feature spec is empty (") + kAccepted + ")");
    std::vector<FeatureComponent> out;
    std::set<int> kinds;
    size_t start = 0;
    while (true) {
        const size_t plus = spec.find('+', start);
        const std::string part = spec.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
        const size_t colon = part.find(':');
        const std::string name = part.substr(0, colon);
        const std::string arg = colon == std::string::npos ? "" : part.substr(colon + 1);
        FeatureComponent c;
        const std::string where = "feature spec \"" + spec + "\": part \"" + part + "\"";
        if (name == "gate_logits" || name == "pca") {
            c.kind = name == "pca" ? FeatureComponent::Kind::Pca : FeatureComponent::Kind::GateLogits;
            c.param = parseCount(arg);
            if (c.param <= 0)
                throw Error(where + " needs a positive integer after ':' (" + kAccepted + ")");
        } else if (name == "routers" || name == "full") {
            c.kind = name == "full" ? FeatureComponent::Kind::Full : FeatureComponent::Kind::Routers;
            if (colon != std::string::npos)
                throw Error(where + ": " + name + " takes no parameter (" + kAccepted + ")");
        } else {
            throw Error(where + " is not a feature kind (" + kAccepted + ")");
        }
        if (!kinds.insert(int(c.kind)).second)
            throw Error(where + " repeats a kind (" + kAccepted + ")");
        out.push_back(c);
        if (plus == std::string::npos)
            break;
        start = plus + 1;
    }
    return out;
}

std::string featureSpecText(const std::vector<FeatureComponent>& parts)
{
    std::string s;
    for (const auto& p : parts)
        s += (s.empty() ? "" : "+") + p.text();
    return s;
}

int64_t featureSpecDim(const std::vector<FeatureComponent>& parts, int layers, int experts, int hidden)
{
    int64_t f = 0;
    for (const auto& p : parts)
        f += p.dim(layers, experts, hidden);
    return f;
}

int64_t featureBytesPerToken(const std::vector<FeatureComponent>& parts, int layers, int experts, int hidden)
{
    return 2 * int64_t(layers) * featureSpecDim(parts, layers, experts, hidden);
}

std::string FeatureBasis::problem() const
{
    try {
        parseFeatureSpec(kind);
    } catch (const Error& e) {
        return e.what();
    }
    if (layers <= 0 || hidden <= 0 || dim <= 0)
        return "layers " + std::to_string(layers) + ", hidden " + std::to_string(hidden) + ", dim " +
               std::to_string(dim) + ": each must be positive";
    const size_t p = size_t(layers) * size_t(dim) * size_t(hidden), m = size_t(layers) * size_t(hidden);
    if (projection.size() != p)
        return "projection has " + std::to_string(projection.size()) + " values, expected " + std::to_string(p) +
               " (layers x dim x hidden)";
    if (mean.size() != m)
        return "mean has " + std::to_string(mean.size()) + " values, expected " + std::to_string(m) +
               " (layers x hidden)";
    for (size_t i = 0; i < p; ++i)
        if (!std::isfinite(projection[i]))
            return "projection value " + std::to_string(i) + " (layer " + std::to_string(i / (p / size_t(layers))) +
                   ") is not finite";
    for (size_t i = 0; i < m; ++i)
        if (!std::isfinite(mean[i]))
            return "mean value " + std::to_string(i) + " (layer " + std::to_string(i / size_t(hidden)) +
                   ") is not finite";
    return "";
}

void FeatureBasis::project(int layer, const float* h, float* out) const
{
    const float* mu = mean.data() + size_t(layer) * size_t(hidden);
    const float* P = projection.data() + size_t(layer) * size_t(dim) * size_t(hidden);
    for (int f = 0; f < dim; ++f) {
        double acc = 0;
        const float* row = P + size_t(f) * size_t(hidden);
        for (int i = 0; i < hidden; ++i)
            acc += double(row[i]) * (double(h[i]) - double(mu[i]));
        out[f] = float(acc);
    }
}

void writeFeatureBasis(const std::string& path, const FeatureBasis& b)
{
    if (const std::string bad = b.problem(); !bad.empty())
        throw Error("feature basis " + path + ": not written, the basis is invalid: " + bad);
    const int64_t L = b.layers, F = b.dim, H = b.hidden;
    std::vector<TensorToWrite> ts;
    ts.push_back({"projection", "F32", {L, F, H}, b.projection.data(), b.projection.size() * sizeof(float)});
    ts.push_back({"mean", "F32", {L, H}, b.mean.data(), b.mean.size() * sizeof(float)});
    writeSafetensors(path, ts,
                     {{"format", kFormat},
                      {"kind", b.kind},
                      {"layers", std::to_string(L)},
                      {"hidden", std::to_string(H)},
                      {"dim", std::to_string(F)}});
}

FeatureBasis readFeatureBasis(const std::string& path)
{
    SafetensorsFile f(path); // validates the container; errors name the file
    const auto fmt = f.metadata().find("format");
    if (fmt == f.metadata().end() || fmt->second != kFormat)
        throw Error("feature basis " + path + ": metadata field 'format' is '" +
                    (fmt == f.metadata().end() ? std::string() : fmt->second) + "', expected '" + kFormat + "'");
    FeatureBasis b;
    const auto kind = f.metadata().find("kind");
    b.kind = kind == f.metadata().end() ? "" : kind->second;
    b.layers = metaInt(f, "layers");
    b.hidden = metaInt(f, "hidden");
    b.dim = metaInt(f, "dim");
    b.projection = tensorOf(f, "projection", {b.layers, b.dim, b.hidden});
    b.mean = tensorOf(f, "mean", {b.layers, b.hidden});
    if (const std::string bad = b.problem(); !bad.empty())
        throw Error("feature basis " + path + ": " + bad);
    return b;
}

} // namespace specmoe
