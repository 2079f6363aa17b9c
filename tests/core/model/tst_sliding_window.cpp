// Sliding-window attention (config sliding_window) against a straightforward reference
// written here: the fixture's weights read through the safetensors reader, a full [T, T]
// mask, eager softmax attention and a dense MoE, all in float32 libtorch. The window follows
// transformers (masking_utils.sliding_window_overlay): query i sees key j iff
// i - window < j <= i, so a key exactly `window` positions back is masked.
#include "core/model/runtime.h"
#include "core/safetensors/safetensors.h"
#include "tests/support/test_support.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>

namespace fs = std::filesystem;
using namespace specmoe;
using namespace specmoe::test;

namespace {

const std::string kFixture = dataPath("hf-tiny-mixtral");

// The fixture with `"sliding_window": window` (0 = null) in a scratch folder.
void writeWindowedFixture(const std::string& dir, int64_t window)
{
    std::string cfg = readFile(kFixture + "/config.json");
    const std::string from = "\"sliding_window\": null";
    const size_t at = cfg.find(from);
    if (at == std::string::npos)
        throw std::runtime_error("fixture config lacks " + from);
    cfg.replace(at, from.size(), "\"sliding_window\": " + (window > 0 ? std::to_string(window) : "null"));
    writeFile(dir + "/config.json", cfg);
    fs::copy_file(kFixture + "/model.safetensors", dir + "/model.safetensors");
}

// The fixture's dimensions (tests/data/hf-tiny-mixtral/config.json), written out here
// rather than taken from the runtime's config parser.
struct Dims {
    int64_t H = 64, L = 3, nh = 4, kv = 2, E = 8, k = 2;
    double theta = 1e6, eps = 1e-5;
};

class Reference {
public:
    explicit Reference(const std::string& dir) : m_files(dir) {}

    at::Tensor w(const std::string& name) const
    {
        const CheckpointFiles::Ref r = m_files.get(name);
        if (r.entry->dtype != StDType::F32)
            throw std::runtime_error(name + " is not F32");
        at::Tensor t = at::empty(r.entry->shape, at::TensorOptions().dtype(at::kFloat));
        std::memcpy(t.data_ptr(), r.bytes(), r.entry->bytes());
        return t;
    }

    static at::Tensor rmsnorm(const at::Tensor& x, const at::Tensor& weight, double eps)
    {
        return weight * (x * at::rsqrt(x.pow(2).mean(-1, true) + eps));
    }

    static at::Tensor rotateHalf(const at::Tensor& v)
    {
        const int64_t h = v.size(-1) / 2;
        return at::cat({-v.slice(-1, h), v.slice(-1, 0, h)}, -1);
    }

