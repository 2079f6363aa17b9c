// The feature basis of a trace (core/trace/feature_basis.h): spec parsing and its errors, the
// bytes per token of each kind at Mixtral-8x7B dims, the safetensors file's round trip and
// validation (a wrong shape, a NaN, a foreign file: errors naming the file), SHA-256.
#include "core/safetensors/safetensors_writer.h"
#include "core/trace/feature_basis.h"
#include "core/trace/routing.h"
#include "core/trace/trace_writer.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace specmoe;
using namespace specmoe::test;

namespace {

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

FeatureBasis smallBasis()
{
    FeatureBasis b;
    b.kind = "gate_logits:1+pca:2";
    b.layers = 3;
    b.hidden = 4;
    b.dim = 2 * 1 + 2; // E = 2
    for (int i = 0; i < b.layers * b.dim * b.hidden; ++i)
        b.projection.push_back(float(i % 7) - 3.0f);
    for (int i = 0; i < b.layers * b.hidden; ++i)
        b.mean.push_back(0.25f * float(i));
    return b;
}

} // namespace

TEST(FeatureBasis, ParsesSpecs)
{
    const auto parts = parseFeatureSpec("gate_logits:2+pca:16");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].kind, FeatureComponent::Kind::GateLogits);
    EXPECT_EQ(parts[0].param, 2);
    EXPECT_EQ(parts[1].kind, FeatureComponent::Kind::Pca);
    EXPECT_EQ(parts[1].param, 16);
    EXPECT_EQ(featureSpecText(parts), "gate_logits:2+pca:16");
    EXPECT_EQ(featureSpecDim(parts, 32, 8, 4096), 2 * 8 + 16);
    EXPECT_EQ(featureSpecText(parseFeatureSpec("routers")), "routers");
    EXPECT_EQ(featureSpecDim(parseFeatureSpec("routers+pca:4"), 32, 8, 4096), 32 * 8 + 4);
    EXPECT_EQ(featureSpecText(parseFeatureSpec(kDefaultFeatureSpec)), kDefaultFeatureSpec);
    // full: the router input itself, hidden-size features.
    EXPECT_EQ(parseFeatureSpec("full")[0].kind, FeatureComponent::Kind::Full);
    EXPECT_EQ(featureSpecText(parseFeatureSpec("gate_logits:1+full")), "gate_logits:1+full");
    EXPECT_EQ(featureSpecDim(parseFeatureSpec("gate_logits:1+full"), 4, 8, 128), 8 + 128);
}

TEST(FeatureBasis, BadSpecsNameTheBadPart)
{
    const struct {
        const char* spec;
        const char* named;
    } bad[] = {{"", "empty"},
               {"pca", "\"pca\" needs a positive integer"},
               {"pca:0", "\"pca:0\" needs a positive integer"},
               {"gate_logits:x", "\"gate_logits:x\""},
               {"gate_logits:2+pcb:4", "\"pcb:4\" is not a feature kind"},
               {"pca:4+pca:8", "\"pca:8\" repeats a kind"},
               {"routers:3", "routers takes no parameter"},
               {"full:64", "full takes no parameter"},
               {"full+pca:2+full", "\"full\" repeats a kind"},
               {"pca:4+", "\"\" is not a feature kind"}};
    for (const auto& c : bad) {
        const std::string e = errorOf([&] { parseFeatureSpec(c.spec); });
        EXPECT_NE(e.find(c.named), std::string::npos) << c.spec << ": " << e;
        EXPECT_NE(e.find("accepted"), std::string::npos) << e;
    }
}

// docs/trace-format.md "Features": stored bytes per token at Mixtral-8x7B dims (L 32, E 8).
TEST(FeatureBasis, BytesPerTokenAtMixtralDims)
{
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec(kDefaultFeatureSpec), 32, 8, 4096), 3584);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("gate_logits:2+pca:16"), 32, 8, 4096), 2048);
    // The bound: the default's whole token (token id, ids, weights, lookahead {1, 2},
    // features) at or under 4 KB.
    TraceDims mixtral;
    mixtral.layers = 32;
    mixtral.experts = 8;
    mixtral.topk = 2;
    mixtral.hasWeights = true;
    mixtral.lookahead = {1, 2};
    mixtral.featureDim = int(featureSpecDim(parseFeatureSpec(kDefaultFeatureSpec), 32, 8, 4096));
    EXPECT_EQ(mixtral.featureDim, 56);
    EXPECT_EQ(payloadBytesPerToken(mixtral), 3908u);
    EXPECT_LE(payloadBytesPerToken(mixtral), 4096u);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("gate_logits:1"), 32, 8, 4096), 512);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("gate_logits:2"), 32, 8, 4096), 1024);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("pca:16"), 32, 8, 4096), 1024);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("pca:32"), 32, 8, 4096), 2048);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("routers"), 32, 8, 4096), 16384);
    EXPECT_EQ(featureBytesPerToken(parseFeatureSpec("full"), 32, 8, 4096), 262144);
}

