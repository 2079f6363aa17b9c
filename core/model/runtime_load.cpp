// MixtralRuntime: reading the checkpoint's tensors (checked against config.json), and
// placing them on the devices as the residency asks.
#include "core/model/runtime_impl.h"

#include "core/model/family/model_family.h"
#include "core/model/mxfp4.h"

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

std::vector<int64_t> MixtralRuntime::Impl::shapeOf(int slot) const
{
    const int64_t H = cfg.hiddenSize, D = cfg.headDim, E = cfg.numExperts, I = cfg.intermediateSize;
    const int64_t qkv = (cfg.numHeads + 2 * cfg.numKvHeads) * D;
    const int64_t Is = cfg.sharedExpertIntermediateSize, Id = cfg.denseIntermediateSize;
    switch (slot) {
    case InNorm: case PostNorm: return {H};
    case Qkv: return {qkv, H};
    case QkvBias: return {qkv};
    case QNorm: return {cfg.qkNorm == QkNorm::Projection ? cfg.numHeads * D : D};
    case KNorm: return {cfg.qkNorm == QkNorm::Projection ? cfg.numKvHeads * D : D};
    case O: return {H, cfg.numHeads * cfg.valueHeadDim()};
    case W13: return {E, 2 * I, H};
    case W2: return {E, H, I};
    case SharedW13: return {2 * Is, H};
    case SharedW2: return {H, Is};
    case SharedGate: return {1, H};
    case DenseW13: return {2 * Id, H};
    case DenseW2: return {H, Id};
    case MlaA: return {std::max<int64_t>(cfg.qLoraRank, 0) + cfg.kvLoraRank + cfg.qkRopeHeadDim, H};
    case MlaQ: return {cfg.numHeads * cfg.qkHeadDim(), cfg.qLoraRank > 0 ? cfg.qLoraRank : H};
    case MlaQNorm: return {cfg.qLoraRank};
    case MlaKvNorm: return {cfg.kvLoraRank};
    case MlaKvB: return {cfg.numHeads * (cfg.qkNopeHeadDim + cfg.vHeadDim), cfg.kvLoraRank};
    case OBias: return {H};
    case Sinks: return {cfg.numHeads};
    case W13Bias: return {E, 2 * I};
    case W2Bias: return {E, H};
    default: return {};
    }
}

// Checks a tensor's presence, dtype and shape against the config.
void MixtralRuntime::Impl::expect(const std::string& name, const std::vector<int64_t>& shape, bool anyFloat)
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
    if (e.dtype != want && !anyFloat)
        throw Error(where + ": dtype " + stDTypeName(e.dtype) + " contradicts config.json torch_dtype \"" + cd + "\"");
    if (e.shape != shape)
        throw Error(where + ": shape " + shapeText(e.shape) + " but config.json implies " + shapeText(shape));
}

void MixtralRuntime::Impl::expectMxfp4(const std::string& name, int64_t experts, int64_t rows, int64_t cols)
{
    const std::vector<int64_t> blockShape = {experts, rows, cols / 32, 16}, scaleShape = {experts, rows, cols / 32};
    const std::string blocks = name + "_blocks", scales = name + "_scales";
    for (const std::string& t : {blocks, scales}) {
        const auto ref = files.get(t);
        expectedNames.insert(t);
        const auto& e = *ref.entry;
        const std::string where = ref.file->path() + ": tensor \"" + t + "\"";
        if (e.dtype != StDType::U8)
            throw Error(where + ": dtype " + stDTypeName(e.dtype) + " is not U8 (MXFP4 " +
                        (t == blocks ? "blocks" : "scales") + ")");
        if (t == blocks && e.shape != blockShape)
            throw Error(where + ": shape " + shapeText(e.shape) + " but config.json implies " + shapeText(blockShape) +
                        " (MXFP4: blocks of 32 weights in 16 bytes along the " + std::to_string(cols) + " inputs)");
        if (t == scales && e.shape != scaleShape)
            throw Error(where + ": shape " + shapeText(e.shape) + " does not match its blocks " + shapeText(blockShape) +
                        " (one scale per block: " + shapeText(scaleShape) + ")");
    }
}

