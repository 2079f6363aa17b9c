#pragma once
// The basis of a trace's hidden-state features (issue 19; docs/trace-format.md "Features").
// Per stored layer l a token's features are a fixed linear map of that layer's router input
// hr_l (float32, after post_attention_layernorm): f_l = P_l (hr_l - mu_l), F floats. The
// kinds of a feature spec differ only in how the rows of P_l are built:
//   gate_logits:D  the gates of layers l+1..l+D (D*E rows; zero rows beyond the last layer)
//   pca:R          R principal directions of hr_l on the first collected tokens
//   routers        the rows of every router (L*E rows)
//   full           the identity (hidden rows): the router input itself, for studies that
//                  learn a map from the full state on a sample of tokens (F = hidden)
// joined with '+' ("gate_logits:2+pca:16"), F = the sum, rows in the spec's order. mu_l is
// the mean of hr_l over the tokens the PCA was estimated on when the spec has a pca part,
// else zero. The basis travels with the trace (a safetensors file in its folder, named and
// hashed in manifest.json) and with exported predictors, so an engine computes the same
// features from its own hidden states. No torch here (the basis is built in core/collect).
#include <cstdint>
#include <string>
#include <vector>

namespace specmoe {

// What collection uses when features are asked for without a spec ("--features default").
// Features themselves are off unless asked for (plain routing studies need none). Chosen by
// the feature study on the demo's trained model (held-out recall@2 0.913 at h = 1, 0.876 at
// h = 2, above gate_logits:2+pca:16 and within 0.3 points of the full router input); at
// Mixtral-8x7B dims it stores 2 * 32 * 56 = 3584 bytes per token, 3908 with the ids, weights
// and lookahead {1, 2} (docs/trace-format.md: the default stays at or under 4 KB).
constexpr const char* kDefaultFeatureSpec = "gate_logits:2+pca:40";
// File name of the basis inside a trace folder.
constexpr const char* kFeatureBasisFileName = "feature_basis.safetensors";

struct FeatureComponent {
    enum class Kind { GateLogits, Pca, Routers, Full };
    Kind kind = Kind::GateLogits;
    int param = 0; // D of gate_logits, R of pca; 0 for routers and full
    // Rows of P_l this part contributes for a model of `layers` layers, `experts` experts
    // and hidden size `hidden`.
    int64_t dim(int layers, int experts, int hidden) const;
    std::string text() const; // "gate_logits:2", "pca:16", "routers", "full"
};

// Parses "gate_logits:2+pca:16". Throws specmoe::Error naming the bad part and what is
// accepted (an unknown kind, a missing or non-positive parameter, a kind given twice, an
// empty spec).
std::vector<FeatureComponent> parseFeatureSpec(const std::string& spec);
// The canonical text of parsed components (joined with '+').
std::string featureSpecText(const std::vector<FeatureComponent>& parts);
// F of a spec for a model of `layers` layers, `experts` experts and hidden size `hidden`.
int64_t featureSpecDim(const std::vector<FeatureComponent>& parts, int layers, int experts, int hidden);
// Stored bytes per token (float16) of a spec at these dims: 2 * layers * F.
int64_t featureBytesPerToken(const std::vector<FeatureComponent>& parts, int layers, int experts, int hidden);
// The largest basis collection builds (4 * layers * F * hidden bytes; it is held in memory
// while collecting and copied into every trace and exported predictor): `full` at
// Mixtral-8x7B dims takes 2 GiB, `routers` at DeepSeek-V3 dims would take 27 GiB.
constexpr int64_t kMaxFeatureBasisBytes = int64_t(4) << 30;

struct FeatureBasis {
    std::string kind;             // the canonical feature spec, e.g. "gate_logits:2+pca:16"
    int layers = 0, hidden = 0, dim = 0;
    std::vector<float> projection; // [L, F, hidden] row-major: P_l is projection[l]
    std::vector<float> mean;       // [L, hidden]: mu_l

    bool empty() const { return dim == 0; }
    // What is wrong (empty: nothing): a spec that does not parse, non-positive sizes,
    // arrays of the wrong size, a value that is not finite.
    std::string problem() const;
    // f = P_l (h - mu_l) of one token: h [hidden] in, out [dim] written (a reference for
    // tests and small tools; collection computes features on the device).
    void project(int layer, const float* h, float* out) const;
};

// What a trace's manifest records about its features ("features"; empty file = none).
struct TraceFeatureInfo {
    std::string kind;   // the canonical feature spec
    int dim = 0;        // F, equal to the dims' featureDim
    std::string file;   // the basis file inside the trace folder (kFeatureBasisFileName)
    std::string sha256; // of that file, 64 lower-case hex digits
    bool empty() const { return file.empty(); }
    bool operator==(const TraceFeatureInfo& o) const
    {
        return kind == o.kind && dim == o.dim && file == o.file && sha256 == o.sha256;
    }
    bool operator!=(const TraceFeatureInfo& o) const { return !(*this == o); }
};

// Writes the basis as safetensors (tensors "projection" F32 [L, F, hidden] and "mean" F32
// [L, hidden]; metadata format "specmoe-feature-basis", kind, layers, hidden, dim), through a
// temporary file, fsync and rename. Throws specmoe::Error naming the file (an invalid basis
// included: problem()).
void writeFeatureBasis(const std::string& path, const FeatureBasis& basis);
// Reads and validates a basis file: format, shapes against the metadata, finite values.
// Throws specmoe::Error naming the file and the tensor or field at fault.
FeatureBasis readFeatureBasis(const std::string& path);

} // namespace specmoe
