#pragma once
// Reusing another collection's feature basis (collect --feature-basis): a held-out
// collection must compute its features with the training collection's basis, or a predictor
// trained on one reads different coordinates on the other (speculate refuses the mismatch).
// The basis is checked against the model before any token is routed.
#include "core/model/config.h"
#include "core/trace/feature_basis.h"

#include <string>

namespace specmoe {

// A basis read for reuse and the file it came from.
struct ReusedFeatureBasis {
    FeatureBasis basis;
    std::string file;   // absolute path of the basis file read
    std::string sha256; // of that file
};

// Reads the basis at `path`: a trace folder (its manifest's basis, hash checked), a folder
// holding kFeatureBasisFileName (an exported predictor) or a basis file. Throws
// specmoe::Error naming the path when there is none or it is invalid.
ReusedFeatureBasis readReusedFeatureBasis(const std::string& path);

// Throws specmoe::Error naming `file` when the basis does not fit a model of `layers` layers,
// `experts` experts and hidden size `hidden` (`modelDir` names the model in the message).
void checkBasisFitsModel(const FeatureBasis& basis, const std::string& file, int layers, int experts, int hidden,
                         const std::string& modelDir);

// Compares the rows of the gate_logits and routers parts of `basis` with the routers of the
// checkpoint in `modelDir` (read from its safetensors files, as float32, by the tensor names
// of `config`'s family, MoE layers only). They must agree up to the rounding of a compute
// dtype (1% of the part's largest weight); otherwise the basis was made for other routers:
// specmoe::Error naming `file`, the layer and the part.
void checkBasisRouterRows(const FeatureBasis& basis, const std::string& file, const std::string& modelDir,
                          const ModelConfig& config);

} // namespace specmoe