// Layer l's tensors by the family's names, each checked (presence, dtype, shape) in the
// order the layer uses them, so that the first missing one is the one named.
void MixtralRuntime::Impl::buildLayerRecipe(int64_t l, Recipe& r)
{
    const WeightNames& n = familyNamed(cfg.family).names;
    const int64_t H = cfg.hiddenSize;
    const std::string p = "model.layers." + std::to_string(l) + ".";
    auto& parts = r.parts;
    parts[InNorm] = {{p + n.inNorm}};
    parts[PostNorm] = {{p + n.postNorm}};
    expect(p + n.inNorm, {H});
    expect(p + n.postNorm, {H});
    if (cfg.mla())
        buildMlaRecipe(p, r);
    else
        buildAttentionRecipe(p, r);
    if (!cfg.isMoeLayer(l)) {
        const int64_t Id = cfg.denseIntermediateSize;
        const std::string d = p + n.densePrefix;
        parts[DenseW13] = {{d + "gate_proj.weight", 0}, {d + "up_proj.weight", Id}};
        parts[DenseW2] = {{d + "down_proj.weight"}};
        expect(d + "gate_proj.weight", {Id, H});
        expect(d + "up_proj.weight", {Id, H});
        expect(d + "down_proj.weight", {H, Id});
        return;
    }
    buildMoeRecipe(p, r);
}

// q, k, v (fused into one slot), their biases, per-head q/k norms, o_proj.
void MixtralRuntime::Impl::buildAttentionRecipe(const std::string& p, Recipe& r)
{
    const WeightNames& n = familyNamed(cfg.family).names;
    const int64_t H = cfg.hiddenSize, D = cfg.headDim;
    const int64_t nq = cfg.numHeads * D, nkv = cfg.numKvHeads * D;
    auto& parts = r.parts;
    parts[Qkv] = {{p + n.qProj, 0}, {p + n.kProj, nq}, {p + n.vProj, nq + nkv}};
    parts[O] = {{p + n.oProj}};
    expect(p + n.qProj, {nq, H});
    expect(p + n.kProj, {nkv, H});
    expect(p + n.vProj, {nkv, H});
    expect(p + n.oProj, {H, nq});
    if (cfg.oProjBias) {
        parts[OBias] = {{p + n.oBias}};
        expect(p + n.oBias, {H});
    }
    if (cfg.attentionSinks) {
        parts[Sinks] = {{p + n.sinks}};
        expect(p + n.sinks, shapeOf(Sinks), true);
    }
    if (cfg.attentionBias) {
        parts[QkvBias] = {{p + n.qBias, 0}, {p + n.kBias, nq}, {p + n.vBias, nq + nkv}};
        expect(p + n.qBias, {nq});
        expect(p + n.kBias, {nkv});
        expect(p + n.vBias, {nkv});
    }
    if (cfg.qkNorm != QkNorm::None) {
        parts[QNorm] = {{p + n.qNorm}};
        parts[KNorm] = {{p + n.kNorm}};
        expect(p + n.qNorm, shapeOf(QNorm));
        expect(p + n.kNorm, shapeOf(KNorm));
    }
}

