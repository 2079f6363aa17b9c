#include "core/speculate/gru_sequence.h"

#include "core/tensor/torch_compat.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

namespace specmoe::speculate {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows (model m, token b) of one step in parallel; the loops are short, so a coarse grain.
template <class Fn>
void forRows(int64_t rows, int64_t width, const Fn& fn)
{
    const int64_t grain = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, width));
    at::parallel_for(0, rows, grain, [&](int64_t a, int64_t b) {
        for (int64_t i = a; i < b; ++i)
            fn(i);
    });
}

// Saved for backward: the gates r|z [T, M, B, 2h], n [T, M, B, h], the recurrent shares
// of the gates (h W_hh^T + b_hh) [T, M, B, 3h] and the outputs [T, M, B, h].
struct GruRecurrenceFn : torch::autograd::Function<GruRecurrenceFn> {
    static torch::Tensor forward(AutogradContext* ctx, at::TensorList gis, const torch::Tensor& whh,
                                 const torch::Tensor& bhh)
    {
        const int64_t M = whh.size(0), G = whh.size(1), h = whh.size(2);
        const int64_t T = gis[0].size(0), B = gis[0].size(1), MB = M * B;
        const auto f32 = whh.options();
        torch::Tensor rz = torch::empty({T, M, B, 2 * h}, f32), n = torch::empty({T, M, B, h}, f32);
        torch::Tensor gh = torch::empty({T, M, B, G}, f32), out = torch::empty({T, M, B, h}, f32);
        const torch::Tensor zero = torch::zeros({M, B, h}, f32);
        const torch::Tensor whhT = whh.transpose(1, 2), bias = bhh.unsqueeze(1).expand({M, B, G});
        std::vector<torch::Tensor> gi;
        std::vector<const float*> giData;
        for (const torch::Tensor& g : gis) {
            gi.push_back(g.contiguous());
            giData.push_back(gi.back().data_ptr<float>());
        }
        for (int64_t t = 0; t < T; ++t) {
            const torch::Tensor hp = t == 0 ? zero : out[t - 1];
            torch::Tensor ght = gh[t];
            ght.copy_(bias);
            ght.baddbmm_(hp, whhT);
            float* R = rz[t].data_ptr<float>();
            float* N = n[t].data_ptr<float>();
            float* O = out[t].data_ptr<float>();
            const float* GH = ght.data_ptr<float>();
            const float* HP = hp.data_ptr<float>();
            forRows(MB, G, [&](int64_t i) {
                const float* __restrict x = giData[size_t(i / B)] + (t * B + i % B) * G;
                const float* __restrict y = GH + i * G;
                float* __restrict r = R + i * 2 * h;
                for (int64_t j = 0; j < 2 * h; ++j)
                    r[j] = x[j] + y[j];
            });
            rz[t].sigmoid_();
            forRows(MB, G, [&](int64_t i) {
                const float* __restrict x = giData[size_t(i / B)] + (t * B + i % B) * G + 2 * h;
                const float* __restrict y = GH + i * G + 2 * h;
                const float* __restrict r = R + i * 2 * h;
                float* __restrict nn = N + i * h;
                for (int64_t j = 0; j < h; ++j)
                    nn[j] = x[j] + r[j] * y[j];
            });
            n[t].tanh_();
            forRows(MB, h, [&](int64_t i) {
                const float* __restrict z = R + i * 2 * h + h;
                const float* __restrict nn = N + i * h;
                const float* __restrict hp = HP + i * h;
                float* __restrict o = O + i * h;
                for (int64_t j = 0; j < h; ++j)
                    o[j] = nn[j] + z[j] * (hp[j] - nn[j]);
            });
        }
        ctx->save_for_backward({whh, rz, n, gh, out});
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const variable_list s = ctx->get_saved_variables();
        const torch::Tensor &whh = s[0], &rz = s[1], &n = s[2], &gh = s[3], &out = s[4];
        const int64_t M = whh.size(0), G = whh.size(1), h = whh.size(2);
        const int64_t T = out.size(0), B = out.size(2), MB = M * B;
        const torch::Tensor dOut = grads[0].defined() ? grads[0].contiguous() : torch::zeros_like(out);
        torch::Tensor dgi = torch::empty({M, T, B, G}, whh.options()); // d(gates' input share), per model
        torch::Tensor dgh = torch::empty({M, B, G}, whh.options());    // d(gates' recurrent share), one step
        torch::Tensor dh = torch::zeros({M, B, h}, whh.options());
        torch::Tensor dwhh = torch::zeros({M, G, h}, whh.options()), dbhh = torch::zeros({M, G}, whh.options());
        float* DH = dh.data_ptr<float>();
        float* DGH = dgh.data_ptr<float>();
        float* DGI = dgi.data_ptr<float>();
        for (int64_t t = T - 1; t >= 0; --t) {
            const float* R = rz[t].data_ptr<float>();
            const float* N = n[t].data_ptr<float>();
            const float* GH = gh[t].data_ptr<float>();
            const float* HP = t > 0 ? out[t - 1].data_ptr<float>() : nullptr;
            const float* DO = dOut[t].data_ptr<float>();
            forRows(MB, G, [&](int64_t i) {
                const float* __restrict r = R + i * 2 * h;
                const float* __restrict z = r + h;
                const float* __restrict nn = N + i * h;
                const float* __restrict ghn = GH + i * G + 2 * h;
                const float* __restrict dout = DO + i * h;
                float* __restrict dhi = DH + i * h;
                float* __restrict gi = DGI + ((i / B) * T * B + t * B + i % B) * G;
                float* __restrict g = DGH + i * G;
                for (int64_t j = 0; j < h; ++j) {
                    const float d = dhi[j] + dout[j], hp = HP ? HP[i * h + j] : 0.0f;
                    const float dan = d * (1.0f - z[j]) * (1.0f - nn[j] * nn[j]); // through n = tanh(a_n)
                    const float dar = dan * ghn[j] * r[j] * (1.0f - r[j]);
                    const float daz = d * (hp - nn[j]) * z[j] * (1.0f - z[j]);
                    gi[j] = g[j] = dar;
                    gi[h + j] = g[h + j] = daz;
                    gi[2 * h + j] = dan;
                    g[2 * h + j] = dan * r[j];
                    dhi[j] = d * z[j]; // the direct path h' = ... + z h
                }
            });
            dh.baddbmm_(dgh, whh); // and through the recurrent GEMM
            if (t > 0) // dW[m] += dgh[m]^T h_{t-1}[m]
                dwhh.baddbmm_(dgh.transpose(1, 2), out[t - 1]);
            dbhh.add_(dgh.sum(1));
        }
        variable_list r;
        for (int64_t m = 0; m < M; ++m)
            r.push_back(dgi[m]);
        r.push_back(dwhh);
        r.push_back(dbhh);
        return r;
    }
};

