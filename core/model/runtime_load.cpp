// MixtralRuntime: reading the checkpoint's tensors (checked against config.json), and
// placing them on the devices as the residency asks.
#include "core/model/runtime_impl.h"

#include "core/safetensors/weight_finite.h"
#include "core/tensor/torch_compat.h"
#include "core/util/error.h"
#include "core/util/sysmem.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>

namespace specmoe {
namespace {

std::string shapeText(const std::vector<int64_t>& s)
{
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i)
        t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

at::ScalarType scalarOf(StDType t)
{
    switch (t) {
    case StDType::F32: return at::kFloat;
    case StDType::F16: return at::kHalf;
    case StDType::BF16: return at::kBFloat16;
    default: return at::kFloat;
    }
}

} // namespace

using namespace runtime_detail;

std::vector<int64_t> MixtralRuntime::Impl::shapeOf(const std::string& which) const
{
    const int64_t H = cfg.hiddenSize, D = cfg.headDim, E = cfg.numExperts, I = cfg.intermediateSize;
    if (which == "norm") return {H};
    if (which == "qkv") return {(cfg.numHeads + 2 * cfg.numKvHeads) * D, H};
    if (which == "o") return {H, cfg.numHeads * D};
    if (which == "gate") return {E, H};
    if (which == "w13") return {E, 2 * I, H};
    if (which == "w2") return {E, H, I};
    return {};
}

// Checks a tensor's presence, dtype and shape against the config.
void MixtralRuntime::Impl::expect(const std::string& name, const std::vector<int64_t>& shape)
{
    const auto ref = files.get(name);
    expectedNames.insert(name);
    const auto& e = *ref.entry;
    const std::string where = ref.file->path() + ": tensor \"" + name + "\"";
    if (e.dtype != StDType::F32 && e.dtype != StDType::F16 && e.dtype != StDType::BF16)
        throw Error(where + ": dtype " + stDTypeName(e.dtype) + " is not a float type (F32, F16, BF16)");
    const std::string cd = cfg.torchDtype;
    const StDType want = cd == "float32" ? StDType::F32 : cd == "bfloat16" ? StDType::BF16
                                                       : cd == "float16"    ? StDType::F16
                                                                            : e.dtype;
    if (e.dtype != want)
        throw Error(where + ": dtype " + stDTypeName(e.dtype) + " contradicts config.json torch_dtype \"" + cd + "\"");
    if (e.shape != shape)
        throw Error(where + ": shape " + shapeText(e.shape) + " but config.json implies " + shapeText(shape));
}

void MixtralRuntime::Impl::buildRecipes()
{
    const int64_t H = cfg.hiddenSize, D = cfg.headDim, I = cfg.intermediateSize;
    const int64_t nq = cfg.numHeads * D, nkv = cfg.numKvHeads * D;
    recipes.resize(static_cast<size_t>(cfg.numLayers));
    for (int64_t l = 0; l < cfg.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        Recipe& r = recipes[static_cast<size_t>(l)];
        r.inNorm = {{p + "input_layernorm.weight"}};
        r.postNorm = {{p + "post_attention_layernorm.weight"}};
        r.qkv = {{p + "self_attn.q_proj.weight", 0}, {p + "self_attn.k_proj.weight", nq},
                 {p + "self_attn.v_proj.weight", nq + nkv}};
        r.o = {{p + "self_attn.o_proj.weight"}};
        expect(p + "input_layernorm.weight", {H});
        expect(p + "post_attention_layernorm.weight", {H});
        expect(p + "self_attn.q_proj.weight", {nq, H});
        expect(p + "self_attn.k_proj.weight", {nkv, H});
        expect(p + "self_attn.v_proj.weight", {nkv, H});
        expect(p + "self_attn.o_proj.weight", {H, nq});
        if (files.has(p + "mlp.experts.gate_up_proj") || files.has(p + "mlp.gate.weight")) {
            // transformers 5 fused layout.
            r.gate = {{p + "mlp.gate.weight"}};
            r.w13 = {{p + "mlp.experts.gate_up_proj"}};
            r.w2 = {{p + "mlp.experts.down_proj"}};
            expect(p + "mlp.gate.weight", shapeOf("gate"));
            expect(p + "mlp.experts.gate_up_proj", shapeOf("w13"));
            expect(p + "mlp.experts.down_proj", shapeOf("w2"));
        } else {
            r.gate = {{p + "block_sparse_moe.gate.weight"}};
            expect(p + "block_sparse_moe.gate.weight", shapeOf("gate"));
            for (int e = 0; e < cfg.numExperts; ++e) {
                const std::string x = p + "block_sparse_moe.experts." + std::to_string(e) + ".";
                r.w13.push_back({x + "w1.weight", 0, e});
                r.w13.push_back({x + "w3.weight", I, e});
                r.w2.push_back({x + "w2.weight", 0, e});
                expect(x + "w1.weight", {I, H});
                expect(x + "w3.weight", {I, H});
                expect(x + "w2.weight", {H, I});
            }
        }
    }
    expect("model.embed_tokens.weight", {cfg.vocabSize, H});
    expect("model.norm.weight", {H});
    if (!cfg.tieWordEmbeddings && files.has("lm_head.weight"))
        expect("lm_head.weight", {cfg.vocabSize, H});
    if (opts.loadLmHead && !cfg.tieWordEmbeddings && !files.has("lm_head.weight"))
        throw Error(dir + ": tensor \"lm_head.weight\" is missing (needed for LM logits)");
    if (files.has("lm_head.weight"))
        expectedNames.insert("lm_head.weight"); // tied: ignored without a word, as transformers does
    checkUnexpected();
}

// Tensors the config does not account for, reported as transformers reports unexpected
// keys: those of a layer beyond num_hidden_layers mean the config does not describe these
// weights (an error); any other extra tensor is ignored with a warning listing the names.
void MixtralRuntime::Impl::checkUnexpected()
{
    std::vector<std::string> extra;
    for (const std::string& name : files.names()) {
        if (expectedNames.count(name))
            continue;
        static const std::string kLayers = "model.layers.";
        if (name.compare(0, kLayers.size(), kLayers) == 0) {
            const size_t dot = name.find('.', kLayers.size());
            const std::string num = name.substr(kLayers.size(), dot == std::string::npos ? std::string::npos : dot - kLayers.size());
            if (!num.empty() && num.size() < 10 && num.find_first_not_of("0123456789") == std::string::npos &&
                std::stoll(num) >= cfg.numLayers)
                throw Error(files.get(name).file->path() + ": tensor \"" + name + "\" belongs to layer " + num +
                            ", but config.json has num_hidden_layers = " + std::to_string(cfg.numLayers) +
                            " (layers 0-" + std::to_string(cfg.numLayers - 1) +
                            "): the config does not describe these weights");
        }
        // Non-persistent rotary buffers that older exports saved; transformers drops them too.
        static const std::string kRotary = ".rotary_emb.inv_freq";
        if (name.size() > kRotary.size() && name.compare(name.size() - kRotary.size(), kRotary.size(), kRotary) == 0)
            continue;
        extra.push_back(name);
    }
    if (extra.empty())
        return;
    std::string list;
    for (size_t i = 0; i < extra.size() && i < 20; ++i)
        list += (i ? ", " : "") + extra[i];
    if (extra.size() > 20)
        list += ", ... (" + std::to_string(extra.size() - 20) + " more)";
    warnings.push_back(dir + ": " + std::to_string(extra.size()) + " tensor" + (extra.size() == 1 ? "" : "s") +
                       " of the weight files not used by the model (ignored): " + list);
}

// Copies the pieces' bytes into dst (a CPU tensor of the compute dtype), converting; with
// `scan`, refuses NaN and infinite values (a damaged checkpoint), naming the tensor.
void MixtralRuntime::Impl::fill(at::Tensor& dst, const std::vector<Piece>& pieces, bool scan)
{
    std::vector<char> bounce;
    for (const auto& pc : pieces) {
        const auto ref = files.get(pc.name);
        const auto& e = *ref.entry;
        at::Tensor target = pc.expert >= 0 ? dst.select(0, pc.expert) : dst;
        target = target.narrow(0, pc.rowOffset, e.shape[0]);
        const at::ScalarType src = scalarOf(e.dtype);
        const auto& mapped = ref.file->file();
        const uint64_t offset = ref.file->dataStart() + e.begin;
        // With `scan`, the bytes pass through a small buffer that stays in the CPU cache:
        // pread() into it, scan it, copy it out. Scanning the destination after one pread()
        // of the whole tensor cost 40% more CPU than the read (the kernel's copy leaves
        // nothing in the cache); this way it costs about 4% (measured on a 2 GB shard).
        auto read = [&](void* to) {
            if (!scan) {
                mapped.readInto(to, offset, e.bytes());
                return;
            }
            const uint64_t elem = stDTypeSize(e.dtype), chunk = (uint64_t(256) << 10) / elem * elem;
            if (bounce.size() < chunk)
                bounce.resize(chunk);
            for (uint64_t at = 0; at < e.bytes(); at += chunk) {
                const uint64_t len = std::min(chunk, e.bytes() - at);
                mapped.readInto(bounce.data(), offset + at, len);
                NonFinite hit = findNonFinite(bounce.data(), int64_t(len / elem), e.dtype);
                if (hit.index >= 0) {
                    hit.index += int64_t(at / elem);
                    throw Error(nonFiniteMessage(ref.file->path(), pc.name, hit, e.numel()));
                }
                std::memcpy(static_cast<char*>(to) + at, bounce.data(), len);
            }
        };
        if (src == target.scalar_type() && target.is_contiguous()) {
            read(target.data_ptr());
        } else {
            at::Tensor tmp = at::empty(e.shape, at::TensorOptions().dtype(src));
            read(tmp.data_ptr());
            target.copy_(tmp);
        }
        // Read with pread(), not through the mapping: the file's pages never enter this
        // process's resident set (streaming under a memory cap; no double count when
        // resident), and no page of the mapping faults.
    }
}

at::Tensor MixtralRuntime::Impl::loadCpu(const std::vector<Piece>& pieces, const std::vector<int64_t>& shape, bool pinned,
                   c10::optional<at::ScalarType> as)
{
    const at::ScalarType t0 = as ? *as : dt;
    at::Tensor t = pinned ? compat::emptyPinned(shape, t0) : at::empty(shape, at::TensorOptions().dtype(t0));
    fill(t, pieces);
    return t;
}

LayerWeights MixtralRuntime::Impl::allocLayer(c10::Device dev, bool pinned)
{
    LayerWeights w;
    auto mk = [&](const std::vector<int64_t>& s) {
        return pinned ? compat::emptyPinned(s, dt) : at::empty(s, at::TensorOptions().dtype(dt).device(dev));
    };
    w.inNorm = mk(shapeOf("norm"));
    w.postNorm = mk(shapeOf("norm"));
    w.qkv = mk(shapeOf("qkv"));
    w.o = mk(shapeOf("o"));
    w.gate = mk(shapeOf("gate"));
    w.w13 = mk(shapeOf("w13"));
    w.w2 = mk(shapeOf("w2"));
    return w;
}

// Every layer's weights are scanned for non-finite values the first time they are read:
// at load time when resident or host-cached, on the first pass when streamed from the
// files (later passes read the same bytes and skip the scan).
void MixtralRuntime::Impl::fillLayer(LayerWeights& w, size_t l)
{
    const Recipe& r = recipes[l];
    if (layerScanned.size() != recipes.size())
        layerScanned.assign(recipes.size(), 0);
    const bool scan = !layerScanned[l];
    fill(w.inNorm, r.inNorm, scan);
    fill(w.postNorm, r.postNorm, scan);
    fill(w.qkv, r.qkv, scan);
    fill(w.o, r.o, scan);
    fill(w.gate, r.gate, scan);
    fill(w.w13, r.w13, scan);
    fill(w.w2, r.w2, scan);
    layerScanned[l] = 1;
}

void MixtralRuntime::Impl::hintLayer(size_t l)
{
    const Recipe& r = recipes[l];
    for (const auto* list : {&r.qkv, &r.o, &r.w13, &r.w2})
        for (const auto& pc : *list) {
            const auto ref = files.get(pc.name);
            ref.file->file().willNeed(ref.file->dataStart() + ref.entry->begin, ref.entry->bytes());
        }
}

void MixtralRuntime::Impl::progress(int64_t done, int64_t total)
{
    Progress p;
    p.stage = "load";
    p.unit = "layers";
    p.done = done;
    p.total = total;
    reportProgress(opts.progress, p);
}

// Streaming's host cache: asked for, or (auto) on CUDA when the layers fit in the
// host's available memory with 8 GiB and a quarter of it to spare.
bool MixtralRuntime::Impl::useHostCache(c10::Device dev) const
{
    if (opts.streamHostCache >= 0)
        return opts.streamHostCache > 0;
    if (!dev.is_cuda())
        return false;
    const int64_t need = weightBytes(cfg, opts.dtype).layersTotal();
    const int64_t avail = systemMemory().availableBytes;
    return need + (int64_t(8) << 30) <= avail - avail / 4;
}

void MixtralRuntime::Impl::place()
{
    const size_t L = static_cast<size_t>(cfg.numLayers);
    const c10::Device dev = resolveDevice(opts.device);
    layerDev.assign(L, dev);
    if (opts.residency == Residency::Split && dev.is_cuda()) {
        const int n = compat::cudaDeviceCount();
        PlacementInput in;
        const WeightBytes wb = weightBytes(cfg, opts.dtype);
        in.layerBytes = wb.layers;
        in.firstBytes = wb.embedding;
        in.lastBytes = opts.loadLmHead ? wb.finalNorm + wb.lmHead : 0;
        in.reservePerDevice = int64_t(1) << 30;
        for (int i = 0; i < n; ++i)
            in.freeBytes.push_back(compat::cudaMemInfo(i).first);
        const auto plan = planPlacement(in);
        for (size_t l = 0; l < L; ++l)
            layerDev[l] = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(plan[l]));
    }
    firstDev = L ? layerDev.front() : dev;
    lastDev = L ? layerDev.back() : dev;

