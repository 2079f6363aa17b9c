// The fused GRU recurrence (issue 22): runGrus gives what torch::nn::GRU gives, outputs and
// every gradient, for one model and for several run as one recurrence.
#include "core/speculate/gru_sequence.h"
#include "core/tensor/torch_compat.h"

#include <gtest/gtest.h>
#include <torch/autograd.h>

using namespace specmoe::speculate;

namespace {

torch::nn::GRU makeGru(int in, int hidden)
{
    return torch::nn::GRU(torch::nn::GRUOptions(in, hidden).batch_first(true));
}

// Outputs of runGrus and of the modules, and the gradients of a loss that weighs every
// output differently, for the inputs and every weight.
void expectSameAsTorch(std::vector<torch::nn::GRU> grus, int B, int T, int in)
{
    std::vector<torch::Tensor> xs, ws;
    for (size_t i = 0; i < grus.size(); ++i)
        xs.push_back(torch::randn({B, T, in}).requires_grad_(true));
    const torch::Tensor weigh = torch::randn({B, T, grus[0]->options.hidden_size()});
    auto gradients = [&](const std::vector<torch::Tensor>& outs) {
        torch::Tensor loss = torch::zeros({});
        for (const torch::Tensor& o : outs)
            loss = loss + (o * weigh).sum() + o.pow(2).sum();
        std::vector<torch::Tensor> inputs = xs;
        for (auto& g : grus)
            for (const torch::Tensor& p : g->parameters())
                inputs.push_back(p);
        return torch::autograd::grad({loss}, inputs);
    };
    std::vector<torch::Tensor> fused = runGrus(grus, xs), reference;
    for (size_t i = 0; i < grus.size(); ++i)
        reference.push_back(std::get<0>(grus[i]->forward(xs[i])));
    for (size_t i = 0; i < grus.size(); ++i) {
        ASSERT_EQ(fused[i].sizes(), reference[i].sizes());
        EXPECT_LT((fused[i] - reference[i]).abs().max().item<double>(), 1e-5) << "output of GRU " << i;
    }
    const std::vector<torch::Tensor> gf = gradients(fused), gr = gradients(reference);
    ASSERT_EQ(gf.size(), gr.size());
    for (size_t i = 0; i < gf.size(); ++i) {
        const double scale = std::max(1.0, gr[i].abs().max().item<double>());
        EXPECT_LT((gf[i] - gr[i]).abs().max().item<double>() / scale, 1e-5) << "gradient " << i;
    }
}

} // namespace

TEST(GruSequence, OneGruMatchesTorch)
{
    torch::manual_seed(3);
    expectSameAsTorch({makeGru(5, 7)}, 4, 6, 5);
}

TEST(GruSequence, SeveralGrusAsOneRecurrenceMatchTorch)
{
    torch::manual_seed(4);
    // Three models as one recurrence (as the predictors' encoders).
    expectSameAsTorch({makeGru(6, 8), makeGru(6, 8), makeGru(6, 8)}, 3, 9, 6);
}

TEST(GruSequence, OneStepAndOneToken)
{
    torch::manual_seed(5);
    expectSameAsTorch({makeGru(3, 4), makeGru(3, 4)}, 1, 1, 3);
}

// A double-precision input is not fused: the module itself runs it, with the same result.
TEST(GruSequence, OtherDtypesFallBackToTheModule)
{
    torch::manual_seed(6);
    torch::nn::GRU g = makeGru(3, 4);
    g->to(torch::kDouble);
    const torch::Tensor x = torch::randn({2, 5, 3}, torch::kDouble);
    const torch::Tensor a = runGrus({g}, {x})[0], b = std::get<0>(g->forward(x));
    EXPECT_EQ(a.scalar_type(), torch::kDouble);
    EXPECT_TRUE(torch::equal(a, b));
}

// Under mixed precision a bfloat16 input (a layer's autocast output) goes through the module
// in the weights' float32 with autocast paused (on CUDA, autocast would run cuDNN's GRU in
// float16); on the fused path the input projection may run in bfloat16, the recurrence not.
TEST(GruSequence, MixedPrecisionKeepsTheRecurrenceInFloat32)
{
    torch::manual_seed(7);
    torch::nn::GRU g = makeGru(3, 4);
    const torch::Tensor x = torch::randn({2, 5, 3});
    const torch::Tensor exact = std::get<0>(g->forward(x));
    const torch::Tensor rounded = std::get<0>(g->forward(x.to(torch::kBFloat16).to(torch::kFloat)));
    const specmoe::compat::AutocastScope amp(c10::DeviceType::CPU, torch::kBFloat16);
    const torch::Tensor viaModule = runGrus({g}, {x.to(torch::kBFloat16)})[0];
    EXPECT_EQ(viaModule.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(viaModule, rounded));
    const torch::Tensor fused = runGrus({g}, {x})[0];
    EXPECT_EQ(fused.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::allclose(fused, exact, 0.0, 0.05));
}