TEST(FeatureBasis, FileRoundTripAndProjection)
{
    TempDir tmp("basis");
    const FeatureBasis b = smallBasis();
    EXPECT_EQ(b.problem(), "");
    writeFeatureBasis(tmp.file("b.safetensors"), b);
    const FeatureBasis r = readFeatureBasis(tmp.file("b.safetensors"));
    EXPECT_EQ(r.kind, b.kind);
    EXPECT_EQ(r.layers, 3);
    EXPECT_EQ(r.hidden, 4);
    EXPECT_EQ(r.dim, 4);
    EXPECT_EQ(r.projection, b.projection);
    EXPECT_EQ(r.mean, b.mean);
    // project(): P_l (h - mu_l), written out by hand for layer 1, feature 2.
    const float h[4] = {1.0f, -2.0f, 0.5f, 3.0f};
    float f[4];
    r.project(1, h, f);
    double want = 0;
    for (int i = 0; i < 4; ++i)
        want += double(b.projection[size_t((1 * 4 + 2) * 4 + i)]) * (double(h[i]) - double(b.mean[size_t(4 + i)]));
    EXPECT_FLOAT_EQ(f[2], float(want));
    // Same content, same bytes: the hash that names the basis in a manifest is stable.
    writeFeatureBasis(tmp.file("c.safetensors"), b);
    EXPECT_EQ(sha256File(tmp.file("b.safetensors")), sha256File(tmp.file("c.safetensors")));
}

TEST(FeatureBasis, InvalidBasesAreRefusedNamingTheFile)
{
    TempDir tmp("basis");
    FeatureBasis nan = smallBasis();
    nan.projection[17] = std::numeric_limits<float>::quiet_NaN();
    const std::string w = errorOf([&] { writeFeatureBasis(tmp.file("nan.safetensors"), nan); });
    EXPECT_NE(w.find("nan.safetensors"), std::string::npos) << w;
    EXPECT_NE(w.find("not finite"), std::string::npos) << w;

    // A file with the right metadata but a projection of the wrong shape.
    const FeatureBasis b = smallBasis();
    std::vector<TensorToWrite> ts{{"projection", "F32", {3, 4, 3}, b.projection.data(), 3 * 4 * 3 * 4},
                                  {"mean", "F32", {3, 4}, b.mean.data(), 12 * 4}};
    writeSafetensors(tmp.file("shape.safetensors"), ts,
                     {{"format", "specmoe-feature-basis"}, {"kind", b.kind}, {"layers", "3"}, {"hidden", "4"}, {"dim", "4"}});
    const std::string s = errorOf([&] { readFeatureBasis(tmp.file("shape.safetensors")); });
    EXPECT_NE(s.find("shape.safetensors"), std::string::npos) << s;
    EXPECT_NE(s.find("'projection' is F32 [3, 4, 3], expected F32 [3, 4, 4]"), std::string::npos) << s;

    // A NaN written behind the writer's back.
    std::vector<float> p = b.projection;
    p[5] = std::numeric_limits<float>::infinity();
    ts = {{"projection", "F32", {3, 4, 4}, p.data(), p.size() * 4}, {"mean", "F32", {3, 4}, b.mean.data(), 12 * 4}};
    writeSafetensors(tmp.file("inf.safetensors"), ts,
                     {{"format", "specmoe-feature-basis"}, {"kind", b.kind}, {"layers", "3"}, {"hidden", "4"}, {"dim", "4"}});
    const std::string i = errorOf([&] { readFeatureBasis(tmp.file("inf.safetensors")); });
    EXPECT_NE(i.find("inf.safetensors"), std::string::npos) << i;
    EXPECT_NE(i.find("projection value 5 (layer 0) is not finite"), std::string::npos) << i;

    // Another safetensors file (no format) and a file that is not safetensors at all.
    writeSafetensors(tmp.file("model.safetensors"), ts);
    const std::string m = errorOf([&] { readFeatureBasis(tmp.file("model.safetensors")); });
    EXPECT_NE(m.find("'format'"), std::string::npos) << m;
    writeFile(tmp.file("junk.safetensors"), "not a safetensors file");
    EXPECT_NE(errorOf([&] { readFeatureBasis(tmp.file("junk.safetensors")); }).find("junk.safetensors"),
              std::string::npos);
}

TEST(FeatureBasis, Sha256KnownAnswers)
{
    EXPECT_EQ(sha256Hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; // two blocks
    EXPECT_EQ(sha256Hex(two.data(), two.size()), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    std::string million(1000000, 'a');
    Sha256 h;
    for (size_t i = 0; i < million.size(); i += 997) // odd pieces cross block borders
        h.add(million.data() + i, std::min<size_t>(997, million.size() - i));
    EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