    // Router logits [L, B*T, E] of every layer; window 0 = plain causal attention.
    at::Tensor routerLogits(const at::Tensor& ids, const at::Tensor& mask, int64_t window) const
    {
        const Dims d;
        const int64_t B = ids.size(0), T = ids.size(1), D = d.H / d.nh, r = d.nh / d.kv;
        at::Tensor x = w("model.embed_tokens.weight").index_select(0, ids.reshape({-1})).view({B, T, d.H});

        // Rotary tables [T, D] (transformers' default rope, half split).
        at::Tensor invFreq =
            1.0 / at::pow(d.theta, at::arange(0, D, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) / double(D));
        at::Tensor ang = at::arange(T, at::TensorOptions().dtype(at::kFloat)).unsqueeze(1) * invFreq.unsqueeze(0);
        at::Tensor emb = at::cat({ang, ang}, -1);
        at::Tensor cos = emb.cos().view({1, 1, T, D}), sin = emb.sin().view({1, 1, T, D});

        // Full [B, 1, T, T] visibility: causal, sliding window, padding on keys.
        at::Tensor i = at::arange(T, at::TensorOptions().dtype(at::kLong)).view({T, 1});
        at::Tensor j = at::arange(T, at::TensorOptions().dtype(at::kLong)).view({1, T});
        at::Tensor vis = j.le(i);
        if (window > 0)
            vis = vis.logical_and(j.gt(i - window));
        vis = vis.view({1, 1, T, T}).logical_and(mask.to(at::kBool).view({B, 1, 1, T}));

        std::vector<at::Tensor> out;
        for (int64_t l = 0; l < d.L; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            // Attention.
            at::Tensor h = rmsnorm(x, w(p + "input_layernorm.weight"), d.eps);
            at::Tensor q = at::matmul(h, w(p + "self_attn.q_proj.weight").t()).view({B, T, d.nh, D}).transpose(1, 2);
            at::Tensor kk = at::matmul(h, w(p + "self_attn.k_proj.weight").t()).view({B, T, d.kv, D}).transpose(1, 2);
            at::Tensor v = at::matmul(h, w(p + "self_attn.v_proj.weight").t()).view({B, T, d.kv, D}).transpose(1, 2);
            q = q * cos + rotateHalf(q) * sin;
            kk = kk * cos + rotateHalf(kk) * sin;
            kk = kk.repeat_interleave(r, 1); // repeat_kv: kv head g serves query heads g*r .. g*r+r-1
            v = v.repeat_interleave(r, 1);
            at::Tensor scores = at::matmul(q, kk.transpose(-2, -1)) / std::sqrt(double(D)); // [B, nh, T, T]
            scores = scores.masked_fill(vis.logical_not(), std::numeric_limits<float>::lowest());
            at::Tensor attn = at::matmul(at::softmax(scores, -1), v);                  // [B, nh, T, D]
            attn = attn.transpose(1, 2).reshape({B, T, d.nh * D});
            x = x + at::matmul(attn, w(p + "self_attn.o_proj.weight").t());

            // Sparse MoE, computed densely: every expert on every token, weighted by the
            // renormalized top-k probabilities (zero for experts not chosen).
            at::Tensor hn = rmsnorm(x, w(p + "post_attention_layernorm.weight"), d.eps).view({B * T, d.H});
            at::Tensor logits = at::matmul(hn, w(p + "block_sparse_moe.gate.weight").t()); // [N, E]
            out.push_back(logits);
            at::Tensor probs = at::softmax(logits, -1);
            auto [topW, topI] = at::topk(probs, d.k, -1);
            topW = topW / topW.sum(-1, true);
            at::Tensor gate = at::zeros_like(probs).scatter_(1, topI, topW);
            at::Tensor moe = at::zeros_like(hn);
            for (int64_t e = 0; e < d.E; ++e) {
                const std::string ep = p + "block_sparse_moe.experts." + std::to_string(e) + ".";
                at::Tensor y = at::matmul(at::silu(at::matmul(hn, w(ep + "w1.weight").t())) *
                                              at::matmul(hn, w(ep + "w3.weight").t()),
                                          w(ep + "w2.weight").t());
                moe = moe + gate.select(1, e).unsqueeze(1) * y;
            }
            x = x + moe.view({B, T, d.H});
        }
        return at::stack(out);
    }

private:
    CheckpointFiles m_files;
};

at::Tensor runtimeLogits(const std::string& dir, const at::Tensor& ids, const at::Tensor& mask,
                         const std::string& kernel = "")
{
    RuntimeOptions o;
    o.device = DeviceSpec::cpu();
    if (!kernel.empty())
        o.attention = kernel;
    MixtralRuntime rt(dir, o);
    return rt.route(ids, mask).routerLogits;
}

// Largest |a - b| over real (unpadded) positions; logits [L, B*T, E], mask [B, T].
double maxDiffOnReal(const at::Tensor& a, const at::Tensor& b, const at::Tensor& mask)
{
    at::Tensor real = mask.to(at::kBool).reshape({1, -1, 1});
    return (a - b).abs().masked_fill(real.logical_not(), 0).max().item<double>();
}

struct Batch {
    at::Tensor ids, mask;
};

// B = 2, right padded: the second row is real for its first `len2` positions.
Batch makeBatch(int64_t T, int64_t len2)
{
    at::manual_seed(7);
    Batch b;
    b.ids = at::randint(3, 320, {2, T}, at::TensorOptions().dtype(at::kLong));
    b.ids.select(1, 0).fill_(1); // BOS
    b.mask = at::ones({2, T}, at::TensorOptions().dtype(at::kLong));
    b.mask[1].slice(0, len2).fill_(0);
    b.ids[1].slice(0, len2).fill_(0);
    return b;
}

struct Case {
    const char* name;
    int64_t T, len2, window;
    std::string kernel; // RuntimeOptions::attention; empty = the default ("auto")
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class SlidingWindowCase : public ::testing::TestWithParam<Case> {};

} // namespace

TEST_P(SlidingWindowCase, MatchesReference)
{
    const Case& c = GetParam();
    TempDir dir("sliding-window");
    writeWindowedFixture(dir.path(), c.window);
    const Batch b = makeBatch(c.T, c.len2);
    const Reference ref(kFixture);

    const at::Tensor mine = runtimeLogits(dir.path(), b.ids, b.mask, c.kernel);
    const at::Tensor want = ref.routerLogits(b.ids, b.mask, c.window);
    ASSERT_EQ(mine.sizes(), want.sizes());
    const double diff = maxDiffOnReal(mine, want, b.mask);
    EXPECT_LE(diff, 1e-4);

    // The window matters: without it the logits differ on the positions it cuts off.
    const at::Tensor full = ref.routerLogits(b.ids, b.mask, 0);
    const double effect = maxDiffOnReal(want, full, b.mask);
    EXPECT_GT(effect, 1e-2);
    // A window one wider (the key at distance exactly `window` visible) is a different model.
    const double offByOne = maxDiffOnReal(mine, ref.routerLogits(b.ids, b.mask, c.window + 1), b.mask);
    EXPECT_GT(offByOne, 1e-2);
    std::printf("[T=%lld window=%lld %s] runtime vs reference %.3g; window vs none %.3g; vs window+1 %.3g\n",
                (long long)c.T, (long long)c.window, c.kernel.empty() ? "default" : c.kernel.c_str(), diff, effect,
                offByOne);
}

TEST(SlidingWindow, ReferenceMatchesFixtureWithoutWindow)
{
    // The reference itself against the runtime on the unmodified fixture (null window).
    const Batch b = makeBatch(24, 17);
    const double diff = maxDiffOnReal(runtimeLogits(kFixture, b.ids, b.mask),
                                      Reference(kFixture).routerLogits(b.ids, b.mask, 0), b.mask);
    EXPECT_LE(diff, 1e-4);
}

// T >= 128: the chunked kernel ("auto" on a CPU) attends in chunks of 64 queries, each over
// keys from t0 - window + 1: a window shorter than a chunk and one spanning chunks. "sdpa"
// builds its own [T, T] window mask for the fused kernel (or its eager fallback).
INSTANTIATE_TEST_SUITE_P(SlidingWindow, SlidingWindowCase,
                         ::testing::Values(Case{"ShortOneChunk", 16, 11, 3, ""},
                                           Case{"LongWindowInsideChunk", 160, 131, 40, ""},
                                           Case{"LongWindowSpanningChunks", 150, 100, 90, ""},
                                           Case{"ShortSdpa", 16, 11, 3, "sdpa"},
                                           Case{"LongSdpa", 160, 131, 40, "sdpa"}),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(SlidingWindow, WindowAtLeastSequenceIsPlainCausal)
{
    const Batch b = makeBatch(20, 13);
    TempDir dir("sliding-window-wide");
    writeWindowedFixture(dir.path(), 20);
    const double diff = maxDiffOnReal(runtimeLogits(dir.path(), b.ids, b.mask),
                                      runtimeLogits(kFixture, b.ids, b.mask), b.mask);
    EXPECT_LE(diff, 1e-5);
}
