#include "core/model/make_model.h"

#include "core/model/family/model_family.h"

#include "core/model/memory.h"
#include "core/safetensors/safetensors_writer.h"
#include "core/util/error.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <tuple>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace specmoe {
namespace {

struct Spec {
    std::string name;
    std::vector<int64_t> shape;
    // Bytes: uint8 drawn uniformly in [low, high) (MXFP4 blocks and scales), stddev unused.
    enum Kind { Ones, Normal, Bytes } kind = Normal;
    double stddev = 0.02;
    uint64_t bytes = 0;
    int low = 0, high = 256;
};

// The checkpoint's tensors in file order. The order fixes each tensor's random stream
// (the seed mixes in its index), so Mixtral's order is what it always was.
std::vector<Spec> tensorPlan(const ModelConfig& c, int64_t elemBytes, bool fused)
{
    const WeightNames& n = familyNamed(c.family).names;
    const int64_t H = c.hiddenSize, D = c.headDim, I = c.intermediateSize, E = c.numExperts;
    std::vector<Spec> out;
    auto add = [&](std::string name, std::vector<int64_t> s, Spec::Kind k, double sd) {
        Spec sp{std::move(name), std::move(s), k, sd, 0};
        uint64_t numel = 1;
        for (int64_t d : sp.shape)
            numel *= static_cast<uint64_t>(d);
        sp.bytes = numel * static_cast<uint64_t>(k == Spec::Bytes ? 1 : elemBytes);
        out.push_back(std::move(sp));
    };
    const double lin = 0.02;
    const double router = 3.0 / std::sqrt(double(H)); // logits with std ~3 on unit-RMS inputs
    // gpt-oss's experts in the released layout: MXFP4 blocks of random codes with scales
    // 2^-9 .. 2^-6 (weights of RMS about 0.02), or input-major float tensors; their biases.
    auto addInputMajorExperts = [&](const std::string& p) {
        if (c.expertQuant == "mxfp4") {
            for (const auto& [name, rows, cols] : {std::tuple{n.fusedGateUp, 2 * I, H}, std::tuple{n.fusedDown, H, I}}) {
                add(p + name + "_blocks", {E, rows, cols / 32, 16}, Spec::Bytes, 0);
                add(p + name + "_scales", {E, rows, cols / 32}, Spec::Bytes, 0);
                out.back().low = 118;
                out.back().high = 122;
            }
        } else {
            add(p + n.fusedGateUp, {E, H, 2 * I}, Spec::Normal, lin);
            add(p + n.fusedDown, {E, I, H}, Spec::Normal, lin);
        }
        add(p + n.fusedGateUpBias, {E, 2 * I}, Spec::Normal, lin);
        add(p + n.fusedDownBias, {E, H}, Spec::Normal, lin);
    };
    auto addMlp = [&](const std::string& prefix, int64_t inter) {
        add(prefix + "gate_proj.weight", {inter, H}, Spec::Normal, lin);
        add(prefix + "up_proj.weight", {inter, H}, Spec::Normal, lin);
        add(prefix + "down_proj.weight", {H, inter}, Spec::Normal, lin);
    };
    // Multi-head latent attention's tensors, in the order transformers creates them.
    auto addMla = [&](const std::string& p) {
        const int64_t nh = c.numHeads, qr = c.qLoraRank, kvr = c.kvLoraRank;
        if (qr > 0) {
            add(p + n.qAProj, {qr, H}, Spec::Normal, lin);
            add(p + n.qANorm, {qr}, Spec::Ones, 0);
            add(p + n.qBProj, {nh * c.qkHeadDim(), qr}, Spec::Normal, lin);
        } else {
            add(p + n.qProj, {nh * c.qkHeadDim(), H}, Spec::Normal, lin);
        }
        add(p + n.kvAProj, {kvr + c.qkRopeHeadDim, H}, Spec::Normal, lin);
        add(p + n.kvANorm, {kvr}, Spec::Ones, 0);
        add(p + n.kvBProj, {nh * (c.qkNopeHeadDim + c.vHeadDim), kvr}, Spec::Normal, lin);
        add(p + n.oProj, {H, nh * c.vHeadDim}, Spec::Normal, lin);
    };
    add("model.embed_tokens.weight", {c.vocabSize, H}, Spec::Normal, 1.0);
    for (int64_t l = 0; l < c.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        add(p + n.inNorm, {H}, Spec::Ones, 0);
        add(p + n.postNorm, {H}, Spec::Ones, 0);
        if (c.mla()) {
            addMla(p);
        } else {
            add(p + n.qProj, {c.numHeads * D, H}, Spec::Normal, lin);
            add(p + n.kProj, {c.numKvHeads * D, H}, Spec::Normal, lin);
            add(p + n.vProj, {c.numKvHeads * D, H}, Spec::Normal, lin);
            add(p + n.oProj, {H, c.numHeads * D}, Spec::Normal, lin);
        }
        if (c.oProjBias)
            add(p + n.oBias, {H}, Spec::Normal, lin);
        if (c.attentionSinks) // logits of the order of the scores
            add(p + n.sinks, {c.numHeads}, Spec::Normal, 1.0);
        if (c.attentionBias) { // random, not zero, so that a bias left out shows in the outputs
            add(p + n.qBias, {c.numHeads * D}, Spec::Normal, lin);
            add(p + n.kBias, {c.numKvHeads * D}, Spec::Normal, lin);
            add(p + n.vBias, {c.numKvHeads * D}, Spec::Normal, lin);
        }
        if (c.qkNorm != QkNorm::None) {
            const bool whole = c.qkNorm == QkNorm::Projection;
            add(p + n.qNorm, {whole ? c.numHeads * D : D}, Spec::Ones, 0);
            add(p + n.kNorm, {whole ? c.numKvHeads * D : D}, Spec::Ones, 0);
        }
        if (!c.isMoeLayer(l)) {
            addMlp(p + n.densePrefix, c.denseIntermediateSize);
            continue;
        }
        if (n.fusedInputMajor) {
            add(p + n.fusedRouter, {E, H}, Spec::Normal, router);
            if (c.routerLinearBias)
                add(p + n.routerLinearBias, {E}, Spec::Normal, 1.0);
            addInputMajorExperts(p);
        } else if (fused) {
            add(p + n.fusedRouter, {E, H}, Spec::Normal, router);
            add(p + n.fusedGateUp, {E, 2 * I, H}, Spec::Normal, lin);
            add(p + n.fusedDown, {E, H, I}, Spec::Normal, lin);
        } else {
            add(p + n.router, {E, H}, Spec::Normal, router);
            for (int64_t e = 0; e < E; ++e) {
                const std::string x = p + n.expertPrefix + std::to_string(e) + ".";
                add(x + n.expertGate, {I, H}, Spec::Normal, lin);
                add(x + n.expertDown, {H, I}, Spec::Normal, lin);
                add(x + n.expertUp, {I, H}, Spec::Normal, lin);
            }
        }
        if (c.routerBias) // a bias that changes some choices of sigmoid scores in (0, 1)
            add(p + n.routerBias, {E}, Spec::Normal, 0.1);
        if (c.hasSharedExpert()) {
            addMlp(p + n.sharedPrefix, c.sharedExpertIntermediateSize);
            if (c.sharedExpertGate)
                add(p + n.sharedGate, {1, H}, Spec::Normal, 1.0 / std::sqrt(double(H)));
        }
    }
    add("model.norm.weight", {H}, Spec::Ones, 0);
    if (!c.tieWordEmbeddings)
        add("lm_head.weight", {c.vocabSize, H}, Spec::Normal, lin);
    return out;
}

std::string stName(const std::string& dtype)
{
    if (dtype == "float32") return "F32";
    if (dtype == "bfloat16") return "BF16";
    if (dtype == "float16") return "F16";
    throw Error("make-model: unknown dtype \"" + dtype + "\" (float32, bfloat16, float16)");
}

} // namespace