// The router (and its bias), the routed experts (one tensor each or transformers 5's
// fused layout) and the shared expert.
void MixtralRuntime::Impl::buildMoeRecipe(const std::string& p, Recipe& r)
{
    const WeightNames& n = familyNamed(cfg.family).names;
    const int64_t H = cfg.hiddenSize, I = cfg.intermediateSize;
    auto& parts = r.parts;
    r.moe = true;
    if (cfg.routerLinearBias) {
        r.gateBias = {{p + n.routerLinearBias}};
        expect(p + n.routerLinearBias, {cfg.numExperts}, true);
    }
    if (n.fusedInputMajor) {
        buildInputMajorExperts(p, r);
        return;
    }
    const bool fused = files.has(p + n.fusedGateUp) || (n.router != n.fusedRouter && files.has(p + n.fusedRouter));
    if (fused) { // transformers 5 fused layout
        r.gate = {{p + n.fusedRouter}};
        parts[W13] = {{p + n.fusedGateUp}};
        parts[W2] = {{p + n.fusedDown}};
        expect(p + n.fusedRouter, gateShape());
        expect(p + n.fusedGateUp, shapeOf(W13));
        expect(p + n.fusedDown, shapeOf(W2));
    } else {
        r.gate = {{p + n.router}};
        expect(p + n.router, gateShape());
        for (int e = 0; e < cfg.numExperts; ++e) {
            const std::string x = p + n.expertPrefix + std::to_string(e) + ".";
            parts[W13].push_back({x + n.expertGate, 0, e});
            parts[W13].push_back({x + n.expertUp, I, e});
            parts[W2].push_back({x + n.expertDown, 0, e});
            expect(x + n.expertGate, {I, H});
            expect(x + n.expertUp, {I, H});
            expect(x + n.expertDown, {H, I});
        }
    }
    if (cfg.routerBias) {
        r.routerBias = {{p + n.routerBias}};
        expect(p + n.routerBias, {cfg.numExperts}, true);
    }
    if (cfg.hasSharedExpert()) {
        const int64_t Is = cfg.sharedExpertIntermediateSize;
        const std::string x = p + n.sharedPrefix;
        parts[SharedW13] = {{x + "gate_proj.weight", 0}, {x + "up_proj.weight", Is}};
        parts[SharedW2] = {{x + "down_proj.weight"}};
        expect(x + "gate_proj.weight", {Is, H});
        expect(x + "up_proj.weight", {Is, H});
        expect(x + "down_proj.weight", {H, Is});
        if (cfg.sharedExpertGate) {
            parts[SharedGate] = {{p + n.sharedGate}};
            expect(p + n.sharedGate, shapeOf(SharedGate));
        }
    }
}

// gpt-oss's experts: the router, gate_up [E, H, 2I] (gate/up interleaved) and down
// [E, I, H], or their MXFP4 blocks and scales, and the two biases; converted on load to
// W13 [E, 2I, H] (gate then up) and W2 [E, H, I] (Piece's flags).
void MixtralRuntime::Impl::buildInputMajorExperts(const std::string& p, Recipe& r)
{
    const WeightNames& n = familyNamed(cfg.family).names;
    const int64_t H = cfg.hiddenSize, I = cfg.intermediateSize, E = cfg.numExperts;
    auto& parts = r.parts;
    r.gate = {{p + n.fusedRouter}};
    expect(p + n.fusedRouter, gateShape());
    Piece gateUp{p + n.fusedGateUp}, down{p + n.fusedDown};
    gateUp.deinterleave = true;
    // MXFP4 as config.json says, unless the float tensors are there (a dequantized save).
    const bool packed = cfg.expertQuant == "mxfp4" ? !files.has(gateUp.name) : files.has(gateUp.name + "_blocks");
    if (packed) {
        gateUp.mxfp4 = down.mxfp4 = true;
        expectMxfp4(gateUp.name, E, 2 * I, H);
        expectMxfp4(down.name, E, H, I);
    } else {
        gateUp.transposed = down.transposed = true;
        expect(gateUp.name, {E, H, 2 * I});
        expect(down.name, {E, I, H});
    }
    parts[W13] = {gateUp};
    parts[W2] = {down};
    if (cfg.expertBias) {
        Piece bias{p + n.fusedGateUpBias};
        bias.deinterleave = true;
        parts[W13Bias] = {bias};
        parts[W2Bias] = {{p + n.fusedDownBias}};
        expect(bias.name, shapeOf(W13Bias), true);
        expect(p + n.fusedDownBias, shapeOf(W2Bias), true);
    }
}