bool fusable(const torch::nn::GRU& g, const torch::Tensor& x)
{
    const auto& o = g->options;
    return x.device().is_cpu() && x.scalar_type() == torch::kFloat && o.num_layers() == 1 && o.bias() &&
           !o.bidirectional() && o.batch_first() && x.dim() == 3;
}

} // namespace

torch::Tensor gruRecurrence(const torch::Tensor& gi, const torch::Tensor& whh, const torch::Tensor& bhh)
{
    std::vector<torch::Tensor> gis;
    for (int64_t m = 0; m < gi.size(0); ++m)
        gis.push_back(gi[m]);
    return GruRecurrenceFn::apply(at::TensorList(gis), whh, bhh).permute({1, 0, 2, 3});
}

std::vector<torch::Tensor> runGrus(std::vector<torch::nn::GRU> grus, const std::vector<torch::Tensor>& inputs)
{
    bool fuse = !grus.empty();
    for (size_t i = 0; i < grus.size() && fuse; ++i)
        fuse = fusable(grus[i], inputs[i]) && inputs[i].size(0) == inputs[0].size(0) &&
               inputs[i].size(1) == inputs[0].size(1) &&
               grus[i]->options.hidden_size() == grus[0]->options.hidden_size();
    std::vector<torch::Tensor> outs;
    if (!fuse) {
        // In the weights' dtype under mixed precision too: CUDA's autocast runs cuDNN's GRU
        // in float16 whatever its dtype, and without a loss scale small gradients underflow.
        const compat::AutocastPause full;
        for (size_t i = 0; i < grus.size(); ++i) {
            const at::ScalarType wt = grus[i]->all_weights().front().scalar_type();
            outs.push_back(std::get<0>(grus[i]->forward(inputs[i].to(wt))));
        }
        return outs;
    }
    // all_weights(): weight_ih, weight_hh, bias_ih, bias_hh of the one layer.
    std::vector<torch::Tensor> gis, whh, bhh;
    for (size_t i = 0; i < grus.size(); ++i) {
        const std::vector<torch::Tensor> w = grus[i]->all_weights();
        // [T, B, 3h]; float32 also under mixed precision (the recurrence's loops read floats).
        gis.push_back(torch::linear(inputs[i].transpose(0, 1), w[0], w[2]).to(torch::kFloat));
        whh.push_back(w[1]);
        bhh.push_back(w[3]);
    }
    const torch::Tensor all = GruRecurrenceFn::apply(at::TensorList(gis), torch::stack(whh), torch::stack(bhh));
    for (size_t i = 0; i < grus.size(); ++i)
        outs.push_back(all.select(1, int64_t(i)).transpose(0, 1)); // [B, T, h]
    return outs;
}

} // namespace specmoe::speculate