    embed = loadCpu({{"model.embed_tokens.weight"}}, {cfg.vocabSize, cfg.hiddenSize}).to(firstDev);
    if (opts.loadLmHead) {
        finalNorm = loadCpu({{"model.norm.weight"}}, shapeOf("norm")).to(lastDev);
        lmHead = cfg.tieWordEmbeddings
                     ? embed.to(lastDev)
                     : loadCpu({{"lm_head.weight"}}, {cfg.vocabSize, cfg.hiddenSize}).to(lastDev);
    }
    gates.resize(L);
    postNorm32.resize(L);
    for (size_t l = 0; l < L; ++l) {
        if (opts.residency == Residency::Streaming) {
            // Streamed layers are read later; their norms (tiny) are checked now with the
            // routers, so a damaged norm is refused at load time in every mode.
            loadCpu(recipes[l].inNorm, shapeOf("norm"));
            loadCpu(recipes[l].postNorm, shapeOf("norm"));
        }
        if (mixed()) {
            gates[l] = loadCpu(recipes[l].gate, shapeOf("gate"), false, at::kFloat).to(layerDev[l]);
            postNorm32[l] = loadCpu(recipes[l].postNorm, shapeOf("norm"), false, at::kFloat).to(layerDev[l]);
        } else {
            gates[l] = loadCpu(recipes[l].gate, shapeOf("gate")).to(layerDev[l]);
        }
    }