void MixtralRuntime::Impl::buildRecipes()
{
    const int64_t H = cfg.hiddenSize;
    recipes.resize(static_cast<size_t>(cfg.numLayers));
    for (int64_t l = 0; l < cfg.numLayers; ++l)
        buildLayerRecipe(l, recipes[static_cast<size_t>(l)]);
    moeLayers = cfg.moeLayers();
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
                std::stoll(num) >= cfg.numLayers + cfg.ignoredTrailingLayers)
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
        if (pc.mxfp4 || pc.transposed || pc.deinterleave) { // a whole tensor, converted
            (pc.expert >= 0 ? dst.select(0, pc.expert) : dst).copy_(readPiece(pc, scan));
            continue;
        }
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

// A piece with conversions, in the destination's layout (float32 when dequantized, else
// the file's dtype). MXFP4 weights are checked after dequantization: a scale of 255 makes
// them infinite or NaN.
at::Tensor MixtralRuntime::Impl::readPiece(const Piece& pc, bool scan)
{
    at::Tensor t;
    if (pc.mxfp4) {
        auto raw = [&](const std::string& name) {
            const auto ref = files.get(name);
            at::Tensor u = at::empty(ref.entry->shape, at::TensorOptions().dtype(at::kByte));
            ref.file->file().readInto(u.data_ptr(), ref.file->dataStart() + ref.entry->begin, ref.entry->bytes());
            return u;
        };
        // One expert at a time: the decoding's temporaries stay a fraction of the layer.
        const at::Tensor blocks = raw(pc.name + "_blocks"), scales = raw(pc.name + "_scales");
        t = at::empty({blocks.size(0), blocks.size(1), blocks.size(2) * 32}, at::TensorOptions().dtype(at::kFloat));
        for (int64_t e = 0; e < blocks.size(0); ++e)
            t[e].copy_(dequantizeMxfp4(blocks[e], scales[e]));
        if (scan && !at::isfinite(t).all().item<bool>())
            throw Error(files.get(pc.name + "_scales").file->path() + ": tensor \"" + pc.name +
                        "_scales\": a scale of 255 (not a number in E8M0) makes weights non-finite");
    } else {
        const auto ref = files.get(pc.name);
        t = at::empty(ref.entry->shape, at::TensorOptions().dtype(scalarOf(ref.entry->dtype)));
        fill(t, {{pc.name}}, scan);
        if (pc.transposed)
            t = t.transpose(-1, -2);
    }
    if (pc.deinterleave) { // axis 1 holds (gate, up) pairs: gate rows first, then up rows
        const int64_t n = t.size(1);
        t = at::cat({t.slice(1, 0, n, 2), t.slice(1, 1, n, 2)}, 1);
    }
    return t;
}

at::Tensor MixtralRuntime::Impl::loadCpu(const std::vector<Piece>& pieces, const std::vector<int64_t>& shape, bool pinned,
                   c10::optional<at::ScalarType> as)
{
    const at::ScalarType t0 = as ? *as : dt;
    at::Tensor t = pinned ? compat::emptyPinned(shape, t0) : at::empty(shape, at::TensorOptions().dtype(t0));
    fill(t, pieces);
    return t;
}

std::vector<int> MixtralRuntime::Impl::slotsOf(int64_t l) const
{
    std::vector<int> out;
    for (int s = 0; s < kSlots; ++s) {
        bool used = false;
        for (size_t i = 0; i < recipes.size() && !used; ++i)
            used = (l < 0 || size_t(l) == i) && !recipes[i].parts[size_t(s)].empty();
        if (used)
            out.push_back(s);
    }
    return out;
}