ModelConfig makeRandomModel(const MakeModelOptions& o)
{
    ModelConfig c = presetConfig(o.preset, o.family);
    if (o.layers < 0)
        throw Error("make-model: --layers must be positive");
    if (o.layers > 0) {
        c.numLayers = o.layers;
        // Dense layers the fewer layers do not reach are dropped from the map.
        std::vector<int> keep;
        for (int l : c.mlpOnlyLayers)
            if (l < c.numLayers)
                keep.push_back(l);
        c.mlpOnlyLayers = keep;
        // gpt-oss names an attention type per layer: the preset's pattern, repeated over the
        // new count (a list of the preset's length made a config.json loadConfig refuses).
        if (!c.layerTypes.empty()) {
            const std::vector<std::string> pattern = c.layerTypes;
            c.layerTypes.clear();
            for (int64_t l = 0; l < c.numLayers; ++l)
                c.layerTypes.push_back(pattern[size_t(l) % pattern.size()]);
        }
        if (c.moeLayerCount() == 0)
            throw Error("make-model: " + std::to_string(c.numLayers) + " layers of preset \"" + o.preset +
                        "\" hold no MoE layer");
    }
    const std::string st = stName(o.dtype);
    c.torchDtype = o.dtype;
    if (o.outDir.empty())
        throw Error("make-model: no output folder");
    std::error_code ec;
    fs::create_directories(o.outDir, ec);
    if (ec)
        throw Error(o.outDir + ": cannot create folder (" + ec.message() + ")");
    for (const char* stale : {"model.safetensors", "model.safetensors.index.json"})
        fs::remove(fs::path(o.outDir) / stale, ec);

    const at::ScalarType dt = o.dtype == "float32" ? at::kFloat : o.dtype == "bfloat16" ? at::kBFloat16 : at::kHalf;
    const auto plan = tensorPlan(c, dtypeBytes(parseDType(o.dtype)), o.fusedExperts);
    uint64_t total = 0;
    for (const auto& s : plan)
        total += s.bytes;
    // Group into shards (in order, a new shard when the next tensor would overflow).
    std::vector<std::vector<size_t>> shards(1);
    uint64_t size = 0;
    const bool sharded = o.shardBytes > 0 && total > o.shardBytes;
    for (size_t i = 0; i < plan.size(); ++i) {
        if (sharded && !shards.back().empty() && size + plan[i].bytes > o.shardBytes) {
            shards.emplace_back();
            size = 0;
        }
        shards.back().push_back(i);
        size += plan[i].bytes;
    }

    std::ofstream cfgOut(o.outDir + "/config.json");
    cfgOut << configToJson(c);
    cfgOut.flush();
    if (!cfgOut)
        throw Error(o.outDir + "/config.json: write failed");

    c10::NoGradGuard noGrad;
    std::map<std::string, std::string> weightMap;
    int64_t done = 0;
    for (size_t k = 0; k < shards.size(); ++k) {
        std::vector<at::Tensor> keep;
        std::vector<TensorToWrite> ts;
        for (size_t i : shards[k]) {
            const Spec& s = plan[i];
            at::Tensor t;
            if (s.kind == Spec::Ones) {
                t = at::ones(s.shape, at::TensorOptions().dtype(dt));
            } else if (s.kind == Spec::Bytes) {
                auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed * 1000003ull + i * 7919ull + 17ull);
                t = at::randint(s.low, s.high, s.shape, gen, at::TensorOptions().dtype(at::kByte));
            } else {
                // Fixed-size chunks, each with its own generator, filled in parallel: the
                // values depend on the seed only, not on the thread count, and an 8x7B
                // layer (1.4 G weights) is drawn in seconds instead of minutes.
                constexpr int64_t kChunk = int64_t(1) << 22;
                t = at::empty(s.shape, at::TensorOptions().dtype(at::kFloat));
                auto flat = t.view({-1});
                const int64_t n = flat.numel();
                const uint64_t base = o.seed * 1000003ull + i * 7919ull + 17ull;
                at::parallel_for(0, (n + kChunk - 1) / kChunk, 1, [&](int64_t b, int64_t e) {
                    for (int64_t c = b; c < e; ++c) {
                        auto gen = at::make_generator<at::CPUGeneratorImpl>(base + uint64_t(c) * 104729ull);
                        flat.narrow(0, c * kChunk, std::min(kChunk, n - c * kChunk)).normal_(0.0, s.stddev, gen);
                    }
                });
                t = t.to(dt).contiguous();
            }
            keep.push_back(t);
            ts.push_back({s.name, s.kind == Spec::Bytes ? "U8" : st, s.shape, t.data_ptr(), static_cast<size_t>(t.nbytes())});
            Progress p;
            p.stage = "make-model";
            p.unit = "tensors";
            p.done = ++done;
            p.total = static_cast<int64_t>(plan.size());
            reportProgress(o.progress, p);
        }
        const std::string file = sharded ? shardFileName(k + 1, shards.size()) : "model.safetensors";
        writeSafetensors(o.outDir + "/" + file, ts, {{"format", "pt"}});
        for (const auto& t : ts)
            weightMap[t.name] = file;
    }
    if (sharded)
        writeSafetensorsIndex(o.outDir, weightMap, total);
    return c;
}

} // namespace specmoe