    if (opts.residency == Residency::Streaming) {
        const bool cache = useHostCache(dev);
        for (int i = 0; i < 2; ++i) {
            devBuf[i] = allocLayer(dev, false);
            if (dev.is_cuda() && !cache)
                hostBuf[i] = allocLayer(c10::Device(c10::kCPU), true);
        }
        if (cache) {
            hostCache.resize(L);
            for (size_t l = 0; l < L; ++l) {
                hostCache[l] = allocLayer(c10::Device(c10::kCPU), dev.is_cuda());
                fillLayer(hostCache[l], l);
                progress(int64_t(l + 1), int64_t(L));
            }
        }
        side = std::make_unique<compat::SideStream>(dev);
        progress(int64_t(L), int64_t(L));
        return;
    }
    layers.resize(L);
    for (size_t l = 0; l < L; ++l) {
        LayerWeights cpu = allocLayer(c10::Device(c10::kCPU), false);
        fillLayer(cpu, l);
        if (layerDev[l].is_cpu()) {
            layers[l] = cpu;
        } else {
            for (size_t i = 0; i < cpu.all().size(); ++i)
                *layers[l].all()[i] = cpu.all()[i]->to(layerDev[l]);
        }
        progress(int64_t(l + 1), int64_t(L));
    }
}

} // namespace specmoe