LayerWeights MixtralRuntime::Impl::allocLayer(c10::Device dev, bool pinned, int64_t l)
{
    LayerWeights w;
    for (int s : slotsOf(l))
        w[s] = pinned ? compat::emptyPinned(shapeOf(s), dt) : at::empty(shapeOf(s), at::TensorOptions().dtype(dt).device(dev));
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
    for (int s : slotsOf(int64_t(l)))
        fill(w[s], r.parts[size_t(s)], scan);
    layerScanned[l] = 1;
}

void MixtralRuntime::Impl::hintLayer(size_t l)
{
    const Recipe& r = recipes[l];
    for (int s : {Qkv, O, W13, W2, SharedW13, SharedW2, DenseW13, DenseW2, MlaA, MlaQ, MlaKvB})
        for (const auto& pc : r.parts[size_t(s)])
            for (const std::string& name : pc.mxfp4 ? std::vector<std::string>{pc.name + "_blocks", pc.name + "_scales"}
                                                    : std::vector<std::string>{pc.name}) {
                const auto ref = files.get(name);
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
        finalNorm = loadCpu({{"model.norm.weight"}}, shapeOf(InNorm)).to(lastDev);
        lmHead = cfg.tieWordEmbeddings
                     ? embed.to(lastDev)
                     : loadCpu({{"lm_head.weight"}}, {cfg.vocabSize, cfg.hiddenSize}).to(lastDev);
    }
    gates.resize(L);
    gateBias.resize(L);
    routerBias.resize(L);
    postNorm32.resize(L);
    for (size_t l = 0; l < L; ++l) {
        if (opts.residency == Residency::Streaming) {
            // Streamed layers are read later; their norms (tiny) are checked now with the
            // routers, so a damaged norm is refused at load time in every mode.
            loadCpu(recipes[l].parts[InNorm], shapeOf(InNorm));
            loadCpu(recipes[l].parts[PostNorm], shapeOf(PostNorm));
        }
        if (!recipes[l].moe)
            continue;
        // float32 for the choice; read in the compute dtype first unless mixed, as
        // transformers casts the bias with the model.
        if (!recipes[l].routerBias.empty())
            routerBias[l] = loadCpu(recipes[l].routerBias, {cfg.numExperts}, false, mixed() ? at::kFloat : dt)
                                .to(at::kFloat)
                                .to(layerDev[l]);
        if (!recipes[l].gateBias.empty()) // with the router, in its dtype
            gateBias[l] = loadCpu(recipes[l].gateBias, {cfg.numExperts}, false, mixed() ? at::kFloat : dt)
                              .to(layerDev[l]);
        if (mixed()) {
            gates[l] = loadCpu(recipes[l].gate, gateShape(), false, at::kFloat).to(layerDev[l]);
            postNorm32[l] = loadCpu(recipes[l].parts[PostNorm], shapeOf(PostNorm), false, at::kFloat).to(layerDev[l]);
        } else {
            gates[l] = loadCpu(recipes[l].gate, gateShape()).to(layerDev[l]);
        }
    }

    if (opts.residency == Residency::Streaming) {
        const bool cache = useHostCache(dev);
        for (int i = 0; i < 2; ++i) {
            devBuf[i] = allocLayer(dev, false, -1);
            if (dev.is_cuda() && !cache)
                hostBuf[i] = allocLayer(c10::Device(c10::kCPU), true, -1);
        }
        if (cache) {
            hostCache.resize(L);
            for (size_t l = 0; l < L; ++l) {
                hostCache[l] = allocLayer(c10::Device(c10::kCPU), dev.is_cuda(), int64_t(l));
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
        LayerWeights cpu = allocLayer(c10::Device(c10::kCPU), false, int64_t(l));
        fillLayer(cpu, l);
        if (layerDev[l].is_cpu()) {
            layers[l] = cpu;
        } else {
            for (int s : slotsOf(int64_t(l)))
                layers[l][s] = cpu[s].to(layerDev[l]);
        }
        progress(int64_t(l + 1), int64_t(L));
    }
}

} // namespace specmoe
